-- renewLeases: extends the leases of the given invocations A.runner owns; returns their ids.
-- KEYS: leases. A: { base, runner, ids = [id], lease, now }
local out = {}
local lease_until = A.now + A.lease
for _, id in ipairs(A.ids) do
  local owner = redis.call('HGET', B .. 'inv:' .. id, 'ow')
  if owner and owner ~= '' and owner == A.runner then
    redis.call('ZADD', KEYS[1], 'XX', lease_until, id)
    out[#out + 1] = id
  end
end
return out
