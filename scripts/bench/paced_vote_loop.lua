-- wrk script: the vote loop of vote_loop.lua, by voters who look at each picture before they
-- rate it. Every request waits BENCH_LOOK_MS (600) first, and takes the voter who has been
-- waiting longest (wrk builds a request after its delay, from the thread's shared queue), so
-- every picture is in front of its voter for at least that long.
--
-- Voters arrive spread over one look, as people do, not all in the same millisecond. wrk asks
-- for a delay before every request, each connection's first one included, and asks for those
-- first ones as it opens its connections (BENCH_CONNECTIONS_PER_THREAD of them per thread)
-- before anything is answered. With one fixed delay every run began with all 64 page loads at
-- once (rendered together they took 25-100 ms): 3% of a 20-second paced run's requests, which
-- set its p99 while every vote took under 25 ms.
--
-- Each connection's first request loads a page, its own voter's: it must not take a voter who
-- arrived a moment earlier on another connection, whose vote would then come too fast. From
-- then on each request leaves a look after its connection's last answer and takes the oldest
-- waiting voter, who has waited at least as long.
dofile("scripts/bench/vote_loop.lua")

local look_ms = tonumber(os.getenv("BENCH_LOOK_MS") or "600")
local arrivals_left = tonumber(os.getenv("BENCH_CONNECTIONS_PER_THREAD") or "0")
local first_pages_left = arrivals_left

local waiting_voter = request
function request()
  if first_pages_left > 0 then
    first_pages_left = first_pages_left - 1
    return wrk.format("GET", "/", {})
  end
  return waiting_voter()
end

function delay()
  if arrivals_left > 0 then
    arrivals_left = arrivals_left - 1
    return math.random(0, look_ms)
  end
  return look_ms
end
