/* demo.c: `pgherd demo` fills a believable community: cities, partner
 * organizations (names from the community's real 2018 salon records), the
 * monthly salon series with past and coming salons, their hosts, topics and
 * attending organizations, and the channels where members gather. */
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "base/util.h"
#include "events/events.h"
#include "orgs/orgs.h"
#include "portal/portal.h"
#include "base/banned.h"

static const struct { const char *zh, *en; } cities[] = {
	{ "杭州", "Hangzhou" }, { "北京", "Beijing" }, { "郑州", "Zhengzhou" },
	{ "广州", "Guangzhou" }, { "深圳", "Shenzhen" }, { "上海", "Shanghai" },
	{ "南京", "Nanjing" }, { "成都", "Chengdu" }, { "武汉", "Wuhan" }, { "西安", "Xi'an" },
};

static const struct { const char *zh, *en, *category, *industry, *city; } orgs[] = {
	{ "阿里巴巴", "Alibaba", "cloud", "internet", "杭州" },
	{ "华为", "Huawei", "hardware", "telecom", "深圳" },
	{ "京东", "JD.com", "user", "internet", "北京" },
	{ "邮储银行", "Postal Savings Bank of China", "user", "bank", "北京" },
	{ "中国人寿", "China Life", "user", "insurance", "北京" },
	{ "民生银行", "China Minsheng Bank", "user", "bank", "北京" },
	{ "中原银行", "Zhongyuan Bank", "user", "bank", "郑州" },
	{ "中国电信", "China Telecom", "user", "telecom", "北京" },
	{ "海康威视", "Hikvision", "hardware", "manufacturing", "杭州" },
	{ "网易", "NetEase", "user", "internet", "杭州" },
	{ "乘数科技", "Chengshu Technology", "db_vendor", "software", "杭州" },
	{ "亚信", "AsiaInfo", "integrator", "telecom", "北京" },
	{ "苏宁", "Suning", "user", "retail", "南京" },
	{ "中兴", "ZTE", "hardware", "telecom", "深圳" },
	{ "同花顺", "Hithink RoyalFlush", "user", "finance", "杭州" },
	{ "去哪儿", "Qunar", "user", "internet", "北京" },
	{ "汽车之家", "Autohome", "user", "internet", "北京" },
	{ "智联招聘", "Zhaopin", "user", "internet", "北京" },
	{ "超图", "SuperMap", "isv", "gis", "北京" },
	{ "四维图新", "NavInfo", "isv", "gis", "北京" },
	{ "金风科技", "Goldwind", "user", "energy", "北京" },
	{ "万科", "Vanke", "user", "real_estate", "深圳" },
	{ "诺基亚", "Nokia", "hardware", "telecom", "广州" },
	{ "富士康", "Foxconn", "user", "manufacturing", "郑州" },
	{ "上海新炬", "Shanghai Xinju", "integrator", "software", "上海" },
	{ "华三", "H3C", "hardware", "telecom", "杭州" },
	{ "税友", "Servyou", "isv", "government", "杭州" },
	{ "优炫软件", "Uxsino", "db_vendor", "software", "北京" },
	{ "天数智芯", "Iluvatar CoreX", "hardware", "semiconductor", "上海" },
	{ "哈啰出行", "Hellobike", "user", "internet", "上海" },
	{ "娃哈哈", "Wahaha", "user", "manufacturing", "杭州" },
	{ "斯凯网络", "Sky-mobi", "user", "internet", "杭州" },
	{ "浙江大学", "Zhejiang University", "university", "education", "杭州" },
	{ "郑州大学", "Zhengzhou University", "university", "education", "郑州" },
	{ "华中科技大学", "Huazhong University of Science and Technology", "university", "education", "武汉" },
	{ "清华大学深圳研究生院", "Tsinghua Shenzhen International Graduate School", "university", "education", "深圳" },
	{ "大象圈社区", "Elephant Circle Community", "community", "community", "郑州" },
	{ "开源中国", "OSCHINA", "media", "media", "深圳" },
};

static const struct { const char *org, *alias; } aliases[] = {
	{ "阿里巴巴", "阿里" }, { "阿里巴巴", "阿里云" }, { "阿里巴巴", "Aliyun" },
	{ "邮储银行", "中国邮政储蓄银行" }, { "邮储银行", "PSBC" }, { "华为", "HUAWEI" },
	{ "京东", "JD" }, { "中兴", "中兴通讯" }, { "华三", "新华三" }, { "中国电信", "电信" },
	{ "海康威视", "海康" }, { "哈啰出行", "HELLOBIKE" }, { "清华大学深圳研究生院", "清华深研院" },
};

