// Carries out the central's delete orders (a file deleted from the network): abandons a copy of the
// name under way, removes the name if it still refers to the deleted content (the bytes go once no other
// name refers to them), and reports the name as deleted in the next heartbeat so the central stops
// ordering it. A name that now refers to other content (shared again since) is left alone, and reported
// all the same: the order is done. A download reading the bytes when they go keeps its open file.
import type { DeleteOrder } from '@p2p/proto'
import type { Logger } from 'pino'
import { reasonOf } from '../errors.js'
import type { FileStore } from '../store/file-store.js'

export interface Deleter {
  /** Starts the orders not already under way; returns at once. */
  accept: (orders: readonly DeleteOrder[]) => void
  /** Names deleted and not yet reported, for the next heartbeat. */
  done: () => string[]
  /** The central has the report of these names. */
  reported: (names: readonly string[]) => void
}

export interface DeleterComponents {
  store: Pick<FileStore, 'remove'>
  /** Abandons the copy of `name` under way, if any. */
  abandonCopy: (name: string) => void
  logger: Pick<Logger, 'info' | 'warn'>
}

export function createDeleter ({ store, abandonCopy, logger }: DeleterComponents): Deleter {
  const running = new Set<string>()
  const finished = new Set<string>()
  return {
    accept (orders) {
      for (const { name, sha256 } of orders) {
        if (running.has(name) || finished.has(name)) continue
        running.add(name)
        abandonCopy(name)
        store.remove(name, sha256)
          .then((removed) => {
            logger.info({ file: name, sha256, removed }, removed ? 'deleted as the central ordered' : 'delete ordered: this peer no longer holds that content')
            finished.add(name)
          }, (err: unknown) => { logger.warn({ file: name, reason: reasonOf(err) }, 'could not delete a file; the central orders it again') })
          .finally(() => { running.delete(name) })
      }
    },
    done: () => [...finished],
    reported (names) {
      for (const name of names) finished.delete(name)
    }
  }
}
