/* find.c: the directory's search by any part of a name, answered from
 * each server's memory.
 *
 * The directory asks which organizations' search text (names and
 * aliases, lower-cased: orgs_refresh_search) contains what was typed, of
 * a category, industry and city, in id order: a substring, not a word,
 * so that "邮储" finds 邮储银行. SQL answers it with a trigram index
 * (FTS5 on SQLite, pg_trgm on PostgreSQL) that is planned and read again
 * for every new query: 3,000 a second on PostgreSQL, 16,000 on SQLite.
 *
 * Here every pair of neighbouring characters in an organization's text
 * points at the organizations that hold it, in id order. A query of two
 * or more characters walks the two rarest of its own pairs together and
 * checks each organization both hold with strstr, so the answer is
 * exactly instr()'s and LIKE's; a one-character query reads the texts in
 * order until the page is full. Rows are then read by id.
 *
 * The copy is rebuilt from the table when the "orgs" data version moves
 * (whatever changes a directory page moves it: migration 007), by the
 * first search that sees it move; searches meanwhile ask the database.
 * It is held within the search_memory setting (0 turns it off); a
 * directory that needs more is searched in the database from then on.
 *
 * Written here: a pair index over a few thousand short names is a page
 * of code, and Debian's full-text engines index words, not substrings. */
#include "orgs/find.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "files/files.h"
#include "base/banned.h"

enum { NONE = UINT32_MAX };

/* What the copy holds of each organization: offsets into texts (NONE
 * for NULL). The text searched first; the rest is the directory's row. */
enum { F_TEXT, F_NAME_ZH, F_NAME_EN, F_CAT, F_IND, F_LOGO, F_CITY_ZH, F_CITY_EN, FIELDS };
static const char *const field_names[FIELDS] = { "text", "name_zh", "name_en", "category", "industry", "logo",
						 "city_zh", "city_en" };

struct dir {
	int64_t version;
	uint32_t n;
	int64_t *id, *city;
	uint32_t (*at)[FIELDS];
	char *texts;
	/* The pairs: an open-addressed table of keys (0: empty slot) with
	 * where each one's list begins in post and how many it holds. A list
	 * is the organizations' indices as the differences between
	 * neighbours, 7 bits a byte (a byte or two each, not four). */
	uint64_t *key;
	struct list {
		uint32_t start, len;
	} *list;
	uint32_t mask;
	unsigned char *post;
	size_t bytes;
};

/* A pair's list being read: the index it is at (NONE past the end). */
struct cursor {
	const unsigned char *p;
	uint32_t left, at;
};

static void next(struct cursor *c)
{
	if (!c->left) {
		c->at = NONE;
		return;
	}
	uint32_t v = 0;
	for (int shift = 0;; shift += 7) {
		unsigned char b = *c->p++;
		v |= (uint32_t)(b & 0x7F) << shift;
		if (!(b & 0x80))
			break;
	}
	c->left--;
	c->at = (c->at == NONE ? 0 : c->at) + v;
}

static size_t varint_size(uint32_t v)
{
	size_t n = 1;
	for (; v >= 0x80; v >>= 7)
		n++;
	return n;
}

static size_t varint_put(unsigned char *p, uint32_t v)
{
	size_t n = 0;
	for (; v >= 0x80; v >>= 7)
		p[n++] = (unsigned char)(v | 0x80);
	p[n++] = (unsigned char)v;
	return n;
}

static struct {
	pthread_rwlock_t lock; /* over cur: searches read, a swap writes */
	pthread_mutex_t build; /* one build at a time; the others ask SQL */
	struct dir *cur;
	int off; /* the copy would not fit: the database answers from then on */
	size_t budget;
} F = { .lock = PTHREAD_RWLOCK_WRITER_NONRECURSIVE_INITIALIZER_NP, .build = PTHREAD_MUTEX_INITIALIZER };

void orgs_find_setup(size_t budget)
{
	F.budget = budget;
}

static uint32_t slot_of(uint64_t k, uint32_t mask)
{
	return (uint32_t)((k * 0x9E3779B97F4A7C15ull) >> 32) & mask;
}

/* The table slot of key k: its own, or the empty one where it would go. */
static uint32_t find_slot(const struct dir *d, uint64_t k)
{
	uint32_t i = slot_of(k, d->mask);
	while (d->key[i] && d->key[i] != k)
		i = (i + 1) & d->mask;
	return i;
}

