-- wrk script for `make bench`: POSTs valid token requests, cycling through
-- a pool of distinct user tokens and both room types.
--
--   BENCH_REQUESTS  file, one request a line: "<token> <roomType> [userName]"
--   BENCH_DELAY_MS  optional: each connection waits this long between
--                   requests (the fixed-rate latency run; wrk2 is not in
--                   Debian). wrk times a request from its first byte
--                   written, so the wait is not counted as latency.
-- done() prints one machine-readable line, "BENCH key=value ...".

local path = "/functions/v1/livekit-token"
local reqs = {}
local n = 0
local i = 0
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "")

local counter = 0
function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
end

function init(args)
   local file = os.getenv("BENCH_REQUESTS")
   local f = assert(io.open(file, "r"), "cannot open BENCH_REQUESTS " .. tostring(file))
   for line in f:lines() do
      local tok, room, name = line:match("^(%S+)%s+(%S+)%s*(.*)$")
      if tok then
         local body
         if name ~= nil and name ~= "" then
            body = string.format('{"roomType":"%s","userName":"%s"}', room, name)
         else
            body = string.format('{"roomType":"%s"}', room)
         end
         n = n + 1
         reqs[n] = wrk.format("POST", path, {
            ["Host"] = "localhost",
            ["Authorization"] = "Bearer " .. tok,
            ["Content-Type"] = "application/json",
            ["apikey"] = "bench",
            ["x-client-info"] = "supabase-js/2 bench",
         }, body)
      end
   end
   f:close()
   assert(n > 0, "no requests in " .. file)
   -- Threads start at different places in the pool.
   i = ((id or 0) * 7919) % n
end

function request()
   i = i % n + 1
   return reqs[i]
end

if delay_ms then
   function delay()
      return delay_ms
   end
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d " ..
      "status=%d timeout=%d connect=%d read=%d write=%d bytes=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.status, e.timeout, e.connect, e.read, e.write, summary.bytes))
end
