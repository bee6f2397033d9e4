-- ops: the claims and status changes one process made during one turn of its event loop, sent
-- together (a group commit, see batcher.ts) and applied in order, each on its own: a refused
-- change writes nothing and does not affect the others. The call as a whole is atomic.
-- A: { base, rules, ops = [ { c = <claim request> } | { t = <transition request> } ] }
-- Returns one reply per op (see lib/claim.lua and lib/transition.lua).
local replies = {}
for i, op in ipairs(A.ops) do
  if op.c then replies[i] = claim(op.c) else replies[i] = apply(op.t) end
end
flush()
return replies
