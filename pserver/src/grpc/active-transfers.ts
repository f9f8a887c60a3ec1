// Counts the transfers in progress (Download and Upload calls served, copies fetched for the central;
// reported as activeTransfers in Stat and heartbeats), tells a draining peer when the last one ended,
// and lets a shutdown cancel them all, so uploads in progress remove their temporary files.
import { PeerError } from '../errors.js'

export interface ActiveTransfers {
  /** Registers a running transfer; call the returned function when it ends, however it ends. */
  begin: (cancel: (reason: PeerError) => void) => () => void
  count: () => number
  /** Resolves once no transfer is running (at once when none is). */
  whenIdle: () => Promise<void>
  cancelAll: () => void
}

export function createActiveTransfers (): ActiveTransfers {
  const running = new Set<(reason: PeerError) => void>()
  let idleWaiters: Array<() => void> = []
  const wakeIfIdle = (): void => {
    if (running.size > 0) return
    const waiters = idleWaiters
    idleWaiters = []
    for (const wake of waiters) wake()
  }
  return {
    begin (cancel) {
      const entry = (reason: PeerError): void => { cancel(reason) }
      running.add(entry)
      return () => {
        if (running.delete(entry)) wakeIfIdle()
      }
    },
    count: () => running.size,
    async whenIdle () {
      if (running.size === 0) return
      await new Promise<void>((resolve) => { idleWaiters.push(resolve) })
    },
    cancelAll () {
      const reason = new PeerError('PEER_CANCELLED', 'the peer is shutting down')
      for (const cancel of [...running]) cancel(reason)
    }
  }
}
