// `npm start [-- --peers N --centrals N --restart ...]`: the whole network on this machine, no
// configuration needed. Central on 127.0.0.1:8000 (one in memory, or several replicas over Redis
// behind it), peer N's web page on 127.0.0.1:800N. Each service stands for a machine
// of a real network, so one dying is reported and the others keep running (scripts/lib/supervisor.ts);
// Ctrl-C, SIGTERM or `stop` stops everything. `--help` lists the options.
import path from 'node:path'
import { startLocalNetwork } from './lib/local-network.js'
import type { LocalNetwork } from './lib/local-network.js'
import { readCommands } from './lib/launcher-console.js'
import { USAGE, UsageError, parseLauncherOptions } from './lib/launcher-options.js'
import type { LauncherOptions } from './lib/launcher-options.js'
import { STATE_FILE_NAME, createStateFile } from './lib/network-state.js'
import { redactedUrl } from './lib/redis-process.js'
import { REPO_ROOT } from './lib/service-process.js'
import { createSupervisor } from './lib/supervisor.js'

function readOptions (): LauncherOptions {
  try {
    const options = parseLauncherOptions(process.argv.slice(2))
    if (options.help) {
      process.stdout.write(USAGE + '\n')
      process.exit(0)
    }
    return options
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`${err.message}\n\n${USAGE}\n`)
    process.exit(2)
  }
}

/** Paths inside the repository as the user would type them; others as they are. */
function shown (where: string): string {
  const relative = path.relative(REPO_ROOT, where)
  return relative.startsWith('..') || path.isAbsolute(relative) ? where : relative
}

/** The central's replicas and their Redis, when there is more than the one central in memory. */
function centralLines (central: LocalNetwork['central']): string[] {
  if (central.redis == null) return []
  const where = central.redis.dataDir != null ? `data ${shown(central.redis.dataDir)}, append-only` : 'REDIS_URL'
  return [
    ...central.replicas.map((slot) => `    ${slot.label.padEnd(16)}  ${slot.process.url ?? '?'}`),
    `    ${'redis'.padEnd(16)}  ${redactedUrl(central.redis.url)}   (${where})`
  ]
}

function centralsStarting (options: LauncherOptions): string {
  if (options.store === 'memory') return 'the central'
  const redis = options.redisUrl != null ? `the Redis at ${redactedUrl(options.redisUrl)}` : `a redis-server of ${options.centrals === 1 ? 'its' : 'their'} own`
  return `${options.centrals === 1 ? 'the central' : `${options.centrals} central replicas`} over ${redis}`
}

/** Where each service serves its metrics, a machine a line: what a Prometheus of the network would scrape. */
function metricsLines (services: LocalNetwork['services']): string[] {
  const machines = new Map<string, string[]>()
  for (const slot of services) {
    const url = slot.process.metricsUrl
    if (url == null) continue
    const name = slot.label.startsWith(`${slot.machine} `) ? slot.label.slice(slot.machine.length + 1) : slot.label
    machines.set(slot.machine, [...machines.get(slot.machine) ?? [], `${name} ${url}`])
  }
  return [
    'Metrics (GET /metrics on each service\'s own port, never through a proxy; docs/monitoring.md):',
    ...[...machines].map(([machine, entries]) => `  ${machine.padEnd(8)}  ${entries.join('   ')}`)
  ]
}

function banner (network: LocalNetwork, options: LauncherOptions): string {
  return [
    '',
    'The network is up:',
    `  central directory   ${network.central.url}   (API docs: ${network.central.url}/docs)`,
    ...centralLines(network.central),
    ...network.peers.map((peer) => `  ${peer.id} web page    ${peer.url}   (gRPC ${peer.grpcAddress}, data ${shown(peer.dataDir)})`),
    '',
    ...metricsLines(network.services),
    '',
    `Logs: ${shown(path.join(options.dataRoot, 'logs'))}/   Every service's pid and address: ${shown(path.join(options.dataRoot, STATE_FILE_NAME))}`,
    options.autoRestart
      ? 'A service that dies is restarted by itself (--restart). Type `help` for the commands; Ctrl-C stops the network.'
      : 'A service that dies is reported; the others keep running. Type `help` for the commands; Ctrl-C stops the network.',
    ''
  ].join('\n')
}

async function main (): Promise<void> {
  const options = readOptions()
  process.stdout.write(`starting a local network: ${centralsStarting(options)} and ${options.peers} peer${options.peers === 1 ? '' : 's'}...\n`)
  // Ctrl-C while the services start stops those already started, rather than leaving them behind.
  const startup = new AbortController()
  const abortStartup = (): void => { startup.abort(new Error('stopped before the network was up')) }
  process.on('SIGINT', abortStartup)
  process.on('SIGTERM', abortStartup)
  const network = await startLocalNetwork({
    peers: options.peers,
    centrals: options.centrals,
    store: options.store,
    ...(options.redisUrl != null ? { redisUrl: options.redisUrl } : {}),
    dataRoot: options.dataRoot,
    ports: options.ports,
    signal: startup.signal,
    ...(options.heartbeatIntervalMs != null ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    ...(options.sendRate != null ? { sendRate: () => options.sendRate } : {})
  }).catch((err: unknown) => {
    if (!startup.signal.aborted) throw err
    process.stdout.write('stopped before the network was up\n')
    process.exit(0)
  })
  process.off('SIGINT', abortStartup)
  process.off('SIGTERM', abortStartup)

  const stateFile = createStateFile(path.join(options.dataRoot, STATE_FILE_NAME), (err) => {
    process.stderr.write(`could not write ${STATE_FILE_NAME}: ${err instanceof Error ? err.message : String(err)}\n`)
  })
  const writeState = (): void => stateFile.write({
    launcherPid: process.pid,
    central: {
      url: network.central.url,
      store: network.central.store,
      replicas: network.central.replicas.map((slot) => ({ id: slot.label, url: slot.process.url ?? '' })),
      redis: network.central.redis == null ? null : { url: redactedUrl(network.central.redis.url), dataDir: network.central.redis.dataDir }
    },
    peers: network.peers.map((peer) => ({ id: peer.id, url: peer.url, grpcAddress: peer.grpcAddress, dataDir: peer.dataDir })),
    services: supervisor.statuses(),
    updatedAt: new Date().toISOString()
  })
  const supervisor = createSupervisor({
    services: network.services,
    autoRestart: options.autoRestart,
    launcherPid: process.pid,
    warn: (text) => process.stderr.write(text + '\n'),
    info: (text) => process.stdout.write(text + '\n'),
    onChange: writeState
  })

  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    supervisor.stop()
    process.stdout.write('\nstopping the network...\n')
    void network.stop()
      .then(async () => await stateFile.remove())
      .then(() => process.exit(0), (err: unknown) => {
        process.stderr.write(`while stopping: ${err instanceof Error ? err.message : String(err)}\n`)
        process.exit(1)
      })
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  // Writing to a terminal that is gone fails; that must not cut the stop short and leave services behind.
  process.stdout.on('error', () => {})
  process.stderr.on('error', () => {})
  // The terminal went away: nobody is left to read the reports or type commands.
  process.on('SIGHUP', stop)
  // For a launcher with no input to read commands from: every dead service, now.
  process.on('SIGUSR2', () => { void supervisor.restart(network.services) })

  writeState()
  process.stdout.write(banner(network, options) + '\n')
  readCommands(process.stdin, {
    supervisor,
    centralUrl: network.central.url,
    print: (text) => process.stdout.write(text + '\n'),
    stop
  })
}

main().catch((err: unknown) => {
  process.stderr.write(`could not start the network: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
