-- listReservations: ARGV[2] = at. Forgets the reservations that ended at or before `at`, and answers the
-- running ones, each as its field/value pairs.
local at = ARGV[2]
for _, member in ipairs(redis.call('ZRANGEBYSCORE', K.reservations, '-inf', at)) do
  dropReservation(splitMember(member))
end
local out = {}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', K.reservations, '(' .. at, '+inf')) do
  out[#out + 1] = redis.call('HGETALL', K.reservation(splitMember(member)))
end
return out
