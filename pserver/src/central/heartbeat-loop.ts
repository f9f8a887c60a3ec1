// The announcer's schedule, apart from what each step says to the central: register until the central
// accepts (doubling the delay between attempts up to a cap), then one heartbeat per interval the
// lease gives, until stopped. A stop wakes a sleeping loop at once.
import type { Logger } from 'pino'
import { reasonOf } from '../errors.js'

export interface Sleeper {
  sleep: (ms: number) => Promise<void>
  /** Ends the sleep under way, if any, now. */
  wake: () => void
}

export function createSleeper (): Sleeper {
  let wake: (() => void) | null = null
  return {
    async sleep (ms) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms)
        wake = () => { clearTimeout(timer); resolve() }
      })
      wake = null
    },
    wake: () => { wake?.() }
  }
}

export interface HeartbeatSchedule {
  /** Registers with everything this peer holds; resolves with the lease's heartbeat interval. */
  register: () => Promise<number>
  /** One heartbeat (or registration); never rejects; resolves with the interval to wait before the next one. */
  tick: (intervalMs: number) => Promise<number>
  /** Called once, when the first registration succeeded. */
  onRegistered: () => void
  isStopped: () => boolean
  sleep: Sleeper['sleep']
  /** First delay between registration attempts; doubles up to maxRetryMs. */
  retryMs: number
  maxRetryMs: number
  logger: Pick<Logger, 'warn'>
}

/** Runs until isStopped() turns true (checked after every step and every sleep). */
export async function runHeartbeats (schedule: HeartbeatSchedule): Promise<void> {
  const { register, tick, isStopped, sleep, logger } = schedule
  let delay = schedule.retryMs
  let intervalMs = 0
  while (!isStopped() && intervalMs === 0) {
    try {
      intervalMs = await register()
      schedule.onRegistered()
    } catch (err) {
      logger.warn({ reason: reasonOf(err), retryInMs: delay }, 'registration with the central failed; retrying')
      await sleep(delay)
      delay = Math.min(delay * 2, schedule.maxRetryMs)
    }
  }
  while (!isStopped()) {
    await sleep(intervalMs)
    if (!isStopped()) intervalMs = await tick(intervalMs)
  }
}
