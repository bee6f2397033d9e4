-- findOrphans: invocations in an owned status whose owner has no heartbeat at or after
-- A.aliveSince (or none at all), or PENDING with a lease that expired before A.now.
-- KEYS: leases, runners:last, then the status index of each owned status (zsets scored by the
-- time of the last change). A: { base, aliveSince, now, limit }
-- Each index is walked oldest first until it yields `limit` orphans; the results are merged.
-- Returns { id, status, owner, timestamp, ... }, oldest change first, at most A.limit.
local limit = A.limit
if limit <= 0 then return {} end
local alive = {}
local function owner_gone(owner)
  if not owner or owner == '' then return true end
  local gone = alive[owner]
  if gone == nil then
    local seen = redis.call('ZSCORE', KEYS[2], owner)
    gone = not seen or tonumber(seen) < A.aliveSince
    alive[owner] = gone
  end
  return gone
end

local found = {}
for k = 3, #KEYS do
  local taken, offset = 0, 0
  while taken < limit do
    local entries = redis.call('ZRANGE', KEYS[k], offset, offset + 99, 'WITHSCORES')
    if #entries == 0 then break end
    offset = offset + #entries / 2
    for i = 1, #entries, 2 do
      local id = entries[i]
      local v = redis.call('HMGET', B .. 'inv:' .. id, 'st', 'ow', 'ts')
      local orphan = v[1] and owner_gone(v[2])
      if v[1] == R.pending and not orphan then
        local lease = redis.call('ZSCORE', KEYS[1], id)
        orphan = lease and tonumber(lease) < A.now
      end
      if orphan then
        found[#found + 1] = { id, v[1], v[2] or '', v[3], tonumber(entries[i + 1]) }
        taken = taken + 1
        if taken >= limit then break end
      end
    end
  end
end
table.sort(found, function(a, b)
  if a[5] ~= b[5] then return a[5] < b[5] end
  return a[1] < b[1]
end)
local out = {}
for i = 1, math.min(limit, #found) do
  local row = found[i]
  out[#out + 1] = row[1]
  out[#out + 1] = row[2]
  out[#out + 1] = row[3]
  out[#out + 1] = row[4]
end
return out
