-- addReservation: ARGV[2] = peerId, [3] = name, [4] = the reservation's line. Replaces the peer's
-- reservation for that name, if any.
putReservation(ARGV[2], ARGV[3], ARGV[4])
return 1