struct ev {
	int seq;
	const char *date; /* local date; salons run 09:00-17:30 China time */
	const char *city;
	const char *status;
	int capacity;
	const char *registered, *reach;
	const char *hosts;     /* '|'-separated organization names */
	const char *attendees; /* '|'-separated */
	const char *topics;    /* '|'-separated "speaker org；speaker；title" */
};

static const struct ev events[] = {
	{ 31, "2026-05-16", "成都", "finished", 120, "1xx", "1500+", "华为",
	  "华为|中国电信|税友|亚信|四维图新|金风科技",
	  "华为；张伟；分布式事务在 PostgreSQL 上的实践|中国电信；李娜；从 Oracle 迁移到 PostgreSQL 的一百个细节|税友；王强；PostgreSQL 在税务 SaaS 中的多租户设计|；；企业深入圆桌研讨" },
	{ 32, "2026-06-20", "武汉", "finished", 150, "142", "2000+", "华中科技大学",
	  "华中科技大学|中兴|海康威视|网易|超图|优炫软件",
	  "华中科技大学；刘洋；从课堂到内核：PostgreSQL 教学实践|超图；陈静；PostGIS 空间索引调优|优炫软件；赵磊；国产数据库与 PostgreSQL 生态兼容|；；辩论赛：单库还是分库？" },
	{ 33, "2026-07-18", "南京", "finished", 200, "200", "3100+", "苏宁",
	  "苏宁|民生银行|中国人寿|汽车之家|去哪儿|哈啰出行|万科",
	  "苏宁；陈华；Citus 分库分表的十年演进|民生银行；周敏；核心系统的 PostgreSQL 高可用|哈啰出行；吴刚；逻辑复制驱动的实时数仓|；；企业深入圆桌研讨" },
	{ 34, "2026-08-22", "郑州", "finished", 100, "about 90", NULL, "大象圈社区|中原银行",
	  "中原银行|富士康|郑州大学|亚信|大象圈社区",
	  "中原银行；孙丽；银行账务系统上 PostgreSQL 的五年|郑州大学；马超；学生的第一次内核补丁|；；辩论赛：要不要用存储过程？" },
	{ 35, "2026-09-19", "深圳", "finished", 180, "176", "2600+", "清华大学深圳研究生院",
	  "清华大学深圳研究生院|华为|中兴|万科|诺基亚|开源中国",
	  "华为；黄磊；向量检索与 pgvector 的工程实践|万科；林芳；物业系统的分区表设计|清华大学深圳研究生院；郭涛；查询优化器的代价模型|；；企业深入圆桌研讨" },
	{ 36, "2026-10-24", "北京", "finished", 240, "2xx", "4200+", "京东|邮储银行",
	  "京东|邮储银行|中国人寿|智联招聘|四维图新|金风科技|去哪儿|优炫软件",
	  "京东；何军；大促下的连接池与 pgbouncer|邮储银行；许静；金融级备份与时间点恢复|金风科技；宋伟；风电时序数据的压缩存储|；；辩论赛：云数据库还是自建？" },
	{ 37, "2026-11-14", "广州", "finished", 160, "151", "1900+", "阿里巴巴",
	  "阿里巴巴|网易|诺基亚|上海新炬|同花顺",
	  "阿里巴巴；谢宁；PolarDB 与 PostgreSQL 内核|上海新炬；罗斌；运维自动化与巡检|；；企业深入圆桌研讨" },
	{ 38, "2026-12-19", "杭州", "open", 200, NULL, NULL, "网易|浙江大学",
	  NULL,
	  "网易；冯晨；PostgreSQL 17 新特性导读|浙江大学；韩梅；学术界眼中的 MVCC|乘数科技；董红；从 MSSQL 到 PG 的迁移实践|；；辩论赛：JSONB 能替代文档数据库吗？" },
	{ 39, "2027-01-16", "上海", "published", 220, NULL, NULL, "哈啰出行",
	  NULL, "哈啰出行；吴刚；千万级订单的分区与归档|天数智芯；赵强；GPU 加速分析查询" },
	{ 40, "2027-02-27", "西安", "published", 120, NULL, NULL, "华为", NULL, NULL },
};

