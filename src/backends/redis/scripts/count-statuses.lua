-- count statuses: the number of invocations in each status, in one snapshot.
-- KEYS: the status indexes (ix:status:<status>), in the caller's order. No argument.
-- Returns one count per key.
local counts = {}
for i, key in ipairs(KEYS) do counts[i] = redis.call('ZCARD', key) end
return counts
