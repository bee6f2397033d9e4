-- register: stores a batch of invocations, all or nothing (OrchestratorStore.register).
-- A: { base, rules, rq, runner, now, invs = [{ id, task, parent, rec, rgk, run, lim, rr }] }
-- A replayed call (same rq) gets the reply of its first run (lib/common.lua).
-- Each invocation's hash keeps its registration sequence (sq), the claim's tie-breaker.
-- Returns { 'dup', id, status } when an id is already stored (nothing written), else
-- { 'ok', reused_1, ..., reused_n } with '' for each invocation stored.
local again = replayed()
if again then return again end
local now, runner = A.now, A.runner
local initial = R.initial

local seen = {}
for _, inv in ipairs(A.invs) do
  if seen[inv.id] then return { 'dup', inv.id, initial } end
  seen[inv.id] = true
  local st = redis.call('HGET', inv_key(inv.id), 'st')
  if st then return { 'dup', inv.id, st } end
end

-- The oldest non-final invocation of a registration key that is still waiting to run.
local function waiting(rgk)
  for _, id in ipairs(redis.call('ZRANGE', B .. 'regkey:' .. rgk, 0, -1)) do
    local st = redis.call('HGET', inv_key(id), 'st')
    if st and has(R.avail, st) then return id end
  end
  return false
end

local out = { 'ok' }
local entry = { initial, now, runner }
local seq = redis.call('INCRBY', SEQ, #A.invs) - #A.invs
for i, inv in ipairs(A.invs) do
  local rgk = opt(inv.rgk)
  local reused = rgk and waiting(rgk)
  if reused then
    out[i + 1] = reused
  else
    out[i + 1] = ''
    local id, task = inv.id, inv.task
    local fields = { 'rec', inv.rec, 'st', initial, 'ow', '', 'ts', now, 'task', task, 'sq', seq + i }
    local run = opt(inv.run)
    if run then
      fields[#fields + 1] = 'run'; fields[#fields + 1] = run
      fields[#fields + 1] = 'lim'; fields[#fields + 1] = inv.lim
      fields[#fields + 1] = 'rr'; fields[#fields + 1] = inv.rr and '1' or '0'
    end
    if rgk then
      fields[#fields + 1] = 'rgk'; fields[#fields + 1] = rgk
      redis.call('ZADD', B .. 'regkey:' .. rgk, seq + i, id)
    end
    redis.call('HSET', inv_key(id), unpack(fields))
    redis.call('RPUSH', B .. 'hist:' .. id, cjson.encode(entry))
    redis.call('ZADD', B .. 'ix:status:' .. initial, now, id)
    redis.call('ZADD', B .. 'ix:task:' .. task, now, id)
    local parent = opt(inv.parent)
    if parent then redis.call('RPUSH', B .. 'children:' .. parent, id) end
    redis.call('ZADD', QUEUE, seq + i, id)
    WORK = true
  end
end
flush()
return remember(out)
