-- deleteFile: ARGV[2] = name, [3] = sha256, [4] = the tombstone's line (`sha256 deletedAt expiresAt`),
-- [5] = its expiresAt. Deletes the file if the catalog's content under the name is still that sha256:
-- records the tombstone, takes the name out of the catalog and its indexes, drops the copy orders of the
-- name (ordering their peers to abandon them) and orders every holder of that content to delete it.
-- Answers 'deleted', 'unknown' or 'changed'. O(holders and reservations of the name).
local name, sha256 = ARGV[2], ARGV[3]
local entry = redis.call('HGET', K.catalog, name)
if not entry then return 'unknown' end
if sha256Of(entry) ~= sha256 then return 'changed' end
redis.call('HSET', K.tombstones, name, ARGV[4])
redis.call('ZADD', K.tombstoneExpiry, ARGV[5], name)
for _, peerId in ipairs(redis.call('SMEMBERS', K.reservationsByName(name))) do
  -- A copy being made is abandoned; an upload claim is another file's, and stays.
  local value = redis.call('HGET', K.reservations(peerId), name)
  if value and string.sub(value, 1, 8) == 'replica ' then
    dropReservation(peerId, name)
    redis.call('HSET', K.deleteOrders(peerId), name, sha256)
  end
end
for _, peerId in ipairs(redis.call('SMEMBERS', K.holders(name))) do
  local held = redis.call('HGET', K.files(peerId), name)
  if held and sha256Of(held) == sha256 then redis.call('HSET', K.deleteOrders(peerId), name, sha256) end
end
redis.call('HDEL', K.catalog, name)
redis.call('ZREM', K.catalogNames, name)
redis.call('HDEL', K.catalogFolded, name)
redis.call('ZREM', K.fileCopies, name)
redis.call('ZREM', K.copyQueue, name)
return 'deleted'