/* The text's pairs of neighbouring characters, each once, into keys
 * (room for strlen(s)); their number. */
static size_t pairs_of(const char *s, uint64_t *keys)
{
	size_t n = 0;
	uint32_t prev = s && *s ? utf8_next(&s) : 0;
	while (prev && *s) {
		uint32_t c = utf8_next(&s);
		uint64_t k = (uint64_t)prev << 32 | c;
		int seen = 0;
		for (size_t i = 0; i < n && !seen; i++)
			seen = keys[i] == k;
		if (!seen)
			keys[n++] = k;
		prev = c;
	}
	return n;
}

static void dir_free(struct dir *d)
{
	if (!d)
		return;
	free(d->id);
	free(d->city);
	free(d->at);
	free(d->texts);
	free(d->key);
	free(d->list);
	free(d->post);
	free(d);
}

/* While counting: how many organizations hold a pair, the last one
 * (its list's next difference is from it) and the bytes of its list. */
struct tally {
	uint32_t len, last, size;
};

/* Doubles the pairs' table (keys and tallies), keeping what it holds. */
static int grow(struct dir *d, struct tally **t)
{
	uint32_t mask = d->mask * 2 + 1;
	uint64_t *key = calloc((size_t)mask + 1, sizeof(*key));
	struct tally *nt = calloc((size_t)mask + 1, sizeof(*nt));
	if (!key || !nt) {
		free(key);
		free(nt);
		return 1;
	}
	struct dir g = { .key = key, .mask = mask };
	for (uint32_t s = 0; s <= d->mask; s++)
		if (d->key[s]) {
			uint32_t i = find_slot(&g, d->key[s]);
			key[i] = d->key[s];
			nt[i] = (*t)[s];
		}
	free(d->key);
	free(*t);
	d->key = key;
	d->mask = mask;
	*t = nt;
	return 0;
}

/* Pass 1: every pair's tally, the table doubling while it is over half
 * full. 1 when out of memory. */
static int count_pairs(struct dir *d, uint64_t *keys, struct tally **t)
{
	size_t used = 0;
	for (uint32_t i = 0; i < d->n; i++) {
		size_t k = pairs_of(d->texts + d->at[i][F_TEXT], keys);
		for (size_t j = 0; j < k; j++) {
			if (used * 2 > d->mask && grow(d, t))
				return 1;
			uint32_t s = find_slot(d, keys[j]);
			struct tally *x = &(*t)[s];
			used += !d->key[s];
			d->key[s] = keys[j];
			x->size += (uint32_t)varint_size(x->len ? i - x->last : i);
			x->last = i;
			x->len++;
		}
	}
	return 0;
}

/* The pairs' lists: counted (pass 1), then written (pass 2, in id order
 * since organizations are read in it). 1 when they would take more than
 * the budget. */
static int index_pairs(struct dir *d, size_t longest)
{
	d->mask = 4095;
	d->key = calloc((size_t)d->mask + 1, sizeof(*d->key));
	struct tally *t = calloc((size_t)d->mask + 1, sizeof(*t));
	uint64_t *keys = malloc(sizeof(*keys) * (longest + 1));
	int rc = !d->key || !t || !keys || count_pairs(d, keys, &t);
	size_t slots = (size_t)d->mask + 1, total = 0;
	for (size_t s = 0; !rc && s < slots; s++)
		total += t[s].size;
	d->bytes += slots * (sizeof(*d->key) + sizeof(*d->list)) + total;
	if (rc || d->bytes > F.budget || total >= NONE || !(d->list = malloc(sizeof(*d->list) * slots)) ||
	    !(d->post = malloc(total + 1))) {
		free(keys);
		free(t);
		return 1;
	}
	uint32_t at = 0;
	for (size_t s = 0; s < slots; s++) {
		d->list[s] = (struct list){ at, t[s].len };
		at += t[s].size;
		t[s] = (struct tally){ 0 }; /* size: the bytes written so far */
	}
	for (uint32_t i = 0; i < d->n; i++) {
		size_t k = pairs_of(d->texts + d->at[i][F_TEXT], keys);
		for (size_t j = 0; j < k; j++) {
			uint32_t s = find_slot(d, keys[j]);
			struct tally *x = &t[s];
			x->size += (uint32_t)varint_put(d->post + d->list[s].start + x->size, x->len ? i - x->last : i);
			x->last = i;
			x->len++;
		}
	}
	free(keys);
	free(t);
	return 0;
}

