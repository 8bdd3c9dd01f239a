-- wrk script for the payments benchmark: wallet-to-wallet transfers between random pairs of the
-- users the benchmark created. args[1]: a file of "token phone" lines.
local users = {}
local counter = 0

function init(args)
  for line in io.lines(args[1]) do
    local token, phone = line:match("^(%S+) (%S+)$")
    if token then table.insert(users, { token = token, phone = phone }) end
  end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
  counter = counter + 1
  local from = math.random(1, #users)
  local to = math.random(1, #users - 1)
  if to >= from then to = to + 1 end
  local body = string.format('{"toPhone":"%s","amount":{"amount":"0.01","currency":"CNY"}}', users[to].phone)
  return wrk.format("POST", "/v1/me/transfers", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. users[from].token }, body)
end
