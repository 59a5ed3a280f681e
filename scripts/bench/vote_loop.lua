-- wrk script: every connection carries one anonymous voter through the real loop: GET / (voter
-- cookie and first ticket), then POST /api/vote with the ticket from each answer. A voter who
-- runs out of pictures, or whose vote is refused, is replaced by a new one.
--
-- A wrk thread serves many connections and its callbacks do not say which connection a
-- response came on, so voters are matched up by their tickets: the first 12 base64 characters
-- of a ticket encode its version byte and the voter id, which leads back to that voter's
-- cookie. After each response the thread's next request goes out on the same connection, so
-- every connection always has exactly one voter with one vote in flight.
-- Globals (not locals) so that done() can read them from each thread.
votes = 0
refused = 0

local cookie_of = {} -- ticket prefix (voter) -> "rmd_voter=..."
local ready = {} -- voters whose next vote can be sent: { cookie, ticket }
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

-- Paced voters (paced_vote_loop.lua) take the voter who has waited longest, whose picture has
-- been in front of them for a whole look; at full speed the newest is as good and cheaper.
local oldest_first = os.getenv("BENCH_LOOK_MS") ~= nil

function request()
  local voter = oldest_first and table.remove(ready, 1) or table.remove(ready)
  if voter == nil then
    return wrk.format("GET", "/", {})
  end
  return wrk.format("POST", "/api/vote", {
    ["Cookie"] = voter.cookie,
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "ticket=" .. voter.ticket .. "&rating=" .. math.random(1, 10))
end

function response(status, headers, body)
  if status ~= 200 then
    refused = refused + 1
    return
  end
  local ticket
  if body:sub(1, 1) == "{" then
    votes = votes + 1
    ticket = body:match('"ticket":"([^"]+)"')
  else
    ticket = body:match('name="ticket" value="([^"]+)"')
    local set_cookie = headers["set-cookie"] or headers["Set-Cookie"]
    if ticket and set_cookie then
      cookie_of[ticket:sub(1, 12)] = set_cookie:match("^([^;]+)")
    end
  end
  if ticket then
    local cookie = cookie_of[ticket:sub(1, 12)]
    if cookie then
      table.insert(ready, { cookie = cookie, ticket = ticket })
    end
  end
end

function done(summary, latency, requests)
  local total_votes, total_refused = 0, 0
  for _, thread in ipairs(threads) do
    total_votes = total_votes + thread:get("votes")
    total_refused = total_refused + thread:get("refused")
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d votes=%d refused=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, total_votes, total_refused,
    errors.connect + errors.read + errors.write + errors.timeout))
end
