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

function init(args)
	mode = args[1] or "rotate"
end

local function encode(s)
	return (s:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
	n = n + 1
	local list = words[mode]
	if list then
		return wrk.format("GET", "/search?q=" .. encode(list[n % #list + 1]) .. "&n=" .. n)
	end
	local q
	if mode == "new" then
		q = "示例" .. n .. "号"
	else
		q = "示例" .. (n % 338 + 1) .. "号数据"
	end
	return wrk.format("GET", "/orgs?q=" .. encode(q))
end
