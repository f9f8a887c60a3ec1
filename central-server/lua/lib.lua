-- Put in front of every script of the Redis directory store (after the constants scripts.ts writes):
-- the key layout (the same as keys.ts) and the small questions every script asks. Every script is called
-- with no KEYS and ARGV[1] = the key prefix: the keys a script touches depend on what it reads (a peer's
-- files, a name's holders), so it builds them itself. That suits one Redis (or one primary behind
-- Sentinel), not Redis Cluster.
--
-- Numbers arrive as strings and are stored as the same strings: Lua's numbers are doubles whose tostring
-- keeps 14 digits, so a script compares them with tonumber but never formats one. The scores and
-- increments it computes go to Redis as Lua numbers, which Redis formats exactly (%.17g).
-- Strings are never ordered with Lua's < (Redis runs Lua under the system's collation): an order between
-- members is asked of a sorted set (ZRANK), which orders by bytes as the memory store does.

local prefix = ARGV[1]

local K = {
  peer = function (peerId) return prefix .. 'peer:' .. peerId end,
  peersSeen = prefix .. 'peers:seen',
  peerIds = prefix .. 'peers:ids',
  peersRoom = prefix .. 'peers:room',
  copyRoom = prefix .. 'peers:copy-room',
  files = function (peerId) return prefix .. 'files:' .. peerId end,
  holders = function (name) return prefix .. 'holders:' .. name end,
  catalog = prefix .. 'catalog',
  catalogNames = prefix .. 'catalog:names',
  catalogFolded = prefix .. 'catalog:folded',
  fileCopies = prefix .. 'catalog:copies',
  copyQueue = prefix .. 'copy-queue',
  copiesOrdered = prefix .. 'catalog:ordered',
  reservations = function (peerId) return prefix .. 'res:' .. peerId end,
  reservationsByName = function (name) return prefix .. 'res-names:' .. name end,
  reservationExpiry = prefix .. 'res-expiry',
  counters = prefix .. 'counters',
  tombstones = prefix .. 'tombstones',
  tombstoneExpiry = prefix .. 'tombstone-expiry',
  deleteOrders = function (peerId) return prefix .. 'deletes:' .. peerId end
}

-- ARGV[from..to] (to the end without `to`) as a list, and a list of field/value pairs as a table.
local function argsFrom (from, to)
  local list = {}
  for i = from, to or #ARGV do list[#list + 1] = ARGV[i] end
  return list
end

local function fieldsOf (list)
  local fields = {}
  for i = 1, #list, 2 do fields[list[i]] = list[i + 1] end
  return fields
end

-- The fields of a holding, a catalog entry or a reservation (records.ts writes them space-separated).
local function split (value)
  local fields = {}
  for field in string.gmatch(value, '%S+') do fields[#fields + 1] = field end
  return fields
end

-- Whether two holdings or catalog entries (`size sha256 at pieces`) are the same content; false when either is missing.
local function sameContent (a, b)
  if not a or not b then return false end
  -- Lua compares strings by identity: a holding that is its name's catalog entry needs no parsing.
  return a == b or string.match(a, '^%S+ %S+') == string.match(b, '^%S+ %S+')
end

-- 1 when the holding is a copy of the catalog entry, else 0 (what it adds to the entry's copies).
local function copyOf (holding, entry)
  return sameContent(holding, entry) and 1 or 0
end

local function isKnown (peerId)
  return redis.call('HEXISTS', K.peer(peerId), 'peerId') == 1
end

local function isLive (peerId, seenAfter)
  local seen = redis.call('ZSCORE', K.peersSeen, peerId)
  return seen ~= false and tonumber(seen) > tonumber(seenAfter)
end

-- Commands that take many members at once get them a thousand at a time (Lua's unpack has a limit):
-- `apply` is called with each slice of `list`, in order. `size` defaults to a thousand.
local function inBatches (list, apply, size)
  local step = size or 1000
  for from = 1, #list, step do apply({ unpack(list, from, math.min(from + step - 1, #list)) }) end
end

-- Adds `delta` (a number) to a count kept in a hash field; a count back at zero is no field, so a
-- directory whose peers are all gone leaves no counts behind.
local function incr (key, field, delta)
  if delta == 0 then return end
  if redis.call('HINCRBY', key, field, delta) == 0 then redis.call('HDEL', key, field) end
end

-- Whether a tombstone running at `at` refuses content `sha256` under the name (its line: `sha256 deletedAt expiresAt`).
local function refuses (tombstone, sha256, at)
  if not tombstone then return false end
  local fields = split(tombstone)
  return fields[1] == sha256 and tonumber(fields[3]) > tonumber(at)
end

local function isTombstoned (name, sha256, at)
  return refuses(redis.call('HGET', K.tombstones, name), sha256, at)
end

-- The sha256 of a holding or catalog line (`size sha256 at pieces`).
local function sha256Of (line)
  return string.match(line, '^%S+ (%S+)')
end
