-- transition: one status change, compare-and-set on the stored record (OrchestratorStore.transition).
-- A: { base, rules, id, to, runner, now, exp = { st, ow }, result, error, inc, delay }
-- Returns { kind, status, owner, timestamp [, new owner] }: kind 'ok' (the previous record
-- follows), 'race', 'transition' or 'ownership' (the current record follows, nothing written)
-- or { 'notfound' }. Owners are '' for none.
local id, to, now = A.id, A.to, A.now
local runner = opt(A.runner)
local cur = load(id)
if not cur then return { 'notfound' } end
local st, ow, ts = cur.st, cur.ow or '', cur.ts
local exp = opt(A.exp)
if exp and (exp.st ~= cur.st or opt(exp.ow) ~= cur.ow) then return { 'race', st, ow, ts } end
local ok, owner = check(cur, to, runner)
if not ok then return { owner, st, ow, ts } end

-- The outcome is written with the status: '=' .. value, or '' for none (see state-backend.ts).
local outcome = false
if A.result ~= nil or A.error ~= nil then
  outcome = { 'res', A.result ~= nil and ('=' .. A.result) or '', 'err', A.error ~= nil and ('=' .. A.error) or '' }
end
write(cur, to, owner, runner, now, outcome)
if A.inc then redis.call('HINCRBY', inv_key(id), 'rt', 1) end
if A.delay ~= nil then enqueue(id, now, math.max(0, A.delay), cur.w) end
flush()
return { 'ok', st, ow, ts, owner or '' }
