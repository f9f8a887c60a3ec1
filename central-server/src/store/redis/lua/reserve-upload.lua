-- reserveUpload: ARGV[2] = seenAfter, ARGV[3..] = the upload reservation's field/value pairs. Claims the
-- name and sets aside the room in one step: answers 'reserved', 'name-held', 'name-uploading' or
-- 'no-room', and changes nothing unless 'reserved'. Two replicas placing at once run one after the
-- other here, so no peer is ever promised more than its free bytes.
local seenAfter = ARGV[2]
local list = argsFrom(3)
local r = fieldsOf(list)
if heldByAnother(r.name, false, seenAfter) then return 'name-held' end
if claimedByAnother(r.name, false, r.placedAt) then return 'name-uploading' end

-- Not on a peer that is gone or that holds other bytes under that name (one content per name).
local peer = redis.call('HMGET', K.peer(r.peerId), 'lastSeenAt', 'freeBytes')
if peer[1] == false or tonumber(peer[1]) <= tonumber(seenAfter) then return 'no-room' end
if redis.call('HEXISTS', K.files(r.peerId), r.name) == 1 then return 'no-room' end

local reserved = 0
for _, name in ipairs(redis.call('ZRANGEBYSCORE', K.reserved(r.peerId), '(' .. r.placedAt, '+inf')) do
  reserved = reserved + tonumber(redis.call('HGET', K.reservation(r.peerId, name), 'size'))
end
if tonumber(peer[2]) - reserved < tonumber(r.size) then return 'no-room' end

putReservation(list)
return 'reserved'
