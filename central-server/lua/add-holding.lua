-- addHolding: ARGV[2] = peerId, [3] = name, [4] = the holding, [5] = the lower-cased name ('' when the
-- same), [6] = freeBytes, [7] = lastSeenAt (the announce's "now"), [8] = seenAfter. Adds one file to a
-- known peer unless its name belongs to someone else; answers 'added', 'unknown-peer', 'name-uploading'
-- or 'name-held', and changes nothing but forgetting the reservations over unless 'added'; 'deleted'
-- for a deleted file coming back without the peer's own upload claim (then ordered deleted).
local peerId, name, holding, folded, at, seenAfter = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[7], ARGV[8]
forgetExpired(at)
if not isKnown(peerId) then return 'unknown-peer' end
local known = redis.call('HGET', K.catalog, name)

-- An announce under the peer's own claim wins: the claim was given when the name was free.
local own = redis.call('HGET', K.reservations(peerId), name)
local ownClaim = own and string.sub(own, 1, 7) == 'upload '
if ownClaim then
  -- The name shared again by its own upload: the tombstone has done its work.
  redis.call('HDEL', K.tombstones, name)
  redis.call('ZREM', K.tombstoneExpiry, name)
elseif isTombstoned(name, sha256Of(holding), at) then
  redis.call('HSET', K.deleteOrders(peerId), name, sha256Of(holding))
  return 'deleted'
end
if not ownClaim then
  if claimedByAnother(name, peerId) then return 'name-uploading' end
  if known and not sameContent(known, holding) and heldByAnother(name, peerId, seenAfter) then return 'name-held' end
end

-- Announcing the same content again keeps its original date (with what this announce says of its
-- piece table); new content under the name is new.
local previous = redis.call('HGET', K.files(peerId), name)
if sameContent(previous, holding) then holding = string.match(previous, '^%S+ %S+ %S+') .. ' ' .. (split(holding)[4] or '-') end
redis.call('HSET', K.peer(peerId), 'freeBytes', ARGV[6], 'lastSeenAt', at)
redis.call('ZADD', K.peersSeen, at, peerId)
if not previous then incr(K.counters, 'holdings', 1) end
redis.call('HSET', K.files(peerId), name, holding)
redis.call('SADD', K.holders(name), peerId)
dropReservation(peerId, name)
if not sameContent(known, holding) then putCatalogEntry(name, holding, folded) end
recountCopies(name)
refreshRoom(peerId)
return 'added'
