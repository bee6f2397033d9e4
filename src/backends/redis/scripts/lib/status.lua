-- The status machine applied inside Redis. The rules are the core's STATUS_TABLE, as the table
-- R that rules.ts generates from it and places before this file; this file holds no rule:
--   R.owned, R.avail, R.final  status sets '|A|B|' (ownership required / available / final)
--   R.to[s]  '|<statuses that may enter s>| <flags>' with flags acq, rel, ovr, fin
--   R.initial, R.pending, R.running, R.recovery, R.rerouted, R.cc, R.ccf  the names the claim model uses
-- KEYS (every script that includes this file): queue, delayed, waited, leases, seq.
-- Per-invocation keys (B .. suffix): inv:<id> hash, hist:<id> list, waiters:<id> and
-- waiting:<id> sets, ix:status:<status> and ix:task:<task> zsets, slots:<key> set,
-- parked:<key> list, regkey:<key> zset, children:<id> list.
local QUEUE, DELAYED, WAITED, LEASES, SEQ = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
-- The final message's entries: { id } or, for a small outcome, { id, status, res, err }.
local FINAL_ENTRIES = {}
-- An outcome rides along when it is at most SMALL_OUTCOME characters, and while the message's
-- outcomes stay within FINAL_BUDGET (every subscriber of the app receives each message).
local SMALL_OUTCOME = 1024
local FINAL_BUDGET = 65536
local FINAL_USED = 0
local WORK = false

local function inv_key(id) return B .. 'inv:' .. id end

local function has(set, status) return string.find(set, '|' .. status .. '|', 1, true) ~= nil end

-- The rule of target `to`, parsed once per script call; nil for an unknown status.
local RULES = {}
local function rule_of(to)
  local rule = RULES[to]
  if rule == nil then
    local text = R.to[to]
    if not text then return nil end
    rule = {
      from = text,
      acq = string.find(text, ' acq', 1, true) ~= nil,
      rel = string.find(text, ' rel', 1, true) ~= nil,
      ovr = string.find(text, ' ovr', 1, true) ~= nil,
      fin = string.find(text, ' fin', 1, true) ~= nil,
    }
    RULES[to] = rule
  end
  return rule
end

-- The status record of `id` and the fields its side effects need; nil for an unknown id.
-- With `record`, also the stored record JSON and the retry count (rec, rt).
local function load(id, record)
  local key = inv_key(id)
  local v
  if record then
    v = redis.call('HMGET', key, 'st', 'ow', 'ts', 'task', 'run', 'lim', 'rr', 'w', 'rgk', 'pk', 'rec', 'rt')
  else
    v = redis.call('HMGET', key, 'st', 'ow', 'ts', 'task', 'run', 'lim', 'rr', 'w', 'rgk', 'pk')
  end
  if not v[1] then return nil end
  local owner = v[2]
  if owner == '' then owner = false end
  return { id = id, st = v[1], ow = owner, ts = v[3], task = v[4], run = v[5], lim = v[6], rr = v[7],
    w = v[8], rgk = v[9], pk = v[10], rec = v[11], rt = v[12] }
end

-- computeTransition: the allowed next statuses first, then ownership. Returns true and the new
-- owner (false for none), or false and the refusal kind ('transition' or 'ownership').
local function check(cur, to, runner)
  local rule = rule_of(to)
  if not rule or not has(rule.from, cur.st) then return false, 'transition' end
  if not rule.ovr then
    if has(R.owned, cur.st) and runner ~= cur.ow then return false, 'ownership' end
    if rule.acq and (not runner or runner == '') then return false, 'ownership' end
  end
  if rule.rel then return true, false end
  if rule.acq then return true, runner end
  return true, cur.ow
end

-- The waited zset's score of `id` with `n` waiters: the count, then (in the fraction) its
-- registration sequence, so that among equally waited-on invocations the newest comes first.
local function waited_score(id, n)
  return n + (tonumber(redis.call('HGET', inv_key(id), 'sq')) or 0) / 1099511627776
end

-- Queues `id` again, claimable from now + delay; FIFO among entries due now.
local function enqueue(id, now, delay, waited)
  if delay > 0 then
    redis.call('ZREM', QUEUE, id)
    redis.call('ZADD', DELAYED, now + delay, id)
  else
    redis.call('ZREM', DELAYED, id)
    redis.call('ZADD', QUEUE, 'NX', redis.call('INCR', SEQ), id)
  end
  if waited then
    local n = redis.call('SCARD', B .. 'waiters:' .. id)
    if n > 0 then redis.call('ZADD', WAITED, waited_score(id, n), id) end
  end
  WORK = true
