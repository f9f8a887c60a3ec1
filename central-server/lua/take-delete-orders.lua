-- takeDeleteOrders: ARGV[2] = peerId, [3] = limit, [4...] = the names the peer confirms it deleted.
-- Forgets the confirmed orders (and the peer's holding of that content, moving its copies) and answers
-- the rest, up to limit, as name, sha256, name, sha256... O(orders of the peer).
local peerId, limit = ARGV[2], tonumber(ARGV[3])
local ordersKey = K.deleteOrders(peerId)
for i = 4, #ARGV do
  local name = ARGV[i]
  local sha256 = redis.call('HGET', ordersKey, name)
  if sha256 then
    redis.call('HDEL', ordersKey, name)
    local held = redis.call('HGET', K.files(peerId), name)
    if held and sha256Of(held) == sha256 then
      redis.call('HDEL', K.files(peerId), name)
      redis.call('SREM', K.holders(name), peerId)
      incr(K.counters, 'holdings', -1)
      if redis.call('HEXISTS', K.catalog, name) == 1 then recountCopies(name) end
      refreshRoom(peerId)
    end
  end
end
local rest = {}
for _, value in ipairs(redis.call('HGETALL', ordersKey)) do
  if #rest >= 2 * limit then break end
  rest[#rest + 1] = value
end
return rest
