/* draw.c: the arithmetic of a share-to-win prize draw, apart from any
 * page: each eligible entry's number `no` is hashed as BLAKE2b-256 of
 * "seed:no" (libsodium's crypto_generichash: what
 * `printf '%s' 'seed:no' | b2sum -l 256` prints), the lowest hashes win,
 * the first prize going to the lowest; the prize list and pasted entries
 * as organizers keep them. tests/unit/test_draw.c checks it against b2sum. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "base/util.h"
#include "base/validate.h"
#include "events/internal.h"
#include "base/banned.h"

/* ---- the draw itself ---- */

void draw_hash(const char *seed, int64_t no, char hex[DRAW_HASH_HEX])
{
	unsigned char h[32];
	crypto_generichash_state st;
	char tail[24];
	int n = snprintf(tail, sizeof(tail), ":%lld", (long long)no);
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)seed, strlen(seed));
	crypto_generichash_update(&st, (const unsigned char *)tail, (size_t)n);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(hex, DRAW_HASH_HEX, h, sizeof(h));
}

static int by_hash(const void *a, const void *b)
{
	const struct draw_entry *x = *(const struct draw_entry *const *)a, *y = *(const struct draw_entry *const *)b;
	int c = strcmp(x->hash, y->hash);
	return c ? c : (x->no > y->no) - (x->no < y->no);
}

int draw_pick(arena *a, const char *seed, struct draw_entry *v, int n, int64_t min_likes, int prizes, int *eligible)
{
	struct draw_entry **in = arena_alloc(a, sizeof(*in) * (size_t)(n ? n : 1));
	int k = 0;
	for (int i = 0; i < n; i++) {
		v[i].rank = 0;
		v[i].eligible = v[i].likes >= min_likes;
		draw_hash(seed, v[i].no, v[i].hash);
		if (v[i].eligible)
			in[k++] = &v[i];
	}
	qsort(in, (size_t)k, sizeof(*in), by_hash);
	int won = k < prizes ? k : prizes;
	for (int i = 0; i < won; i++)
		in[i]->rank = i + 1;
	*eligible = k;
	return won;
}

/* The next line of *s, trimmed, into the arena; advances *s past it.
 * NULL at the end of the text. */
char *draw_next_line(arena *a, const char **s)
{
	if (!**s)
		return NULL;
	const char *end = strchr(*s, '\n');
	size_t len = end ? (size_t)(end - *s) : strlen(*s);
	char *line = trimmed(a, arena_strndup(a, *s, len));
	*s += len + (end != NULL);
	return line;
}

/* The prizes, one per line, first prize first; "T恤 ×3" (or x3, *3) is
 * three of them. Returns how many, -1 when a line is too long or there
 * are more than max. */
int draw_prizes(arena *a, const char *text, const char **out, int max)
{
	int n = 0;
	const char *s = text;
	char *line;
	while ((line = draw_next_line(a, &s))) {
		if (!*line)
			continue;
		long times = 1;
		size_t l = strlen(line);
		size_t d = l;
		while (d && line[d - 1] >= '0' && line[d - 1] <= '9')
			d--;
		if (d < l && l - d <= 3) {
			size_t m = d;
			while (m && line[m - 1] == ' ')
				m--;
			size_t mark = m >= 2 && !strncmp(line + m - 2, "×", 2) ? 2 : m && strchr("xX*", line[m - 1]) ? 1 : 0;
			if (mark && m == mark)
				return -1; /* a count of nothing */
			if (mark) {
				times = strtol(line + d, NULL, 10);
				line[m - mark] = '\0';
				line = trimmed(a, line);
			}
		}
		if (!*line || text_len(line) > PRIZE_LINE_MAX || times < 1)
			return -1;
		for (long t = 0; t < times; t++) {
			if (n == max)
				return -1;
			out[n++] = line;
		}
	}
	return n;
}

int draw_likes(arena *a, const char *s, int64_t *out)
{
	char *t = trimmed(a, s);
	size_t n = strlen(t);
	static const char *const units[] = { "个赞", "赞", "likes", "like" };
	for (size_t i = 0; i < COUNT(units); i++) {
		size_t k = strlen(units[i]);
		if (n > k && !strcmp(t + n - k, units[i])) {
			t[n - k] = '\0';
			t = trimmed(a, t);
			break;
		}
	}
	return parse_i64(t, 0, LIKES_MAX, out);
}

int draw_entry_parse(arena *a, const char *line, struct entry_line *out)
{
	static const char *const seps[] = { "\t", "，", ",", "｜", "|" };
	const char *part[3] = { line, NULL, NULL };
	size_t plen[3] = { strlen(line), 0, 0 };
	for (int f = 0; f < 2; f++) {
		const char *best = NULL;
		size_t bl = 0;
		for (size_t i = 0; i < COUNT(seps); i++) {
			const char *p = strstr(part[f], seps[i]);
			if (p && p < part[f] + plen[f] && (!best || p < best)) {
				best = p;
				bl = strlen(seps[i]);
			}
		}
		if (!best)
			break;
		part[f + 1] = best + bl;
		plen[f + 1] = plen[f] - (size_t)(best + bl - part[f]);
		plen[f] = (size_t)(best - part[f]);
	}
	if (!part[1]) {
		/* Spaces only: the name is what comes before the first number. */
		const char *p = line;
		while (*p) {
			const char *w = p;
			while (*p && *p != ' ')
				p++;
			int64_t v;
			if (w != line && !draw_likes(a, arena_strndup(a, w, (size_t)(p - w)), &v)) {
				part[0] = line;
				plen[0] = (size_t)(w - line);
				part[1] = w;
				plen[1] = (size_t)(p - w);
				/* "25 likes https://...": the unit is not the proof. */
				while (*p == ' ')
					p++;
				static const char *const words[] = { "likes", "like", "个赞", "赞" };
				for (size_t i = 0; i < COUNT(words); i++) {
					size_t k = strlen(words[i]);
					if (!strncmp(p, words[i], k) && (p[k] == ' ' || !p[k])) {
						p += k;
						break;
					}
				}
				part[2] = p;
				plen[2] = strlen(p);
				break;
			}
			while (*p == ' ')
				p++;
		}
		if (!part[1])
			return -1;
	}
	out->name = trimmed(a, arena_strndup(a, part[0], plen[0]));
	out->proof = part[2] ? trimmed(a, arena_strndup(a, part[2], plen[2])) : "";
	if (draw_likes(a, arena_strndup(a, part[1], plen[1]), &out->likes))
		return -1;
	return !*out->name || text_len(out->name) > NAME_MAX_CHARS || has_control(out->name) ||
	       text_len(out->proof) > PROOF_MAX || has_control(out->proof) ? -1 : 0;
}

/* The draw id of event_id, its row locked for the rest of the transaction
 * (SQLite's writer holds the database already): seed ("" until drawn),
 * min_likes, prizes. No row when it is not this event's. */
