-- queue state for the broker: { ready entries, delayed entries, earliest due time or nil }.
-- KEYS: queue, delayed. No argument.
local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
return { redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2]), first[2] or false }
