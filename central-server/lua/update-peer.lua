-- updatePeer: ARGV[2] = peerId, then freeBytes, activeTransfers, lastSeenAt. 1 when the peer is known
-- (and updated, in its hash, peers:seen and its room), 0 when it is not (and nothing changes).
local peerId = ARGV[2]
if not isKnown(peerId) then return 0 end
redis.call('HSET', K.peer(peerId), 'freeBytes', ARGV[3], 'activeTransfers', ARGV[4], 'lastSeenAt', ARGV[5])
redis.call('ZADD', K.peersSeen, ARGV[5], peerId)
refreshRoom(peerId)
return 1
