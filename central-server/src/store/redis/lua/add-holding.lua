-- addHolding: ARGV[2] = peerId, [3] = name, [4] = the holding's JSON, [5] = its catalog entry's JSON,
-- [6] = freeBytes, [7] = lastSeenAt (the announce's "now"), [8] = seenAfter. Adds one file to a known
-- peer unless its name belongs to someone else; answers 'added', 'unknown-peer', 'name-uploading' or
-- 'name-held', and changes nothing unless 'added'.
local peerId, name, at = ARGV[2], ARGV[3], ARGV[7]
if redis.call('EXISTS', K.peer(peerId)) == 0 then return 'unknown-peer' end
local holding = cjson.decode(ARGV[4])
local known = catalogEntry(name)

-- An announce under the peer's own running claim wins: the claim was given when the name was free.
local own = redis.call('HMGET', K.reservation(peerId, name), 'kind', 'expiresAt')
local ownClaim = own[1] == 'upload' and tonumber(own[2]) > tonumber(at)
if not ownClaim then
  if claimedByAnother(name, peerId, at) then return 'name-uploading' end
  if known and not sameContent(known, holding) and heldByAnother(name, peerId, ARGV[8]) then return 'name-held' end
end

redis.call('HSET', K.peer(peerId), 'freeBytes', ARGV[6], 'lastSeenAt', at)
indexPeer(peerId, at, ARGV[6])
redis.call('HSET', K.files(peerId), name, ARGV[4])
redis.call('SADD', K.holders(name), peerId)
dropReservation(peerId, name)
if not known or not sameContent(known, holding) then
  redis.call('HSET', K.catalog, name, ARGV[5])
  redis.call('ZADD', K.catalogNames, 0, name)
end
return 'added'
