// The launcher's commands, read a line at a time from its standard input, a terminal or a pipe:
// `status`, `restart [what]`, `stop`, `help`. Commands run one after the other, so two restarts never
// race. The end of the input ends only the commands, never the network (`npm start </dev/null`).
import type { Readable } from 'node:stream'
import { createInterface } from 'node:readline'
import type { Supervisor } from './supervisor.js'
import { formatStatus } from './supervisor-report.js'

export const COMMANDS_HELP = `Commands (type one and press Enter):
  status                 every service: running or dead, pid, address; the peers the central lists
  restart                start again every dead service (same ports, same data folders)
  restart peer-2         every dead service of one machine (or: restart central)
  restart peer-2 pserver one service (pserver, pclient, proxy; central-server, central proxy;
                         with --centrals N: central-2, redis-server)
  stop                   stop the whole network, like Ctrl-C
  help                   this text`

export interface ConsoleComponents {
  supervisor: Pick<Supervisor, 'statuses' | 'select' | 'restart'>
  centralUrl: string
  print: (text: string) => void
  stop: () => void
}

export function readCommands (input: Readable, components: ConsoleComponents): void {
  const { supervisor, print } = components
  let queue: Promise<void> = Promise.resolve()

  const run = async (line: string): Promise<void> => {
    const [command = '', ...rest] = line.trim().split(/\s+/)
    const target = rest.join(' ')
    switch (command.toLowerCase()) {
      case '':
        return
      case 'help':
      case '?':
        print(COMMANDS_HELP)
        return
      case 'status':
        print(formatStatus(supervisor.statuses()))
        print(await centralPeers(components.centralUrl))
        return
      case 'restart': {
        const slots = supervisor.select(target)
        if (slots == null) {
          print(`There is no machine or service called '${target}'; \`status\` lists them.`)
          return
        }
        await supervisor.restart(slots)
        return
      }
      case 'stop':
      case 'quit':
      case 'exit':
        components.stop()
        return
      default:
        print(`Unknown command '${command}'; type \`help\` for the commands.`)
    }
  }

  createInterface({ input }).on('line', (line) => {
    queue = queue.then(async () => await run(line)).catch((err: unknown) => {
      print(`That command failed: ${err instanceof Error ? err.message : String(err)}`)
    })
  })
}

/** One line: the peers the central lists now (the proof that a restarted peer registered again). */
async function centralPeers (centralUrl: string): Promise<string> {
  try {
    const response = await fetch(`${centralUrl}/peers`, { signal: AbortSignal.timeout(2_000) })
    if (!response.ok) return `The central answers ${response.status} to GET /peers.`
    const { peers } = await response.json() as { peers: Array<{ peerId: string }> }
    const ids = peers.map((peer) => peer.peerId).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    return `The central lists ${ids.length} peer${ids.length === 1 ? '' : 's'}: ${ids.join(', ') || 'none'}.`
  } catch (err) {
    return `The central does not answer at ${centralUrl} (${err instanceof Error ? err.message : String(err)}).`
  }
}
