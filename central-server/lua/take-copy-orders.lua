-- takeCopyOrders: ARGV[2] = peerId, [3] = at, [4] = seenAfter, [5] = replicationFactor, [6] = expiresAt,
-- [7] = lookAhead. Forgets the reservations over at `at`, then gives the live peer the copy orders it
-- can take from the first `lookAhead` files of the copy queue, in order (store/directory-store.ts says
-- which), until its copy slots are full; each is a delivered replica reservation, made here, so an
-- order is given out once. Answers the ordered files as file rows. The checks run cheapest first, so a
-- file the peer cannot take costs a few commands.
local peerId, seenAfter, expiresAt = ARGV[2], ARGV[4], ARGV[6]
local factor = tonumber(ARGV[5])
forgetExpired(ARGV[3])
if not isLive(peerId, seenAfter) then return {} end

-- The peer's unreserved room, free copy slots and rank in peers:copy-room, read again after each order.
local room, slots, rank
local function readPeer ()
  local peer = redis.call('HMGET', K.peer(peerId), 'freeBytes', 'reservedBytes', 'copyOrders')
  room = tonumber(peer[1]) - tonumber(peer[2] or 0)
  slots = MAX_REPLICATIONS_PER_PEER - tonumber(peer[3] or 0)
  rank = redis.call('ZRANK', K.copyRoom, peerId)
end

-- Whether the peer is among the `missing` peers with a free copy slot that have the most room, not
-- counting those that hold the name or have a reservation for it: its rank in peers:copy-room less the
-- involved peers ranked before it (the set orders ties by id, as the memory store does). A peer ranked
-- far down is told so by the sizes of the two sets alone. O(log n + holders).
local function amongRoomiest (name, missing)
  if not rank then return false end
  local involved = { K.holders(name), K.reservationsByName(name) }
  if rank - redis.call('SCARD', involved[1]) - redis.call('SCARD', involved[2]) >= missing then return false end
  local ahead, counted = rank, { [peerId] = true }
  for _, key in ipairs(involved) do
    for _, other in ipairs(redis.call('SMEMBERS', key)) do
      if not counted[other] then
        counted[other] = true
        local otherRank = redis.call('ZRANK', K.copyRoom, other)
        if otherRank and otherRank < rank then ahead = ahead - 1 end
      end
    end
  end
  return ahead < missing
end

readPeer()
if slots <= 0 then return {} end
local window = redis.call('ZRANGE', K.copyQueue, '-inf', '(' .. factor, 'BYSCORE', 'LIMIT', 0, ARGV[7], 'WITHSCORES')
local orders = {}
for i = 1, #window, 2 do
  if slots <= 0 then break end
  local name, copies = window[i], tonumber(window[i + 1])
  local entry = redis.call('HGET', K.catalog, name)
  -- size sha256 addedAt
  local content = entry and split(entry)
  -- Not a file the peer holds (any content), has a reservation for, or lacks room for.
  if content and room >= tonumber(content[1]) and amongRoomiest(name, factor - copies) and
    redis.call('HEXISTS', K.files(peerId), name) == 0 and redis.call('HEXISTS', K.reservations(peerId), name) == 0 then
    local file = fileRow(name, seenAfter)
    if #file > 2 then
      putReservation(peerId, name, table.concat({ 'replica', content[1], expiresAt, content[2], '1' }, ' '))
      orders[#orders + 1] = file
      readPeer()
    end
  end
end
return orders
