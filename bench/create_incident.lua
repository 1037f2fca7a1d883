-- wrk script: every request creates one incident through the incident component.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("BENCH_TOKEN")
wrk.body = '{"short_description":"Benchmark incident","impact":"medium","urgency":"high","caller":"bench","channel":"api","assignment_group":"service-desk"}'

-- wrk itself prints "Non-2xx or 3xx responses: N" when any request did not succeed.
function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
