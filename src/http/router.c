/* router.c: matches a method and path against the route tables. Patterns
 * are literal segments, :name (one segment) and a final *name (the rest). */
#include <string.h>

#include "base/err.h"
#include "base/util.h"
#include "http/http.h"
#include "base/banned.h"

static const struct { int m; const char *name; } methods[] = {
	{ M_GET, "GET" }, { M_HEAD, "HEAD" }, { M_POST, "POST" }, { M_PUT, "PUT" },
	{ M_PATCH, "PATCH" }, { M_DELETE, "DELETE" }, { M_OPTIONS, "OPTIONS" },
};

int http_method_from_name(const char *m)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(m, methods[i].name))
			return methods[i].m;
	return 0;
}

const char *http_methods_text(arena *a, int mask)
{
	char out[64] = "";
	size_t n = 0;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (mask & methods[i].m) {
			size_t l = strlen(methods[i].name);
			if (n)
				memcpy(out + n, ", ", 2), n += 2;
			memcpy(out + n, methods[i].name, l);
			n += l;
		}
	return arena_strndup(a, out, n);
}

/* Matches one pattern; on success fills names/values (copied into the
 * arena only then: most patterns tried fail) and returns the parameter
 * count, else -1. */
static int match(const char *pat, const char *path, arena *a, const char **names, const char **values)
{
	struct { const char *name, *value; size_t nl, vl; } got[ROUTE_MAX_PARAMS];
	int n = 0;
	if (*pat != '/' || *path != '/')
		return -1;
	while (*pat && *path) {
		if (*pat == '/' && *path == '/') {
			pat++, path++;
			continue;
		}
		if (*pat == ':' || *pat == '*') {
			int rest = *pat == '*';
			const char *pe = strchr(pat, '/');
			size_t pl = pe ? (size_t)(pe - pat - 1) : strlen(pat + 1);
			const char *se = rest ? path + strlen(path) : strchr(path, '/');
			if (!se)
				se = path + strlen(path);
			if (se == path || n == ROUTE_MAX_PARAMS)
				return -1;
			got[n].name = pat + 1;
			got[n].nl = pl;
			got[n].value = path;
			got[n].vl = (size_t)(se - path);
			n++;
			pat += pl + 1;
			path = se;
			continue;
		}
		const char *pe = strchr(pat, '/'), *se = strchr(path, '/');
		size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
		size_t sl = se ? (size_t)(se - path) : strlen(path);
		if (pl != sl || memcmp(pat, path, pl))
			return -1;
		pat += pl;
		path += sl;
	}
	if (*pat || *path)
		return -1;
	for (int k = 0; k < n; k++) {
		names[k] = arena_strndup(a, got[k].name, got[k].nl);
		values[k] = arena_strndup(a, got[k].value, got[k].vl);
	}
	return n;
}

int router_match(const struct route_table *tables, size_t ntables, int method,
		 const char *path, arena *a, const struct route **rt,
		 const char **names, const char **values, int *nparams, int *allowed)
{
	int allow = 0;
	int want = method == M_HEAD ? (M_HEAD | M_GET) : method;
	char first = *path ? path[1] : '\0';
	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; i < tables[t].n; i++) {
			const struct route *r = &tables[t].routes[i];
			/* A pattern whose first segment is literal and starts with
			 * another letter cannot match: most routes end here. */
			char c = r->pattern[1];
			if (c != ':' && c != '*' && c != first)
				continue;
			int n = match(r->pattern, path, a, names, values);
			if (n < 0)
				continue;
			if (r->methods & want) {
				*rt = r;
				*nparams = n;
				return 0;
			}
			allow |= r->methods;
		}
	if (allow & M_GET)
		allow |= M_HEAD;
	*allowed = allow;
	return allow ? ERR_INPUT : ERR_NOTFOUND;
}

const char *http_allow_text(arena *a, unsigned allow)
{
	static const char *names[] = { "visitor", "member", "speaker", "volunteer", "organizer",
				       "editor", "treasurer", "admin" };
	if (!allow)
		return "UNDECLARED";
	if (allow & EVERYONE)
		return "everyone";
	if (allow & SIGNED_IN)
		return "signed-in";
	char out[128] = "";
	size_t n = 0;
	for (int r = ROLE_SPEAKER; r <= ROLE_ADMIN; r++)
		if (allow & ALLOW(r)) {
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s", n ? "," : "", names[r]);
		}
	/* Admins pass every check, so say so. */
	if (!(allow & ALLOW(ROLE_ADMIN)))
		snprintf(out + n, sizeof(out) - n, "%sadmin", n ? "," : "");
	return arena_strdup(a, out);
}

int router_check(const struct route_table *tables, size_t ntables, err *e)
{
	for (size_t t = 0; t < ntables; t++)
		for (size_t i = 0; i < tables[t].n; i++) {
			const struct route *r = &tables[t].routes[i];
			if (!r->allow || !r->methods || !r->fn || !r->pattern || r->pattern[0] != '/')
				return err_set(e, ERR_INPUT, "route %s %s declares no rule for who may use it",
					       r->name ? r->name : "?", r->pattern ? r->pattern : "?");
			if ((r->methods & ~M_SAFE) && !r->csrf)
				return err_set(e, ERR_INPUT, "route %s %s changes state without CSRF protection",
					       r->name ? r->name : "?", r->pattern);
			if ((r->methods & ~M_SAFE) && !r->inputs)
				return err_set(e, ERR_INPUT, "route %s %s changes state without declaring its inputs",
					       r->name ? r->name : "?", r->pattern);
		}
	return 0;
}
