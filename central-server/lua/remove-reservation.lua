-- removeReservation: ARGV[2] = peerId, ARGV[3] = name. Drops that reservation, if any.
dropReservation(ARGV[2], ARGV[3])
return 1
