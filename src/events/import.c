/* import.c: past events from a JSON file, as communities kept them before
 * pgherd (examples/salons-2018.json is one): per salon its number,
 * date, city, hosts, topics ("<speaker org>，<speaker>，<title>"),
 * attending organizations, approximate counts and replay links. The whole
 * file is checked before anything is written, a mistake is named by line
 * and field, and everything goes in one transaction: a file imports whole
 * or not at all. Importing the same file again changes nothing; a salon
 * the series already holds on the same date only gains what it lacks.
 * `pgherd import events FILE` and the organizers' page /events/import share
 * events_import. */
#include <stdarg.h>
#include <string.h>

#include "auth/auth.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "events/cal.h"
#include "events/internal.h"
#include "orgs/orgs.h"
#include "view/i18n.h"
#include "base/banned.h"

/* A dry run's transaction ends here: all checked, then rolled back. */
enum { DRY_RUN_DONE = 1 };

enum { IMPORT_MAX_BYTES = 4 * 1024 * 1024, MAX_SALONS = 2000, NAME_MAX = 100, TOPIC_MAX = 500 };

/* ---- where a value sits in the file ---- */

/* jansson keeps no positions for values, only for syntax errors; to name
 * the line of a bad field, this walks the (already valid) text to the
 * path's value counting line breaks. */
struct walk {
	const char *p, *end;
	int line;
};

static void ws(struct walk *w)
{
	for (; w->p < w->end && strchr(" \t\r\n", *w->p); w->p++)
		if (*w->p == '\n')
			w->line++;
}

/* Skips a string at w->p; copies its raw text (escapes left as they are)
 * into key when key is not NULL. */
static void skip_string(struct walk *w, char *key, size_t cap)
{
	size_t n = 0;
	for (w->p++; w->p < w->end && *w->p != '"'; w->p++) {
		if (*w->p == '\\' && w->p + 1 < w->end) {
			if (key && n + 1 < cap)
				key[n++] = *w->p;
			w->p++;
		}
		if (key && n + 1 < cap)
			key[n++] = *w->p;
	}
	if (key)
		key[n] = '\0';
	w->p++;
}

static void skip_value(struct walk *w)
{
	ws(w);
	if (w->p >= w->end)
		return;
	if (*w->p == '"') {
		skip_string(w, NULL, 0);
		return;
	}
	if (*w->p == '{' || *w->p == '[') {
		char close = *w->p == '{' ? '}' : ']';
		w->p++;
		for (;;) {
			ws(w);
			if (w->p >= w->end || *w->p == close) {
				w->p++;
				return;
			}
			if (close == '}') {
				skip_string(w, NULL, 0);
				ws(w);
				w->p++; /* ':' */
			}
			skip_value(w);
			ws(w);
			if (w->p < w->end && *w->p == ',')
				w->p++;
		}
	}
	while (w->p < w->end && !strchr(",]} \t\r\n", *w->p))
		w->p++;
}

/* The line of salons[index] (field == NULL) or of its field; with index
 * -1, of the top-level field. */
static int line_of(const char *text, size_t len, int index, const char *field)
{
	struct walk w = { text, text + len, 1 };
	const char *path[2] = { index < 0 ? field : "salons", field };
	char key[64];
	ws(&w);
	if (w.p >= w.end || *w.p != '{')
		return w.line;
	w.p++;
	for (int depth = 0; depth < 3;) {
		ws(&w);
		if (w.p >= w.end || *w.p == '}' || *w.p == ']')
			return w.line;
		if (depth == 1) { /* in the salons array: skip to the index */
			for (int i = 0; i < index; i++) {
				skip_value(&w);
				ws(&w);
				if (w.p < w.end && *w.p == ',')
					w.p++;
				ws(&w);
			}
			if (!field)
				return w.line;
			w.p++; /* '{' */
			depth = 2;
			continue;
		}
		skip_string(&w, key, sizeof(key));
		ws(&w);
		w.p++; /* ':' */
		ws(&w);
		if (!strcmp(key, path[depth ? 1 : 0])) {
			if (depth == 2 || index < 0)
				return w.line;
			if (w.p >= w.end || *w.p != '[')
				return w.line;
			w.p++;
			depth = 1;
			continue;
		}
		skip_value(&w);
		ws(&w);
		if (w.p < w.end && *w.p == ',')
			w.p++;
	}
	return w.line;
}

