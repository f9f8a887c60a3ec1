-- listHoldings: ARGV[2] = seenAfter, ARGV[3] = a name (optional). The files of live peers, those of one
-- name only when it is given (then O(holders)), as peerId, name, holding-JSON triples.
local seenAfter, name = ARGV[2], ARGV[3]
local out = {}
if name ~= nil then
  for _, peerId in ipairs(redis.call('SMEMBERS', K.holders(name))) do
    if isLive(peerId, seenAfter) then
      local held = redis.call('HGET', K.files(peerId), name)
      if held ~= false then
        out[#out + 1] = peerId
        out[#out + 1] = name
        out[#out + 1] = held
      end
    end
  end
  return out
end
for _, peerId in ipairs(redis.call('ZRANGEBYSCORE', K.peersSeen, '(' .. seenAfter, '+inf')) do
  local held = redis.call('HGETALL', K.files(peerId))
  for i = 1, #held, 2 do
    out[#out + 1] = peerId
    out[#out + 1] = held[i]
    out[#out + 1] = held[i + 1]
  end
end
return out
