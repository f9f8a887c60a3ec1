-- listFilesByCopies: ARGV[2] = min, [3] = max, [4] = limit, [5] = seenAfter. Up to `limit` catalog
-- files whose copies are from min to max, fewest first, then by name, as file rows.
local out, peers = {}, {}
for _, name in ipairs(redis.call('ZRANGE', K.fileCopies, ARGV[2], ARGV[3], 'BYSCORE', 'LIMIT', 0, ARGV[4])) do
  out[#out + 1] = fileRow(name, ARGV[5], peers)
end
return out