/* The directory as the database holds it, at `version`; *out is NULL
 * when it would not fit the budget. */
static int build(db *conn, int64_t version, struct dir **out, err *e)
{
	arena a = ARENA_INIT;
	db_res x;
	*out = NULL;
	int rc = db_query(conn, &a, "SELECT o.id, coalesce(o.city_id, 0) AS city, coalesce(o.search_text, '') AS text, "
				    "o.name_zh, o.name_en, o.category, coalesce(o.industry, '') AS industry, "
				    FILE_KEY("o.logo_file_id") " AS logo, c.name_zh AS city_zh, c.name_en AS city_en "
				    "FROM orgs o LEFT JOIN cities c ON c.id = o.city_id ORDER BY o.id", DB_NOARGS, &x, e);
	struct dir *d = rc ? NULL : calloc(1, sizeof(*d));
	if (!d) {
		arena_release(&a);
		return rc ? rc : err_set(e, ERR_FAIL, "out of memory for the directory's copy");
	}
	size_t n = (size_t)x.nrows, bytes = 0, longest = 0;
	int col[FIELDS];
	for (int f = 0; f < FIELDS; f++)
		col[f] = db_col(&x, field_names[f]);
	for (size_t i = 0; i < n; i++) {
		for (int f = 0; f < FIELDS; f++) {
			const char *v = db_get(&x, (int)i, col[f]);
			bytes += v ? strlen(v) + 1 : 0;
		}
		size_t l = strlen(db_get(&x, (int)i, col[F_TEXT]));
		longest = l > longest ? l : longest;
	}
	d->version = version;
	d->n = (uint32_t)n;
	d->bytes = n * (2 * sizeof(int64_t) + sizeof(*d->at)) + bytes;
	d->id = malloc(sizeof(*d->id) * (n + 1));
	d->city = malloc(sizeof(*d->city) * (n + 1));
	d->at = malloc(sizeof(*d->at) * (n + 1));
	d->texts = malloc(bytes + 1);
	int fits = d->bytes <= F.budget && bytes < NONE && d->id && d->city && d->at && d->texts;
	uint32_t at = 0;
	for (size_t i = 0; fits && i < n; i++) {
		d->id[i] = db_get_int(&x, (int)i, 0);
		d->city[i] = db_int(&x, (int)i, "city");
		for (int f = 0; f < FIELDS; f++) {
			const char *v = db_get(&x, (int)i, col[f]);
			size_t l = v ? strlen(v) + 1 : 0;
			d->at[i][f] = v ? at : NONE;
			memcpy(d->texts + at, v ? v : "", l);
			at += (uint32_t)l;
		}
	}
	arena_release(&a);
	if (!fits || index_pairs(d, longest)) {
		dir_free(d);
		return 0;
	}
	*out = d;
	return 0;
}

/* 1 when the copy is at `version` or past it (versions only grow). */
static int current(int64_t version)
{
	pthread_rwlock_rdlock(&F.lock);
	int yes = F.cur && F.cur->version >= version;
	pthread_rwlock_unlock(&F.lock);
	return yes;
}

/* The copy at `version`, built when it is older; 1 when there is none to
 * use (too big, or another search is building it). */
static int catch_up(db *conn, int64_t version, err *e)
{
	if (current(version))
		return 0;
	if (__atomic_load_n(&F.off, __ATOMIC_RELAXED) || pthread_mutex_trylock(&F.build))
		return 1;
	uint64_t t0 = now_us();
	struct dir *d = NULL, *old = NULL;
	int rc = current(version) ? 0 : build(conn, version, &d, e); /* another search may just have built it */
	if (!rc && d) {
		pthread_rwlock_wrlock(&F.lock);
		old = F.cur;
		F.cur = d;
		pthread_rwlock_unlock(&F.lock);
		if (!old)
			log_info("orgs: %u organizations held in memory for the directory's search (%.1f MB) in %.0f ms", d->n,
				 (double)d->bytes / 1048576, (double)(now_us() - t0) / 1000);
		dir_free(old);
	} else if (!rc && !current(version)) {
		log_info("orgs: the directory needs more than search_memory (%zu bytes): searching it in the database",
			 F.budget);
		__atomic_store_n(&F.off, 1, __ATOMIC_RELAXED);
		pthread_rwlock_wrlock(&F.lock);
		old = F.cur;
		F.cur = NULL;
		pthread_rwlock_unlock(&F.lock);
		dir_free(old);
		rc = 1;
	}
	pthread_mutex_unlock(&F.build);
	return rc;
}

