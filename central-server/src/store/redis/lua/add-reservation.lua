-- addReservation: ARGV[2..] = the reservation's field/value pairs. Replaces the peer's reservation for
-- that name, if any.
putReservation(argsFrom(2))
return 1
