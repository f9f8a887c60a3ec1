-- renewUploadClaims: ARGV[2] = peerId, [3] = at, [4] = expiresAt, [5] = forgetPlacedBefore, [6..] = the
-- names the peer is receiving. Forgets the reservations over at `at`; the peer's upload claims for those
-- names are marked started and kept until at least expiresAt; the others are dropped if they had
-- started (the upload failed) or were placed before forgetPlacedBefore (the sender never came).
local peerId, expiresAt, forgetPlacedBefore = ARGV[2], ARGV[4], ARGV[5]
forgetExpired(ARGV[3])
local receiving = {}
for _, name in ipairs(argsFrom(6)) do receiving[name] = true end

local running = redis.call('HGETALL', K.reservations(peerId))
for i = 1, #running, 2 do
  local name = running[i]
  -- upload size expiresAt placedAt started
  local r = split(running[i + 1])
  if r[1] == 'upload' then
    if receiving[name] then
      local keepUntil = tonumber(r[3]) >= tonumber(expiresAt) and r[3] or expiresAt
      putReservation(peerId, name, table.concat({ 'upload', r[2], keepUntil, r[4], '1' }, ' '))
    elseif r[5] == '1' or tonumber(r[4]) < tonumber(forgetPlacedBefore) then
      dropReservation(peerId, name)
    end
  end
end
return 1
