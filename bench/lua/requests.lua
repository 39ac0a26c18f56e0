-- wrk script: send the requests listed in a file, one per line:
--   METHOD <tab> PATH <tab> COOKIE <tab> BODY
-- Each wrk thread takes every n-th line and goes through them in order, so
-- that unique requests (one vote per member and contender) stay unique; a
-- file shorter than the number of threads is shared by all of them.
-- At the end it prints one line: BENCH_JSON {...} with counts and latency.

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "r"))
  local all = {}
  for line in file:lines() do
    table.insert(all, line)
  end
  file:close()
  local step = tonumber(args[2])
  if #all < step then
    step = 1
  end
  lines = {}
  for index, line in ipairs(all) do
    if (index - 1) % step == id % step then
      local method, path, cookie, body = line:match("([^\t]*)\t([^\t]*)\t([^\t]*)\t?(.*)")
      local headers = {}
      if cookie ~= "" then headers["Cookie"] = cookie end
      if method == "POST" then
        headers["Content-Type"] = "application/x-www-form-urlencoded"
      end
      table.insert(lines, wrk.format(method, path, headers, body ~= "" and body or nil))
    end
  end
  position = 0
  ok = 0
  failed = 0
  wrapped = 0
end

function request()
  position = position + 1
  if position > #lines then
    position = 1
    wrapped = 1
  end
  return lines[position]
end

function response(status, headers, body)
  if status >= 200 and status < 400 then
    ok = ok + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_failed, any_wrapped = 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_failed = total_failed + thread:get("failed")
    any_wrapped = math.max(any_wrapped, thread:get("wrapped"))
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "ok": %d, "failed": %d, "wrapped": %d, '
      .. '"socket_errors": %d, "p50_ms": %.3f, "p99_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, total_ok, total_failed, any_wrapped,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50.0) / 1000, latency:percentile(99.0) / 1000))
end
