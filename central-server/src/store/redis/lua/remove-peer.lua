-- removePeer: ARGV[2] = peerId, ARGV[3] = notSeenAfter, or '' for a leave. Removes the peer with its
-- files and reservations; with a cutoff, only if it is still unseen since then, so an expiry never
-- removes a peer whose heartbeat arrived meanwhile. 1 when removed, 0 when not.
local peerId = ARGV[2]
local lastSeenAt = redis.call('HGET', K.peer(peerId), 'lastSeenAt')
if lastSeenAt == false then return 0 end
if ARGV[3] ~= '' and tonumber(lastSeenAt) > tonumber(ARGV[3]) then return 0 end

dropFiles(peerId)
for _, name in ipairs(redis.call('ZRANGE', K.reserved(peerId), 0, -1)) do dropReservation(peerId, name) end
redis.call('DEL', K.peer(peerId), K.reserved(peerId))
redis.call('ZREM', K.peersSeen, peerId)
redis.call('ZREM', K.peersFree, peerId)
redis.call('ZREM', K.peerIds, peerId)
return 1
