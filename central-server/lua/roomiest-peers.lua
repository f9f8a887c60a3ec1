-- listRoomiestPeers: ARGV[2] = at, [3] = seenAfter, [4] = exceptHoldersOf, [5] = limit. Forgets the
-- reservations over at `at`, then answers up to `limit` live peers that do not hold the name, most
-- unreserved room first (ties by id), each as its pairs (with reservedBytes): peers:room from its start
-- in steps of what is still missing, skipping expired peers not swept yet and the name's holders.
local seenAfter, name, limit = ARGV[3], ARGV[4], tonumber(ARGV[5])
forgetExpired(ARGV[2])
local out = {}
local from = 0
while #out < limit do
  local want = limit - #out
  local ids = redis.call('ZRANGE', K.peersRoom, from, from + want - 1)
  for _, peerId in ipairs(ids) do
    if isLive(peerId, seenAfter) and redis.call('SISMEMBER', K.holders(name), peerId) == 0 then
      out[#out + 1] = redis.call('HGETALL', K.peer(peerId))
    end
  end
  if #ids < want then break end
  from = from + want
end
return out
