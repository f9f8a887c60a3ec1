// The Redis store's peers (membership and expiry): a record hash per peer, indexed by last seen (expiry),
// by id (the peer list) and by unreserved room (placement). Each change is one script, atomic; each
// listing one script that walks its index from where the page starts.
import type { PeerRoom, PeerStore, PeerSummary } from '../directory-store.js'
import type { RedisStoreContext } from './context.js'
import { decodePeer, decodePeerRoom, decodePeerSummary, encodeHolding, encodePeer, numberArg } from './records.js'

export function createRedisPeerStore ({ client, keys }: RedisStoreContext): PeerStore {
  const { prefix } = keys
  return {
    async putPeer (peer, files) {
      const record = encodePeer(peer)
      const args = [peer.peerId, String(record.length), ...record, String(files.length)]
      // Pushed one by one: 200,000 arguments are too many to spread into a call.
      for (const file of files) args.push(file.name, encodeHolding(file))
      for (const file of files) {
        const folded = file.name.toLowerCase()
        if (folded !== file.name) args.push(file.name, folded)
      }
      await client.putPeer(prefix, args)
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

    async listPeerIdsNotSeenAfter (cutoff) {
      return await client.zRangeByScore(keys.peersSeen, '-inf', numberArg(cutoff))
    },

    async pagePeers ({ seenAfter, after, limit }) {
      const rows = await client.pagePeers(prefix, [numberArg(seenAfter), String(limit), after ?? ''])
      return rows.map(decodePeerSummary).filter((peer): peer is PeerSummary => peer != null)
    },

    async listRoomiestPeers ({ at, seenAfter, exceptHoldersOf, limit }) {
      const rows = await client.roomiestPeers(prefix, [numberArg(at), numberArg(seenAfter), exceptHoldersOf, String(limit)])
      return rows.map(decodePeerRoom).filter((found): found is PeerRoom => found != null)
    }
  }
}
