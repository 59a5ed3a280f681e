-- wrk script: every wrk thread is one anonymous voter on its own connection, going through the
-- real loop: GET / (voter cookie and first ticket), then POST /api/vote with the ticket from each
-- answer. A voter who runs out of pictures starts over as a new voter.
-- Globals (not locals) so that done() can read them from each thread.
cookie = nil
ticket = nil
votes = 0
refused = 0

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  if ticket == nil then
    return wrk.format("GET", "/", {})
  end
  return wrk.format("POST", "/api/vote", {
    ["Cookie"] = cookie,
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "ticket=" .. ticket .. "&rating=" .. math.random(1, 10))
end

function response(status, headers, body)
  local set_cookie = headers["set-cookie"] or headers["Set-Cookie"]
  if set_cookie then
    cookie = set_cookie:match("^([^;]+)")
  end
  if status ~= 200 then
    refused = refused + 1
    ticket = nil
    cookie = nil
    return
  end
  if body:sub(1, 1) == "{" then
    votes = votes + 1
    ticket = body:match('"ticket":"([^"]+)"')
  else
    ticket = body:match('name="ticket" value="([^"]+)"')
  end
  if ticket == nil then
    cookie = nil
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
