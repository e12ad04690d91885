-- wrk script: article reads as readers make them, a few stories read often and a long
-- tail read rarely (Zipf-distributed ranks), for measuring the public cache when the
-- archive is larger than it.
--   WRK_PATH_TEMPLATE  a path with {n}: the article number, zero-padded to 5 digits
--   ZIPF_N             articles in the archive (default 10000)
--   ZIPF_S             the exponent (default 1.0: the k-th most read story is read
--                      about 1/k as often as the first)
-- Rank k is article ((k - 1) * 7919 mod N) + 1, so that popular stories are spread over
-- the archive rather than all recent. Each thread draws from its own fixed seed, so
-- runs ask for the same sequence.
local template = os.getenv("WRK_PATH_TEMPLATE") or error("WRK_PATH_TEMPLATE not set")
local n_articles = tonumber(os.getenv("ZIPF_N") or "10000")
local exponent = tonumber(os.getenv("ZIPF_S") or "1.0")
local next_tid = 0

function setup(thread)
  thread:set("tid", next_tid)
  next_tid = next_tid + 1
end

local cdf = nil
function init(args)
  math.randomseed(7919 + (tid or 0))
  cdf = {}
  local sum = 0
  for k = 1, n_articles do
    sum = sum + 1 / (k ^ exponent)
    cdf[k] = sum
  end
  for k = 1, n_articles do cdf[k] = cdf[k] / sum end
end

local function rank()
  local u = math.random()
  local lo, hi = 1, n_articles
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return lo
end

function request()
  local n = ((rank() - 1) * 7919) % n_articles + 1
  local path = template:gsub("{n}", string.format("%05d", n))
  return wrk.format("GET", path)
end
