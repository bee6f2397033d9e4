-- listInvocations: newest change first, from the indexes (zsets scored by the time of the last
-- change: one per status, one per task), never reading a whole set.
-- KEYS: the indexes to read: status indexes (no task filter), or the task index (no status
-- filter), or the task index followed by the status indexes (both filters).
-- A: { base, limit, offset, both, wanted = '|S1|S2|', oldest, newest } (the time
-- range of the last change, as strings: ms, or '-inf' / '+inf'). Returns { id, task, status, owner, timestamp, ... }.
local limit, offset = A.limit, A.offset
local newest, oldest = A.newest, A.oldest
local want = offset + limit
if limit <= 0 then return {} end

-- Walks `key` newest first; keeps up to `want` entries that `accept` (all when nil).
local function walk(key, accept, rows)
  if not accept then
    local entries = redis.call('ZREVRANGEBYSCORE', key, newest, oldest, 'WITHSCORES', 'LIMIT', 0, want)
    for i = 1, #entries, 2 do rows[#rows + 1] = { entries[i], tonumber(entries[i + 1]) } end
    return
  end
  local kept, start = 0, 0
  while kept < want do
    local entries = redis.call('ZREVRANGEBYSCORE', key, newest, oldest, 'WITHSCORES', 'LIMIT', start, 200)
    if #entries == 0 then return end
    start = start + #entries / 2
    for i = 1, #entries, 2 do
      if accept(entries[i]) then
        rows[#rows + 1] = { entries[i], tonumber(entries[i + 1]) }
        kept = kept + 1
        if kept >= want then return end
      end
    end
  end
end

local rows = {}
if not A.both then
  for _, key in ipairs(KEYS) do walk(key, nil, rows) end
else
  -- Both filters: walk the smaller side and check the other criterion on each invocation.
  local in_statuses = 0
  for k = 2, #KEYS do in_statuses = in_statuses + redis.call('ZCARD', KEYS[k]) end
  if redis.call('ZCARD', KEYS[1]) <= in_statuses then
    walk(KEYS[1], function(id)
      local st = redis.call('HGET', B .. 'inv:' .. id, 'st')
      return st and string.find(A.wanted, '|' .. st .. '|', 1, true) ~= nil
    end, rows)
  else
    local task_index = KEYS[1]
    for k = 2, #KEYS do
      walk(KEYS[k], function(id) return redis.call('ZSCORE', task_index, id) ~= false end, rows)
    end
  end
end
table.sort(rows, function(a, b)
  if a[2] ~= b[2] then return a[2] > b[2] end
  return a[1] > b[1]
end)

local out = {}
for i = offset + 1, math.min(#rows, want) do
  local id = rows[i][1]
  local v = redis.call('HMGET', B .. 'inv:' .. id, 'task', 'st', 'ow', 'ts')
  out[#out + 1] = id
  out[#out + 1] = v[1] or ''
  out[#out + 1] = v[2] or ''
  out[#out + 1] = v[3] or ''
  out[#out + 1] = v[4] or '0'
end
return out
