-- pagePeers: ARGV[2] = seenAfter, [3] = limit, [4] = after ('' for the first page). Up to `limit` live
-- peers by id after `after`, each as its pairs with a 'fileCount' pair added: peers:ids walked from
-- `after` in steps of what is still missing, skipping expired peers not swept yet.
local seenAfter, limit = ARGV[2], tonumber(ARGV[3])
local start = ARGV[4] == '' and '-' or '(' .. ARGV[4]
local out = {}
while #out < limit do
  local want = limit - #out
  local ids = redis.call('ZRANGE', K.peerIds, start, '+', 'BYLEX', 'LIMIT', 0, want)
  for _, peerId in ipairs(ids) do
    if isLive(peerId, seenAfter) then
      local row = redis.call('HGETALL', K.peer(peerId))
      row[#row + 1] = 'fileCount'
      row[#row + 1] = tostring(redis.call('HLEN', K.files(peerId)))
      out[#out + 1] = row
    end
  end
  if #ids < want then break end
  start = '(' .. ids[#ids]
end
return out
