-- search.lua: wrk script for the organization directory's search. With
-- "rotate" the requests cycle through 338 queries (a directory people
-- search again and again: kept pages answer); with "new" every request
-- asks something never asked before (nothing kept can answer).
--     wrk ... -s bench/search.lua URL -- rotate|new
local mode = "rotate"
local n = 0

function init(args)
	mode = args[1] or "rotate"
end

local function encode(s)
	return (s:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
	n = n + 1
	local q
	if mode == "new" then
		q = "示例" .. n .. "号"
	else
		q = "示例" .. (n % 338 + 1) .. "号数据"
	end
	return wrk.format("GET", "/orgs?q=" .. encode(q))
end
