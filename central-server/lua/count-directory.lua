-- countDirectory: ARGV[2] = at, [3] = seenAfter, [4] = replicationFactor. Forgets the reservations over
-- at `at`, then counts from index sizes and counters: { peers, files, underReplicated, lost,
-- copiesOrdered, uploadsPlaced, holdings }. O(log n).
forgetExpired(ARGV[2])
local factor = tonumber(ARGV[4])
local lost = redis.call('ZCOUNT', K.fileCopies, 0, 0)
local underReplicated = 0
if factor > 1 then underReplicated = redis.call('ZCOUNT', K.fileCopies, 1, factor - 1) end
local counters = redis.call('HMGET', K.counters, 'copiesOrdered', 'uploadsPlaced', 'holdings')
return {
  redis.call('ZCOUNT', K.peersSeen, '(' .. ARGV[3], '+inf'),
  redis.call('ZCARD', K.fileCopies) - lost,
  underReplicated,
  lost,
  tonumber(counters[1] or 0),
  tonumber(counters[2] or 0),
  tonumber(counters[3] or 0)
}
