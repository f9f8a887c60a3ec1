// The Redis store's peers (membership and expiry): a record hash per peer, indexed by last-seen time so
// that the live peers and the expired ones are range queries. Each change is one script, atomic.
import { compareStrings } from '../compare-strings.js'
import type { PeerStore } from '../directory-store.js'
import type { RedisStoreContext } from './context.js'
import { decodePeer, decodePeerSummary, encodeHolding, encodePeer, numberArg } from './records.js'
import type { FlatPairs } from './records.js'

export function createRedisPeerStore ({ client, keys }: RedisStoreContext): PeerStore {
  const { prefix } = keys
  return {
    async putPeer (peer, files) {
      const record = encodePeer(peer)
      const held: FlatPairs = []
      for (const file of files) held.push(file.name, encodeHolding(file))
      await client.putPeer(prefix, [peer.peerId, String(record.length), ...record, ...held])
    },

    async updatePeer (peerId, status) {
      const updated = await client.updatePeer(prefix, [
        peerId, numberArg(status.freeBytes), numberArg(status.activeTransfers), numberArg(status.lastSeenAt)
      ])
      return updated === 1
    },

    async removePeer (peerId, options = {}) {
      const cutoff = options.notSeenAfter == null ? '' : numberArg(options.notSeenAfter)
      return (await client.removePeer(prefix, [peerId, cutoff])) === 1
    },

    async getPeer (peerId) {
      return decodePeer(await client.hGetAll(keys.peer(peerId)))
    },

    async listPeers (filter = {}) {
      const rows = await client.listPeers(prefix, [filter.seenAfter == null ? '' : numberArg(filter.seenAfter)])
      return rows
        .map(decodePeerSummary)
        .filter((peer) => peer != null)
        .sort((a, b) => compareStrings(a.peerId, b.peerId))
    },

    async listPeerIdsNotSeenAfter (cutoff) {
      return await client.zRangeByScore(keys.peersSeen, '-inf', numberArg(cutoff))
    }
  }
}