end

-- Frees the running slot `cur` holds, if any, and queues the oldest invocation parked on its key.
local function release_slot(cur, now)
  if redis.call('SREM', B .. 'slots:' .. cur.run, cur.id) == 0 then return end
  local parked = B .. 'parked:' .. cur.run
  while true do
    local id = redis.call('LPOP', parked)
    if not id then return end
    local v = redis.call('HMGET', inv_key(id), 'st', 'w')
    redis.call('HDEL', inv_key(id), 'pk')
    if v[1] and has(R.avail, v[1]) then
      enqueue(id, now, 0, v[2])
      return
    end
  end
end

-- Removes the wait edges of a final invocation, both directions, and fixes the waiter counts.
local function drop_waits(id)
  local waiters = B .. 'waiters:' .. id
  local waiting = B .. 'waiting:' .. id
  for _, waiter in ipairs(redis.call('SMEMBERS', waiters)) do
    redis.call('SREM', B .. 'waiting:' .. waiter, id)
  end
  for _, target in ipairs(redis.call('SMEMBERS', waiting)) do
    local key = B .. 'waiters:' .. target
    redis.call('SREM', key, id)
    if redis.call('ZSCORE', WAITED, target) then
      local n = redis.call('SCARD', key)
      if n > 0 then redis.call('ZADD', WAITED, waited_score(target, n), target) else redis.call('ZREM', WAITED, target) end
    end
  end
  redis.call('DEL', waiters, waiting)
  redis.call('ZREM', WAITED, id)
end

-- `fields` are the outcome fields written with the status ('res', '=value' or '', 'err', ...).
local function finalize(cur, prev, fields)
  if has(R.avail, prev) then
    redis.call('ZREM', QUEUE, cur.id)
    redis.call('ZREM', DELAYED, cur.id)
  end
  if cur.w then drop_waits(cur.id) end
  if cur.rgk then redis.call('ZREM', B .. 'regkey:' .. cur.rgk, cur.id) end
  -- Only an outcome written with this status is the whole stored outcome.
  local size = fields and #fields[2] + #fields[4] or 0
  if fields and size <= SMALL_OUTCOME and FINAL_USED + size <= FINAL_BUDGET then
    FINAL_USED = FINAL_USED + size
    FINAL_ENTRIES[#FINAL_ENTRIES + 1] = { cur.id, cur.st, fields[2], fields[4] }
  else
    FINAL_ENTRIES[#FINAL_ENTRIES + 1] = { cur.id }
  end
end

-- Writes an allowed transition: the record, history, indexes, lease, slot and final effects.
-- `fields` (optional) are more fields of the invocation hash written with the status.
local function write(cur, to, owner, runner, now, fields)
  local rule = rule_of(to)
  local prev = cur.st
  if fields then
    redis.call('HSET', inv_key(cur.id), 'st', to, 'ow', owner or '', 'ts', now, unpack(fields))
  else
    redis.call('HSET', inv_key(cur.id), 'st', to, 'ow', owner or '', 'ts', now)
  end
  redis.call('RPUSH', B .. 'hist:' .. cur.id, cjson.encode({ to, now, runner or NULL }))
  redis.call('ZREM', B .. 'ix:status:' .. prev, cur.id)
  redis.call('ZADD', B .. 'ix:status:' .. to, now, cur.id)
  redis.call('ZADD', B .. 'ix:task:' .. cur.task, now, cur.id)
  if prev == R.pending then redis.call('ZREM', LEASES, cur.id) end
  cur.st, cur.ow, cur.ts = to, owner, now
  if rule.rel and cur.run then release_slot(cur, now) end
  if rule.fin then finalize(cur, prev, fields) end
end

-- A transition the claim model relies on; the core's table allows it (else the script fails).
local function must(cur, to, runner, now)
  local ok, owner = check(cur, to, runner)
  if not ok then
    return error('tsnenc: the status table refuses ' .. cur.st .. ' -> ' .. to .. ' (' .. owner .. ')')
  end
  write(cur, to, owner, runner, now)
end

-- Publishes what the script did once it is done: new work, and invocations that became final.
local function flush()
  if WORK then redis.call('PUBLISH', B .. 'ch:work', '1') end
  if #FINAL_ENTRIES > 0 then redis.call('PUBLISH', B .. 'ch:final', cjson.encode(FINAL_ENTRIES)) end
end
