-- putPeer: ARGV[2] = peerId, [3] = how many fields the record's pairs take, then those pairs, then how
-- many files, then each file's name and holding, then name/lower-cased-name pairs for the names that
-- lower-casing changes. Replaces the peer's record and file set, drops its reservations for the names it
-- now holds (uploads still under way keep theirs), records in the catalog each name it does not know,
-- and moves each name's copies by what changed. A registration may carry 100,000 files and Redis runs
-- nothing else meanwhile, so a file costs at most one command of its own (its holders set, where that
-- changes); the catalog and the copy counts are read and written a thousand names per command.
local peerId = ARGV[2]
local filesAt = 4 + tonumber(ARGV[3])
local record = argsFrom(4, filesAt - 1)
local filesEnd = filesAt + 2 * tonumber(ARGV[filesAt])
local folded = fieldsOf(argsFrom(filesEnd + 1))

local filesKey = K.files(peerId)
local before = fieldsOf(redis.call('HGETALL', filesKey))
local heldBefore = redis.call('HLEN', filesKey)
-- HSET, not DEL first: the hash keeps the peer's reservedBytes and copyOrders, as its reservations stay.
redis.call('HSET', K.peer(peerId), unpack(record))
redis.call('ZADD', K.peersSeen, fieldsOf(record).lastSeenAt, peerId)
redis.call('ZADD', K.peerIds, 0, peerId)

-- The new file set (a name listed twice: its last holding, and its first for the catalog). A name's
-- holders set changes only where the peer's file set does.
redis.call('DEL', filesKey)
local now, names, firsts, batch = {}, {}, {}, {}
for i = filesAt + 1, filesEnd, 2 do
  local name, holding = ARGV[i], ARGV[i + 1]
  if not now[name] then
    names[#names + 1] = name
    firsts[#names] = holding
    if not before[name] then redis.call('SADD', K.holders(name), peerId) end
  end
  now[name] = holding
  batch[#batch + 1] = name
  batch[#batch + 1] = holding
  if #batch >= 2000 then
    redis.call('HSET', filesKey, unpack(batch))
    batch = {}
  end
end
if #batch > 0 then redis.call('HSET', filesKey, unpack(batch)) end
incr(K.counters, 'holdings', #names - heldBefore)
local gone = {}
for name in pairs(before) do
  if not now[name] then
    gone[#gone + 1] = name
    redis.call('SREM', K.holders(name), peerId)
  end
end

-- Only the reservations this file set fulfils go: uploads still under way keep theirs, as the reported
-- free space may not show them yet.
for _, name in ipairs(redis.call('HKEYS', K.reservations(peerId))) do
  if now[name] then dropReservation(peerId, name) end
end

-- Copies move only for names new to the peer or whose content changed (a name it held is in the
-- catalog already), so a registration again of the same files reads no catalog entry.
local changed, firstOf = {}, {}
for n, name in ipairs(names) do
  local old = before[name]
  if not old or not sameContent(old, now[name]) then
    changed[#changed + 1] = name
    firstOf[name] = firsts[n]
  end
end
local entries = catalogEntries(changed)
local deltas, fresh, added, addedNames, addedFolded = {}, {}, {}, {}, {}
-- The tombstones of the names the catalog does not know, a thousand per command (none while nothing was deleted).
local at, tombstones, unknown = fieldsOf(record).lastSeenAt, {}, {}
for _, name in ipairs(changed) do
  if not entries[name] then unknown[#unknown + 1] = name end
end
if #unknown > 0 and redis.call('EXISTS', K.tombstones) == 1 then
  inBatches(unknown, function (batch)
    for i, line in ipairs(redis.call('HMGET', K.tombstones, unpack(batch))) do tombstones[batch[i]] = line end
  end)
end
for _, name in ipairs(changed) do
  local entry = entries[name]
  if not entry and refuses(tombstones[name], sha256Of(now[name]), at) then
    -- Held by a peer that was away when the file was deleted: recorded as held, never listed, and deleted.
    redis.call('HSET', K.deleteOrders(peerId), name, sha256Of(now[name]))
    entry = false
  elseif not entry then
    entry = firstOf[name]
    fresh[name] = true
    added[#added + 1] = name
    added[#added + 1] = entry
    addedNames[#addedNames + 1] = 0
    addedNames[#addedNames + 1] = name
    if folded[name] then
      addedFolded[#addedFolded + 1] = name
      addedFolded[#addedFolded + 1] = folded[name]
    end
  end
  deltas[name] = copyOf(now[name], entry) - copyOf(before[name], entry)
end
inBatches(added, function (list) redis.call('HSET', K.catalog, unpack(list)) end, 2000)
inBatches(addedNames, function (list) redis.call('ZADD', K.catalogNames, unpack(list)) end, 2000)
inBatches(addedFolded, function (list) redis.call('HSET', K.catalogFolded, unpack(list)) end, 2000)

local goneEntries = catalogEntries(gone)
for _, name in ipairs(gone) do deltas[name] = -copyOf(before[name], goneEntries[name]) end
addCopiesToAll(deltas, fresh)
refreshRoom(peerId)
return 1
