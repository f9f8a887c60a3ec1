// The Redis store's catalog: each peer's files in a hash of its own, each name's holders in a set (a
// locate costs O(holders)), and what each name stands for. An announce is one script, refused there
// atomically when its name belongs to another content or another upload.
import { compareStrings } from '../compare-strings.js'
import type { HoldingRecord, HoldingStore } from '../directory-store.js'
import type { RedisStoreContext } from './context.js'
import { decodeCatalogEntry, decodeHolding, encodeCatalogEntry, encodeHolding, numberArg } from './records.js'

export function createRedisHoldingStore ({ client, keys }: RedisStoreContext): HoldingStore {
  const { prefix } = keys
  return {
    async addHolding (holding, status, { seenAfter }) {
      return await client.addHolding(prefix, [
        holding.peerId,
        holding.name,
        encodeHolding(holding),
        encodeCatalogEntry({ size: holding.size, sha256: holding.sha256, addedAt: holding.announcedAt }),
        numberArg(status.freeBytes),
        numberArg(status.lastSeenAt),
        numberArg(seenAfter)
      ])
    },

    async listHoldings ({ seenAfter, name }) {
      const flat = await client.listHoldings(prefix, name == null ? [numberArg(seenAfter)] : [numberArg(seenAfter), name])
      const holdings: HoldingRecord[] = []
      for (let i = 0; i + 2 < flat.length; i += 3) holdings.push(decodeHolding(flat[i]!, flat[i + 1]!, flat[i + 2]!))
      return holdings
    },

    async recordInCatalog (entries) {
      if (entries.length === 0) return
      // No read decides anything here (HSETNX keeps a known name's content), so one MULTI is atomic enough.
      const multi = client.multi()
      for (const entry of entries) {
        multi.hSetNX(keys.catalog, entry.name, encodeCatalogEntry(entry))
        multi.zAdd(keys.catalogNames, { score: 0, value: entry.name })
      }
      await multi.exec()
    },

    async listCatalog () {
      const all = await client.hGetAll(keys.catalog)
      return Object.entries(all)
        .map(([name, json]) => decodeCatalogEntry(name, json))
        .sort((a, b) => compareStrings(a.name, b.name))
    },

    async getCatalogEntry (name) {
      const json = await client.hGet(keys.catalog, name)
      return json == null ? null : decodeCatalogEntry(name, json)
    }
  }
}
