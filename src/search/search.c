/* search.c: one search box over everything public (GET /search): the
 * articles, the events and the organizations (each feature says what of
 * its rows is public, struct search_source), both languages, both engines.
 *
 * The index (migration 025) is kept by tokens from base/grams.c, so a
 * two-character Chinese query is a lookup of one token. The sources'
 * triggers queue each change; before a search, this process indexes what
 * was queued since it last looked (the "search" data version tells it, at
 * no cost when nothing changed). Results come grouped by kind, a title
 * match before a text match, then newest first, each with a snippet whose
 * match is marked (the rest escaped). */
#include "search/search.h"
#include "search/memory.h"

#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <string.h>

#include "base/clock.h"
#include "base/grams.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "view/i18n.h"
#include "base/banned.h"

#define T(key) i18n_get(r->lang, key)

static const char *const kinds[] = { "article", "kb", "question", "wish", "event", "org", NULL };
enum { PER_KIND = 5, PAGE = 20, DRAIN_BATCH = 500, BULK = 1000, GRAMS_MAX = 256 * 1024, SNIPPET_BEFORE = 30, SNIPPET_AFTER = 90,
       KEEP_CHANGES = 100000 };
/* The most matches one search reads: two parts of each kind, or a page. */
enum { MATCHES_MOST = 2 * 6 * (PER_KIND + 1) + PAGE + 1 };

/* ---- keeping the index ---- */

/* The "search" data version this process has indexed up to. */
static _Atomic int64_t indexed = -1;
static pthread_mutex_t draining = PTHREAD_MUTEX_INITIALIZER;

/* Markdown's marks left out of what is searched and quoted in snippets:
 * # headings, `code`, **bold**, > quotes at the start of a line, a
 * picture (![alt](url)) whole, and a link's address ([text](url): text). */
static const char *plain(arena *a, const char *md)
{
	char *s = arena_strdup(a, md ? md : ""), *o = s;
	int line_start = 1;
	for (const char *p = s; *p; p++) {
		char c = *p; /* read before o, which trails p, writes over it */
		const char *close = c == '[' || (c == '!' && p[1] == '[') ? strstr(p, "](") : NULL;
		const char *end = close ? strchr(close, ')') : NULL;
		if (end && !memchr(p, '\n', (size_t)(end - p))) {
			if (c == '[') /* the link's text stays */
				for (const char *t = p + 1; t < close; t++)
					*o++ = *t;
			p = end;
			line_start = 0;
			continue;
		}
		if (!strchr("#`*", c) && !(c == '>' && line_start))
			*o++ = c;
		line_start = c == '\n';
	}
	*o = '\0';
	return s;
}

/* The Latin words among a document's tokens (not the title's marked
 * copies), appended to `words`, a JSON array being written ("[" and a
 * string and a comma each; the caller closes it). Written as text, not
 * with jansson: a drain inside a request would keep every batch's values
 * in the request's memory until it ends (16 MB for 20,000 pieces). Tokens
 * hold letters and digits only: nothing in them needs escaping. */
static void words_of(const char *grams, buf *words)
{
	size_t mark = strlen(GRAMS_TITLE);
	for (const char *p = grams; *p;) {
		const char *end = strchr(p, ' ');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) && !(n > mark && !strncmp(p, GRAMS_TITLE, mark))) {
			buf_adds(words, words->len ? ",\"" : "[\"");
			buf_add(words, p, n);
			buf_addc(words, '"');
		}
		p += n;
		while (*p == ' ')
			p++;
	}
}

static int index_one(db *d, arena *a, const char *kind, int64_t id, buf *words, err *e)
{
	const struct search_source *src = features_search_source(kind);
	struct search_doc doc;
	int found = 0, rc = src ? src->doc(d, a, id, &doc, &found, e) : 0;
	if (rc)
		return rc;
	if (!found)
		return db_exec(d, "DELETE FROM search_docs WHERE kind = ? AND ref_id = ?", DB_ARGS(DB_TEXT(kind), DB_INT(id)),
			       NULL, e);
	buf g = BUF_INIT;
	doc.body = plain(a, doc.body);
	grams_of_doc(arena_printf(a, "%s %s", doc.title_zh ? doc.title_zh : "", doc.title_en ? doc.title_en : ""),
		     doc.body, &g, GRAMS_MAX);
	words_of(g.s, words);
	rc = db_exec(d, "INSERT INTO search_docs (kind, ref_id, title_zh, title_en, body, at, shown_from, grams) "
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, ref_id) DO UPDATE SET title_zh = excluded.title_zh, "
			"title_en = excluded.title_en, body = excluded.body, at = excluded.at, shown_from = excluded.shown_from, "
			"grams = excluded.grams",
		     DB_ARGS(DB_TEXT(kind), DB_INT(id), DB_TEXT(doc.title_zh ? doc.title_zh : ""),
			     DB_TEXT(doc.title_en ? doc.title_en : ""), DB_TEXT(doc.body ? doc.body : ""), DB_TIME(doc.at),
			     doc.shown_from ? DB_TIME(doc.shown_from) : DB_NULL, DB_TEXT(g.s)), NULL, e);
	buf_release(&g);
	return rc;
}

