-- reserveUpload: ARGV[2] = peerId, [3] = name, [4] = the upload reservation's line, [5] = placedAt,
-- [6] = seenAfter. Claims the name and sets aside the room in one step: answers 'reserved', 'name-held',
-- 'name-uploading' or 'no-room', and changes nothing but forgetting the reservations over unless
-- 'reserved'. Two replicas placing at once run one after the other here, so no peer is ever promised
-- more than its free bytes.
local peerId, name, value, seenAfter = ARGV[2], ARGV[3], ARGV[4], ARGV[6]
forgetExpired(ARGV[5])
if heldByAnother(name, false, seenAfter) then return 'name-held' end
if claimedByAnother(name, false) then return 'name-uploading' end

-- Not on a peer that is gone or that holds other bytes under that name (one content per name).
local peer = redis.call('HMGET', K.peer(peerId), 'lastSeenAt', 'freeBytes', 'reservedBytes')
if not peer[1] or tonumber(peer[1]) <= tonumber(seenAfter) then return 'no-room' end
if redis.call('HEXISTS', K.files(peerId), name) == 1 then return 'no-room' end
if tonumber(peer[2]) - tonumber(peer[3] or 0) < tonumber(split(value)[2]) then return 'no-room' end

putReservation(peerId, name, value)
return 'reserved'
