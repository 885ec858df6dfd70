-- wrk script for a load of a fixed number of requests (wrk itself runs for a
-- duration): each thread stops after its share of responses and creates
-- $WRK_DONE_DIR/thread-N, so the test can interrupt wrk (SIGINT ends its
-- wait) as soon as every thread is through. The summary is one line a test
-- can check: requests, errors by kind, latency percentiles.
local threads = 0
function setup(thread)
    threads = threads + 1
    thread:set("id", threads)
end

local share = tonumber(os.getenv("WRK_REQUESTS_PER_THREAD") or "1000")
local seen = 0
function response(status, headers, body)
    seen = seen + 1
    if seen == share then
        local f = io.open((os.getenv("WRK_DONE_DIR") or ".") .. "/thread-" .. id, "w")
        if f then f:close() end
        wrk.thread:stop()
    end
end

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format("wrk-summary requests=%d connect=%d read=%d write=%d status=%d timeout=%d p50_us=%d p99_us=%d max_us=%d\n",
        summary.requests, e.connect, e.read, e.write, e.status, e.timeout,
        latency:percentile(50), latency:percentile(99), latency.max))
end
