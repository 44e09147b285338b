/* demo.c (events): gives the demo community's salons what a real one has:
 * a full day's agenda built from each salon's talks (sign-in, opening,
 * talks, lunch, cases or a debate, group photo, prizes), channel links,
 * and registrations: past salons checked in, the open one filling up. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "events/events.h"
#include "base/banned.h"

static const char *surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭" };
static const char *given[] = { "伟", "芳", "娜", "敏", "静", "磊", "强", "洋", "艳", "杰", "涛", "明", "超", "霞", "平", "刚",
			       "婷", "浩", "宇", "晨" };
static const char *titles[] = { "DBA", "架构师", "开发工程师", "技术经理", "CTO", "运维工程师", "学生", "数据工程师" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int item(db *d, arena *a, int64_t ev, int64_t start, int from_min, int to_min, const char *kind,
		const char *title, const char *speaker, const char *org, err *e)
{
	db_res x;
	int rc = db_query(d, a, "INSERT INTO event_items (event_id, starts_at, ends_at, kind, title) VALUES (?, ?, ?, ?, ?) RETURNING id",
			  DB_ARGS(DB_INT(ev), DB_TIME(start + from_min * 60), DB_TIME(start + to_min * 60), DB_TEXT(kind),
				  DB_TEXT(title)), &x, e);
	if (rc || !speaker || !*speaker)
		return rc;
	return db_exec(d, "INSERT INTO item_speakers (item_id, pos, name, org_id, org_name) VALUES (?, 0, ?, "
			  "(SELECT id FROM orgs WHERE name_zh = ?), ?)",
		       DB_ARGS(DB_INT(db_get_int(&x, 0, 0)), DB_TEXT(speaker), DB_TEXT(org), DB_TEXT(org ? org : "")), NULL, e);
}

/* A salon day from its talks: the morning for talks, the afternoon for
 * the round table or the debate. */
static int agenda(db *d, arena *a, int64_t ev, int64_t start, err *e)
{
	db_res t;
	int rc = db_query(d, a, "SELECT title, coalesce(speaker, ''), coalesce(speaker_org, '') FROM event_topics "
				"WHERE event_id = ? ORDER BY pos", DB_ARGS(DB_INT(ev)), &t, e);
	if (rc || !t.nrows)
		return rc;
	if ((rc = item(d, a, ev, start, -30, 0, "signin", "签到入场", NULL, NULL, e)) ||
	    (rc = item(d, a, ev, start, 0, 15, "opening", "开场致辞", "社区主持人", NULL, e)))
		return rc;
	int at = 15, afternoon = 270; /* 13:30 */
	for (int i = 0; i < t.nrows; i++) {
		const char *title = db_get(&t, i, 0), *who = db_get(&t, i, 1), *org = db_get(&t, i, 2);
		if (!*who) { /* the afternoon's round table or debate */
			const char *kind = strstr(title, "辩论") ? "debate" : "closed";
			if ((rc = item(d, a, ev, start, afternoon, afternoon + 120, kind, title, NULL, NULL, e)))
				return rc;
			afternoon += 120;
		} else if (at < 165) {
			if ((rc = item(d, a, ev, start, at, at + 45, "talk", title, who, org, e)))
				return rc;
			at += 45;
		} else {
			if ((rc = item(d, a, ev, start, afternoon, afternoon + 40, "case", title, who, org, e)))
				return rc;
			afternoon += 40;
		}
	}
	if ((rc = item(d, a, ev, start, 180, 270, "break", "午餐与交流", NULL, NULL, e)) ||
	    (rc = item(d, a, ev, start, afternoon, afternoon + 15, "photo", "全体合影", NULL, NULL, e)))
		return rc;
	return item(d, a, ev, start, afternoon + 15, 510, "prize", "颁奖与抽奖", "社区主持人", NULL, e);
}

static int links(db *d, int64_t ev, int64_t now, int64_t ids[3], err *e)
{
	static const char *labels[] = { "微信群 · PG 用户 1 群", "公众号推文", "钉钉群" };
	arena a = ARENA_INIT;
	int rc = 0;
	for (int i = 0; i < 3 && !rc; i++) {
		db_res x;
		rc = db_query(d, &a, "INSERT INTO event_links (event_id, code, label, created_at) VALUES (?, ?, ?, ?) RETURNING id",
			      DB_ARGS(DB_INT(ev), DB_TEXT(arena_printf(&a, "demo%lld-%d", (long long)ev, i)),
				      DB_TEXT(labels[i]), DB_TIME(now)), &x, e);
		if (!rc)
			ids[i] = db_get_int(&x, 0, 0);
	}
	arena_release(&a);
	return rc;
}

