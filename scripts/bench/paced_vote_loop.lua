-- wrk script: the vote loop of vote_loop.lua, by voters who look at each picture before they
-- rate it. Every request waits BENCH_LOOK_MS (600) first, and takes the voter who has been
-- waiting longest (wrk builds a request after its delay, from the thread's shared queue), so
-- every picture is in front of its voter for at least that long.
dofile("scripts/bench/vote_loop.lua")

local look_ms = tonumber(os.getenv("BENCH_LOOK_MS") or "600")

function delay()
  return look_ms
end
