-- forgetTombstones: ARGV[2] = at. Forgets the tombstones over at `at`; answers how many.
local over = redis.call('ZRANGE', K.tombstoneExpiry, '-inf', ARGV[2], 'BYSCORE')
inBatches(over, function (batch)
  redis.call('HDEL', K.tombstones, unpack(batch))
  redis.call('ZREM', K.tombstoneExpiry, unpack(batch))
end)
return #over
