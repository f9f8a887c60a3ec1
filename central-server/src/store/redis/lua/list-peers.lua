-- listPeers: ARGV[2] = seenAfter, or '' for every peer. For each peer (in no particular order): its
-- record's field/value pairs, with a 'fileCount' pair added (an integer, which tostring writes exactly).
local peerIds
if ARGV[2] == '' then
  peerIds = redis.call('ZRANGE', K.peersSeen, 0, -1)
else
  peerIds = redis.call('ZRANGEBYSCORE', K.peersSeen, '(' .. ARGV[2], '+inf')
end
local out = {}
for _, peerId in ipairs(peerIds) do
  local row = redis.call('HGETALL', K.peer(peerId))
  row[#row + 1] = 'fileCount'
  row[#row + 1] = tostring(redis.call('HLEN', K.files(peerId)))
  out[#out + 1] = row
end
return out
