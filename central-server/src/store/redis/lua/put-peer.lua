-- putPeer: ARGV[2] = peerId, ARGV[3] = how many of the next arguments are the record's field/value
-- pairs, then name/holding-JSON pairs. Replaces the peer's record and file set, and drops its
-- reservations for the names it now holds (uploads still under way keep theirs). A registration may
-- carry 100,000 files and Redis runs nothing else meanwhile, so the work per file is kept to a table
-- lookup and at most one command: the holders index changes only where the file set does.
local peerId = ARGV[2]
local recordEnd = 3 + tonumber(ARGV[3])
local record = {}
for i = 4, recordEnd do record[#record + 1] = ARGV[i] end
local peer = fieldsOf(record)

local before = {}
for _, name in ipairs(redis.call('HKEYS', K.files(peerId))) do before[name] = true end
local reserved = {}
for _, name in ipairs(redis.call('ZRANGE', K.reserved(peerId), 0, -1)) do reserved[name] = true end

local now = {}
local batch = {}
local filesKey = K.files(peerId)
redis.call('DEL', filesKey)
for i = recordEnd + 1, #ARGV, 2 do
  local name = ARGV[i]
  now[name] = true
  if not before[name] then redis.call('SADD', K.holders(name), peerId) end
  if reserved[name] then dropReservation(peerId, name) end
  batch[#batch + 1] = name
  batch[#batch + 1] = ARGV[i + 1]
  if #batch >= 1000 then
    redis.call('HSET', filesKey, unpack(batch))
    batch = {}
  end
end
if #batch > 0 then redis.call('HSET', filesKey, unpack(batch)) end
for name in pairs(before) do
  if not now[name] then redis.call('SREM', K.holders(name), peerId) end
end

redis.call('DEL', K.peer(peerId))
redis.call('HSET', K.peer(peerId), unpack(record))
indexPeer(peerId, peer.lastSeenAt, peer.freeBytes)
redis.call('ZADD', K.peerIds, 0, peerId)
return 1