/* ---- checking the file ---- */

struct salon {
	int64_t seq, starts_at, ends_at;
	const char *date, *city, *title_zh, *title_en;
	const char *figure[FIGURES];
	json_t *hosts, *topics, *companies, *replays;
};

struct import {
	const char *text;
	size_t len;
	const struct import_opts *o;
	const char *series_slug; /* o->series, or the one the file names */
	json_t *root;
	struct salon *salons;
	int n;
	struct import_result *res;
};

/* Refuses the file: res->error becomes the catalog text `key` in the
 * importer's language, filled in with the arguments. */
static int refuse(struct import *im, const char *key, ...)
{
	va_list ap;
	va_start(ap, key);
	vsnprintf(im->res->error, sizeof(im->res->error), i18n_get(im->o->lang, key), ap);
	va_end(ap);
	return ERR_INPUT;
}

/* Refuses the file over one salon's field, named by line and path:
 * `key`'s text says what is wrong, with value in it when it takes one. */
static int bad(struct import *im, int index, const char *field, const char *key, const char *value)
{
	int line = line_of(im->text, im->len, index, field);
	char what[300];
	snprintf(what, sizeof(what), i18n_get(im->o->lang, key), value ? value : "");
	return refuse(im, "import.err.at", line, index, field ? "." : "", field ? field : "", what);
}

/* A list of names, each at most `max` characters (NULL when absent). */
static int names_field(struct import *im, int i, json_t *o, const char *field, size_t max, json_t **out)
{
	json_t *v = json_object_get(o, field);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_array(v))
		return bad(im, i, field, "import.err.list", NULL);
	size_t k;
	json_t *x;
	json_array_foreach(v, k, x) {
		const char *s = json_string_value(x);
		if (!s || !*s || text_len(s) > max || has_control(s))
			return bad(im, i, field, s && *s ? "import.err.name" : "import.err.not_name", s);
	}
	*out = v;
	return 0;
}

static int check_salon(struct import *im, int i, json_t *o, struct salon *s)
{
	static const char *const known[] = { "seq", "date", "city", "hosts", "registrations", "checked_in", "online",
					     "reach", "topics", "companies", "replays", "title_zh", "title_en" };
	static const char *const fig_fields[FIGURES] = { "registrations", "checked_in", "online", "reach" };
	const char *k;
	json_t *v;
	if (!json_is_object(o))
		return bad(im, i, NULL, "import.err.salon", NULL);
	json_object_foreach(o, k, v) {
		int ok = 0;
		for (size_t j = 0; j < COUNT(known); j++)
			ok |= !strcmp(k, known[j]);
		if (!ok)
			return bad(im, i, k, "import.err.field", NULL);
	}
	memset(s, 0, sizeof(*s));
	v = json_object_get(o, "seq");
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 100000)
		return bad(im, i, "seq", "import.err.seq", NULL);
	s->seq = json_integer_value(v);
	s->date = json_string_value(json_object_get(o, "date"));
	if (!s->date)
		return bad(im, i, "date", "import.err.no_date", NULL);
	s->starts_at = clock_parse("Asia/Shanghai", s->date, "09:00");
	if (s->starts_at < 0)
		return bad(im, i, "date", "import.err.date", s->date);
	s->ends_at = clock_parse("Asia/Shanghai", s->date, "17:30");
	s->city = json_string_value(json_object_get(o, "city"));
	if (!s->city || !*s->city || text_len(s->city) > 40 || has_control(s->city))
		return bad(im, i, "city", "import.err.city", NULL);
	s->title_zh = json_string_value(json_object_get(o, "title_zh"));
	s->title_en = json_string_value(json_object_get(o, "title_en"));
	if ((s->title_zh && (!*s->title_zh || text_len(s->title_zh) > 200)) || (s->title_en && text_len(s->title_en) > 200))
		return bad(im, i, s->title_zh ? "title_zh" : "title_en", "import.err.title", NULL);
	for (int f = 0; f < FIGURES; f++) {
		struct figure fig;
		v = json_object_get(o, fig_fields[f]);
		if (!v || json_is_null(v))
			continue;
		s->figure[f] = json_is_integer(v) ? arena_printf(&im->res->a, "%lld", (long long)json_integer_value(v))
						 : json_string_value(v);
		if (!s->figure[f] || text_len(s->figure[f]) > 40 || figure_parse(s->figure[f], &fig) ||
		    (json_is_integer(v) && json_integer_value(v) < 0))
			return bad(im, i, fig_fields[f], "import.err.figure",
				   s->figure[f] ? s->figure[f] : "");
		if (fig.kind == FIGURE_UNKNOWN)
			s->figure[f] = NULL;
	}
	int rc;
	if ((rc = names_field(im, i, o, "hosts", NAME_MAX, &s->hosts)) ||
	    (rc = names_field(im, i, o, "companies", NAME_MAX, &s->companies)) ||
	    (rc = names_field(im, i, o, "topics", TOPIC_MAX, &s->topics)) ||
	    (rc = names_field(im, i, o, "replays", 500, &s->replays)))
		return rc;
	size_t j;
	json_array_foreach(s->replays, j, v) {
		const char *u = json_string_value(v);
		if (!valid_url(u, 500))
			return bad(im, i, "replays", "import.err.url", u);
	}
	for (int p = 0; p < i; p++)
		if (im->salons[p].seq == s->seq)
			return bad(im, i, "seq", "import.err.seq_twice",
				   arena_printf(&im->res->a, "%lld", (long long)s->seq));
	return 0;
}

