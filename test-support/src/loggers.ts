// Loggers for the services under test: silent unless TEST_LOG_LEVEL asks otherwise, or one that keeps
// its lines so a test can assert on a warning.
import { Writable } from 'node:stream'
import { pino } from 'pino'
import type { Logger } from 'pino'

/** Logs nothing, unless TEST_LOG_LEVEL is set (e.g. TEST_LOG_LEVEL=debug to watch a failing test). */
export const silentLogger: Logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })

/** A logger that keeps its lines, to assert on warnings. */
export function captureLogger (): { logger: Logger, lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  const sink = new Writable({
    write (chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>)
      done()
    }
  })
  return { logger: pino({ level: 'info' }, sink), lines }
}
