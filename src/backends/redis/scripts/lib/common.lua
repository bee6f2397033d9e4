-- Shared head of every tsnenc script that takes an argument.
-- ARGV[1] is one JSON object with named fields (A). A.base is the app's key base,
-- "{<prefix>:<appId>}:", so every key derived from it carries the app's hash tag and lives in
-- the same cluster slot as the KEYS the script declares.
local A = cjson.decode(ARGV[1])
local B = A.base
local NULL = cjson.null

-- JSON null and absent fields both become false (the scripts' "no value").
local function opt(value)
  if value == nil or value == NULL then return false end
  return value
end
