-- Put in front of every script of the Redis directory store: the key layout (the same as keys.ts) and
-- the questions more than one script asks. Every script is called with no KEYS and ARGV[1] = the key
-- prefix: the keys a script touches depend on what it reads (a peer's files, a name's holders), so it
-- builds them itself. That suits one Redis (or one primary behind Sentinel), not Redis Cluster.
--
-- Numbers arrive as strings and are written back as the same strings: Lua's numbers are doubles whose
-- tostring keeps 14 digits, so a script compares them with tonumber but never formats one.

local prefix = ARGV[1]

local K = {
  peer = function (peerId) return prefix .. 'peer:' .. peerId end,
  peersSeen = prefix .. 'peers:seen',
  peersFree = prefix .. 'peers:free',
  peerIds = prefix .. 'peers:ids',
  files = function (peerId) return prefix .. 'files:' .. peerId end,
  holders = function (name) return prefix .. 'holders:' .. name end,
  catalog = prefix .. 'catalog',
  catalogNames = prefix .. 'catalog:names',
  reservation = function (peerId, name) return prefix .. 'reservation:' .. peerId .. '/' .. name end,
  reserved = function (peerId) return prefix .. 'reserved:' .. peerId end,
  reservations = prefix .. 'reservations',
  claims = function (name) return prefix .. 'claims:' .. name end
}

-- ARGV[from..] as a list, and a list of field/value pairs as a table.
local function argsFrom (from)
  local list = {}
  for i = from, #ARGV do list[#list + 1] = ARGV[i] end
  return list
end

local function fieldsOf (list)
  local fields = {}
  for i = 1, #list, 2 do fields[list[i]] = list[i + 1] end
  return fields
end

local function isLive (peerId, seenAfter)
  local seen = redis.call('ZSCORE', K.peersSeen, peerId)
  return seen ~= false and tonumber(seen) > tonumber(seenAfter)
end

local function sameContent (a, b)
  return a.sha256 == b.sha256 and a.size == b.size
end

-- What the catalog says `name` stands for ({size, sha256, addedAt}), or false.
local function catalogEntry (name)
  local entry = redis.call('HGET', K.catalog, name)
  return entry ~= false and cjson.decode(entry)
end

-- Whether a peer other than `peerId` (any peer, with false) has an upload claim on `name` running at `at`.
local function claimedByAnother (name, peerId, at)
  for _, claimant in ipairs(redis.call('ZRANGEBYSCORE', K.claims(name), '(' .. at, '+inf')) do
    if claimant ~= peerId then return true end
  end
  return false
end

-- Whether a live peer other than `peerId` (any peer, with false) holds what `name` stands for (any
-- content when the catalog does not know it).
local function heldByAnother (name, peerId, seenAfter)
  local known = catalogEntry(name)
  for _, holder in ipairs(redis.call('SMEMBERS', K.holders(name))) do
    if holder ~= peerId and isLive(holder, seenAfter) then
      local held = redis.call('HGET', K.files(holder), name)
      if held ~= false and (not known or sameContent(cjson.decode(held), known)) then return true end
    end
  end
  return false
end

-- A `peerId/name` member of the reservations set as peerId, name (a peer id never contains '/').
local function splitMember (member)
  local slash = string.find(member, '/', 1, true)
  return string.sub(member, 1, slash - 1), string.sub(member, slash + 1)
end

local function dropReservation (peerId, name)
  redis.call('DEL', K.reservation(peerId, name))
  redis.call('ZREM', K.reserved(peerId), name)
  redis.call('ZREM', K.reservations, peerId .. '/' .. name)
  redis.call('ZREM', K.claims(name), peerId)
end

-- Stores a reservation given as field/value pairs (records.ts encodes them), replacing the peer's
-- reservation for that name.
local function putReservation (list)
  local r = fieldsOf(list)
  dropReservation(r.peerId, r.name)
  redis.call('HSET', K.reservation(r.peerId, r.name), unpack(list))
  redis.call('ZADD', K.reserved(r.peerId), r.expiresAt, r.name)
  redis.call('ZADD', K.reservations, r.expiresAt, r.peerId .. '/' .. r.name)
  if r.kind == 'upload' then redis.call('ZADD', K.claims(r.name), r.expiresAt, r.peerId) end
end

-- Moves a running reservation's end to `expiresAt` (a string) in its hash and in every index.
local function extendReservation (peerId, name, kind, expiresAt)
  redis.call('HSET', K.reservation(peerId, name), 'expiresAt', expiresAt)
  redis.call('ZADD', K.reserved(peerId), expiresAt, name)
  redis.call('ZADD', K.reservations, expiresAt, peerId .. '/' .. name)
  if kind == 'upload' then redis.call('ZADD', K.claims(name), expiresAt, peerId) end
end

-- Drops every file of a peer, and the peer from each name's holders.
local function dropFiles (peerId)
  for _, name in ipairs(redis.call('HKEYS', K.files(peerId))) do
    redis.call('SREM', K.holders(name), peerId)
  end
  redis.call('DEL', K.files(peerId))
end

local function indexPeer (peerId, lastSeenAt, freeBytes)
  redis.call('ZADD', K.peersSeen, lastSeenAt, peerId)
  redis.call('ZADD', K.peersFree, freeBytes, peerId)
end
