// One service of the local network that can be started again after it died, as the machine it stands
// for would be rebooted: same command, same environment and data folder, and the same port it got the
// first time (even one the OS picked), so the URL everybody else was given still reaches it.
import type { ServiceName, ServiceProcess } from './service-process.js'

/** The project's services, and the Redis the central replicas share. */
export type SlotService = ServiceName | 'redis-server'

/** What the launcher tells its user about this service, where the default text would be wrong. */
export interface SlotNotes {
  /** What the rest of the network does while it is dead. */
  whileDead: string
  /** Said once it is back; empty for nothing. */
  whenBack: string
}

export interface ServiceSlot {
  /** 'central-server', 'central-2', 'redis-server', 'central proxy', 'peer-2 pserver', ... */
  readonly label: string
  /** The machine it belongs to: 'central' or 'peer-N'. */
  readonly machine: string
  readonly service: SlotService
  readonly notes?: SlotNotes
  /** Where every one of its processes appends its log lines. */
  readonly logFile: string
  /** The process running now, or the last one if it died. */
  readonly process: ServiceProcess
  /** Starts a new process on the same port; the current one must have exited. */
  start: () => Promise<ServiceProcess>
}

export interface SlotOptions {
  label: string
  machine: string
  service: SlotService
  notes?: SlotNotes
  logFile: string
  env: Record<string, string>
  /** The variable that names its listening port (0: the OS picks, the first time only). */
  portVariable: 'PORT' | 'GRPC_PORT'
  launch: (env: Record<string, string>) => Promise<ServiceProcess>
}

/** Starts the first process and answers the slot that can start it again. */
export async function startSlot (options: SlotOptions): Promise<ServiceSlot> {
  let current = await options.launch(options.env)
  const port = listeningPort(current)
  // The metrics port too stays the same, so whatever scrapes it finds the service again.
  const metricsPort = current.metricsUrl == null ? null : new URL(current.metricsUrl).port
  const env = { ...options.env, [options.portVariable]: port, ...(metricsPort == null ? {} : { METRICS_PORT: metricsPort }) }
  return {
    label: options.label,
    machine: options.machine,
    service: options.service,
    ...(options.notes != null ? { notes: options.notes } : {}),
    logFile: options.logFile,
    get process () { return current },
    start: async () => {
      if (current.child.exitCode == null && current.child.signalCode == null) {
        throw new Error(`${options.label} is still running (pid ${current.child.pid ?? '?'})`)
      }
      current = await options.launch(env)
      return current
    }
  }
}

/** The port from the service's 'listening' line: a URL for HTTP services, host:port for gRPC. */
function listeningPort (proc: ServiceProcess): string {
  if (proc.url != null) return new URL(proc.url).port || '80'
  if (proc.address != null) return proc.address.slice(proc.address.lastIndexOf(':') + 1)
  throw new Error(`${proc.label} did not log the address it listens on`)
}
