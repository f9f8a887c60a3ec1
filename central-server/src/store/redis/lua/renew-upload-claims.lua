-- renewUploadClaims: ARGV[2] = peerId, [3] = at, [4] = expiresAt, [5] = forgetPlacedBefore, [6..] =
-- the names the peer is receiving. Its running upload claims for those names are marked started and
-- kept until at least expiresAt; the others are dropped if they had started (the upload failed) or were
-- placed before forgetPlacedBefore (the sender never came).
local peerId, at, expiresAt, forgetPlacedBefore = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local receiving = {}
for i = 6, #ARGV do receiving[ARGV[i]] = true end

for _, name in ipairs(redis.call('ZRANGEBYSCORE', K.reserved(peerId), '(' .. at, '+inf')) do
  local r = redis.call('HMGET', K.reservation(peerId, name), 'kind', 'started', 'placedAt', 'expiresAt')
  if r[1] == 'upload' then
    if receiving[name] then
      redis.call('HSET', K.reservation(peerId, name), 'started', '1')
      if tonumber(expiresAt) > tonumber(r[4]) then extendReservation(peerId, name, 'upload', expiresAt) end
    elseif r[2] == '1' or tonumber(r[3]) < tonumber(forgetPlacedBefore) then
      dropReservation(peerId, name)
    end
  end
end
return 1