struct drain_ctx {
	arena *a;
	int taken;
};

/* Takes a batch of the queue (another server's rows are skipped, not
 * waited for) and indexes each row it names once. */
static int drain_tx(db *d, void *p, err *e)
{
	struct drain_ctx *c = p;
	db_res x;
	int pg = db_engine_of(d) == DB_POSTGRES;
	/* One server indexes at a time on PostgreSQL, so search_changes
	 * numbers its changes in the order they commit (migration 032): a
	 * server reading what came after its last one misses none. */
	int rc = pg ? db_exec(d, "SELECT pg_advisory_xact_lock(7370617263680)", DB_NOARGS, NULL, e) : 0;
	if (!rc)
		rc = db_query(d, c->a, pg ? "DELETE FROM search_queue WHERE id IN (SELECT id FROM search_queue ORDER BY id "
					"LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING kind, ref_id"
				      : "DELETE FROM search_queue WHERE id IN (SELECT id FROM search_queue ORDER BY id LIMIT ?) "
					"RETURNING kind, ref_id",
			  DB_ARGS(DB_INT(DRAIN_BATCH)), &x, e);
	if (rc)
		return rc;
	c->taken = x.nrows;
	buf words = BUF_INIT;
	for (int i = 0; i < x.nrows && !rc; i++) {
		int seen = 0;
		for (int k = 0; k < i && !seen; k++)
			seen = db_get_int(&x, k, 1) == db_get_int(&x, i, 1) && !strcmp(db_get(&x, k, 0), db_get(&x, i, 0));
		if (!seen)
			rc = index_one(d, c->a, db_get(&x, i, 0), db_get_int(&x, i, 1), &words, e);
	}
	/* The batch's words in one statement, in order: two servers draining
	 * at once take the same new words' locks in the same order. */
	if (!rc && words.len) {
		buf_addc(&words, ']');
		rc = db_exec(d, pg ? "INSERT INTO search_words (word) SELECT DISTINCT value FROM "
				     "jsonb_array_elements_text(CAST(? AS jsonb)) ORDER BY value ON CONFLICT DO NOTHING"
				   : "INSERT OR IGNORE INTO search_words (word) SELECT DISTINCT value FROM json_each(?) ORDER BY value",
			     DB_ARGS(DB_TEXT(words.s)), NULL, e);
	}
	buf_release(&words);
	if (!rc && x.nrows)
		rc = db_exec(d, "DELETE FROM search_changes WHERE seq < (SELECT max(seq) FROM search_changes) - ?",
			     DB_ARGS(DB_INT(KEEP_CHANGES)), NULL, e);
	return rc;
}

/* After many pieces at once (a migration, an import) each engine's index
 * is left in pieces that every search reads through:
 * - FTS5 writes each batch as a segment of its own and merges them only
 *   now and then; a search opens every segment (10,000 pieces indexed a
 *   batch at a time: 34 us a lookup, 11 us once merged into one);
 * - PostgreSQL's GIN indexes hold new entries in a pending list until a
 *   vacuum merges it (700 pages after 20,000 pieces: 2 ms a lookup), and
 *   the planner's row counts are those from before.
 * Both are put right here (a merge costs about 100 ms per 10,000 pieces)
 * rather than left to chance or to autovacuum. */
static int after_bulk(db *d, err *e)
{
	int rc = 0, pg = db_engine_of(d) == DB_POSTGRES;
	char name[64], sql[2 * 64 + 48];
	for (size_t k = 0; kinds[k] && !rc; k++) {
		snprintf(name, sizeof(name), "search_%s_%s", pg ? "docs_tsv" : "fts", kinds[k]);
		if (pg) {
			rc = db_exec(d, "SELECT gin_clean_pending_list(CAST(? AS regclass))", DB_ARGS(DB_TEXT(name)), NULL, e);
			continue;
		}
		/* FTS5 takes its commands as an insert into a column named after
		 * the table; the name is one of ours. */
		snprintf(sql, sizeof(sql), "INSERT INTO %s(%s) VALUES ('optimize')", name, name);
		rc = db_exec(d, sql, DB_NOARGS, NULL, e);
	}
	return rc || !pg ? rc : db_exec(d, "ANALYZE search_docs", DB_NOARGS, NULL, e);
}

int search_drain(db *d, err *e)
{
	arena a;
	arena_init(&a);
	int rc = 0, total = 0;
	struct drain_ctx c = { &a, DRAIN_BATCH };
	while (!rc && c.taken == DRAIN_BATCH) {
		rc = db_tx(d, drain_tx, &c, e);
		total += c.taken;
		arena_release(&a);
		arena_init(&a);
	}
	arena_release(&a);
	if (!rc && total >= BULK) {
		uint64_t t0 = now_us();
		rc = after_bulk(d, e);
		if (!rc)
			log_info("search: %d pieces indexed at once; the index merged in %.0f ms", total,
				 (double)(now_us() - t0) / 1000);
	}
	return rc;
}

