-- heartbeat: upserts the heartbeats of a batch of runners.
-- KEYS: runners:first (zset, first seen), runners:last (zset, last seen), runners:context (hash).
-- A: { base, now, runners = [{ id, context }] }
for _, runner in ipairs(A.runners) do
  redis.call('ZADD', KEYS[1], 'NX', A.now, runner.id)
  redis.call('ZADD', KEYS[2], A.now, runner.id)
  redis.call('HSET', KEYS[3], runner.id, runner.context)
end
return 1