static const struct { const char *kind, *zh, *en, *url; int followers; } channels[] = {
	{ "wechat_account", "微信公众号：PostgreSQL中文社区", "WeChat official account", NULL, 38200 },
	{ "wechat_group", "微信技术交流群（28 个）", "WeChat groups (28)", NULL, 12600 },
	{ "dingtalk", "钉钉群", "DingTalk group", NULL, 3400 },
	{ "qq", "QQ 群", "QQ group", NULL, 2100 },
	{ "bilibili", "B 站：直播与回放", "bilibili: live and replays", "https://space.bilibili.com/", 9800 },
	{ "mailing_list", "邮件列表", "Mailing list", "mailto:community@example.org", 1500 },
};

/* Returns the id of the row a SELECT finds (one int column), or 0. */
static int64_t find_id(db *d, arena *a, const char *sql, const char *key, err *e, int *rc)
{
	db_res r;
	*rc = db_query(d, a, sql, DB_ARGS(DB_TEXT(key)), &r, e);
	return !*rc && r.nrows ? db_get_int(&r, 0, 0) : 0;
}

static int add_org_role(db *d, arena *a, int64_t ev, const char *name, const char *role, err *e)
{
	int rc;
	int64_t org = find_id(d, a, "SELECT id FROM orgs WHERE name_zh = ?", name, e, &rc);
	if (rc)
		return rc;
	if (!org)
		return err_set(e, ERR_FAIL, "demo: unknown organization %s", name);
	return db_exec(d, "INSERT INTO event_orgs (event_id, org_id, role) VALUES (?, ?, ?) "
			  "ON CONFLICT DO NOTHING",
		       DB_ARGS(DB_INT(ev), DB_INT(org), DB_TEXT(role)), NULL, e);
}

static int for_each(db *d, arena *a, int64_t ev, const char *list, const char *role, err *e)
{
	if (!list)
		return 0;
	char *copy = arena_strdup(a, list), *save = NULL;
	for (char *n = strtok_r(copy, "|", &save); n; n = strtok_r(NULL, "|", &save)) {
		int rc = add_org_role(d, a, ev, n, role, e);
		if (rc)
			return rc;
	}
	return 0;
}