/* Indexes what was queued since this process last did, when the search
 * version moved (read with the session: no statement when it did not). */
static int catch_up(req *r, err *e)
{
	int64_t v = 0;
	int rc = http_data_version(r, r->db, "search", &v, e);
	if (rc || v == atomic_load(&indexed))
		return rc;
	pthread_mutex_lock(&draining);
	if (v != atomic_load(&indexed)) {
		rc = search_drain(r->db, e);
		int behind = rc ? 0 : mem_catch_up(r->db, e);
		if (behind < 0)
			rc = behind;
		else if (!rc && !behind)
			atomic_store(&indexed, v);
	}
	pthread_mutex_unlock(&draining);
	return rc;
}

/* ---- asking ---- */

/* The words a term may be the beginning of ("part": part, partition,
 * partitioned), from search_words, which the indexing fills. FTS5 answers
 * a prefix query by merging every such word's whole list before it
 * returns the first match (690 us in 10,000 pieces, where the same words
 * asked by name take 95 us, walked newest first to the limit). NULL:
 * the term is not plain ASCII, or begins too many words to name; the
 * index's own prefix query serves then. */
enum { EXPAND_MAX = 16 };

static const char *const *expand(db *d, arena *a, const char *term, int *count, err *e, int *rc)
{
	size_t n = strlen(term);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)term[i] >= 0x7f)
			return NULL;
	/* Every word beginning with the term sorts from it up to the term
	 * with its last character one higher (the column compares bytes). */
	char *upto = arena_strdup(a, term);
	upto[n - 1]++;
	db_res w;
	*rc = db_query(d, a, "SELECT word FROM search_words WHERE word >= ? AND word < ? ORDER BY word LIMIT ?",
		       DB_ARGS(DB_TEXT(term), DB_TEXT(upto), DB_INT(EXPAND_MAX + 1)), &w, e);
	if (*rc || w.nrows > EXPAND_MAX)
		return NULL;
	const char **out = arena_alloc(a, sizeof(char *) * (size_t)(w.nrows + 1));
	for (int i = 0; i < w.nrows; i++)
		out[i] = db_get(&w, i, 0);
	*count = w.nrows;
	return out;
}

/* The query's terms as each engine's index reads them: an FTS5 MATCH on
 * SQLite, a tsquery on PostgreSQL; every term must be there, in the title
 * when `title` (its tokens are marked). A term that may go on is the
 * words it begins, any of them (`words[i]`), or else the index's prefix
 * query; one that begins no word at all is asked as it is, and matches
 * nothing. */
static const char *index_query(arena *a, int pg, const char *const *terms, const int *prefix,
			       const char *const *const *words, const int *nwords, int n, int title)
{
	buf b = BUF_INIT;
	const char *mark = title ? GRAMS_TITLE : "";
	/* Tokens hold letters, digits and ideographs only: no quote in them. */
	for (int i = 0; i < n; i++) {
		buf_adds(&b, i ? (pg ? " & " : " AND ") : "");
		if (prefix[i] && words[i] && nwords[i]) {
			buf_addc(&b, '(');
			for (int k = 0; k < nwords[i]; k++)
				buf_addf(&b, pg ? "%s'%s%s'" : "%s\"%s%s\"", k ? (pg ? " | " : " OR ") : "", mark, words[i][k]);
			buf_addc(&b, ')');
			continue;
		}
		buf_addf(&b, pg ? "'%s%s'%s" : "\"%s%s\"%s", mark, terms[i],
			 prefix[i] && !words[i] ? (pg ? ":*" : "*") : "");
	}
	const char *s = arena_strdup(a, b.s);
	buf_release(&b);
	return s;
}

static int has_ideograph_run(const char *q, size_t min)
{
	size_t run = 0;
	for (const char *p = q; *p;) {
		uint32_t c = utf8_next(&p);
		run = c >= 0x3400 && c <= 0x9FFF ? run + 1 : 0;
		if (run >= min)
			return 1;
	}
	return 0;
}

