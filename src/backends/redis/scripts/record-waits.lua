-- recordWaits: A.waiter waits for the results of A.waited (OrchestratorStore.recordWaits).
-- A: { base, rules, waiter, waited = [id] }. Edges to unknown or final invocations are not kept.
-- The waited zset holds the queued invocations that others wait on (see waited_score).
-- Returns { id_1, status_1, ... } for the waited ids that exist.
local waiter = A.waiter
local added = false
local out = {}
for _, target in ipairs(A.waited) do
  local st = redis.call('HGET', inv_key(target), 'st')
  if st then
    out[#out + 1] = target
    out[#out + 1] = st
  end
  if st and target ~= waiter and not has(R.final, st) then
    local waiters = B .. 'waiters:' .. target
    if redis.call('SADD', waiters, waiter) == 1 then
      added = true
      redis.call('SADD', B .. 'waiting:' .. waiter, target)
      redis.call('HSET', inv_key(target), 'w', '1')
      local queued = redis.call('ZSCORE', QUEUE, target) or redis.call('ZSCORE', DELAYED, target)
      if has(R.avail, st) and queued then redis.call('ZADD', WAITED, waited_score(target, redis.call('SCARD', waiters)), target) end
    end
  end
end
if added and redis.call('HEXISTS', inv_key(waiter), 'st') == 1 then
  redis.call('HSET', inv_key(waiter), 'w', '1')
end
return out