int portal_demo(db *d, struct demo_ctx *c, err *e)
{
	arena a = ARENA_INIT;
	db_res r;
	int rc;
	int64_t now = unix_now();
	c->added = 0;

	if ((rc = db_query(d, &a, "SELECT count(*) FROM events", DB_NOARGS, &r, e)))
		goto out;
	if (db_get_int(&r, 0, 0) > 0 && !c->force) {
		c->skip = 1;
		goto out;
	}

	for (size_t i = 0; i < sizeof(cities) / sizeof(cities[0]); i++)
		if ((rc = db_exec(d, "INSERT INTO cities (name_zh, name_en) VALUES (?, ?) ON CONFLICT DO NOTHING",
				  DB_ARGS(DB_TEXT(cities[i].zh), DB_TEXT(cities[i].en)), NULL, e)))
			goto out;
	for (size_t i = 0; i < sizeof(orgs) / sizeof(orgs[0]); i++) {
		int64_t city = find_id(d, &a, "SELECT id FROM cities WHERE name_zh = ?", orgs[i].city, e, &rc);
		if (rc || (rc = db_exec(d, "INSERT INTO orgs (name_zh, name_en, category, industry, city_id, created_at) "
					   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
					DB_ARGS(DB_TEXT(orgs[i].zh), DB_TEXT(orgs[i].en), DB_TEXT(orgs[i].category),
						DB_TEXT(orgs[i].industry), DB_INT(city), DB_TIME(now)),
					NULL, e)))
			goto out;
	}
	if ((rc = db_exec(d, "INSERT INTO event_series (slug, name_zh, name_en, summary_zh, summary_en) "
			     "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
			  DB_ARGS(DB_TEXT("salon"), DB_TEXT("PG 天天象上 · 城市沙龙"),
				  DB_TEXT("PG Elephant Days · City Salon"),
				  DB_TEXT("每月一城，一整天：上午主题分享，下午案例与辩论赛。"),
				  DB_TEXT("One city a month, a full day: talks in the morning, cases and a debate in the afternoon.")),
			  NULL, e)))
		goto out;
	int64_t series = find_id(d, &a, "SELECT id FROM event_series WHERE slug = ?", "salon", e, &rc);
	if (rc)
		goto out;

	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		const struct ev *v = &events[i];
		int64_t start, city;
		char when[32];
		snprintf(when, sizeof(when), "%sT01:00:00Z", v->date); /* 09:00 in UTC+8 */
		if (parse_time(when, &start)) {
			rc = err_set(e, ERR_FAIL, "demo: bad date %s", v->date);
			goto out;
		}
		city = find_id(d, &a, "SELECT id FROM cities WHERE name_zh = ?", v->city, e, &rc);
		if (rc)
			goto out;
		const char *en_city = "";
		for (size_t k = 0; k < sizeof(cities) / sizeof(cities[0]); k++)
			if (!strcmp(cities[k].zh, v->city))
				en_city = cities[k].en;
		db_res ins;
		rc = db_query(d, &a, "INSERT INTO events (series_id, seq, title_zh, title_en, city_id, venue, "
				     "starts_at, ends_at, status, capacity, registered_text, reach_text, created_at) "
				     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
				     "ON CONFLICT (series_id, seq) DO NOTHING RETURNING id",
			      DB_ARGS(DB_INT(series), DB_INT(v->seq),
				      DB_TEXT(arena_printf(&a, "第 %d 期 PG 天天象上 · %s站", v->seq, v->city)),
				      DB_TEXT(arena_printf(&a, "PG Elephant Days #%d · %s", v->seq, en_city)),
				      DB_INT(city), DB_TEXT(arena_printf(&a, "%s 会议中心", v->city)),
				      DB_TIME(start), DB_TIME(start + 8 * 3600 + 1800), DB_TEXT(v->status),
				      DB_INT(v->capacity), DB_TEXT(v->registered), DB_TEXT(v->reach), DB_TIME(now)),
			      &ins, e);
		if (rc)
			goto out;
		if (!ins.nrows)
			continue; /* there already */
		int64_t ev = db_get_int(&ins, 0, 0);
		c->added++;
		if ((rc = for_each(d, &a, ev, v->hosts, "host", e)) ||
		    (rc = for_each(d, &a, ev, v->attendees, "attendee", e)))
			goto out;
		if (!v->topics)
			continue;
		char *copy = arena_strdup(&a, v->topics), *save = NULL;
		int pos = 0;
		for (char *t = strtok_r(copy, "|", &save); t; t = strtok_r(NULL, "|", &save)) {
			char *s1 = strstr(t, "；"), *s2 = s1 ? strstr(s1 + 3, "；") : NULL;
			if (!s2) {
				rc = err_set(e, ERR_FAIL, "demo: bad topic %s", t);
				goto out;
			}
			*s1 = *s2 = '\0';
			if ((rc = db_exec(d, "INSERT INTO event_topics (event_id, pos, title, speaker, speaker_org) "
					     "VALUES (?, ?, ?, ?, ?)",
					  DB_ARGS(DB_INT(ev), DB_INT(++pos), DB_TEXT(s2 + 3),
						  DB_TEXT(*(s1 + 3) ? s1 + 3 : NULL), DB_TEXT(*t ? t : NULL)),
					  NULL, e)))
				goto out;
		}
	}
	for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++) {
		db_res have;
		if ((rc = db_query(d, &a, "SELECT id FROM channels WHERE kind = ? AND name_zh = ?",
				   DB_ARGS(DB_TEXT(channels[i].kind), DB_TEXT(channels[i].zh)), &have, e)))
			goto out;
		if (!have.nrows &&
		    (rc = db_exec(d, "INSERT INTO channels (kind, name_zh, name_en, url, followers, pos) "
				     "VALUES (?, ?, ?, ?, ?, ?)",
				  DB_ARGS(DB_TEXT(channels[i].kind), DB_TEXT(channels[i].zh),
					  DB_TEXT(channels[i].en), DB_TEXT(channels[i].url),
					  DB_INT(channels[i].followers), DB_INT((int64_t)i)),
				  NULL, e)))
			goto out;
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		int64_t org = find_id(d, &a, "SELECT id FROM orgs WHERE name_zh = ?", aliases[i].org, e, &rc);
		if (rc || (rc = db_exec(d, "INSERT INTO org_aliases (org_id, alias) VALUES (?, ?) ON CONFLICT DO NOTHING",
					DB_ARGS(DB_INT(org), DB_TEXT(aliases[i].alias)), NULL, e)))
			goto out;
	}
	db_res all;
	if ((rc = db_query(d, &a, "SELECT id FROM orgs WHERE search_text = '' OR id IN (SELECT org_id FROM org_aliases)",
			   DB_NOARGS, &all, e)))
		goto out;
	for (int i = 0; i < all.nrows; i++)
		if ((rc = orgs_refresh_search(d, db_get_int(&all, i, 0), e)))
			goto out;
	rc = db_exec(d, "INSERT INTO settings (key, value, updated_at) VALUES ('demo_loaded', '1', ?) "
			"ON CONFLICT (key) DO UPDATE SET updated_at = excluded.updated_at",
		     DB_ARGS(DB_TIME(now)), NULL, e);
out:
	arena_release(&a);
	return rc;
}
