-- wrk script for bench/run's write measurements: every request is a distinct write.
--   BENCH_MODE=vote    POST /api/v1/public/polls/{BENCH_POLL_ID}/responses, each with its
--                      own X-Reader-Id (a UUID made of BENCH_SALT, the thread id and a
--                      counter) answering BENCH_QUESTION_ID with one of BENCH_OPTION_IDS
--   BENCH_MODE=create  POST /api/v1/articles with BENCH_TOKEN; the JSON body is the file
--                      BENCH_TEMPLATE with every @@KEY@@ replaced by "SALT-THREAD-COUNTER"
--                      (so headlines and slugs are unique)
-- Writes are sent for BENCH_SECONDS only; after that the script sends GET /healthz, which
-- writes nothing. Run wrk for a few seconds longer than BENCH_SECONDS: every write then
-- gets its answer before wrk stops, so the 201s counted here are exactly the writes the
-- server made (wrk abandons requests still in flight when its duration ends, and the
-- server may still commit those: a plain wrk run cannot be compared exactly).
-- done() prints one line: BENCH_WRITES {"sent":..,"created":..,"failed":..,...}.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local mode = os.getenv("BENCH_MODE") or error("BENCH_MODE not set")
local seconds = tonumber(os.getenv("BENCH_SECONDS") or error("BENCH_SECONDS not set"))
local salt = os.getenv("BENCH_SALT") or error("BENCH_SALT not set") -- 8 hex digits

local threads = {}
local next_tid = 0
function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
  table.insert(threads, thread)
end

-- Per-thread counters (globals, so that done() can read them with thread:get).
sent, created, filler, failed = 0, 0, 0, 0
c400, c401, c409, c413, c422, c429, c5xx, cother = 0, 0, 0, 0, 0, 0, 0, 0

local deadline
local k = 0
local path, options, template, question
function init(args)
  deadline = now() + seconds
  if mode == "vote" then
    path = "/api/v1/public/polls/" .. os.getenv("BENCH_POLL_ID") .. "/responses"
    question = os.getenv("BENCH_QUESTION_ID")
    options = {}
    for id in string.gmatch(os.getenv("BENCH_OPTION_IDS"), "[^,]+") do options[#options + 1] = id end
  elseif mode == "create" then
    path = "/api/v1/articles"
    local f = assert(io.open(os.getenv("BENCH_TEMPLATE"), "rb"))
    template = f:read("*a")
    f:close()
  else
    error("BENCH_MODE must be vote or create")
  end
end

local verified = false
function request()
  -- wrk calls request() once in thread 0, right after init(), only to inspect what it
  -- returns (script_verify_request); that request is never sent, so it is not counted.
  if tid == 0 and not verified then
    verified = true
    return wrk.format("GET", "/healthz")
  end
  if now() >= deadline then
    return wrk.format("GET", "/healthz")
  end
  k = k + 1
  sent = sent + 1
  if mode == "vote" then
    local reader = string.format("%s-%04x-4%03x-8%03x-%012x", salt, tid % 65536, 0, 0, k)
    local option = options[(k % #options) + 1]
    local body = '{"answers":[{"question_id":"' .. question ..
        '","option_ids":["' .. option .. '"]}]}'
    return wrk.format("POST", path,
      { ["Content-Type"] = "application/json", ["X-Reader-Id"] = reader }, body)
  else
    local key = string.format("%s-%d-%d", salt, tid, k)
    local body = template:gsub("@@KEY@@", key)
    return wrk.format("POST", path,
      { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN") }, body)
  end
end

function response(status, headers, body)
  if status == 201 then
    created = created + 1
  elseif status == 200 then
    filler = filler + 1
  else
    failed = failed + 1
    if status == 400 then c400 = c400 + 1
    elseif status == 401 then c401 = c401 + 1
    elseif status == 409 then c409 = c409 + 1
    elseif status == 413 then c413 = c413 + 1
    elseif status == 422 then c422 = c422 + 1
    elseif status == 429 then c429 = c429 + 1
    elseif status >= 500 then c5xx = c5xx + 1
    else cother = cother + 1 end
  end
end

function done(summary, latency, requests)
  local names = { "sent", "created", "filler", "failed", "c400", "c401", "c409", "c413", "c422", "c429", "c5xx", "cother" }
  local parts = {}
  for _, name in ipairs(names) do
    local total = 0
    for _, t in ipairs(threads) do total = total + (t:get(name) or 0) end
    parts[#parts + 1] = string.format('"%s":%d', name, total)
  end
  io.write("BENCH_WRITES {" .. table.concat(parts, ",") .. "}\n")
end
