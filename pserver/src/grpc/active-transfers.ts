// Counts the transfers in progress (Download and Upload calls served, copies fetched for the central;
// reported as activeTransfers in Stat and heartbeats) and lets a shutdown cancel them all, so uploads
// in progress remove their temporary files.
import { PeerError } from '../errors.js'

export interface ActiveTransfers {
  /** Registers a running transfer; call the returned function when it ends, however it ends. */
  begin: (cancel: (reason: PeerError) => void) => () => void
  count: () => number
  cancelAll: () => void
}

export function createActiveTransfers (): ActiveTransfers {
  const running = new Set<(reason: PeerError) => void>()
  return {
    begin (cancel) {
      const entry = (reason: PeerError): void => { cancel(reason) }
      running.add(entry)
      return () => { running.delete(entry) }
    },
    count: () => running.size,
    cancelAll () {
      const reason = new PeerError('PEER_CANCELLED', 'the peer is shutting down')
      for (const cancel of [...running]) cancel(reason)
    }
  }
}
