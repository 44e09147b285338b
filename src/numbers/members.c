/* members.c: a set of (day, member) pairs, open addressing: the members a
 * thread has seen since the writer last took them (views.c), and those
 * the writer has written today (writer.c). */
#include <stdlib.h>

#include "numbers/internal.h"
#include "base/banned.h"

static size_t slot_of(const struct member_set *s, int32_t day, int64_t user)
{
	uint64_t h = ((uint64_t)user ^ ((uint64_t)(uint32_t)day << 40)) * 0x9E3779B97F4A7C15ULL;
	size_t j = (size_t)(h >> 20) & (s->cap - 1);
	while (s->v[j].user && !(s->v[j].user == user && s->v[j].day == day))
		j = (j + 1) & (s->cap - 1);
	return j;
}

int member_set_has(const struct member_set *s, int32_t day, int64_t user)
{
	return s->cap && s->v[slot_of(s, day, user)].user != 0;
}

int member_set_add(struct member_set *s, int32_t day, int64_t user, uint64_t visitor, size_t max)
{
	if (s->cap && s->v[slot_of(s, day, user)].user)
		return 0;
	if ((s->n + 1) * 2 > s->cap) {
		/* Half full at most, so a probe ends soon and always ends. */
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct member_day *v = cap <= max ? calloc(cap, sizeof(*v)) : NULL;
		if (!v)
			return -1;
		struct member_set grown = { v, cap, 0 };
		for (size_t i = 0; i < s->cap; i++)
			if (s->v[i].user) {
				grown.v[slot_of(&grown, s->v[i].day, s->v[i].user)] = s->v[i];
				grown.n++;
			}
		free(s->v);
		*s = grown;
	}
	s->v[slot_of(s, day, user)] = (struct member_day){ user, day, visitor };
	s->n++;
	return 1;
}

void member_set_clear(struct member_set *s)
{
	free(s->v);
	s->v = NULL;
	s->cap = s->n = 0;
}
