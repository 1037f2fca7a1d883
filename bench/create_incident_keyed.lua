-- wrk script: as create_incident.lua, with a fresh Idempotency-Key on every request, so each
-- one also claims its key in SQLite and stores its answer in the key-value store (what a client
-- that retries safely pays).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.body = '{"short_description":"Benchmark incident","impact":"medium","urgency":"high","caller":"bench","channel":"api","assignment_group":"service-desk"}'

local sent = 0
local run = tostring(os.time())

function request()
  sent = sent + 1
  wrk.headers["Idempotency-Key"] = "bench-" .. run .. "-" .. sent
  return wrk.format()
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
