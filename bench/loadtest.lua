-- wrk script of `make loadtest` (bench/loadtest.py): counts the answers by status, prints
-- req/s, p50 and p99; with TIMEBOK_BODIES (a file of JSON bodies, one per line) it POSTs
-- each body once, thread k taking lines k, k + n, k + 2n, ... (n = TIMEBOK_THREADS).
local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  local path = os.getenv("TIMEBOK_BODIES")
  if path then
    bodies = {}
    for line in io.lines(path) do table.insert(bodies, line) end
    step = tonumber(os.getenv("TIMEBOK_THREADS") or "1")
    index = id - step
  end
end

function request()
  local headers = {["X-Forwarded-Proto"] = "https"}
  if bodies then
    index = index + step
    headers["Content-Type"] = "application/json"
    return wrk.format("POST", nil, headers, bodies[index] or "{}")
  end
  return wrk.format(nil, nil, headers)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end
  end
  io.write("STATUSES")
  for k, v in pairs(total) do io.write(string.format(" %d:%d", k, v)) end
  io.write("\n")
  io.write(string.format("LATENCY_US %f %f\n", latency:percentile(50), latency:percentile(99)))
  io.write(string.format("DURATION_US %d\n", summary.duration))
end
