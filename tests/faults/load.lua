-- wrk script for tests/faults: POSTs one valid token request and counts
-- every answer that is not a 200. done() prints one line:
--   FAULTS requests=N bad=N errors=N p99_us=N max_us=N
local threads = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   bad = 0
   local body = '{"roomType":"audition","userName":"Fault Drill"}'
   req = wrk.format("POST", "/functions/v1/livekit-token", {
      ["Host"] = "localhost",
      ["Authorization"] = "Bearer " .. os.getenv("FAULTS_TOKEN"),
      ["Content-Type"] = "application/json",
   }, body)
end

function request()
   return req
end

function response(status, headers, body)
   if status ~= 200 then
      bad = bad + 1
   end
end

function done(summary, latency, requests)
   local b = 0
   for _, t in ipairs(threads) do
      b = b + t:get("bad")
   end
   local e = summary.errors
   io.write(string.format("FAULTS requests=%d bad=%d errors=%d p99_us=%d max_us=%d\n",
      summary.requests, b, e.connect + e.read + e.write + e.timeout,
      latency:percentile(99), latency.max))
end
