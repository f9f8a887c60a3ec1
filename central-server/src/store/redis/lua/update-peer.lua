-- updatePeer: ARGV[2] = peerId, then freeBytes, activeTransfers, lastSeenAt. 1 when the peer is known
-- (and updated), 0 when it is not (and nothing changes).
local peerId = ARGV[2]
if redis.call('EXISTS', K.peer(peerId)) == 0 then return 0 end
redis.call('HSET', K.peer(peerId), 'freeBytes', ARGV[3], 'activeTransfers', ARGV[4], 'lastSeenAt', ARGV[5])
indexPeer(peerId, ARGV[5], ARGV[3])
return 1
