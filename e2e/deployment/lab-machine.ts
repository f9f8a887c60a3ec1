// One machine of the multi-machine test: the services its compose file runs, started as real
// processes in the machine's network namespace from the machine's plan (see machine-plan.ts), with
// the commands, environment and user of their Dockerfile stages (or of their image, for Redis).
import { chown, mkdir } from 'node:fs/promises'
import path from 'node:path'
import { startService } from '../../scripts/lib/service-process.js'
import type { ServiceProcess } from '../../scripts/lib/service-process.js'
import type { MachinePlan, ServicePlan } from './machine-plan.js'
import { UNPRIVILEGED_UID } from './netns-lab.js'
import type { Lab, LabHost } from './netns-lab.js'

/** Compose's default stop_grace_period: how long `docker stop` waits before SIGKILL. */
const STOP_GRACE_MS = 10_000
const HEALTHCHECK_TIMEOUT_MS = 10_000

export interface StopOutcome {
  service: string
  /** It shut down cleanly by itself (exit code 0), rather than dying of the signal or being killed. */
  graceful: boolean
}

export interface LabMachine {
  host: LabHost
  plan: MachinePlan
  service: (name: string) => ServiceProcess
  /** Starts every service, each after those it depends on, and waits until each is listening. */
  start: () => Promise<void>
  /** `docker compose stop`: SIGTERM to every service, SIGKILL after the grace period. */
  stop: () => Promise<StopOutcome[]>
  /** `docker compose start <name>` after it died: starts it again and waits until it is listening. */
  startService: (name: string) => Promise<void>
  /** Runs each service's HEALTHCHECK as Docker would (its user, its environment); throws on a failure. */
  checkHealth: () => Promise<void>
}

export async function prepareMachine (lab: Lab, host: LabHost, plan: MachinePlan, logDir: string): Promise<LabMachine> {
  for (const [, address] of plan.hosts) await lab.addLocalAddress(host, address)
  await lab.writeHosts(host, plan.hosts)
  for (const [key, value] of Object.entries(plan.sysctls)) await lab.setSysctl(host, key, value)
  for (const dir of Object.values(plan.volumeDirs)) {
    await mkdir(dir, { recursive: true })
    // As the Dockerfile does for the volume's mount point: the service's user owns it.
    await chown(dir, UNPRIVILEGED_UID, UNPRIVILEGED_UID)
  }
  await mkdir(logDir, { recursive: true })

  const running = new Map<string, ServiceProcess>()
  // The image's PATH finds `node`; here, the node running the tests.
  const pathWithNode = `${path.dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`
  const envOf = (service: ServicePlan): Record<string, string> => ({ PATH: pathWithNode, ...service.env })

  const startOne = async (service: ServicePlan): Promise<void> => {
    const { listen, readyLine } = service
    running.set(service.name, await startService({
      label: `${host.name} ${service.name}`,
      env: envOf(service),
      logFile: path.join(logDir, `${host.name}-${service.name}.log`),
      command: { argv: lab.commandIn(host, service.argv, { unprivileged: service.unprivileged }), cwd: service.cwd },
      ...(readyLine != null ? { plainText: { ready: readyLine, url: `tcp://${listen.host}:${listen.port}` } } : {})
    }))
  }

  /** In `docker compose stop`'s order: a service stops once every service that depends on it has stopped. */
  const stopAll = async (): Promise<StopOutcome[]> => {
    const procs = new Map(running)
    running.clear()
    const stops = new Map<string, Promise<void>>()
    const stopOne = async (name: string): Promise<void> => {
      let stop = stops.get(name)
      if (stop == null) {
        const dependents = plan.services.filter((service) => service.dependsOn.includes(name))
        stop = Promise.all(dependents.map(async (service) => { await stopOne(service.name) }))
          .then(async () => { await procs.get(name)?.stop('SIGTERM', STOP_GRACE_MS) })
        stops.set(name, stop)
      }
      await stop
    }
    await Promise.all([...procs.keys()].map(stopOne))
    return [...procs.entries()].map(([name, proc]) => ({ service: name, graceful: proc.child.exitCode === 0 }))
  }

  return {
    host,
    plan,
    service: (name) => {
      const proc = running.get(name)
      if (proc == null) throw new Error(`${host.name}: ${name} is not running`)
      return proc
    },
    start: async () => {
      try {
        for (const service of plan.services) await startOne(service)
      } catch (err) {
        await stopAll()
        throw err
      }
    },
    stop: stopAll,
    startService: async (name) => {
      const service = plan.services.find((candidate) => candidate.name === name)
      if (service == null) throw new Error(`${host.name}: no service ${name}`)
      const current = running.get(name)
      if (current != null && current.child.exitCode == null && current.child.signalCode == null) throw new Error(`${host.name}: ${name} is still running`)
      await startOne(service)
    },
    checkHealth: async () => {
      for (const service of plan.services) {
        if (service.healthcheck == null) continue
        const result = await lab.run(host, service.healthcheck, { env: envOf(service), cwd: service.cwd, unprivileged: service.unprivileged, timeoutMs: HEALTHCHECK_TIMEOUT_MS })
        if (result.code !== 0) throw new Error(`${host.name} ${service.name}: HEALTHCHECK failed (exit ${result.code}): ${result.stderr.trim()}`)
      }
    }
  }
}
