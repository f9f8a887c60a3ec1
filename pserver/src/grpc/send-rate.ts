// A cap on how fast this peer sends file bytes, shared by every Download it serves, like the uplink of
// a home connection. A token bucket: bytes are granted as the clock refills it, callers wait their
// turn in order, so concurrent downloads share the rate evenly chunk by chunk.

export interface SendRate {
  /** Resolves once `bytes` may be sent. Never rejects. */
  take: (bytes: number) => Promise<void>
  /** The cap, told to downloaders (they spread over other holders when they reach it); null: none. */
  readonly bytesPerSecond: number | null
}

/** No cap: every take resolves at once. */
export const UNLIMITED_SEND_RATE: SendRate = { take: async () => {}, bytesPerSecond: null }

/** How much may go out in one burst after idling, as a fraction of a second's worth. */
const BURST_SECONDS = 0.05

export function createSendRate (bytesPerSecond: number, now: () => number = () => performance.now()): SendRate {
  if (!(bytesPerSecond > 0)) throw new Error(`a send rate must be a positive number of bytes per second, not ${bytesPerSecond}`)
  const burst = bytesPerSecond * BURST_SECONDS
  // May go negative: a chunk larger than the burst is granted whole and paid for by the next callers.
  let available = burst
  let refilledAt = now()
  const waiting: Array<{ bytes: number, grant: () => void }> = []
  let timer: NodeJS.Timeout | null = null

  function refill (): void {
    const at = now()
    available = Math.min(burst, available + ((at - refilledAt) / 1000) * bytesPerSecond)
    refilledAt = at
  }

  function serve (): void {
    timer = null
    refill()
    while (waiting.length > 0 && available > 0) {
      const next = waiting.shift()
      if (next == null) break
      available -= next.bytes
      next.grant()
    }
    if (waiting.length > 0) {
      const waitMs = Math.max(1, Math.ceil((-available / bytesPerSecond) * 1000) + 1)
      timer = setTimeout(serve, waitMs)
    }
  }

  return {
    bytesPerSecond,
    async take (bytes) {
      if (waiting.length === 0) {
        refill()
        if (available > 0) {
          available -= bytes
          return
        }
      }
      await new Promise<void>((resolve) => {
        waiting.push({ bytes, grant: resolve })
        timer ??= setTimeout(serve, Math.max(1, Math.ceil((-available / bytesPerSecond) * 1000) + 1))
      })
    }
  }
}
