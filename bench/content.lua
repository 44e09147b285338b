-- content.lua: wrk script for the one search over 10,000 articles and
-- 10,000 knowledge-base entries. "zh2" asks two-character Chinese words,
-- "zh4" four-character ones, "en" English words; each request carries a
-- number of its own (n=), an argument the search does not keep pages for,
-- so no request is answered from a kept page: each is a search.
--     wrk ... -s bench/content.lua URL -- zh2|zh4|en
local mode = "zh2"
local n = 0
local words = {
	zh2 = { "分区", "索引", "复制", "延迟", "回收", "空间", "事务", "项目", "实践", "经验", "秒级", "长事", "检查", "逻辑" },
	zh4 = { "逻辑复制", "分区表与", "回收空间", "检查长事", "毫秒级别", "复制延迟", "为什么不", "项目里用" },
	en = { "brin", "replication", "vacuum", "partition", "autovacuum", "slot", "latency", "index" },
}

function init(args)
	mode = args[1] or "zh2"
end

local function encode(s)
	return (s:gsub("[^%w%-_.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
	n = n + 1
	local list = words[mode]
	return wrk.format("GET", "/search?q=" .. encode(list[n % #list + 1]) .. "&n=" .. n)
end
