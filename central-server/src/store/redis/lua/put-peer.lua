-- putPeer: ARGV[2] = peerId, [3] = how many fields the record's pairs take, then those pairs, then how
-- many files, then each file's name and holding, then name/lower-cased-name pairs for the names that
-- lower-casing changes. Replaces the peer's record and file set, drops its reservations for the names it
-- now holds (uploads still under way keep theirs), records in the catalog each name it does not know,
-- and moves each name's copies by what changed. A registration may carry 100,000 files and Redis runs
-- nothing else meanwhile, so a file costs a few commands: copies move by difference, never recounted.
local peerId = ARGV[2]
local filesAt = 4 + tonumber(ARGV[3])
local record = argsFrom(4, filesAt - 1)
local filesEnd = filesAt + 2 * tonumber(ARGV[filesAt])
local folded = fieldsOf(argsFrom(filesEnd + 1))

local filesKey = K.files(peerId)
local before = fieldsOf(redis.call('HGETALL', filesKey))
local reserved = {}
for _, name in ipairs(redis.call('HKEYS', K.reservations(peerId))) do reserved[name] = true end

-- HSET, not DEL first: the hash keeps the peer's reservedBytes and copyOrders, as its reservations stay.
redis.call('HSET', K.peer(peerId), unpack(record))
redis.call('ZADD', K.peersSeen, fieldsOf(record).lastSeenAt, peerId)
redis.call('ZADD', K.peerIds, 0, peerId)

redis.call('DEL', filesKey)
local now, batch = {}, {}
for i = filesAt + 1, filesEnd, 2 do
  local name, holding = ARGV[i], ARGV[i + 1]
  local previous = now[name] or before[name]
  now[name] = holding
  if not before[name] then redis.call('SADD', K.holders(name), peerId) end
  if reserved[name] then
    dropReservation(peerId, name)
    reserved[name] = nil
  end
  local entry = redis.call('HGET', K.catalog, name)
  if not entry then
    entry = holding
    putCatalogEntry(name, entry, folded[name] or '')
  end
  addCopies(name, copyOf(holding, entry) - copyOf(previous, entry))
  batch[#batch + 1] = name
  batch[#batch + 1] = holding
  if #batch >= 1000 then
    redis.call('HSET', filesKey, unpack(batch))
    batch = {}
  end
end
if #batch > 0 then redis.call('HSET', filesKey, unpack(batch)) end

for name, holding in pairs(before) do
  if not now[name] then
    redis.call('SREM', K.holders(name), peerId)
    addCopies(name, -copyOf(holding, redis.call('HGET', K.catalog, name)))
  end
end
refreshRoom(peerId)
return 1