/* n registrations, the first `checked` of them checked in at the door. */
static int registrations(db *d, arena *a, int64_t ev, int64_t start, int n, int checked, int64_t now, err *e)
{
	db_res orgs;
	int64_t link[3];
	int rc = db_query(d, a, "SELECT o.name_zh FROM event_orgs eo JOIN orgs o ON o.id = eo.org_id WHERE eo.event_id = ? "
				"UNION SELECT name_zh FROM orgs WHERE id <= 12", DB_ARGS(DB_INT(ev)), &orgs, e);
	if (!rc)
		rc = links(d, ev, now, link, e);
	for (int i = 0; !rc && i < n; i++) {
		unsigned char raw[16];
		char ticket[32];
		randombytes_buf(raw, sizeof(raw));
		sodium_bin2base64(ticket, sizeof(ticket), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
		int64_t at = start - (int64_t)(n - i) * 3600 * 3; /* sign-ups over the weeks before */
		if (at > now - (int64_t)(n - i) * 600)
			at = now - (int64_t)(n - i) * 600;
		rc = db_exec(d, "INSERT INTO registrations (event_id, name, org, title, phone, status, link_id, ticket, "
				"created_at, updated_at, checked_in_at) VALUES (?, ?, ?, ?, ?, 'confirmed', ?, ?, ?, ?, ?)",
			     DB_ARGS(DB_INT(ev),
				     DB_TEXT(arena_printf(a, "%s%s%s", surnames[i % COUNT(surnames)],
							  given[(i / COUNT(surnames)) % COUNT(given)],
							  i >= (int)(COUNT(surnames) * COUNT(given)) ? "二" : "")),
				     DB_TEXT(db_get(&orgs, i % orgs.nrows, 0)), DB_TEXT(titles[i % COUNT(titles)]),
				     DB_TEXT(arena_printf(a, "1380000%04d", i)), i % 4 == 3 ? DB_NULL : DB_INT(link[i % 3]),
				     DB_TEXT(ticket), DB_TIME(at), DB_TIME(at),
				     i < checked ? DB_TIME(start - 1800 + i * 5) : DB_NULL),
			     NULL, e);
	}
	if (!rc)
		rc = db_exec(d, "UPDATE events SET confirmed = ?, checked_in = ? WHERE id = ?",
			     DB_ARGS(DB_INT(n), DB_INT(checked), DB_INT(ev)), NULL, e);
	return rc;
}

int events_demo(db *d, struct demo_ctx *c, err *e)
{
	if (c->skip)
		return 0;
	arena a = ARENA_INIT;
	db_res ev;
	int64_t now = unix_now();
	int rc = db_query(d, &a, "SELECT e.id, e.starts_at, e.status, e.capacity, e.registered_text FROM events e "
				 "WHERE NOT EXISTS (SELECT 1 FROM event_items i WHERE i.event_id = e.id) ORDER BY e.id",
			  DB_NOARGS, &ev, e);
	for (int i = 0; !rc && i < ev.nrows; i++) {
		int64_t id = db_get_int(&ev, i, 0), start = db_get_int(&ev, i, 1), cap = db_get_int(&ev, i, 3);
		const char *status = db_get(&ev, i, 2);
		if ((rc = agenda(d, &a, id, start, e)))
			break;
		/* Past salons: the recorded head count, when it is a number. */
		int64_t n = 0;
		if (!strcmp(status, "finished") && db_get(&ev, i, 4))
			parse_i64(db_get(&ev, i, 4), 0, cap, &n);
		if (!strcmp(status, "finished"))
			rc = registrations(d, &a, id, start, (int)(n ? n : cap * 4 / 5), (int)((n ? n : cap * 4 / 5) * 9 / 10),
					   now, e);
		else if (!strcmp(status, "open"))
			rc = registrations(d, &a, id, start, (int)(cap * 3 / 5), 0, now, e);
	}
	arena_release(&a);
	return rc;
}
