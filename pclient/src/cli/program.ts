// The `p2p` command line: its commands, options and help, on commander (typed by extra-typings).
// Each action builds its context from the global options and returns the exit code.
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings'
import { parseByteSize } from '@p2p/proto/directory'
import { getCommand } from './commands/get.js'
import { listCommand } from './commands/ls.js'
import { peersCommand } from './commands/peers.js'
import { putCommand } from './commands/put.js'
import { rmCommand } from './commands/rm.js'
import { statusCommand } from './commands/status.js'
import { commandContext, DEFAULT_PEER } from './context.js'
import type { CommandContext } from './context.js'
import { EXIT_CODE_HELP } from './exit-codes.js'
import type { ExitCodeValue } from './exit-codes.js'

export interface ProgramHooks {
  signal: AbortSignal
  /** Where each action's exit code goes. */
  done: (code: ExitCodeValue) => void
}

const OUTPUT_HELP = `
Output: progress bars on a terminal; off a terminal, one plain line per finished transfer; --json prints
one JSON object per line (per file, peer or transfer) with the fields the peer's routes answer; --quiet
prints errors only. Errors go to stderr.`

/** --limit-rate's value: bytes a second, plain or with a unit (500K, 2MiB, 1MB). */
function parseRate (text: string): number {
  const bytes = parseByteSize(text)
  if (bytes == null || bytes < 1) throw new InvalidArgumentError('give bytes a second, like 500KiB or 2MiB')
  return bytes
}

const limitRateOption = (): Option<'--limit-rate <rate>', undefined, undefined, number> =>
  new Option('--limit-rate <rate>', 'at most this many bytes a second (500KiB, 2MiB)').argParser(parseRate)

export function buildProgram ({ signal, done }: ProgramHooks): Command {
  const program = new Command()
    .name('p2p')
    .description('Share files on a p2p network from the command line, through a peer\'s web client (the same routes its page uses).')
    .addOption(new Option('--peer <url>', 'the peer\'s web client').env('P2P_PEER').default(DEFAULT_PEER))
    .addOption(new Option('--json', 'print JSON, one object per line').conflicts('quiet'))
    .option('-q, --quiet', 'print errors only')
    .showHelpAfterError('(run p2p --help for usage)')
    .addHelpText('after', `${OUTPUT_HELP}\n\n${EXIT_CODE_HELP}`)
    .exitOverride()

  const context = (command: { optsWithGlobals: () => unknown }): CommandContext =>
    commandContext(command.optsWithGlobals() as Parameters<typeof commandContext>[0], signal)
  const command = (name: string, description: string): Command =>
    program.command(name).description(description).addHelpText('after', `\n${EXIT_CODE_HELP}`).exitOverride()

  command('ls', 'list the network\'s files: size, copies and when added (newest first)')
    .argument('[filter]', 'only names that contain every word of it, in any case')
    .option('-l, --long', 'also the SHA-256 and the peers that hold each file')
    .addOption(new Option('--sort <key>', 'sort by').choices(['name', 'size', 'date'] as const))
    .addOption(new Option('--order <order>', 'ascending or descending').choices(['asc', 'desc'] as const))
    .action(async (filter, options, self) => { done(await listCommand(context(self), filter, options)) })

  command('get', 'download files into the current folder (NAME.part until complete and verified)')
    .argument('<name...>', 'the files\' names on the network')
    .option('-o, --output <path>', 'a folder to download into, or (one file) the file to write')
    .option('-c, --continue', 'resume NAME.part where an earlier download stopped')
    .option('-f, --force', 'overwrite a file that exists')
    .addOption(limitRateOption())
    .action(async (names, options, self) => { done(await getCommand(context(self), names, options)) })

  command('put', 'upload files: checked first, streamed, stored on the peer the network picks')
    .argument('<file...>', 'the local files')
    .option('--as <name>', 'the name on the network (one file only; default: the file\'s own name)')
    .addOption(limitRateOption())
    .action(async (files, options, self) => { done(await putCommand(context(self), files, options)) })

  command('peers', 'the live peers, their space and their load')
    .action(async (_options, self) => { done(await peersCommand(context(self))) })

  command('status', 'the central\'s health, the replication factor, and files short of copies or lost')
    .action(async (_options, self) => { done(await statusCommand(context(self))) })

  command('rm', 'delete a file from the network (with its delete token)')
    .argument('<name>', 'the file\'s name on the network')
    .addOption(new Option('--token <token>', 'the delete token `p2p put` printed, or the operator\'s token (default: the one put kept)').env('P2P_DELETE_TOKEN'))
    .action(async (name, options, self) => { done(await rmCommand(context(self), name, options)) })

  return program
}
