-- wrk script: the vote loop of vote_loop.lua, by voters who look at each picture before they
-- rate it. Every request waits BENCH_LOOK_MS (600) first: on a connection the next request is
-- the voter's next vote, so that is how long each picture is in front of them.
dofile("scripts/bench/vote_loop.lua")

local look_ms = tonumber(os.getenv("BENCH_LOOK_MS") or "600")

function delay()
  return look_ms
end
