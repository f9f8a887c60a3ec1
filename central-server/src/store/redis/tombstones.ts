// The Redis store's deleted files: tombstones (tombstones, tombstone-expiry) and each peer's delete
// orders (deletes:<peerId>). A delete is one script that takes the name out of the catalog in the same
// step, so no listing, locate or copy order sees it afterwards, whichever replica answers.
import type { DeleteOrderRecord, TombstoneRecord, TombstoneStore } from '../directory-store.js'
import type { RedisStoreContext } from './context.js'
import { numberArg } from './records.js'

/** A tombstone's line: `sha256 deletedAt expiresAt`. */
function encodeTombstone ({ sha256, deletedAt, expiresAt }: TombstoneRecord): string {
  return `${sha256} ${numberArg(deletedAt)} ${numberArg(expiresAt)}`
}

function decodeTombstone (name: string, line: string): TombstoneRecord {
  const [sha256 = '', deletedAt = '0', expiresAt = '0'] = line.split(' ')
  return { name, sha256, deletedAt: Number(deletedAt), expiresAt: Number(expiresAt) }
}

export function createRedisTombstoneStore ({ client, keys }: RedisStoreContext): TombstoneStore {
  const { prefix } = keys
  return {
    async deleteFile (tombstone) {
      return await client.deleteFile(prefix, [tombstone.name, tombstone.sha256, encodeTombstone(tombstone), numberArg(tombstone.expiresAt)])
    },

    async getTombstone (name, at) {
      const line = await client.hGet(keys.tombstones, name)
      if (line == null) return null
      const tombstone = decodeTombstone(name, line)
      return tombstone.expiresAt <= at ? null : tombstone
    },

    async takeDeleteOrders (peerId, confirmed, limit) {
      const flat = await client.takeDeleteOrders(prefix, [peerId, String(limit), ...confirmed])
      const orders: DeleteOrderRecord[] = []
      for (let i = 0; i + 1 < flat.length; i += 2) orders.push({ name: flat[i] ?? '', sha256: flat[i + 1] ?? '' })
      return orders
    },

    async forgetTombstones (at) {
      return await client.forgetTombstones(prefix, [numberArg(at)])
    }
  }
}
