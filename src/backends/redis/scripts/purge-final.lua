-- purgeFinalBefore: deletes up to A.limit invocations that became final before A.before
-- (oldest first): record, status, history, outcome, retries and index entries.
-- KEYS: the status index of each final status (scored by the time it became final).
-- A: { base, before, limit }. Returns how many were deleted.
local limit = A.limit
if limit <= 0 then return 0 end
local due = {}
for k = 1, #KEYS do
  local entries = redis.call('ZRANGEBYSCORE', KEYS[k], '-inf', '(' .. A.before, 'WITHSCORES', 'LIMIT', 0, limit)
  for i = 1, #entries, 2 do due[#due + 1] = { entries[i], tonumber(entries[i + 1]), KEYS[k] } end
end
table.sort(due, function(a, b)
  if a[2] ~= b[2] then return a[2] < b[2] end
  return a[1] < b[1]
end)
local deleted = 0
for i = 1, math.min(limit, #due) do
  local id, index = due[i][1], due[i][3]
  local key = B .. 'inv:' .. id
  local v = redis.call('HMGET', key, 'st', 'task', 'rec')
  redis.call('ZREM', index, id)
  if v[1] then
    redis.call('ZREM', B .. 'ix:task:' .. v[2], id)
    local parent = v[3] and cjson.decode(v[3]).parentInvocationId
    if parent and parent ~= cjson.null then redis.call('LREM', B .. 'children:' .. parent, 0, id) end
    redis.call('DEL', key, B .. 'hist:' .. id)
    deleted = deleted + 1
  end
end
return deleted
