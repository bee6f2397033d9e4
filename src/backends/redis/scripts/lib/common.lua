-- Shared head of every tsnenc script that takes an argument.
-- ARGV[1] is one JSON object with named fields (A). A.base is the app's key base,
-- "{<prefix>:<appId>}:", so every key derived from it carries the app's hash tag and lives in
-- the same cluster slot as the KEYS the script declares.
local A = cjson.decode(ARGV[1])
local B = A.base
local NULL = cjson.null

-- JSON null and absent fields both become false (the scripts' "no value").
local function opt(value)
  if value == nil or value == NULL then return false end
  return value
end

-- Replayed requests. ioredis sends a command again when its connection dropped before the reply
-- came, so a script that writes may run twice for one call. A.rq (a fresh id per call) makes the
-- second run return the first one's reply instead of applying it again. Replies are kept for
-- REPLY_TTL_MS, in the compact form `store` gives (a reply's bulky parts can be read back from
-- the invocations), and rebuilt with `load`. A resend can come late (a reconnect to a server
-- still loading its data), so a call also carries A.deadline (the client's clock, ms): a call
-- that is neither a replay nor on time is refused unapplied ({ 'late' }), and the reply of one
-- that was applied outlives every deadline by far.
local REPLY_TTL_MS = 300000
local function replayed(load)
  if not A.rq then return false end
  local stored = redis.call('GET', B .. 'rq:' .. A.rq)
  if stored then
    local reply = cjson.decode(stored)
    return load and load(reply) or reply
  end
  if A.deadline then
    local t = redis.call('TIME')
    if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > A.deadline then return { 'late' } end
  end
  return false
end
local function remember(reply, store)
  if A.rq then
    redis.call('SET', B .. 'rq:' .. A.rq, cjson.encode(store and store(reply) or reply), 'PX', REPLY_TTL_MS)
  end
  return reply
end
