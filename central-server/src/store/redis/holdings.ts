// The Redis store's catalog: each peer's files in a hash of its own, each name's holders in a set (a
// locate costs O(holders)), what each name stands for, and the names in order and by copies. An
// announce is one script, refused there atomically when its name belongs to another content or another
// upload; a listing is one script that walks its index from where the page starts.
import type { HoldingStore } from '../directory-store.js'
import type { RedisStoreContext } from './context.js'
import { decodeFile, encodeHolding, numberArg } from './records.js'
import type { FileRow } from './records.js'

export function createRedisHoldingStore ({ client, keys }: RedisStoreContext): HoldingStore {
  const { prefix } = keys
  return {
    async addHolding (holding, status, { seenAfter }) {
      const folded = holding.name.toLowerCase()
      return await client.addHolding(prefix, [
        holding.peerId,
        holding.name,
        encodeHolding(holding),
        folded === holding.name ? '' : folded,
        numberArg(status.freeBytes),
        numberArg(status.lastSeenAt),
        numberArg(seenAfter)
      ])
    },

    async getFile (name, { seenAfter }) {
      const row = await client.getFile(prefix, [name, numberArg(seenAfter)])
      return row == null ? null : decodeFile(row)
    },

    async pageFiles ({ seenAfter, after, limit, words, scanLimit }) {
      const [resumeAfter, ...rows] = await client.pageFiles(prefix, [numberArg(seenAfter), String(limit), String(scanLimit), after ?? '', ...words]) as [string, ...FileRow[]]
      return { files: rows.map(decodeFile), resumeAfter: resumeAfter === '' ? null : resumeAfter }
    },

    async listFilesByCopies ({ min, max, seenAfter, limit }) {
      const rows = await client.filesByCopies(prefix, [numberArg(min), numberArg(max), String(limit), numberArg(seenAfter)])
      return rows.map(decodeFile)
    }
  }
}
