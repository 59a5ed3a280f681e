-- wrk script: the vote loop as the hydrated page runs it in a phone's browser. Every connection
-- carries one anonymous voter: GET / (the page: voter cookie, first ticket, first picture), then,
-- for every picture, its image at the width a phone chooses (BENCH_IMAGE_WIDTH, 640: a 412 px
-- wide screen at 1.75 device pixels per px) followed by POST /api/vote with the ticket, whose
-- answer names the next picture. A voter who runs out of pictures, or whose vote is refused, is
-- replaced by a new one (a new page load).
--
-- As in vote_loop.lua, a wrk thread's callbacks do not say which connection answered, so voters
-- wait in two queues: those whose picture is to be fetched, and those whose picture has arrived
-- and who can vote. An image's answer lets the longest-waiting fetcher vote: each voter fetches
-- exactly one image per vote, which is what the load is made of, though under load one voter's
-- image may land just before another's.
votes = 0
images = 0
refused = 0

local width = os.getenv("BENCH_IMAGE_WIDTH") or "640"
local cookie_of = {} -- ticket prefix (voter) -> "rmd_voter=..."
local to_fetch = {} -- voters whose picture is to be fetched: { cookie, ticket, key }
local fetching = {} -- voters whose picture is on its way, oldest first
local to_vote = {} -- voters looking at their picture
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function request()
  local voter = table.remove(to_vote)
  if voter ~= nil then
    return wrk.format("POST", "/api/vote", {
      ["Cookie"] = voter.cookie,
      ["Accept"] = "application/json",
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, "ticket=" .. voter.ticket .. "&rating=" .. math.random(1, 10))
  end
  voter = table.remove(to_fetch)
  if voter ~= nil then
    table.insert(fetching, voter)
    return wrk.format("GET", "/media/" .. voter.key .. "/" .. width .. ".jpg", {
      ["Accept"] = "image/avif,image/webp,image/apng,image/*,*/*;q=0.8",
    })
  end
  return wrk.format("GET", "/", { ["Accept"] = "text/html" })
end

local function next_picture(cookie, ticket, key)
  if cookie and ticket and key then
    table.insert(to_fetch, { cookie = cookie, ticket = ticket, key = key })
  end
end

function response(status, headers, body)
  local first = body:sub(1, 1)
  if first == "{" then
    if status ~= 200 then
      refused = refused + 1
      return
    end
    votes = votes + 1
    local ticket = body:match('"ticket":"([^"]+)"')
    local key = body:match('"image_key":"([0-9a-f]+)"')
    if ticket then
      next_picture(cookie_of[ticket:sub(1, 12)], ticket, key)
    end
  elseif first == "<" then
    local ticket = body:match('name="ticket" value="([^"]+)"')
    -- The picture being rated is the page's one image with a srcset.
    local key = body:match('src="/media/([0-9a-f]+)/640%.jpg" srcset=')
    local set_cookie = headers["set-cookie"] or headers["Set-Cookie"]
    if ticket and set_cookie then
      local cookie = set_cookie:match("^([^;]+)")
      cookie_of[ticket:sub(1, 12)] = cookie
      next_picture(cookie, ticket, key)
    end
  else
    -- An image (or an empty error answer to a fetch).
    local voter = table.remove(fetching, 1)
    if status == 200 then
      images = images + 1
      if voter then
        table.insert(to_vote, voter)
      end
    else
      refused = refused + 1
    end
  end
end

function done(summary, latency, requests)
  local total_votes, total_images, total_refused = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_votes = total_votes + thread:get("votes")
    total_images = total_images + thread:get("images")
    total_refused = total_refused + thread:get("refused")
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d votes=%d images=%d refused=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, total_votes, total_images, total_refused,
    errors.connect + errors.read + errors.write + errors.timeout))
end
