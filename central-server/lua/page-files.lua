-- pageFiles: ARGV[2] = seenAfter, [3] = limit, [4] = scanLimit, [5] = after ('' for the first page),
-- [6..] = the words, lower-cased. catalog:names walked from `after` in steps of what is still missing,
-- keeping the names whose lower-cased form contains every word, until `limit` files are found or
-- `scanLimit` names were read. Answers { resumeAfter ('' when no name follows), file rows... }.
local seenAfter, limit, scanLimit = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local words = argsFrom(6)
local start = ARGV[5] == '' and '-' or '(' .. ARGV[5]

local function matches (name)
  if #words == 0 then return true end
  local folded = redis.call('HGET', K.catalogFolded, name) or name
  for _, word in ipairs(words) do
    if not string.find(folded, word, 1, true) then return false end
  end
  return true
end

local out, peers = { '' }, {}
local read = 0
while true do
  -- One name more than is needed tells whether any follows the last one read.
  local want = math.max(1, math.min(scanLimit - read, limit - (#out - 1)))
  local names = redis.call('ZRANGE', K.catalogNames, start, '+', 'BYLEX', 'LIMIT', 0, want + 1)
  for i = 1, math.min(want, #names) do
    local name = names[i]
    read = read + 1
    if matches(name) then out[#out + 1] = fileRow(name, seenAfter, peers) end
    if #out - 1 >= limit or read >= scanLimit then
      if names[i + 1] then out[1] = name end
      return out
    end
  end
  if #names <= want then return out end
  start = '(' .. names[want]
end
