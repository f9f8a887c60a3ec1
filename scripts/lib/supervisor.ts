// The launcher's policy for services that die: a local network stands for several machines, and one
// machine failing must not stop the others. A dead service is reported (which one, how it ended, its
// last log lines, how to bring it back) and everything else keeps running. It comes back on request
// (`restart(target)`), or by itself when `autoRestart` is on: after a backoff that doubles, at most
// `maxAttempts` times in a row (a service that stayed up `stableMs` starts counting afresh), so a
// service that cannot start does not spin.
import type { ServiceProcess } from './service-process.js'
import type { ServiceSlot } from './service-slot.js'
import { backNote, describeExit, formatDeath, formatStartFailure, howToBringBack } from './supervisor-report.js'

export interface RestartPolicy {
  maxAttempts: number
  firstDelayMs: number
  maxDelayMs: number
  stableMs: number
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = { maxAttempts: 5, firstDelayMs: 1_000, maxDelayMs: 16_000, stableMs: 60_000 }

/** The wait before automatic attempt `attempt` (1-based): 1 s, 2 s, 4 s... capped. */
export function restartDelayMs (attempt: number, policy: RestartPolicy): number {
  return Math.min(policy.firstDelayMs * 2 ** (attempt - 1), policy.maxDelayMs)
}

/**
 * A terminal's Ctrl-C reaches every service as well as the launcher; an exit this soon after a
 * stop began is part of the stop, so deaths are judged only after this pause.
 */
const EXIT_SETTLE_MS = 250
const REGISTER_WAIT_MS = 120_000

export type ServiceState = 'running' | 'starting' | 'dead' | 'restart planned'

export interface ServiceStatus {
  label: string
  machine: string
  state: ServiceState
  pid: number | null
  /** Its URL (HTTP services) or host:port (gRPC). */
  address: string | null
  /** Where Prometheus scrapes it (GET /metrics); null for Redis. */
  metrics: string | null
  /** How its last process ended, when it is not running. */
  lastExit: string | null
  restarts: number
}

export interface SupervisorOptions {
  services: readonly ServiceSlot[]
  autoRestart: boolean
  policy?: RestartPolicy
  launcherPid: number
  /** Reports of deaths and failed restarts. */
  warn: (text: string) => void
  /** Everything else worth a line: a service back, a restart planned. */
  info: (text: string) => void
  /** After any change of state, e.g. to rewrite the state file. */
  onChange: () => void
}

export interface Supervisor {
  statuses: () => ServiceStatus[]
  /** The services a target names: '' or 'all', a machine ('central', 'peer-2') or one service ('peer-2 pserver'). */
  select: (target: string) => ServiceSlot[] | null
  /** Starts again each dead service among `slots`, one after the other; resolves when all are up or failed. */
  restart: (slots: readonly ServiceSlot[]) => Promise<void>
  /** From now on exits are expected: nothing more is reported or restarted. */
  stop: () => void
}

interface Tracked {
  slot: ServiceSlot
  state: ServiceState
  attempts: number
  restarts: number
  upSince: number
  lastExit: string | null
  timer: NodeJS.Timeout | null
}

export function createSupervisor (options: SupervisorOptions): Supervisor {
  const policy = options.policy ?? DEFAULT_RESTART_POLICY
  const records = options.services.map((slot): Tracked => ({
    slot, state: 'running', attempts: 0, restarts: 0, upSince: Date.now(), lastExit: null, timer: null
  }))
  let stopped = false

  function watch (record: Tracked, proc: ServiceProcess): void {
    void proc.exited
      .then(async () => await new Promise((resolve) => setTimeout(resolve, EXIT_SETTLE_MS)))
      .then(() => { if (!stopped && record.slot.process === proc) died(record, proc) })
  }

  function died (record: Tracked, proc: ServiceProcess): void {
    record.state = 'dead'
    record.lastExit = describeExit(proc.child)
    if (Date.now() - record.upSince >= policy.stableMs) record.attempts = 0
    const next = whatNext(record)
    options.warn(formatDeath({ slot: record.slot, pid: proc.child.pid, exit: record.lastExit, recentLogs: proc.recentLogs(), next }))
    options.onChange()
  }

  /** Plans the next automatic attempt if there is one left, and says what happens next. */
  function whatNext (record: Tracked): string {
    const manual = howToBringBack(record.slot.label, options.launcherPid)
    if (!options.autoRestart) return manual
    if (record.attempts < policy.maxAttempts) return plan(record)
    return `Gave up restarting it by itself after ${policy.maxAttempts} attempts in a row. ${manual}`
  }

  function plan (record: Tracked): string {
    const delayMs = restartDelayMs(record.attempts + 1, policy)
    record.state = 'restart planned'
    record.timer = setTimeout(() => {
      record.timer = null
      void start(record)
    }, delayMs)
    return `Restarting it in ${delayMs / 1000} s (attempt ${record.attempts + 1} of ${policy.maxAttempts}).`
  }

  async function start (record: Tracked): Promise<void> {
    // Asked twice (a command and SIGUSR2, a command and a planned attempt): start it once.
    if (stopped || record.state === 'starting' || record.state === 'running') return
    const { slot } = record
    record.state = 'starting'
    record.attempts += 1
    options.onChange()
    let proc: ServiceProcess
    try {
      proc = await slot.start()
    } catch (err) {
      if (stopped) return
      record.state = 'dead'
      options.warn(formatStartFailure(slot, err instanceof Error ? err.message : String(err), whatNext(record)))
      options.onChange()
      return
    }
    if (stopped) return
    record.state = 'running'
    record.restarts += 1
    record.upSince = Date.now()
    watch(record, proc)
    const note = backNote(slot)
    options.info(`${slot.label} is back (pid ${proc.child.pid ?? '?'}, ${proc.url ?? proc.address ?? 'no address'}).${note === '' ? '' : ` ${note}`}`)
    options.onChange()
    if (slot.service === 'pserver') {
      proc.waitForLog((line) => line.msg === 'registered', REGISTER_WAIT_MS).then(
        () => { if (!stopped) options.info(`${slot.label} registered with the central again.`) },
        () => {} // it died or the central is away; a death has its own report
      )
    }
  }

  const select = (target: string): ServiceSlot[] | null => {
    const wanted = normalise(target)
    if (wanted === '' || wanted === 'all') return [...options.services]
    const onMachine = options.services.filter((slot) => normalise(slot.machine) === wanted)
    if (onMachine.length > 0) return onMachine
    const one = options.services.find((slot) => normalise(slot.label) === wanted)
    return one != null ? [one] : null
  }

  const restart = async (slots: readonly ServiceSlot[]): Promise<void> => {
    const chosen = records.filter((record) => slots.includes(record.slot))
    const dead = chosen.filter((record) => record.state === 'dead' || record.state === 'restart planned')
    for (const record of chosen) {
      if (!dead.includes(record) && slots.length === 1) options.info(`${record.slot.label} is ${record.state} (pid ${record.slot.process.child.pid ?? '?'}); only a dead service is restarted.`)
    }
    if (dead.length === 0 && slots.length > 1) options.info('None of those services is dead; nothing to restart.')
    for (const record of dead) {
      if (record.timer != null) clearTimeout(record.timer)
      record.timer = null
      // Asked for by a person: a fresh run of attempts.
      record.attempts = 0
      await start(record)
    }
  }

  const statuses = (): ServiceStatus[] => records.map((record) => {
    const proc = record.slot.process
    const running = record.state === 'running'
    return {
      label: record.slot.label,
      machine: record.slot.machine,
      state: record.state,
      pid: running ? proc.child.pid ?? null : null,
      address: proc.url ?? proc.address ?? null,
      metrics: proc.metricsUrl ?? null,
      lastExit: running ? null : record.lastExit,
      restarts: record.restarts
    }
  })

  const stop = (): void => {
    stopped = true
    for (const record of records) {
      if (record.timer != null) clearTimeout(record.timer)
      record.timer = null
    }
  }

  for (const record of records) watch(record, record.slot.process)
  return { statuses, select, restart, stop }
}

/** 'Peer-2  PServer', 'peer-2/pserver' and 'peer-2-pserver' all name the same service. */
function normalise (name: string): string {
  return name.trim().toLowerCase().replace(/[\s/_-]+/g, '-')
}
