-- One status change, a compare-and-set on the stored record (OrchestratorStore.transition).
-- req: { id, to, runner, now, exp = { st, ow }, result, error, inc, delay }
-- Returns { kind, status, owner, timestamp [, new owner] }: kind 'ok' (the previous record
-- follows), 'race', 'transition' or 'ownership' (the current record follows, nothing written)
-- or { 'notfound' }. Owners are '' for none.
local function apply(req)
  local id, to, now = req.id, req.to, req.now
  -- Refused before any write (the client checks these too).
  if type(now) ~= 'number' then return error('tsnenc: transition of ' .. tostring(id) .. ': now is not a number') end
  if req.delay ~= nil and type(req.delay) ~= 'number' then
    return error('tsnenc: transition of ' .. tostring(id) .. ': delay is not a number')
  end
  local runner = opt(req.runner)
  local cur = load(id)
  if not cur then return { 'notfound' } end
  local st, ow, ts = cur.st, cur.ow or '', cur.ts
  local exp = opt(req.exp)
  if exp and (exp.st ~= cur.st or opt(exp.ow) ~= cur.ow) then return { 'race', st, ow, ts } end
  local ok, owner = check(cur, to, runner)
  if not ok then return { owner, st, ow, ts } end

  -- The outcome is written with the status: '=' .. value, or '' for none (see state-backend.ts).
  local outcome = false
  if req.result ~= nil or req.error ~= nil then
    outcome = { 'res', req.result ~= nil and ('=' .. req.result) or '', 'err', req.error ~= nil and ('=' .. req.error) or '' }
  end
  write(cur, to, owner, runner, now, outcome)
  if req.inc then redis.call('HINCRBY', inv_key(id), 'rt', 1) end
  if req.delay ~= nil then enqueue(id, now, math.max(0, req.delay), cur.w) end
  return { 'ok', st, ow, ts, owner or '' }
end

