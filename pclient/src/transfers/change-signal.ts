// Lets idle loops sleep until something changed, or until a while has passed: the fetch loops of a
// multi-source download wait on it for a piece to arrive or be handed on, or a holder to be dropped,
// and wake on their own in time to see whether the piece the user waits for has become late.

export interface ChangeSignal {
  /** Wakes everything waiting. */
  notify: () => void
  /** Resolves at the next change, or after `ms`. */
  wait: (ms: number) => Promise<void>
}

export function createChangeSignal (): ChangeSignal {
  let wake: (() => void) | null = null
  return {
    notify () {
      const waiting = wake
      wake = null
      waiting?.()
    },
    async wait (ms) {
      let timer: NodeJS.Timeout | undefined
      await new Promise<void>((resolve) => {
        const before = wake
        wake = () => { before?.(); resolve() }
        timer = setTimeout(resolve, ms)
      })
      clearTimeout(timer)
    }
  }
}
