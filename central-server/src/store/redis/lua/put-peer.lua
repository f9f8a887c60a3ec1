-- putPeer: ARGV[2] = peerId, ARGV[3] = how many of the next arguments are the record's field/value
-- pairs, then name/holding-JSON pairs. Replaces the peer's record and file set, and drops its
-- reservations for the names it now holds (uploads still under way keep theirs).
local peerId = ARGV[2]
local recordEnd = 3 + tonumber(ARGV[3])
local record = {}
for i = 4, recordEnd do record[#record + 1] = ARGV[i] end
local peer = fieldsOf(record)

dropFiles(peerId)
redis.call('DEL', K.peer(peerId))
redis.call('HSET', K.peer(peerId), unpack(record))
indexPeer(peerId, peer.lastSeenAt, peer.freeBytes)
redis.call('ZADD', K.peerIds, 0, peerId)
for i = recordEnd + 1, #ARGV, 2 do
  local name = ARGV[i]
  redis.call('HSET', K.files(peerId), name, ARGV[i + 1])
  redis.call('SADD', K.holders(name), peerId)
  dropReservation(peerId, name)
end
return 1
