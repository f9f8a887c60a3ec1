-- listPeerReservations: ARGV[2] = peerId, [3] = at. Forgets the reservations over at `at`, and answers
-- the peer's running ones as name/line pairs.
forgetExpired(ARGV[3])
return redis.call('HGETALL', K.reservations(ARGV[2]))
