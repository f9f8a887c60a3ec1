-- takeCopyOrders: ARGV[2] = peerId, [3] = at, [4] = seenAfter, [5] = replicationFactor, [6] = expiresAt,
-- [7] = lookAhead. Forgets the reservations over at `at`, then gives the live peer the copy orders it
-- can take from the first `lookAhead` files of the copy queue, in order (store/directory-store.ts says
-- which), until its copy slots are full; each is a delivered replica reservation, made here, so an
-- order is given out once. Answers the ordered files as file rows.
local peerId, seenAfter, expiresAt = ARGV[2], ARGV[4], ARGV[6]
local factor = tonumber(ARGV[5])
forgetExpired(ARGV[3])
if not isLive(peerId, seenAfter) then return {} end

-- Whether the peer is among the `missing` peers with a free copy slot that have the most room, not
-- counting those that hold the name or have a reservation for it: its rank in peers:copy-room less the
-- involved peers ranked before it (the set orders ties by id, as the memory store does). O(log n + holders).
local function amongRoomiest (name, missing)
  local rank = redis.call('ZRANK', K.copyRoom, peerId)
  if not rank then return false end
  local ahead, counted = rank, { [peerId] = true }
  for _, involved in ipairs({ K.holders(name), K.reservationsByName(name) }) do
    for _, other in ipairs(redis.call('SMEMBERS', involved)) do
      if not counted[other] then
        counted[other] = true
        local otherRank = redis.call('ZRANK', K.copyRoom, other)
        if otherRank and otherRank < rank then ahead = ahead - 1 end
      end
    end
  end
  return ahead < missing
end

-- Whether the peer cannot take a copy at all: it holds the name, has a reservation for it, or lacks room.
local function cannotTake (name, size)
  local peer = redis.call('HMGET', K.peer(peerId), 'freeBytes', 'reservedBytes')
  return redis.call('HEXISTS', K.files(peerId), name) == 1 or
    redis.call('HEXISTS', K.reservations(peerId), name) == 1 or
    tonumber(peer[1]) - tonumber(peer[2] or 0) < tonumber(size)
end

local window = redis.call('ZRANGE', K.copyQueue, '-inf', '(' .. factor, 'BYSCORE', 'LIMIT', 0, ARGV[7], 'WITHSCORES')
local orders = {}
for i = 1, #window, 2 do
  if tonumber(redis.call('HGET', K.peer(peerId), 'copyOrders') or 0) >= MAX_REPLICATIONS_PER_PEER then break end
  local name, copies = window[i], tonumber(window[i + 1])
  local entry = redis.call('HGET', K.catalog, name)
  -- size sha256 addedAt
  local content = entry and split(entry)
  if content and not cannotTake(name, content[1]) then
    local file = fileRow(name, seenAfter)
    if #file > 2 and amongRoomiest(name, factor - copies) then
      putReservation(peerId, name, table.concat({ 'replica', content[1], expiresAt, content[2], '1' }, ' '))
      orders[#orders + 1] = file
    end
  end
end
return orders
