-- wrk script of scripts/bench.sh: POST one intervention per request to the case in
-- PPKS_CASE, each with a request id of its own (a repeated id would be a replay, not a
-- write; prefix 0193e, apart from the ids bench.sh uses itself, then the thread and the
-- round PPKS_ROUND of bench.sh), as the user of PPKS_TOKEN.
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local n = 0
local round = tonumber(os.getenv("PPKS_ROUND") or "0")
local path = "/v1/" .. os.getenv("PPKS_CASE") .. "/interventions?requestId="
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("PPKS_TOKEN")
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"interventionType":"PERMAKANAN","deliveredOn":{"year":2024,"month":3,"day":1},"quantity":1,"unit":"porsi"}'

function request()
  n = n + 1
  return wrk.format(nil, path .. string.format("0193e%03d-%04d-7000-8000-%012d", tid, round, n))
end
