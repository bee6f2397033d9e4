-- activeRunners: runners whose last heartbeat is at or after A.since.
-- KEYS: runners:first, runners:last, runners:context. A: { base, since }
-- Returns { id, context, first seen, last seen, ... } (the caller orders them).
local out = {}
local seen = redis.call('ZRANGEBYSCORE', KEYS[2], A.since, '+inf', 'WITHSCORES')
for i = 1, #seen, 2 do
  local id = seen[i]
  out[#out + 1] = id
  out[#out + 1] = redis.call('HGET', KEYS[3], id) or ''
  out[#out + 1] = redis.call('ZSCORE', KEYS[1], id) or seen[i + 1]
  out[#out + 1] = seen[i + 1]
end
return out
