-- acquireServiceLease: A.runner takes or renews the lease of one global service.
-- KEYS: the service's lease hash { runner, until }. A: { base, runner, ttl, now }
-- Returns 1 when A.runner holds it until now + ttl, 0 when another runner holds it.
local v = redis.call('HMGET', KEYS[1], 'runner', 'until')
if v[1] and v[1] ~= A.runner and tonumber(v[2]) > A.now then return 0 end
redis.call('HSET', KEYS[1], 'runner', A.runner, 'until', A.now + A.ttl)
return 1
