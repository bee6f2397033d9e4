-- claim: recovers expired PENDING leases, then claims up to req.max invocations for req.runner:
-- the most-waited-on first (ties: the most recently registered), then the queue in FIFO order
-- (OrchestratorStore.claim). With req.start they go on to RUNNING (no lease).
-- req: { runner, max, lease, now, start }
-- Returns { ready, next_due, record_1, retries_1, record_2, retries_2, ... } (records as stored
-- JSON; ready: the entries left in the queue, next_due: the earliest delayed entry's due time or
-- ''; both '' when not known), and the claimed ids.
local function claim(req)
local runner, now, max = req.runner, req.now, req.max
local start = req.start == true
local lease_until = now + req.lease
local out = { '', '' }
local ids = {}
local claimed = 0
if max <= 0 then return out, ids end

for _, id in ipairs(redis.call('ZRANGEBYSCORE', LEASES, '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', LEASES, id)
  local cur = load(id)
  if cur and cur.st == R.pending then
    must(cur, R.recovery, runner, now)
    must(cur, R.rerouted, runner, now)
    enqueue(id, now, 0, cur.w)
  end
end

-- PENDING then RUNNING in one write: both history entries, the indexes updated once. Neither
-- status frees a slot, ends the invocation or keeps a lease.
local entries = false
local function start_claimed(cur)
  local prev = cur.st
  local ok, owner = check(cur, R.pending, runner)
  if not ok then return error('tsnenc: the status table refuses ' .. prev .. ' -> ' .. R.pending) end
  cur.st, cur.ow = R.pending, owner
  ok, owner = check(cur, R.running, runner)
  if not ok then return error('tsnenc: the status table refuses ' .. R.pending .. ' -> ' .. R.running) end
  if not entries then
    entries = { cjson.encode({ R.pending, now, runner }), cjson.encode({ R.running, now, runner }) }
  end
  redis.call('HSET', inv_key(cur.id), 'st', R.running, 'ow', owner or '', 'ts', now)
  redis.call('RPUSH', B .. 'hist:' .. cur.id, entries[1], entries[2])
  redis.call('ZREM', B .. 'ix:status:' .. prev, cur.id)
  redis.call('ZADD', B .. 'ix:status:' .. R.running, now, cur.id)
  redis.call('ZADD', B .. 'ix:task:' .. cur.task, now, cur.id)
  cur.st, cur.ow, cur.ts = R.running, owner, now
end

-- Removes `cur` from the queues (`popped`: it was just popped from the FIFO queue).
local function unqueue(cur, popped)
  if not popped then
    redis.call('ZREM', QUEUE, cur.id)
    redis.call('ZREM', DELAYED, cur.id)
  end
  if cur.w then redis.call('ZREM', WAITED, cur.id) end
end

-- Claims `cur` (available, not parked, due); without a free running slot it is parked or ended.
local function take(cur, popped)
  if cur.run then
    local slots = B .. 'slots:' .. cur.run
    if redis.call('SISMEMBER', slots, cur.id) == 0 then
      if redis.call('SCARD', slots) >= (tonumber(cur.lim) or 1) then
        unqueue(cur, popped)
        if cur.rr == '0' then
          must(cur, R.ccf, runner, now)
        else
          must(cur, R.cc, runner, now)
          must(cur, R.rerouted, runner, now)
          redis.call('RPUSH', B .. 'parked:' .. cur.run, cur.id)
          redis.call('HSET', inv_key(cur.id), 'pk', '1')
        end
        return false
      end
      redis.call('SADD', slots, cur.id)
    end
  end
  unqueue(cur, popped)
  if start then
    start_claimed(cur)
  else
    must(cur, R.pending, runner, now)
    redis.call('ZADD', LEASES, lease_until, cur.id)
  end
  out[#out + 1] = cur.rec
  out[#out + 1] = cur.rt or '0'
  ids[#ids + 1] = cur.id
  return true
end

-- Invocations others wait on, most waiters first; a delayed one that is not due stays.
local kept = 0
while claimed < max do
  local ids = redis.call('ZREVRANGE', WAITED, kept, kept + max - claimed - 1)
  if #ids == 0 then break end
  for _, id in ipairs(ids) do
    local cur = load(id, true)
    if not cur or not has(R.avail, cur.st) or cur.pk then
      redis.call('ZREM', WAITED, id)
    else
      local due = redis.call('ZSCORE', DELAYED, id)
      if due and tonumber(due) > now then
        kept = kept + 1
      elseif take(cur, false) then
        claimed = claimed + 1
        if claimed >= max then break end
      end
    end
  end
end

-- Delayed entries that are due join the back of the queue.
for _, id in ipairs(redis.call('ZRANGEBYSCORE', DELAYED, '-inf', now, 'LIMIT', 0, 1000)) do
  redis.call('ZREM', DELAYED, id)
  redis.call('ZADD', QUEUE, 'NX', redis.call('INCR', SEQ), id)
end

-- Then the queue in FIFO order; stale entries are dropped.
while claimed < max do
  local popped = redis.call('ZPOPMIN', QUEUE, max - claimed)
  if #popped == 0 then break end
  for i = 1, #popped, 2 do
    local cur = load(popped[i], true)
    if cur and has(R.avail, cur.st) and not cur.pk and take(cur, true) then claimed = claimed + 1 end
  end
end
-- What is left, so that an idle claimer can wait without reading the queue again (queue-memo.ts).
local due = redis.call('ZRANGE', DELAYED, 0, 0, 'WITHSCORES')
out[1], out[2] = tostring(redis.call('ZCARD', QUEUE)), due[2] or ''
return out, ids
end
