-- The lua5.4 case of tests/debian: strings, patterns, tables, closures,
-- coroutines, integer and float arithmetic, and a file on a -b disk.
-- Usage: lua5.4 check.lua DIR
local dir = arg[1]
local f = assert(io.open(dir .. "/input.txt", "r"))
local text = f:read("a")
f:close()
local counts, words = {}, 0
for w in text:gmatch("%a+") do
  w = w:lower()
  counts[w] = (counts[w] or 0) + 1
  words = words + 1
end
local keys = {}
for k in pairs(counts) do keys[#keys + 1] = k end
table.sort(keys, function(a, b) if counts[a] ~= counts[b] then return counts[a] > counts[b] end return a < b end)
local lines = { ("words %d distinct %d"):format(words, #keys) }
for i = 1, math.min(5, #keys) do lines[#lines + 1] = ("%s %d"):format(keys[i], counts[keys[i]]) end
local gen = coroutine.wrap(function() local a, b = 0, 1 for _ = 1, 50 do coroutine.yield(a) a, b = b, a + b end end)
local fib = {}
for _ = 1, 50 do fib[#fib + 1] = gen() end
lines[#lines + 1] = "fib " .. fib[50] .. " " .. math.type(fib[50])
lines[#lines + 1] = ("float %.10g %.10g %s"):format(math.pi * 1e6, 2 ^ 0.5, tostring(1 // 0.0))
lines[#lines + 1] = "integer " .. (math.maxinteger + 1 == math.mininteger and "wraps" or "does not wrap")
lines[#lines + 1] = ("utf8 %d %s"):format(utf8.len("héllo wörld"), utf8.char(72, 252, 115, 107))
local out = table.concat(lines, "\n") .. "\n"
local o = assert(io.open(dir .. "/lua.out", "w"))
o:write(out)
o:close()
io.write(out)
