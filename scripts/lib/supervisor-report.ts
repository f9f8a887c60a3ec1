// What the launcher tells its user about a service that died or came back: which service of which
// machine, how it ended, its last log lines made readable, what that means for the rest of the
// network, and how to bring it back. Pure text, so the supervisor stays about policy.
import type { ChildProcess } from 'node:child_process'
import type { ServiceSlot } from './service-slot.js'
import type { ServiceStatus } from './supervisor.js'

const SHOWN_LOG_LINES = 12
const MAX_LINE_CHARS = 300

/** 'exit code 1', 'killed by SIGKILL'. */
export function describeExit (child: Pick<ChildProcess, 'exitCode' | 'signalCode'>): string {
  if (child.signalCode != null) return `killed by ${child.signalCode}`
  return `exit code ${child.exitCode ?? '?'}`
}

/** What the rest of the network does without this service, so the user knows what still works. */
export function consequenceOf (slot: Pick<ServiceSlot, 'machine' | 'service' | 'notes'>): string {
  if (slot.notes != null) return slot.notes.whileDead
  if (slot.machine === 'central') {
    return slot.service === 'central-server'
      ? 'The peers keep running and serving each other; they register again by themselves once the central is back (it rebuilds its directory from them).'
      : 'The central is unreachable from the peers and browsers until its proxy is back; the peers keep running and register again then.'
  }
  switch (slot.service) {
    case 'pserver': return `Other peers download ${slot.machine}'s files from their other holders; the central forgets ${slot.machine} after three missed heartbeats and copies its files again.`
    case 'pclient': return `${slot.machine}'s web page answers 502 until its pclient is back; every other peer is unaffected.`
    default: return `${slot.machine}'s web page is unreachable until its proxy is back; every other peer is unaffected.`
  }
}

export interface DeathReport {
  slot: ServiceSlot
  pid: number | undefined
  exit: string
  recentLogs: string
  /** How it comes back: the automatic restart planned, or what the user can do. */
  next: string
}

export function formatDeath (report: DeathReport): string {
  const { slot } = report
  return [
    '',
    `!! ${slot.label} (${slot.machine === 'central' ? 'the central machine' : `machine ${slot.machine}`}, pid ${report.pid ?? '?'}) died: ${report.exit}.`,
    '   Every other service keeps running. ' + consequenceOf(slot),
    `   Its last log lines (all of them in ${slot.logFile}):`,
    ...indentedLogLines(report.recentLogs),
    `   ${report.next}`,
    ''
  ].join('\n')
}

/** A restart that failed: `message` is the start's error, its first line the reason, then log lines. */
export function formatStartFailure (slot: ServiceSlot, message: string, next: string): string {
  const [reason, ...logs] = message.split('\n')
  return [
    '',
    `!! ${slot.label} could not be started again: ${reason ?? ''}`,
    ...(logs.length > 0 ? [`   Its last log lines (all of them in ${slot.logFile}):`, ...indentedLogLines(logs.join('\n'))] : []),
    `   ${next}`,
    ''
  ].join('\n')
}

function indentedLogLines (recentLogs: string): string[] {
  const lines = recentLogs.split('\n').filter((line) => line.trim() !== '').slice(-SHOWN_LOG_LINES)
  return lines.length === 0 ? ['     (none)'] : lines.map((line) => `     ${readableLogLine(line)}`)
}

/** Said when a service is back, after its pid and address. */
export function backNote (slot: Pick<ServiceSlot, 'service' | 'notes'>): string {
  if (slot.notes != null) return slot.notes.whenBack
  return slot.service === 'central-server' ? 'The peers register again at their next heartbeat.' : ''
}

/** The hint for a dead service nobody is restarting on their own. */
export function howToBringBack (label: string, launcherPid: number): string {
  return `To bring it back: type \`restart ${label}\` here (\`restart\` alone restarts every dead service), ` +
    `or \`kill -USR2 ${launcherPid}\`; \`npm start -- --restart\` restarts dead services by itself.`
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' }
const PLUMBING = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'service', 'name'])

/** A pino JSON line as `12:03:04.567 WARN message {fields}`; anything else as it is. Cut to a screen line or so. */
export function readableLogLine (raw: string): string {
  let text = raw
  try {
    const line = JSON.parse(raw) as Record<string, unknown>
    if (typeof line.msg === 'string') {
      const time = typeof line.time === 'number' ? new Date(line.time).toISOString().slice(11, 23) + ' ' : ''
      const level = typeof line.level === 'number' ? `${LEVELS[line.level] ?? line.level} ` : ''
      const fields = Object.fromEntries(Object.entries(line).filter(([key]) => !PLUMBING.has(key)))
      text = `${time}${level}${line.msg}${Object.keys(fields).length > 0 ? ' ' + JSON.stringify(fields) : ''}`
    }
  } catch {
    // Not JSON (a stack trace, a message written before the logger existed): show it as it is.
  }
  return text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS - 1) + '…' : text
}

/** The `status` command's table: one service a line. */
export function formatStatus (statuses: readonly ServiceStatus[]): string {
  const rows = statuses.map((status) => [
    status.label,
    status.state,
    status.pid == null ? '-' : String(status.pid),
    status.address ?? '-',
    status.metrics == null ? '-' : `${status.metrics}/metrics`,
    [status.lastExit != null ? `last ${status.lastExit}` : '', status.restarts > 0 ? `restarted ${status.restarts}x` : ''].filter((note) => note !== '').join(', ')
  ])
  const table = [['service', 'state', 'pid', 'address', 'metrics', ''], ...rows]
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)))
  return table.map((row) => '  ' + row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n')
}
