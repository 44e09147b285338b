/* fuzz_router.c: libFuzzer target for the route matcher with pgherd's real
 * and complete route table, as the feature table gives it. Input: one
 * method byte, then the path. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/feature.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 8192)
		return 0;
	static const int methods[] = { M_GET, M_HEAD, M_POST, M_PUT, M_PATCH, M_DELETE, M_OPTIONS };
	int method = methods[data[0] % 7];
	char *path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	struct route_table tables[FEATURES_MAX_ROUTE_TABLES];
	size_t nt = features_routes(tables, FEATURES_MAX_ROUTE_TABLES);
	arena a = ARENA_INIT;
	const struct route *rt = NULL;
	const char *names[ROUTE_MAX_PARAMS], *vals[ROUTE_MAX_PARAMS];
	int n = -1, allowed = 0;
	int rc = router_match(tables, nt, method, path, &a, &rt, names, vals, &n, &allowed);
	if (rc == 0) {
		/* A match serves this method and binds every parameter. */
		if (!(rt->methods & (method == M_HEAD ? M_GET | M_HEAD : method)) || n < 0 || n > ROUTE_MAX_PARAMS)
			abort();
		for (int i = 0; i < n; i++)
			if (!names[i] || !vals[i] || !vals[i][0])
				abort();
	} else if (rc == ERR_INPUT) {
		if (!allowed || (allowed & method))
			abort();
	} else if (rc != ERR_NOTFOUND) {
		abort();
	}
	arena_release(&a);
	free(path);
	return 0;
}
