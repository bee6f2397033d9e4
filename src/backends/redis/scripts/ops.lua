-- ops: the claims and status changes one process made during one turn of its event loop, sent
-- together (a group commit, see batcher.ts) and applied in order, each on its own: a refused
-- change writes nothing and does not affect the others. The call as a whole is atomic. An op
-- that raises an error (a bug, or input the client should have refused) becomes its own reply
-- { 'error', message }; the others, the notifications and the replay record still happen.
-- A: { base, rules, rq, ops = [ { c = <claim request> } | { t = <transition request> } ] }
-- Returns one reply per op (see lib/claim.lua and lib/transition.lua); a replayed call (same rq)
-- gets the reply of its first run (lib/common.lua).
-- A claim's reply is kept as its ids and retry counts ({ '#', id_1, retries_1, ... }): the
-- records are read back from the invocations (immutable, and still held by the claimer), and
-- the queue state it reported is given as unknown ('', '').
local claimed_ids = {}
local function compact(replies)
  local kept = {}
  for i, op in ipairs(A.ops) do
    local reply = replies[i]
    if op.c and reply[1] ~= 'error' then
      local short = { '#' }
      for k, id in ipairs(claimed_ids[i]) do
        short[#short + 1] = id
        short[#short + 1] = reply[2 + 2 * k]
      end
      reply = short
    end
    kept[i] = reply
  end
  return kept
end
local function expand(kept)
  for _, reply in ipairs(kept) do
    if reply[1] == '#' then
      local full = { '', '' }
      for k = 2, #reply, 2 do
        full[#full + 1] = redis.call('HGET', inv_key(reply[k]), 'rec')
        full[#full + 1] = reply[k + 1]
      end
      for k = #reply, 1, -1 do reply[k] = nil end
      for k = 1, #full do reply[k] = full[k] end
    end
  end
  return kept
end

local again = replayed(expand)
if again then return again end
local replies = {}
for i, op in ipairs(A.ops) do
  local ok, reply, ids
  if op.c then ok, reply, ids = pcall(claim, op.c) else ok, reply = pcall(apply, op.t) end
  if ok then
    replies[i], claimed_ids[i] = reply, ids or {}
  else
    replies[i], claimed_ids[i] = { 'error', tostring(reply) }, {}
  end
end
flush()
return remember(replies, compact)