/* What jansson found wrong, in the organizer's language (its own text is
 * English, and would sit inside a Chinese sentence). */
static const char *json_reason(const json_error_t *je)
{
	switch (json_error_code(je)) {
	case json_error_premature_end_of_input: return "import.json.cut";
	case json_error_end_of_input_expected: return "import.json.extra";
	case json_error_invalid_utf8: return "import.json.utf8";
	case json_error_duplicate_key: return "import.json.duplicate";
	case json_error_null_character:
	case json_error_null_byte_in_key: return "import.json.nul";
	case json_error_numeric_overflow: return "import.json.number";
	default: return "import.json.syntax";
	}
}

static int check_file(struct import *im)
{
	json_error_t je;
	im->root = json_loadb(im->text, im->len, JSON_REJECT_DUPLICATES, &je);
	if (!im->root)
		return refuse(im, "import.err.json", je.line, je.column, i18n_get(im->o->lang, json_reason(&je)));
	json_t *salons = json_object_get(im->root, "salons");
	if (!json_is_object(im->root) || !json_is_array(salons))
		return refuse(im, "import.err.root");
	const char *k;
	json_t *v;
	json_object_foreach(im->root, k, v)
		if (strcmp(k, "about") && strcmp(k, "salons") && strcmp(k, "series"))
			return refuse(im, "import.err.top_field", line_of(im->text, im->len, -1, k), k);
	const char *series = json_string_value(json_object_get(im->root, "series"));
	im->series_slug = im->o->series && *im->o->series ? im->o->series : series;
	if (!im->series_slug)
		return refuse(im, "import.err.which_series");
	im->n = (int)json_array_size(salons);
	if (im->n > MAX_SALONS)
		return refuse(im, "import.err.too_many", MAX_SALONS);
	im->salons = arena_alloc(&im->res->a, sizeof(struct salon) * (size_t)(im->n ? im->n : 1));
	for (int i = 0; i < im->n; i++) {
		int rc = check_salon(im, i, json_array_get(salons, (size_t)i), &im->salons[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- topics ---- */

static int is_han_name(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p += 3, n++)
		if (p[0] < 0xE4 || p[0] > 0xE9 || !p[1] || !p[2]) /* U+4E00..U+9FFF */
			return 0;
	return n >= 2 && n <= 4;
}

/* Words that name a person's role, not an organization. */
static const char *const role_words[] = { "主席", "会长", "理事", "讲师", "专家", "创始人", "CEO", "CTO" };

struct topic {
	const char *title, *speaker, *org, *kind;
	int org_is_role;
};

/* "<speaker org>，<speaker>，<title>" when the middle part is a person's
 * name (two to four Han characters); anything else is a title alone. */
static void parse_topic(arena *a, const char *text, struct topic *t)
{
	char *s = arena_strdup(a, text);
	size_t n = strlen(s);
	if (n >= 3 && !strcmp(s + n - 3, "。"))
		s[n - 3] = '\0';
	memset(t, 0, sizeof(*t));
	t->title = s;
	char *c1 = strstr(s, "，"), *c2 = c1 ? strstr(c1 + 3, "，") : NULL;
	if (c2 && c2[3]) {
		char *org = arena_strndup(a, s, (size_t)(c1 - s));
		char *who = arena_strndup(a, c1 + 3, (size_t)(c2 - c1 - 3));
		if (is_han_name(who) && *org) {
			t->org = org;
			t->speaker = who;
			t->title = c2 + 3;
			for (size_t i = 0; i < COUNT(role_words); i++)
				if (strstr(org, role_words[i]))
					t->org_is_role = 1;
		}
	}
	t->kind = strstr(t->title, "圆桌") ? "panel" : strstr(t->title, "辩论") ? "debate" : "talk";
}

/* ---- writing ---- */

static int ensure_city(db *d, arena *a, const char *zh, int64_t *id, err *e)
{
	db_res x;
	int rc = db_query(d, a, "SELECT id FROM cities WHERE name_zh = ?", DB_ARGS(DB_TEXT(zh)), &x, e);
	if (!rc && x.nrows) {
		*id = db_get_int(&x, 0, 0);
		return 0;
	}
	const char *en = events_city_en(zh);
	if (!rc)
		rc = db_query(d, a, "INSERT INTO cities (name_zh, name_en) VALUES (?, ?) RETURNING id", DB_ARGS(DB_TEXT(zh), DB_TEXT(en ? en : zh)), &x, e);
	if (!rc)
		*id = db_get_int(&x, 0, 0);
	return rc;
}

static int add_org(db *d, struct import *im, int64_t ev, const char *name, const char *role, err *e)
{
	int64_t org, changed = 0;
	int created;
	db_res x;
	int rc = orgs_ensure(d, &im->res->a, name, &org, &created, e);
	/* Asked first, not left to ON CONFLICT: on PostgreSQL even a statement
	 * that changes no row fires the page cache's statement trigger. */
	if (!rc)
		rc = db_query(d, &im->res->a, "SELECT 1 FROM event_orgs WHERE event_id = ? AND org_id = ? AND role = ?",
			      DB_ARGS(DB_INT(ev), DB_INT(org), DB_TEXT(role)), &x, e);
	if (!rc && !x.nrows)
		rc = db_exec(d, "INSERT INTO event_orgs (event_id, org_id, role) VALUES (?, ?, ?)",
			     DB_ARGS(DB_INT(ev), DB_INT(org), DB_TEXT(role)), &changed, e);
	im->res->orgs_created += created;
	if (!strcmp(role, "attendee"))
		im->res->attendees_added += (int)changed;
	return rc;
}

static int add_topic(db *d, struct import *im, int64_t ev, const struct salon *s, const char *text, err *e)
{
	arena *a = &im->res->a;
	struct topic t;
	db_res x;
	parse_topic(a, text, &t);
	int rc = db_query(d, a, "SELECT 1 FROM event_items WHERE event_id = ? AND title = ?",
			  DB_ARGS(DB_INT(ev), DB_TEXT(t.title)), &x, e);
	if (rc || x.nrows)
		return rc;
	rc = db_query(d, a, "INSERT INTO event_items (event_id, starts_at, ends_at, kind, title, time_known) "
			    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		      DB_ARGS(DB_INT(ev), DB_TIME(s->starts_at), DB_TIME(s->starts_at), DB_TEXT(t.kind), DB_TEXT(t.title),
			      DB_BOOL(0)),
		      &x, e);
	if (rc)
		return rc;
	im->res->items_added++;
	if (!t.speaker)
		return 0;
	int64_t org = 0;
	int created = 0;
	if (!t.org_is_role && (rc = orgs_ensure(d, a, t.org, &org, &created, e)))
		return rc;
	im->res->orgs_created += created;
	return db_exec(d, "INSERT INTO item_speakers (item_id, pos, name, org_id, org_name) VALUES (?, 0, ?, ?, ?)",
		       DB_ARGS(DB_INT(db_get_int(&x, 0, 0)), DB_TEXT(t.speaker), org ? DB_INT(org) : DB_NULL, DB_TEXT(t.org)),
		       NULL, e);
}

static const char *const fig_cols[FIGURES] = { "registered_text", "checked_in_text", "online_text", "reach_text" };

static int write_salon(db *d, struct import *im, int64_t series, const char *series_zh, const char *series_en,
		       int index, err *e)
{
	const struct salon *s = &im->salons[index];
	arena *a = &im->res->a;
	int64_t city, ev;
	db_res x;
	int rc = ensure_city(d, a, s->city, &city, e);
	if (!rc)
		rc = db_query(d, a, "SELECT id, starts_at, registered_text, checked_in_text, online_text, reach_text FROM events "
				    "WHERE series_id = ? AND seq = ?", DB_ARGS(DB_INT(series), DB_INT(s->seq)), &x, e);
	if (rc)
		return rc;
	if (x.nrows) {
		ev = db_get_int(&x, 0, 0);
		if (clock_date(a, "Asia/Shanghai", db_get_int(&x, 0, 1)) && strcmp(clock_date(a, "Asia/Shanghai", db_get_int(&x, 0, 1)), s->date))
			return bad(im, index, "seq", "import.err.seq_taken",
				   clock_date(a, "Asia/Shanghai", db_get_int(&x, 0, 1)));
		im->res->events_matched++;
		/* Figures the file gives and the event lacks or holds differently. */
		for (int f = 0; !rc && f < FIGURES; f++) {
			const char *have = db_get(&x, 0, 2 + f);
			if (s->figure[f] && (!have || strcmp(have, s->figure[f])))
				rc = db_exec(d, arena_printf(a, "UPDATE events SET %s = ? WHERE id = ?", fig_cols[f]),
					     DB_ARGS(DB_TEXT(s->figure[f]), DB_INT(ev)), NULL, e);
		}
	} else {
		const char *en_city = events_city_en(s->city);
		/* The file gives a date only: the hours stay unknown, and the
		 * 09:00-17:30 stored is only where the day is. */
		rc = db_query(d, a, "INSERT INTO events (series_id, seq, title_zh, title_en, city_id, starts_at, ends_at, status, "
				    "capacity, registered_text, checked_in_text, online_text, reach_text, created_at, time_known) "
				    "VALUES (?, ?, ?, ?, ?, ?, ?, 'finished', 0, ?, ?, ?, ?, ?, ?) RETURNING id",
			      DB_ARGS(DB_INT(series), DB_INT(s->seq),
				      DB_TEXT(s->title_zh ? s->title_zh : arena_printf(a, "第 %lld 期 %s · %s站", (long long)s->seq,
										       series_zh, s->city)),
				      DB_TEXT(s->title_en && *s->title_en ? s->title_en
						: arena_printf(a, "%s #%lld · %s", series_en, (long long)s->seq,
							       en_city ? en_city : s->city)),
				      DB_INT(city), DB_TIME(s->starts_at), DB_TIME(s->ends_at), DB_TEXT(s->figure[0]),
				      DB_TEXT(s->figure[1]), DB_TEXT(s->figure[2]), DB_TEXT(s->figure[3]), DB_TIME(unix_now()),
				      DB_BOOL(0)),
			      &x, e);
		if (rc)
			return rc;
		ev = db_get_int(&x, 0, 0);
		im->res->events_added++;
	}
	size_t j;
	json_t *v;
	json_array_foreach(s->hosts, j, v)
		if (!rc)
			rc = add_org(d, im, ev, json_string_value(v), "host", e);
	json_array_foreach(s->topics, j, v)
		if (!rc)
			rc = add_topic(d, im, ev, s, json_string_value(v), e);
	/* Company lists were typed in chat groups: "FP等。" is FP. */
	json_array_foreach(s->companies, j, v) {
		const char *names[16];
		int n = orgs_split_list(a, json_string_value(v), names, 16);
		for (int k = 0; !rc && k < n; k++)
			rc = add_org(d, im, ev, names[k], "attendee", e);
	}
	json_array_foreach(s->replays, j, v) {
		int64_t changed = 0;
		if (!rc)
			rc = db_query(d, a, "SELECT 1 FROM event_media WHERE event_id = ? AND url = ?",
				      DB_ARGS(DB_INT(ev), DB_TEXT(json_string_value(v))), &x, e);
		if (!rc && !x.nrows)
			rc = db_exec(d, "INSERT INTO event_media (event_id, kind, url, created_at) VALUES (?, 'replay', ?, ?)",
				     DB_ARGS(DB_INT(ev), DB_TEXT(json_string_value(v)), DB_TIME(unix_now())), &changed, e);
		im->res->media_added += (int)changed;
	}
	return rc;
}

static int import_tx(db *d, void *p, err *e)
{
	struct import *im = p;
	arena *a = &im->res->a;
	db_res x;
	struct import_result *res = im->res;
	res->events_added = res->events_matched = res->orgs_created = res->items_added = res->attendees_added =
		res->media_added = 0;
	int rc = db_query(d, a, "SELECT id, name_zh, name_en FROM event_series WHERE slug = ?",
			  DB_ARGS(DB_TEXT(im->series_slug)), &x, e);
	if (rc)
		return rc;
	if (!x.nrows) {
		db_res all;
		if ((rc = db_query(d, a, "SELECT slug FROM event_series ORDER BY id", DB_NOARGS, &all, e)))
			return rc;
		buf names = BUF_INIT;
		for (int i = 0; i < all.nrows; i++)
			buf_addf(&names, "%s%s", i ? ", " : "", db_get(&all, i, 0));
		rc = refuse(im, "import.err.series", im->series_slug,
			    all.nrows ? names.s : i18n_get(im->o->lang, "import.err.no_series_yet"));
		buf_release(&names);
		return rc;
	}
	for (int i = 0; !rc && i < im->n; i++)
		rc = write_salon(d, im, db_get_int(&x, 0, 0), db_get(&x, 0, 1), db_get(&x, 0, 2), i, e);
	/* Who imported what, in the same transaction as the import. */
	if (!rc && !im->o->dry_run)
		rc = auth_audit(d, im->o->by, "event.import", arena_printf(a, "series:%s", im->series_slug),
				arena_printf(a, "%d added, %d there", res->events_added, res->events_matched),
				im->o->client ? im->o->client : "", e);
	if (!rc && im->o->dry_run)
		rc = DRY_RUN_DONE;
	return rc;
}

int events_import(db *d, const char *text, size_t len, const struct import_opts *o, struct import_result *res, err *e)
{
	struct import im = { text, len, o, NULL, NULL, NULL, 0, res };
	uint64_t t0 = now_us();
	res->error[0] = '\0';
	int rc = !len ? refuse(&im, "import.err.none")
		 : len > IMPORT_MAX_BYTES ? refuse(&im, "import.err.too_big", IMPORT_MAX_BYTES >> 20) : check_file(&im);
	res->salons = im.n;
	if (!rc)
		rc = db_tx(d, import_tx, &im, e);
	if (rc == DRY_RUN_DONE)
		rc = 0;
	json_decref(im.root);
	res->seconds = (double)(now_us() - t0) / 1e6;
	return rc;
}

/* ---- English names of cities the community meets in ---- */

static const struct { const char *zh, *en; } city_names[] = {
	{ "北京", "Beijing" }, { "上海", "Shanghai" }, { "广州", "Guangzhou" }, { "深圳", "Shenzhen" },
	{ "杭州", "Hangzhou" }, { "南京", "Nanjing" }, { "成都", "Chengdu" }, { "武汉", "Wuhan" },
	{ "西安", "Xi'an" }, { "郑州", "Zhengzhou" }, { "重庆", "Chongqing" }, { "天津", "Tianjin" },
	{ "苏州", "Suzhou" }, { "长沙", "Changsha" }, { "济南", "Jinan" }, { "青岛", "Qingdao" },
	{ "大连", "Dalian" }, { "沈阳", "Shenyang" }, { "哈尔滨", "Harbin" }, { "长春", "Changchun" },
	{ "合肥", "Hefei" }, { "福州", "Fuzhou" }, { "厦门", "Xiamen" }, { "南昌", "Nanchang" },
	{ "昆明", "Kunming" }, { "贵阳", "Guiyang" }, { "南宁", "Nanning" }, { "海口", "Haikou" },
	{ "太原", "Taiyuan" }, { "石家庄", "Shijiazhuang" }, { "兰州", "Lanzhou" }, { "乌鲁木齐", "Urumqi" },
	{ "呼和浩特", "Hohhot" }, { "银川", "Yinchuan" }, { "西宁", "Xining" }, { "拉萨", "Lhasa" },
	{ "宁波", "Ningbo" }, { "无锡", "Wuxi" }, { "东莞", "Dongguan" }, { "佛山", "Foshan" },
	{ "珠海", "Zhuhai" }, { "香港", "Hong Kong" }, { "澳门", "Macau" }, { "台北", "Taipei" },
};

const char *events_city_en(const char *zh)
{
	for (size_t i = 0; i < COUNT(city_names); i++)
		if (!strcmp(city_names[i].zh, zh))
			return city_names[i].en;
	return NULL;
}

/* ---- the organizers' import page ---- */

/* The import form, with the outcome of the last try: the series and the
 * dry-run box stay as they were sent (a browser never refills a file). */
static int import_page(req *r, resp *out, db *d, unsigned status, const char *series, int dry, json_t *result,
		       const char *error)
{
	err e = ERR_INIT;
	db_res sl;
	int rc = db_query(d, &r->a, "SELECT slug AS value, CASE WHEN ? = 'en' THEN name_en ELSE name_zh END AS label, "
				    "slug = ? AS selected FROM event_series ORDER BY id",
			  DB_ARGS(DB_TEXT(lang_code(r->lang)), DB_TEXT(series ? series : "")), &sl, &e);
	if (rc) {
		json_decref(result);
		return rc;
	}
	json_t *opts = json_array();
	for (int i = 0; i < sl.nrows; i++)
		json_array_append_new(opts, json_pack("{s:s,s:s,s:b}", "value", db_get(&sl, i, 0), "label", db_get(&sl, i, 1),
						      "selected", (int)db_get_int(&sl, i, 2)));
	json_t *m = json_pack("{s:o,s:b}", "series", opts, "dry_run", dry);
	if (result)
		json_object_set_new(m, "result", result);
	if (error)
		json_object_set_new(m, "error", json_pack("{s:s,s:s,s:s}", "code", "invalid_file", "message",
							 T("import.err"), "detail", error));
	out->cache_control = "private, no-store";
	return http_page(r, out, status, "events/import.html", "import.title", m);
}

static int import_get(req *r, resp *out)
{
	db *d = r->db;
	return import_page(r, out, d, 200, req_query(r, "series"), 0, NULL, NULL);
}

static int import_post(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	const struct field *f = in_file(r, "file");
	const char *series = in_text(r, "series");
	const char *text = f ? f->value.s : req_form(r, "json");
	size_t len = f ? f->value.len : text ? strlen(text) : 0;
	int dry = (int)in_num(r, "dry_run", 0);
	if (!series)
		series = "";
	struct import_result res = { .a = ARENA_INIT };
	struct import_opts o = { series, dry, r->lang, r->user_id, r->client };
	int rc = events_import(d, text, len, &o, &res, &e);
	if (rc == ERR_INPUT) {
		char why[sizeof(res.error)];
		memcpy(why, res.error, sizeof(why));
		arena_release(&res.a);
		log_info("import refused: %s", why);
		if (r->api) {
			out->status = 422;
			out->model = json_pack("{s:{s:s,s:s,s:s}}", "error", "code", "invalid_file", "message", T("import.err"),
					       "detail", why);
			return 0;
		}
		return import_page(r, out, d, 422, series, dry, NULL, arena_strdup(&r->a, why));
	}
	if (rc) {
		arena_release(&res.a);
		log_error("import: %s", e.msg);
		return rc;
	}
	json_t *result = json_pack("{s:b,s:i,s:i,s:i,s:i,s:i,s:i,s:i,s:f}", "dry_run", dry, "salons", res.salons,
				   "events_added", res.events_added, "events_matched", res.events_matched, "items_added",
				   res.items_added, "attendees_added", res.attendees_added, "media_added", res.media_added,
				   "orgs_created", res.orgs_created, "seconds", res.seconds);
	arena_release(&res.a);
	if (r->api) {
		out->model = result;
		return 0;
	}
	return import_page(r, out, d, 200, series, dry, result, NULL);
}

static int import_invalid(req *r, resp *out)
{
	const char *series = json_string_value(json_object_get(r->form, "series"));
	return import_page(r, out, r->db, 422, series ? series : "", (int)in_num(r, "dry_run", 0), NULL,
			   inputs_first_error(r));
}

/* The file's text is read by the importer itself, which names the line
 * and the field of each mistake. */
static const struct input import_inputs[] = {
	IN_UPLOAD("file"),
	IN_FIELD("json"),
	{ "series", IN_SLUG, 0, 0, 0, "events.err.series", NULL },
	{ "dry_run", IN_FLAG, 0, 0, 0, NULL, NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/import/events", import_get, ORGANIZER, 0, "events-import-form" },
	{ M_POST, "/import/events", import_post, ORGANIZER, 1, "events-import", .inputs = import_inputs, .invalid = import_invalid },
};

const struct route_table import_routes = { routes, COUNT(routes) };