/* ASCII lower-casing, for finding the match in a text (Chinese has no case). */
static char *lower_copy(arena *a, const char *s)
{
	char *l = arena_strdup(a, s);
	for (char *p = l; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return l;
}

/* A back-off of n characters from p in s (valid UTF-8). */
static const char *back(const char *s, const char *p, int n)
{
	while (p > s && n > 0) {
		p--;
		while (p > s && (*p & 0xC0) == 0x80)
			p--;
		n--;
	}
	return p;
}

static const char *ahead(const char *p, int n)
{
	while (*p && n > 0) {
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		n--;
	}
	return p;
}

/* Where the query (lower-cased), or else its first term, is in text; its
 * length in *n. */
static const char *match_in(const char *text, const char *lq, const char *first, size_t *n)
{
	const char *at = text_find_ci(text, lq);
	*n = strlen(lq);
	if (!at && first) {
		at = text_find_ci(text, first);
		*n = strlen(first);
	}
	return at;
}

/* Around the first match of the query (or else of its first term) in
 * text: escaped, the match in <mark>, white space runs made one. */
static const char *snippet(arena *a, const char *text, const char *lq, const char *first)
{
	size_t n;
	const char *m = match_in(text, lq, first, &n);
	buf b = BUF_INIT;
	if (!m) {
		const char *cut = text_cut(a, text, SNIPPET_BEFORE + SNIPPET_AFTER);
		buf_html(&b, cut, strlen(cut));
	} else {
		const char *from = back(text, m, SNIPPET_BEFORE), *to = ahead(m + n, SNIPPET_AFTER);
		if (from > text)
			buf_adds(&b, "…");
		size_t before = b.len;
		text_html_collapsed(&b, from, (size_t)(m - from));
		if (b.len > before && (m[-1] == ' ' || m[-1] == '\n'))
			buf_addc(&b, ' ');
		buf_adds(&b, "<mark>");
		buf_html(&b, m, n);
		buf_adds(&b, "</mark>");
		/* The space after the match stays when something follows it. */
		const char *next = m + n;
		while (next < to && (*next == ' ' || *next == '\n' || *next == '\r' || *next == '\t'))
			next++;
		if (next < to && (m[n] == ' ' || m[n] == '\n'))
			buf_addc(&b, ' ');
		text_html_collapsed(&b, m + n, (size_t)(to - (m + n)));
		if (*to)
			buf_adds(&b, "…");
	}
	const char *s = arena_strdup(a, b.s);
	buf_release(&b);
	return s;
}

/* A title, escaped, its first match of the query (or its first term) marked. */
static const char *marked(arena *a, const char *text, const char *lq, const char *first)
{
	size_t n;
	const char *at = match_in(text, lq, first, &n);
	buf b = BUF_INIT;
	size_t off = at ? (size_t)(at - text) : strlen(text);
	buf_html(&b, text, off);
	if (at) {
		buf_adds(&b, "<mark>");
		buf_html(&b, text + off, n);
		buf_adds(&b, "</mark>");
		buf_html(&b, text + off + n, strlen(text + off + n));
	}
	const char *s = arena_strdup(a, b.s);
	buf_release(&b);
	return s;
}

/* What every result of a kind shares, found once for its group. */
struct kind_info {
	const char *kind, *path;
	json_t *kind_json, *text_json; /* shared by the group's results */
};

/* A result's fields, set without jansson's checks: the keys are ours and
 * the texts are valid UTF-8 (checked when written, cut at characters);
 * a search page builds some fifty of them, and pack's parsing and checks
 * were a fifth of its time. */
static void put(json_t *o, const char *key, const char *value)
{
	json_object_set_new_nocheck(o, key, json_string_nocheck(value));
}

/* A match as either index gives it. */
struct match {
	int64_t id, ref_id, at;
	int kind; /* index into kinds[] */
	const char *zh, *en, *body;
};

/* What a result shows. */
struct shown {
	const char *title, *lang, *href, *date, *snippet_html, *snippet_lang, *title_html;
};

/* A source's path ("/articles/%lld") for an id: most are the id at the
 * end, joined without printf (a page makes some twenty). */
static const char *path_of(arena *a, const char *path, int64_t id)
{
	size_t n = strlen(path);
	if (n < 4 || strcmp(path + n - 4, "%lld") || strchr(path, '%') != path + n - 4)
		return arena_printf(a, path, (long long)id);
	char num[24];
	int len = 0;
	uint64_t v = id < 0 ? 0 - (uint64_t)id : (uint64_t)id;
	do
		num[sizeof(num) - 1 - len++] = (char)('0' + v % 10);
	while ((v /= 10) && len < 22);
	if (id < 0)
		num[sizeof(num) - 1 - len++] = '-';
	char *out = arena_alloc(a, n - 4 + (size_t)len + 1);
	memcpy(out, path, n - 4);
	memcpy(out + n - 4, num + sizeof(num) - len, (size_t)len);
	return out;
}

static void shown_of(req *r, const struct match *x, const char *lq, const char *first, const struct kind_info *k,
		     struct shown *out)
{
	const char *zh = x->zh ? x->zh : "", *en = x->en;
	int english = r->lang == LANG_EN && en && *en;
	out->title = english || !*zh ? (en ? en : "") : zh;
	out->lang = english || !*zh ? "en" : "zh-CN";
	out->href = k->path ? path_of(&r->a, k->path, x->ref_id) : "/";
	out->date = clock_date(&r->a, CLOCK_COMMUNITY_TZ, x->at);
	out->snippet_html = snippet(&r->a, x->body ? x->body : "", lq, first);
	out->snippet_lang = text_han(out->snippet_html) ? "zh-CN" : "en";
	out->title_html = marked(&r->a, out->title, lq, first);
}

/* A result for the API. */
static json_t *result_json(const struct shown *v, const struct kind_info *k)
{
	json_t *o = json_object();
	json_object_set_nocheck(o, "kind", k->kind_json);
	json_object_set_nocheck(o, "kind_text", k->text_json);
	put(o, "title", v->title);
	put(o, "lang", v->lang);
	put(o, "href", v->href);
	put(o, "date", v->date);
	put(o, "snippet_html", v->snippet_html);
	put(o, "snippet_lang", v->snippet_lang);
	put(o, "title_html", v->title_html);
	return o;
}

static void attr(buf *b, const char *before, const char *value)
{
	buf_adds(b, before);
	buf_html(b, value, strlen(value));
}

/* A result for the page, as one <li> of search/index.html's list:
 * written here, not by the template, because a page of results was
 * otherwise built twice (as JSON, then as HTML from it). Values are
 * escaped as the template would; the two _html ones are HTML that
 * snippet() and marked() escaped. */
static void result_html(buf *b, const struct shown *v)
{
	attr(b, "<li><a class=\"result-title\" href=\"", v->href);
	attr(b, "\" lang=\"", v->lang);
	buf_adds(b, "\">");
	buf_adds(b, v->title_html);
	attr(b, "</a> <span class=\"muted small\">", v->date);
	attr(b, "</span><p class=\"snippet\" lang=\"", v->snippet_lang);
	buf_adds(b, "\">");
	buf_adds(b, v->snippet_html);
	buf_adds(b, "</p></li>");
}

/* One kind's matches, newest first, `limit` from `offset`; title
 * matches only when `title`. Texts of three or more Chinese characters
 * are checked whole (their pairs can all be there apart).
 *
 * SQLite: the kind's FTS5 index holds each piece under minus its id
 * (migration 027), so its forward walk is newest first and stops at the
 * limit; a backward walk reads a word's whole list first.
 *
 * PostgreSQL: a GIN index returns its matches in no order, and the
 * planner estimates any tsvector match at a quarter of the rows whatever
 * the word. Left to itself it either walks the primary key backwards
 * through every row of a kind for a word rare in it (20 ms at 20,000
 * rows) or visits every match of a common word in the heap before it
 * sorts the newest six (5 ms at 10,000 matches). So each part asks twice,
 * in an order the executor keeps (an Append runs its branches in turn
 * and stops at the limit): first the kind's WINDOW newest pieces, read
 * through search_docs_recent (a common word is found there, and the rest
 * is never run), then the GIN index for what is older than the window
 * (a rare word: a short list), its id compared and ordered as an
 * expression no index has, so that the planner does not walk the primary
 * key for it. Both hold with stale statistics (right after 20,000 pieces
 * were indexed) and fresh ones. */
enum { WINDOW = 64 };

static const char *part_sql(arena *a, int pg, int exact, const char *kind)
{
	const char *cols = "d.id AS id, d.kind AS kind, d.ref_id AS ref_id, d.title_zh AS title_zh, "
			   "d.title_en AS title_en, d.body AS body, d.at AS at, CAST(? AS integer) AS in_title";
	const char *has = pg ? "strpos(lower(d.title_zh || ' ' || d.title_en || ' ' || d.body), ?) > 0"
			     : "instr(lower(d.title_zh || ' ' || d.title_en || ' ' || d.body), ?) > 0";
	const char *filter = arena_printf(a, "%s AND (d.shown_from IS NULL OR d.shown_from <= ?)%s%s",
					  pg ? "d.tsv @@ CAST(? AS tsquery)" : arena_printf(a, "search_fts_%s MATCH ?", kind),
					  exact ? " AND " : "", exact ? has : "");
	/* The kind is one of ours (kinds[]), written into the statement: each
	 * has an index of its own, a partial one on PostgreSQL, which only a
	 * constant kind selects. */
	if (!pg)
		return arena_printf(a, "SELECT * FROM (SELECT %s FROM search_fts_%s f JOIN search_docs d ON d.id = -f.rowid "
				       "WHERE %s ORDER BY f.rowid LIMIT ? OFFSET ?) p%%d",
				    cols, kind, filter);
	/* A range and not an equality on the kind, so that the order asked
	 * for is (kind, id), which only search_docs_recent gives: an equality
	 * would leave the planner free to walk the primary key backwards
	 * through every newer piece of other kinds. */
	const char *newest = arena_printf(a, "SELECT id FROM search_docs WHERE kind >= '%s' AND kind <= '%s' "
					  "ORDER BY kind DESC, id DESC LIMIT %d", kind, kind, (int)WINDOW);
	return arena_printf(a,
		"SELECT * FROM (SELECT * FROM ((SELECT %s FROM (%s) w JOIN search_docs d ON d.id = w.id WHERE %s "
		"ORDER BY d.id DESC) UNION ALL (SELECT * FROM (SELECT %s FROM search_docs d WHERE d.kind = '%s' AND %s "
		"AND d.id + 0 < (SELECT min(id) FROM (%s) f) ORDER BY d.id + 0 DESC LIMIT ?) o)) b LIMIT ? OFFSET ?) p%%d",
		cols, newest, filter, cols, kind, filter, newest);
}

enum { MAX_PARTS = 2 * 6 };

struct parts {
	buf sql;
	db_param p[MAX_PARTS * 11];
	int np, nparts;
};

static void add_part(req *r, struct parts *x, int pg, int exact, const char *kind, const char *match, const char *lq,
		     int title, int64_t limit, int64_t offset)
{
	const char *one = arena_printf(&r->a, part_sql(&r->a, pg, exact, kind), x->nparts);
	if (x->nparts++)
		buf_adds(&x->sql, " UNION ALL ");
	buf_adds(&x->sql, one);
	/* PostgreSQL asks the window and then what is older: the same
	 * columns and filter twice. */
	for (int twice = 0; twice < (pg ? 2 : 1); twice++) {
		x->p[x->np++] = DB_INT(title);
		x->p[x->np++] = DB_TEXT(match);
		x->p[x->np++] = DB_TIME(unix_now());
		if (exact)
			x->p[x->np++] = DB_TEXT(lq);
	}
	if (pg)
		x->p[x->np++] = DB_INT(limit + offset);
	x->p[x->np++] = DB_INT(limit);
	x->p[x->np++] = DB_INT(offset);
}

struct ask_ctx {
	arena *a;
	const char *sql;
	const db_param *p;
	int n;
	db_res *res;
};

/* PostgreSQL plans a prepared statement with its values five times, and
 * then keeps doing so when the plan without them looks dearer; planning
 * this one (ten parts, twenty subqueries) takes 5-8 ms, ten times what
 * running it does, and its plan does not depend on the values. */
static int ask_tx(db *d, void *p, err *e)
{
	struct ask_ctx *c = p;
	int rc = db_exec(d, "SET LOCAL plan_cache_mode = force_generic_plan", DB_NOARGS, NULL, e);
	return rc ? rc : db_query(d, c->a, c->sql, c->p, c->n, c->res, e);
}

/* The parts asked of the index in memory, as the statement below would
 * give them: title matches first in each kind. */
static int ask_memory(req *r, const struct mem_query *mq, const char *kind, int64_t page, struct match *out,
		      int *nout, err *e)
{
	struct mem_hit hits[MATCHES_MOST];
	int n = 0, rc = 0;
	for (int k = 0; kinds[k] && !rc; k++) {
		if (kind && strcmp(kind, kinds[k]))
			continue;
		struct mem_query q = *mq;
		int got = 0;
		if (kind) {
			q.title = 0;
			rc = mem_find(r->db, &r->a, &q, k, PAGE + 1, (int)((page - 1) * PAGE), hits + n, &got, e);
			n += got;
			continue;
		}
		q.title = 1;
		rc = mem_find(r->db, &r->a, &q, k, PER_KIND, 0, hits + n, &got, e);
		n += got;
		q.title = 0;
		if (!rc)
			rc = mem_find(r->db, &r->a, &q, k, PER_KIND + 1, 0, hits + n, &got, e);
		n += rc ? 0 : got;
	}
	int64_t ids[MATCHES_MOST];
	const char *zh[MATCHES_MOST], *en[MATCHES_MOST], *body[MATCHES_MOST];
	for (int i = 0; i < n; i++)
		ids[i] = hits[i].id;
	if (!rc)
		rc = mem_texts(r->db, &r->a, ids, n, zh, en, body, e);
	if (rc)
		return rc;
	for (int i = 0; i < n; i++)
		out[i] = (struct match){ hits[i].id, hits[i].ref_id, hits[i].at, hits[i].kind, zh[i], en[i], body[i] };
	*nout = n;
	return 0;
}

/* The parts of the statement the database's index answers. */
static int ask_database(req *r, const char *kind, int64_t page, const char *const *terms,
			const int *prefix, int n, int exact, const char *lq, struct match *out, int *nout, err *e)
{
	db_res res0, *res = &res0;
	int pg = db_engine_of(r->db) == DB_POSTGRES;
	struct parts x = { BUF_INIT, { { 0 } }, 0, 0 };
	const char *const *words[GRAMS_QUERY_MAX];
	int nwords[GRAMS_QUERY_MAX], rc = 0;
	for (int i = 0; i < n && !rc; i++) {
		nwords[i] = 0;
		words[i] = prefix[i] ? expand(r->db, &r->a, terms[i], &nwords[i], e, &rc) : NULL;
	}
	if (rc)
		return rc;
	const char *title = index_query(&r->a, pg, terms, prefix, words, nwords, n, 1),
		   *body = index_query(&r->a, pg, terms, prefix, words, nwords, n, 0);
	for (size_t k = 0; kinds[k]; k++) {
		if (kind && strcmp(kind, kinds[k]))
			continue;
		if (kind) {
			add_part(r, &x, pg, exact, kinds[k], body, lq, 0, PAGE + 1, (page - 1) * PAGE);
			continue;
		}
		add_part(r, &x, pg, exact, kinds[k], title, lq, 1, PER_KIND, 0);
		add_part(r, &x, pg, exact, kinds[k], body, lq, 0, PER_KIND + 1, 0);
	}
	struct ask_ctx c = { &r->a, x.sql.s, x.p, x.np, res };
	rc = pg ? db_tx(r->db, ask_tx, &c, e) : db_query(r->db, &r->a, x.sql.s, x.p, x.np, res, e);
	buf_release(&x.sql);
	*nout = 0;
	for (int i = 0; !rc && i < res->nrows && *nout < MATCHES_MOST; i++) {
		int k = 0;
		while (kinds[k] && strcmp(kinds[k], db_str(res, i, "kind")))
			k++;
		if (kinds[k])
			out[(*nout)++] = (struct match){ db_int(res, i, "id"), db_int(res, i, "ref_id"), db_int(res, i, "at"), k,
							 db_text(res, i, "title_zh"), db_text(res, i, "title_en"),
							 db_text(res, i, "body") };
	}
	return rc;
}

/* The matches: a few of each kind, title matches first, or a page of
 * one kind, newest first: from the index in memory, or else in one
 * statement. */
static int find(req *r, const char *q, const char *kind, int64_t page, json_t *m, err *e)
{
	const char *terms[GRAMS_QUERY_MAX];
	int prefix[GRAMS_QUERY_MAX];
	int n = grams_query(&r->a, q, terms, prefix, GRAMS_QUERY_MAX);
	if (!n)
		return 0;
	int exact = has_ideograph_run(q, 3), rc;
	const char *lq = lower_copy(&r->a, q);
	struct match res[MATCHES_MOST];
	int nres = 0;
	if (mem_ready()) {
		struct mem_query mq = { terms, prefix, n, 0, exact ? lq : NULL, unix_now() };
		rc = ask_memory(r, &mq, kind, page, res, &nres, e);
	} else {
		rc = ask_database(r, kind, page, terms, prefix, n, exact, lq, res, &nres, e);
	}
	if (rc)
		return rc;
	json_t *groups = json_array();
	int more = 0;
	for (size_t k = 0; kinds[k]; k++) {
		int any = 0;
		for (int i = 0; i < nres && !any; i++)
			any = res[i].kind == (int)k;
		if (!any)
			continue;
		const struct search_source *src = features_search_source(kinds[k]);
		const char *kind_text = T(arena_printf(&r->a, "search.kind.%s", kinds[k]));
		struct kind_info info = { kinds[k], src ? src->path : NULL, json_string(kinds[k]), json_string(kind_text) };
		json_t *items = r->api ? json_array() : NULL;
		buf html = BUF_INIT;
		int64_t seen[2 * (PAGE + 1)];
		int nseen = 0, found = 0;
		/* Title matches came first in the statement, then the rest. */
		for (int i = 0; i < nres; i++) {
			if (res[i].kind != (int)k)
				continue;
			int64_t id = res[i].id;
			int dup = 0;
			for (int j = 0; j < nseen && !dup; j++)
				dup = seen[j] == id;
			if (dup || nseen == (int)(sizeof(seen) / sizeof(seen[0])))
				continue;
			seen[nseen++] = id;
			found++;
			if (found > (kind ? PAGE : PER_KIND)) {
				more = 1;
				continue;
			}
			struct shown v;
			shown_of(r, &res[i], lq, terms[0], &info, &v);
			if (items)
				json_array_append_new(items, result_json(&v, &info));
			else
				result_html(&html, &v);
		}
		if (items ? json_array_size(items) : html.len) {
			buf arg = BUF_INIT;
			buf_url_arg(&arg, q);
			json_array_append_new(groups, json_pack("{s:O,s:O,s:o,s:b,s:s}", "kind", info.kind_json, "kind_text",
				info.text_json, items ? "items" : "items_html", items ? json_incref(items) : json_string_nocheck(html.s),
				"more", !kind && found > PER_KIND, "more_href",
				arena_printf(&r->a, "/search?q=%s&kind=%s", arg.s, kinds[k])));
			buf_release(&arg);
		}
		buf_release(&html);
		json_decref(items);
		json_decref(info.kind_json);
		json_decref(info.text_json);
	}
	json_object_set_new(m, "groups", groups);
	if (kind)
		http_pager(m, page, more);
	return 0;
}

int search_similar(req *r, const char *kind, const char *text, int limit, json_t *items, err *e)
{
	size_t k = 0;
	while (kinds[k] && strcmp(kinds[k], kind))
		k++;
	const char *terms[GRAMS_QUERY_MAX];
	int prefix[GRAMS_QUERY_MAX];
	int n = kinds[k] ? grams_query(&r->a, text, terms, prefix, GRAMS_QUERY_MAX) : 0;
	int rc = n ? catch_up(r, e) : 0;
	if (!n || rc)
		return rc;
	int pg = db_engine_of(r->db) == DB_POSTGRES;
	/* Any of the title's tokens, ranked by how many and how rare. */
	buf q = BUF_INIT;
	for (int i = 0; i < n; i++)
		buf_addf(&q, pg ? "%s'" GRAMS_TITLE "%s'" : "%s\"" GRAMS_TITLE "%s\"", i ? (pg ? " | " : " OR ") : "", terms[i]);
	const char *sql = pg ? arena_printf(&r->a, "SELECT d.ref_id, d.title_zh, d.title_en FROM search_docs d WHERE d.kind = '%s' "
						  "AND d.tsv @@ CAST(? AS tsquery) ORDER BY ts_rank(d.tsv, CAST(? AS tsquery)) DESC, "
						  "d.id DESC LIMIT ?", kinds[k])
			     : arena_printf(&r->a, "SELECT d.ref_id, d.title_zh, d.title_en FROM search_fts_%s f JOIN search_docs d "
						  "ON d.id = -f.rowid WHERE search_fts_%s MATCH ? ORDER BY bm25(search_fts_%s), "
						  "f.rowid LIMIT ?", kinds[k], kinds[k], kinds[k]);
	db_res x;
	rc = pg ? db_query(r->db, &r->a, sql, DB_ARGS(DB_TEXT(q.s), DB_TEXT(q.s), DB_INT(limit)), &x, e)
		    : db_query(r->db, &r->a, sql, DB_ARGS(DB_TEXT(q.s), DB_INT(limit)), &x, e);
	buf_release(&q);
	const struct search_source *src = features_search_source(kinds[k]);
	for (int i = 0; !rc && i < x.nrows; i++) {
		const char *zh = db_get(&x, i, 1), *en = db_get(&x, i, 2);
		int english = (r->lang == LANG_EN && *en) || !*zh;
		json_array_append_new(items, json_pack("{s:s,s:s,s:s}", "title", english ? en : zh, "lang", english ? "en" : "zh-CN",
						       "href", arena_printf(&r->a, src ? src->path : "/", (long long)db_get_int(&x, i, 0))));
	}
	return rc;
}

static int search_page(req *r, resp *out)
{
	err e = ERR_INIT;
	static const char *const args[] = { "q", "kind", "page", NULL };
	const char *q = in_text(r, "q"), *kind = in_text(r, "kind");
	int64_t page = in_num(r, "page", 1), version = 0;
	int rc = catch_up(r, &e);
	if (!rc && q)
		rc = http_cache_lookup(r, out, r->db, "search", args, &version, &e);
	if (rc) {
		if (rc < 0)
			log_error("search: %s", e.msg);
		return rc > 0 ? 0 : rc;
	}
	json_t *m = json_pack("{s:s,s:s}", "q", q ? q : "", "kind", kind ? kind : "");
	if (q && (rc = find(r, q, kind, page, m, &e))) {
		log_error("search: %s", e.msg);
		json_decref(m);
		return rc;
	}
	if (q) {
		buf arg = BUF_INIT;
		buf_url_arg(&arg, q);
		json_object_set_new(m, "q_arg", json_string(arg.s));
		buf_release(&arg);
		json_object_set_new(m, "asked", json_true());
	}
	if (kind)
		json_object_set_new(m, "kind_text", json_string(T(arena_printf(&r->a, "search.kind.%s", kind))));
	http_page(r, out, 200, "search/index.html", "search.title", m);
	if (q) {
		out->title_text = arena_printf(&r->a, "%s · %s", q, T("search.title"));
		http_cache_store(r, out, "search", version, 60);
	}
	return 0;
}

/* Indexes what the migration and earlier writers queued, before the
 * server listens, so the first search does not wait for it. */
static int start(const config *cfg, err *e)
{
	db *d;
	int rc = db_open(cfg->val[CFG_DATABASE], &d, e);
	if (rc)
		return rc;
	uint64_t t0 = now_us();
	mem_setup(kinds, cfg->search_memory);
	rc = search_drain(d, e);
	if (!rc && now_us() - t0 > 1000000)
		log_info("search: indexed the queue in %.1f s", (double)(now_us() - t0) / 1e6);
	int behind = rc ? 0 : mem_catch_up(d, e);
	if (behind < 0)
		rc = behind;
	db_close(d);
	return rc;
}

static const struct input search_inputs[] = {
	{ "q", IN_LINE, IN_QUERY, 0, 100, "search.err.q", NULL },
	{ "kind", IN_CHOICE, IN_QUERY, 0, 0, "search.err.kind", NULL, kinds },
	{ "page", IN_INT, IN_QUERY, 1, 1000, "input.err.int", NULL },
	{ NULL },
};

static const struct route routes[] = {
	{ M_GET, "/search", search_page, EVERYONE, 0, "search", NULL, search_inputs },
};

static const struct route_table search_routes = { routes, sizeof(routes) / sizeof(routes[0]) };

const struct feature search_feature = {
	.name = "search",
	.routes = { &search_routes },
	.start = start,
	.release = mem_release,
	.nav = { { 40, "/search", "nav.search" } },
};
