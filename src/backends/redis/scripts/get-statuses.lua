-- getStatuses: the status record fields of each invocation hash in KEYS (no argument).
-- Returns one { status, owner, timestamp } per key; all nil for an unknown invocation.
local out = {}
for i, key in ipairs(KEYS) do
  out[i] = redis.call('HMGET', key, 'st', 'ow', 'ts')
end
return out
