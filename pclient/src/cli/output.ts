// What `p2p` prints, in one of four modes: progress bars on a terminal (cli-progress, one bar per
// transfer on stderr); plain lines off a terminal (one per finished transfer, no control characters);
// --json (one object per line, the routes' own fields); --quiet (errors only). Errors always go to
// stderr, one sentence each.
import { MultiBar } from 'cli-progress'
import type { SingleBar } from 'cli-progress'
import { formatBytes } from '@p2p/proto/directory'
import { transferSpeed } from './speed.js'

export type OutputMode = 'bars' | 'lines' | 'json' | 'quiet'

export interface Transfer {
  /** `bytes` more arrived or left. */
  advance: (bytes: number) => void
  /** The transfer ended (its bar stays, showing where it stopped). */
  stop: () => void
}

export interface Output {
  readonly mode: OutputMode
  /** A line for people (tables, finished transfers); nothing with --json or --quiet. */
  line: (text: string) => void
  /** One object, one line, with --json only. */
  record: (value: unknown) => void
  /** A bar for one transfer of `total` bytes, `done` of them there already (a resumed download). */
  transfer: (label: string, total: number, done: number) => Transfer
  /** A note for people on stderr (not with --json or --quiet). */
  note: (text: string) => void
  /** A failure, always shown on stderr. */
  error: (text: string) => void
  /** Stops the bars so later lines do not mix with them. */
  close: () => void
}

// Control characters (C0, DEL, C1) never reach a script's output: a name cannot hold them, but a local
// path or a peer's message might.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g
export function printable (text: string): string {
  return text.replace(CONTROL, '?')
}

const BAR_FORMAT = '{label} [{bar}] {percentage}% | {moved}/{size} | {speed} | ETA {eta_formatted}'

export function chooseMode (options: { json?: boolean, quiet?: boolean }, terminal: boolean): OutputMode {
  if (options.json === true) return 'json'
  if (options.quiet === true) return 'quiet'
  return terminal ? 'bars' : 'lines'
}

export function createOutput (mode: OutputMode, streams: { out: NodeJS.WritableStream, err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }): Output {
  let bars: MultiBar | undefined
  // Lines for stdout wait while bars are drawn (both share the terminal), and follow them.
  const held: string[] = []
  const multiBar = (): MultiBar => {
    bars ??= new MultiBar({
      format: BAR_FORMAT, stream: streams.err, hideCursor: true, clearOnComplete: false, stopOnComplete: false, fps: 5, etaBuffer: 40, barsize: 24
    })
    return bars
  }
  const writeLine = (stream: NodeJS.WritableStream, text: string): void => {
    // While bars are drawn, a line goes above them instead of through them.
    if (bars != null && stream === streams.err) bars.log(`${text}\n`)
    else stream.write(`${mode === 'bars' ? text : printable(text)}\n`)
  }
  return {
    mode,
    line (text) {
      if (mode === 'bars' && bars != null) held.push(text)
      else if (mode === 'bars' || mode === 'lines') writeLine(streams.out, text)
    },
    record (value) { if (mode === 'json') streams.out.write(`${JSON.stringify(value)}\n`) },
    note (text) { if (mode === 'bars' || mode === 'lines') writeLine(streams.err, text) },
    error (text) { writeLine(streams.err, `p2p: ${printable(text)}`) },
    transfer (label, total, done) {
      if (mode !== 'bars') return { advance () {}, stop () {} }
      const speed = transferSpeed(Date.now)
      let moved = done
      const payload = (): Record<string, string> => ({ label, moved: formatBytes(moved), size: formatBytes(total), speed: `${formatBytes(speed.bytesPerSecond())}/s` })
      const bar: SingleBar = multiBar().create(Math.max(total, 1), total === 0 ? 1 : done, payload())
      return {
        advance (bytes) {
          moved += bytes
          speed.add(bytes)
          bar.update(moved, payload())
        },
        stop () { bar.update(total === 0 ? 1 : moved, payload()); bar.stop() }
      }
    },
    close () {
      bars?.stop()
      bars = undefined
      for (const text of held.splice(0)) writeLine(streams.out, text)
    }
  }
}
