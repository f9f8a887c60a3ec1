-- How the scripts keep the indexes true as they change the directory (what the memory store's
-- bookkeeping.ts does): every change to a holding, a reservation or a peer's free bytes goes through
-- these, which move the peer's room and the name's copies and place in the copy queue. Each costs a few
-- commands of O(log n), or O(holders) to count a name's copies again.

-- Puts the peer at minus its unreserved room in peers:room, and in peers:copy-room while it has a free copy slot.
local function refreshRoom (peerId)
  local peer = redis.call('HMGET', K.peer(peerId), 'peerId', 'freeBytes', 'reservedBytes', 'copyOrders')
  if not peer[1] then
    redis.call('ZREM', K.peersRoom, peerId)
    redis.call('ZREM', K.copyRoom, peerId)
    return
  end
  local score = tonumber(peer[3] or 0) - tonumber(peer[2])
  redis.call('ZADD', K.peersRoom, score, peerId)
  if tonumber(peer[4] or 0) < MAX_REPLICATIONS_PER_PEER then
    redis.call('ZADD', K.copyRoom, score, peerId)
  else
    redis.call('ZREM', K.copyRoom, peerId)
  end
end

-- Puts the name in the copy queue at its copies plus copies ordered while it has a copy, else takes it out.
local function queueAt (name, copies)
  if copies > 0 then
    redis.call('ZADD', K.copyQueue, copies + tonumber(redis.call('HGET', K.copiesOrdered, name) or 0), name)
  else
    redis.call('ZREM', K.copyQueue, name)
  end
end

local function refreshQueue (name)
  queueAt(name, tonumber(redis.call('ZSCORE', K.fileCopies, name) or 0))
end

-- A copy of the name's catalog content came (1) or went (-1).
local function addCopies (name, delta)
  if delta == 0 then return end
  queueAt(name, tonumber(redis.call('ZINCRBY', K.fileCopies, delta, name)))
end

-- Moves the copies of many names at once (`deltas`: name -> change), a few commands per thousand names,
-- so a registration of 100,000 files costs no more than one command per file. `fresh` names are new to
-- the catalog, so have no copies to read.
local function addCopiesToAll (deltas, fresh)
  local names = {}
  for name, delta in pairs(deltas) do
    if delta ~= 0 then names[#names + 1] = name end
  end
  local anyOrdered = redis.call('EXISTS', K.copiesOrdered) == 1
  inBatches(names, function (batch)
    local known = {}
    for _, name in ipairs(batch) do
      if not fresh[name] then known[#known + 1] = name end
    end
    local current = {}
    if #known > 0 then
      for i, score in ipairs(redis.call('ZMSCORE', K.fileCopies, unpack(known))) do current[known[i]] = score end
    end
    local ordered = anyOrdered and redis.call('HMGET', K.copiesOrdered, unpack(batch)) or {}
    local copies, queued, unqueued = {}, {}, {}
    for i, name in ipairs(batch) do
      local count = tonumber(current[name] or 0) + deltas[name]
      copies[#copies + 1] = count
      copies[#copies + 1] = name
      if count > 0 then
        queued[#queued + 1] = count + tonumber(ordered[i] or 0)
        queued[#queued + 1] = name
      else
        unqueued[#unqueued + 1] = name
      end
    end
    redis.call('ZADD', K.fileCopies, unpack(copies))
    if #queued > 0 then redis.call('ZADD', K.copyQueue, unpack(queued)) end
    if #unqueued > 0 then redis.call('ZREM', K.copyQueue, unpack(unqueued)) end
  end)
end

-- The catalog entries of many names (a list), as name -> entry or false, a thousand names per command.
local function catalogEntries (names)
  local entries = {}
  inBatches(names, function (batch)
    local found = redis.call('HMGET', K.catalog, unpack(batch))
    for i, name in ipairs(batch) do entries[name] = found[i] end
  end)
  return entries
end

-- Counts the copies of the name's catalog content from its holders, for when that content changed. O(holders).
local function recountCopies (name)
  local entry = redis.call('HGET', K.catalog, name)
  local copies = 0
  for _, holder in ipairs(redis.call('SMEMBERS', K.holders(name))) do
    copies = copies + copyOf(redis.call('HGET', K.files(holder), name), entry)
  end
  redis.call('ZADD', K.fileCopies, copies, name)
  queueAt(name, copies)
end

-- Makes the entry (a holding's line) what the name stands for; `folded` is its lower-cased name, or ''
-- when lower-casing changes nothing. The caller counts its copies.
local function putCatalogEntry (name, entry, folded)
  redis.call('HSET', K.catalog, name, entry)
  redis.call('ZADD', K.catalogNames, 0, name)
  if folded ~= '' then redis.call('HSET', K.catalogFolded, name, folded) end
end

-- Drops the peer's reservation for the name, if any, with every count and index it moved.
local function dropReservation (peerId, name)
  local value = redis.call('HGET', K.reservations(peerId), name)
  if not value then return end
  redis.call('HDEL', K.reservations(peerId), name)
  redis.call('SREM', K.reservationsByName(name), peerId)
  redis.call('ZREM', K.reservationExpiry, peerId .. '/' .. name)
  local r = split(value)
  incr(K.peer(peerId), 'reservedBytes', -tonumber(r[2]))
  if r[1] == 'replica' then
    incr(K.peer(peerId), 'copyOrders', -1)
    incr(K.copiesOrdered, name, -1)
    incr(K.counters, 'copiesOrdered', -1)
    refreshQueue(name)
  else
    incr(K.counters, 'uploadsPlaced', -1)
  end
  refreshRoom(peerId)
end

-- Adds the reservation (its line, records.ts), replacing the peer's one for that name, with every
-- count and index it moves.
local function putReservation (peerId, name, value)
  dropReservation(peerId, name)
  local r = split(value)
  redis.call('HSET', K.reservations(peerId), name, value)
  redis.call('SADD', K.reservationsByName(name), peerId)
  redis.call('ZADD', K.reservationExpiry, r[3], peerId .. '/' .. name)
  incr(K.peer(peerId), 'reservedBytes', tonumber(r[2]))
  if r[1] == 'replica' then
    incr(K.peer(peerId), 'copyOrders', 1)
    incr(K.copiesOrdered, name, 1)
    incr(K.counters, 'copiesOrdered', 1)
    refreshQueue(name)
  else
    incr(K.counters, 'uploadsPlaced', 1)
  end
  refreshRoom(peerId)
end

-- Forgets the reservations over at `at`: a range query on res-expiry, each one forgotten once.
local function forgetExpired (at)
  for _, member in ipairs(redis.call('ZRANGE', K.reservationExpiry, '-inf', at, 'BYSCORE')) do
    local slash = string.find(member, '/', 1, true)
    dropReservation(string.sub(member, 1, slash - 1), string.sub(member, slash + 1))
  end
end
