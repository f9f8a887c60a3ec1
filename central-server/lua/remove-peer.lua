-- removePeer: ARGV[2] = peerId, ARGV[3] = notSeenAfter, or '' for a leave. Removes the peer with its
-- files (each name losing a copy if it held the catalog content) and its reservations; with a cutoff,
-- only if it is still unseen since then, so an expiry never removes a peer whose heartbeat arrived
-- meanwhile. 1 when removed, 0 when not. A file costs one command of its own (its holders set); the
-- copy counts move a thousand names per command.
local peerId = ARGV[2]
local lastSeenAt = redis.call('HGET', K.peer(peerId), 'lastSeenAt')
if not lastSeenAt then return 0 end
if ARGV[3] ~= '' and tonumber(lastSeenAt) > tonumber(ARGV[3]) then return 0 end

local held = fieldsOf(redis.call('HGETALL', K.files(peerId)))
redis.call('DEL', K.files(peerId))
local names = {}
for name in pairs(held) do
  names[#names + 1] = name
  redis.call('SREM', K.holders(name), peerId)
end
local entries = catalogEntries(names)
local deltas = {}
for _, name in ipairs(names) do deltas[name] = -copyOf(held[name], entries[name]) end
addCopiesToAll(deltas, {})
incr(K.counters, 'holdings', -#names)

for _, name in ipairs(redis.call('HKEYS', K.reservations(peerId))) do dropReservation(peerId, name) end
redis.call('DEL', K.peer(peerId))
-- Its delete orders go with it: registering again with the file orders the delete again.
redis.call('DEL', K.deleteOrders(peerId))
redis.call('ZREM', K.peersSeen, peerId)
redis.call('ZREM', K.peerIds, peerId)
redis.call('ZREM', K.peersRoom, peerId)
redis.call('ZREM', K.copyRoom, peerId)
return 1