static const char *field(const struct dir *d, uint32_t i, int f)
{
	return d->at[i][f] == NONE ? NULL : d->texts + d->at[i][f];
}

static int wanted(const struct dir *d, uint32_t i, const struct orgs_filter *f, const char *q)
{
	return (!*f->category || !strcmp(field(d, i, F_CAT), f->category)) &&
	       (!*f->industry || !strcmp(field(d, i, F_IND), f->industry)) && (!f->city || d->city[i] == f->city) &&
	       strstr(field(d, i, F_TEXT), q);
}

static const char *copied(arena *a, const struct dir *d, uint32_t i, int f)
{
	const char *v = field(d, i, f);
	return v ? arena_strdup(a, v) : NULL;
}

/* The matches of q in the copy: skips `offset`, then up to `limit` rows,
 * copied into the arena. -1 when out of memory. */
static int walk(const struct dir *d, arena *ar, const char *q, const struct orgs_filter *f, int offset, int limit,
		struct orgs_row *rows)
{
	size_t np;
	uint64_t *keys = malloc(sizeof(*keys) * (strlen(q) + 1));
	if (!keys)
		return -1;
	np = pairs_of(q, keys);
	/* The two rarest pairs: a pair no organization holds ends it. */
	struct cursor a = { NULL, 0, NONE }, b = { NULL, 0, NONE };
	int lists = 0;
	for (size_t i = 0; i < np; i++) {
		uint32_t s = find_slot(d, keys[i]);
		struct cursor c = { d->post + d->list[s].start, d->key[s] ? d->list[s].len : 0, NONE };
		if (!lists++ || c.left < a.left) {
			b = a;
			a = c;
		} else if (lists == 2 || c.left < b.left) {
			b = c;
		}
	}
	free(keys);
	int found = 0, skipped = 0;
	for (uint32_t k = 0; found < limit; k++) {
		uint32_t i = k;
		if (lists) {
			next(&a);
			if ((i = a.at) == NONE)
				break;
		} else if (k >= d->n) {
			break;
		}
		if (lists > 1) {
			while (b.at == NONE || b.at < i) {
				if (!b.left)
					return found;
				next(&b);
			}
			if (b.at != i)
				continue;
		}
		if (!wanted(d, i, f, q))
			continue;
		if (skipped < offset) {
			skipped++;
			continue;
		}
		rows[found++] = (struct orgs_row){ d->id[i], d->city[i], copied(ar, d, i, F_NAME_ZH), copied(ar, d, i, F_NAME_EN),
						   copied(ar, d, i, F_CAT), copied(ar, d, i, F_IND), copied(ar, d, i, F_LOGO),
						   copied(ar, d, i, F_CITY_ZH), copied(ar, d, i, F_CITY_EN) };
	}
	return found;
}

int orgs_find_rows(db *conn, arena *a, int64_t version, const char *q, const struct orgs_filter *f, int offset,
		   int limit, struct orgs_row *rows, int *found, err *e)
{
	if (!F.budget || !*q)
		return 1;
	int rc = catch_up(conn, version, e);
	if (rc)
		return rc;
	pthread_rwlock_rdlock(&F.lock);
	/* Another build may have passed this request's version: the copy is
	 * then newer than the request's own reads, which is what a later
	 * request would see; an older one is not used. */
	rc = F.cur && F.cur->version >= version ? 0 : 1;
	if (!rc) {
		*found = walk(F.cur, a, q, f, offset, limit, rows);
		rc = *found < 0; /* out of memory: the database answers */
	}
	pthread_rwlock_unlock(&F.lock);
	return rc;
}

void orgs_find_release(void)
{
	dir_free(F.cur);
	F.cur = NULL;
	F.off = 0;
}
