-- wrk script for the ledger benchmark (c): single transfers between Zipf-skewed (s = 1.0) accounts
-- of the 10,000 the benchmark created; every request has a new transfer id.
local N = 10000
local cdf, total = {}, 0
for k = 1, N do
  total = total + 1 / k
  cdf[k] = total
end

local function pick()
  local target = math.random() * total
  local lo, hi = 1, N
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < target then lo = mid + 1 else hi = mid end
  end
  return lo - 1
end

local threads = {}
function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local counter, prefix, token = 0, "", ""
function init(args)
  prefix = (args[1] or "bench:c:") .. tid .. ":"
  token = args[2] or ""
  math.randomseed(tid * 7919)
end

function request()
  counter = counter + 1
  local debit = pick()
  local credit = pick()
  while credit == debit do credit = pick() end
  local cents = math.random(1, 10000)
  local body = string.format(
    '{"transfers":[{"id":"%s%d","debitAccountId":"bench:acct:%d","creditAccountId":"bench:acct:%d","amount":"%d.%02d","ledger":"CNY","code":1}]}',
    prefix, counter, debit, credit, math.floor(cents / 100), cents % 100)
  return wrk.format("POST", "/v1/ledger/transfers", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
