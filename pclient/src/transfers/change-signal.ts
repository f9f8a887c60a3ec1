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
  // One entry per wait in progress; a wait that ends by its timeout leaves, so a long quiet spell does
  // not pile up waiters for the next change to run.
  const waiting = new Set<() => void>()
  return {
    notify () {
      const woken = [...waiting]
      waiting.clear()
      for (const wake of woken) wake()
    },
    async wait (ms) {
      let timer: NodeJS.Timeout | undefined
      let wake: (() => void) | undefined
      await new Promise<void>((resolve) => {
        wake = resolve
        waiting.add(resolve)
        timer = setTimeout(resolve, ms)
      })
      clearTimeout(timer)
      if (wake != null) waiting.delete(wake)
    }
  }
}
