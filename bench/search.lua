-- search.lua: wrk script for the searches. For the organization
-- directory: with "rotate" the requests cycle through 338 queries (a
-- directory people search again and again: kept pages answer); with "new"
-- every request asks something never asked before (nothing kept can
-- answer). For the one search over 10,000 articles and 10,000
-- knowledge-base entries: "zh2" asks two-character Chinese words, "zh4"
-- four-character ones, "en" English words, each request with a number of
-- its own (n=), an argument the search keeps no page for, so each request
-- is a search.
--     wrk ... -s bench/search.lua URL -- rotate|new|zh2|zh4|en
local mode = "rotate"
local n = 0
local words = {
	zh2 = { "分区", "索引", "复制", "延迟", "回收", "空间", "事务", "项目", "实践", "经验", "秒级", "长事", "检查", "逻辑" },
	zh4 = { "逻辑复制", "分区表与", "回收空间", "检查长事", "毫秒级别", "复制延迟", "为什么不", "项目里用" },
	en = { "brin", "replication", "vacuum", "partition", "autovacuum", "slot", "latency", "index" },
}

local function encode(s)
	return (s:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

-- What does not change between requests is built once, in init: wrk runs
-- on the same two cores as the server, and escaping Chinese text byte by
-- byte in Lua on every request took CPU the server then did not have.
-- The requests themselves are the same.
local rotating, encoded = {}, {}
local new_head, new_tail = encode("示例"), encode("号")

function init(args)
	mode = args[1] or "rotate"
	for i = 1, 338 do
		rotating[i] = wrk.format("GET", "/orgs?q=" .. encode("示例" .. i .. "号数据"))
	end
	for i, w in ipairs(words[mode] or {}) do
		encoded[i] = "/search?q=" .. encode(w) .. "&n="
	end
end

function request()
	n = n + 1
	if words[mode] then
		return wrk.format("GET", encoded[n % #encoded + 1] .. n)
	end
	if mode == "new" then
		return wrk.format("GET", "/orgs?q=" .. new_head .. n .. new_tail)
	end
	return rotating[n % 338 + 1]
end
