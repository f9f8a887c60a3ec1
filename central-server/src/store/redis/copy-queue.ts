// The Redis store's copy queue: files short of copies, fewest first (copy-queue), from which each
// heartbeat takes its orders in one script, so an order is given out once however many replicas answer
// heartbeats; and the counts of /health and /replication, read from index sizes and counters.
import type { DirectoryStore } from '../directory-store.js'
import type { RedisStoreContext } from './context.js'
import { decodeFile, numberArg } from './records.js'

type CopyQueueStore = Pick<DirectoryStore, 'takeCopyOrders' | 'countDirectory'>

export function createRedisCopyQueue ({ client, keys }: RedisStoreContext): CopyQueueStore {
  const { prefix } = keys
  return {
    async takeCopyOrders (peerId, { at, seenAfter, replicationFactor, expiresAt, lookAhead }) {
      const rows = await client.takeCopyOrders(prefix, [
        peerId, numberArg(at), numberArg(seenAfter), String(replicationFactor), numberArg(expiresAt), String(lookAhead)
      ])
      return rows.map(decodeFile)
    },

    async countDirectory ({ at, seenAfter, replicationFactor }) {
      const [peers = 0, files = 0, underReplicated = 0, lost = 0, copiesOrdered = 0, uploadsPlaced = 0, holdings = 0] =
        await client.countDirectory(prefix, [numberArg(at), numberArg(seenAfter), String(replicationFactor)])
      return { peers, files, underReplicated, lost, copiesOrdered, uploadsPlaced, holdings }
    }
  }
}
