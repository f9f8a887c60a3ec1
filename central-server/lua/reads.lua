-- The questions about a name that several scripts ask: who may have it, and the file as answered.

-- Whether a peer other than `peerId` (any peer, with false) has an upload claim on the name. The caller
-- has forgotten the reservations over already. O(reservations of the name).
local function claimedByAnother (name, peerId)
  for _, other in ipairs(redis.call('SMEMBERS', K.reservationsByName(name))) do
    if other ~= peerId then
      local value = redis.call('HGET', K.reservations(other), name)
      if value and string.sub(value, 1, 7) == 'upload ' then return true end
    end
  end
  return false
end

-- Whether a live peer other than `peerId` (any peer, with false) holds what the name stands for (any
-- content when the catalog does not know it). O(holders).
local function heldByAnother (name, peerId, seenAfter)
  local known = redis.call('HGET', K.catalog, name)
  -- A deleted content still on a holder's disk until it confirms does not hold the name.
  local tombstone = redis.call('HGET', K.tombstones, name)
  local deleted = tombstone and split(tombstone)[1]
  for _, holder in ipairs(redis.call('SMEMBERS', K.holders(name))) do
    if holder ~= peerId and isLive(holder, seenAfter) then
      local held = redis.call('HGET', K.files(holder), name)
      if held and ((not known and sha256Of(held) ~= deleted) or (known and sameContent(held, known))) then return true end
    end
  end
  return false
end

-- The file as records.ts decodes it (FileRow): its name, its catalog entry, and each live holder of that
-- content as { announcedAt, ...its peer's pairs }; false when the catalog does not know the name. O(holders).
-- A listing passes `peers`, a table it keeps for the script's run, so a peer holding many of its files
-- is read once (only scripts that change no peer while they list may).
local function fileRow (name, seenAfter, peers)
  local entry = redis.call('HGET', K.catalog, name)
  if not entry then return false end
  local row = { name, entry }
  for _, holder in ipairs(redis.call('SMEMBERS', K.holders(name))) do
    local peer = peers and peers[holder]
    if peer == nil then
      peer = isLive(holder, seenAfter) and redis.call('HGETALL', K.peer(holder))
      if peers then peers[holder] = peer end
    end
    if peer then
      local held = redis.call('HGET', K.files(holder), name)
      if sameContent(held, entry) then
        -- Anchored: an unanchored '(%S+)$' would try every start, backtracking through the sha256 at each.
        local holderRow = { string.match(held, '^%S+ %S+ (%S+)') }
        for i = 1, #peer do holderRow[i + 1] = peer[i] end
        row[#row + 1] = holderRow
      end
    end
  end
  return row
end
