-- lua5.4 under Husk: a small log analyser. Reads DIR/access.log, counts
-- requests by status, path and hour, finds the busiest clients, computes
-- checksums with integer arithmetic, runs a coroutine pipeline, and writes
-- DIR/report.txt; prints a summary. Usage: lua5.4 main.lua DIR
local dir = assert(arg[1], "usage: main.lua DIR")
local by_status, by_path, by_client, by_hour = {}, {}, {}, {}
local bytes, lines = 0, 0
local function bump(t, k, n) t[k] = (t[k] or 0) + (n or 1) end
for line in io.lines(dir .. "/access.log") do
  local client, hour, method, path, status, size =
    line:match('^(%S+) %S+ %S+ %[%d+/%a+/%d+:(%d+):%d+:%d+ [^%]]+%] "(%u+) (%S+) [^"]*" (%d+) (%d+)')
  assert(client, "bad line: " .. line)
  lines = lines + 1
  bump(by_status, status); bump(by_path, method .. " " .. path); bump(by_client, client)
  bump(by_hour, tonumber(hour)); bytes = bytes + tonumber(size)
end
local function top(t, n)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) if t[a] ~= t[b] then return t[a] > t[b] end return tostring(a) < tostring(b) end)
  local out = {}
  for i = 1, math.min(n, #keys) do out[i] = string.format("%s=%d", keys[i], t[keys[i]]) end
  return table.concat(out, " ")
end
-- FNV-1a over the report, 64-bit wrapping integers.
local function fnv(s)
  local h = -3750763034362895579
  for i = 1, #s do h = (h ~ s:byte(i)) * 1099511628211 end
  return string.format("%016x", h)
end
-- A coroutine producer/consumer: primes below 20000, summed.
local gen = coroutine.wrap(function()
  local sieve = {}
  for i = 2, 20000 do
    if not sieve[i] then coroutine.yield(i); for j = i * i, 20000, i do sieve[j] = true end end
  end
end)
local primes, psum = 0, 0
for p in gen do primes = primes + 1; psum = psum + p end

local report = {}
report[#report + 1] = string.format("lines %d bytes %d mean %.3f", lines, bytes, bytes / lines)
report[#report + 1] = "status " .. top(by_status, 10)
report[#report + 1] = "paths " .. top(by_path, 5)
report[#report + 1] = "clients " .. top(by_client, 3)
report[#report + 1] = "hours " .. top(by_hour, 4)
report[#report + 1] = string.format("primes %d sum %d", primes, psum)
local text = table.concat(report, "\n") .. "\n"
local f = assert(io.open(dir .. "/report.txt", "w"))
f:write(text)
f:close()
io.write(text)
print("fnv " .. fnv(text) .. " " .. _VERSION)
