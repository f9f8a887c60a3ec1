// Runs the directory's sweep on a timer so expired peers leave the store, not just the answers.
import type { FastifyBaseLogger } from 'fastify'
import type { Directory } from './directory.js'

export interface ExpirySweeper {
  stop: () => void
}

export function startExpirySweeper (components: {
  directory: Pick<Directory, 'sweep'>
  intervalMs: number
  log: Pick<FastifyBaseLogger, 'error'>
}): ExpirySweeper {
  const { directory, intervalMs, log } = components
  let running = false
  const timer = setInterval(() => {
    // A slow store must not pile sweeps on top of each other.
    if (running) return
    running = true
    directory.sweep()
      .catch((err: unknown) => { log.error({ err }, 'expiry sweep failed') })
      .finally(() => { running = false })
  }, intervalMs)
  timer.unref()
  return { stop: () => { clearInterval(timer) } }
}
