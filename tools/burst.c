/* burst.c: a registration opening as the chat groups cause it: every member
 * in a file of session tokens clicks "Register" once, as fast as CONNS
 * keep-alive connections allow, spread over one or more pgherd servers.
 *
 *   BURST_CSRF=TOKEN burst EVENT_ID TOKENS_FILE CONNS ACKED_FILE URL [URL...]
 *
 * With BURST_TARGET=wishes/vote the click is a vote for wish EVENT_ID
 * instead (POST /wishes/ID/vote).
 *
 * Each request is the browser's form POST (session cookie, CSRF token,
 * Origin); TOKEN is a CSRF token the servers made (any page's csrf cookie). Prints one JSON line: requests, answers by status, elapsed
 * seconds, registrations/s, p50 and p99 latency in ms. Writes the token of
 * every registration the server acknowledged (303 to a ticket) to
 * ACKED_FILE, one per line, as soon as the answer arrives, so a crash test
 * can compare what clients were told with what the database kept.
 *
 * Written with libcurl's multi interface because wrk cannot send each
 * request exactly once with its own credentials and record the answer. */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct slot {
	CURL *h;
	struct curl_slist *hdr;
	char cookie[256], body[128], url[256];
	int token;     /* index into tokens, -1 when idle */
	double t0;
	long status;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static size_t drop(char *p, size_t s, size_t n, void *u)
{
	(void)p;
	(void)u;
	return s * n;
}

int main(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: burst EVENT_ID TOKENS_FILE CONNS ACKED_FILE URL [URL...]\n");
		return 2;
	}
	const char *event = argv[1];
	/* What is clicked: an event's "Register" unless BURST_TARGET names
	 * another button ("wishes/vote": a wish's vote). */
	const char *target = getenv("BURST_TARGET") ? getenv("BURST_TARGET") : "events/register";
	char kind[32], action[32];
	if (sscanf(target, "%31[a-z]/%31[a-z]", kind, action) != 2) {
		fprintf(stderr, "burst: BURST_TARGET is KIND/ACTION, such as wishes/vote\n");
		return 2;
	}
	int conns = atoi(argv[3]);
	FILE *tf = fopen(argv[2], "r"), *acked = fopen(argv[4], "w");
	if (!tf || !acked || conns < 1) {
		perror("burst");
		return 2;
	}
	char **tokens = NULL, line[128];
	int n = 0, cap = 0;
	while (fgets(line, sizeof(line), tf)) {
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			tokens = realloc(tokens, (size_t)cap * sizeof(*tokens));
		}
		tokens[n++] = strdup(line);
	}
	fclose(tf);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	CURLM *m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)conns);
	struct slot *s = calloc((size_t)conns, sizeof(*s));
	double *lat = calloc((size_t)n + 1, sizeof(double));
	long counts[600] = { 0 };
	int next = 0, done = 0, failed = 0, nurls = argc - 5;
	const char *csrf = getenv("BURST_CSRF");
	if (!csrf || strlen(csrf) > 64 || strspn(csrf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") !=
						 strlen(csrf)) {
		fprintf(stderr, "burst: BURST_CSRF must hold a CSRF token the server made\n");
		return 2;
	}
	double start = now_s();
	for (int i = 0; i < conns; i++) {
		s[i].h = curl_easy_init();
		s[i].token = -1;
		const char *base = argv[5 + i % nurls];
		snprintf(s[i].url, sizeof(s[i].url), "%s/%s/%s/%s", base, kind, event, action);
		char origin[300];
		snprintf(origin, sizeof(origin), "Origin: %s", base);
		s[i].hdr = curl_slist_append(NULL, origin);
		s[i].hdr = curl_slist_append(s[i].hdr, "Expect:");
		curl_easy_setopt(s[i].h, CURLOPT_URL, s[i].url);
		curl_easy_setopt(s[i].h, CURLOPT_HTTPHEADER, s[i].hdr);
		curl_easy_setopt(s[i].h, CURLOPT_WRITEFUNCTION, drop);
		curl_easy_setopt(s[i].h, CURLOPT_PRIVATE, &s[i]);
		curl_easy_setopt(s[i].h, CURLOPT_TIMEOUT, 60L);
	}
	/* Starts the next member's click on an idle connection. */
#define LAUNCH(sl) do { \
		(sl)->token = next; \
		snprintf((sl)->cookie, sizeof((sl)->cookie), "sid=%s; csrf=%s", tokens[next], csrf); \
		snprintf((sl)->body, sizeof((sl)->body), "_csrf=%s", csrf); \
		curl_easy_setopt((sl)->h, CURLOPT_COOKIE, (sl)->cookie); \
		curl_easy_setopt((sl)->h, CURLOPT_POSTFIELDS, (sl)->body); \
		(sl)->t0 = now_s(); \
		curl_multi_add_handle(m, (sl)->h); \
		next++; \
	} while (0)
	for (int i = 0; i < conns && next < n; i++)
		LAUNCH(&s[i]);
	while (done < n) {
		int running;
		curl_multi_perform(m, &running);
		CURLMsg *msg;
		int left;
		while ((msg = curl_multi_info_read(m, &left))) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			struct slot *sl;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&sl);
			long status = 0;
			if (msg->data.result == CURLE_OK)
				curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &status);
			else
				failed++;
			lat[done++] = (now_s() - sl->t0) * 1000;
			counts[status >= 0 && status < 600 ? status : 0]++;
			if (status == 303) {
				fprintf(acked, "%s\n", tokens[sl->token]);
				fflush(acked); /* written before the next click: a crash keeps it */
			}
			curl_multi_remove_handle(m, sl->h);
			sl->token = -1;
			if (next < n)
				LAUNCH(sl);
		}
		if (done < n)
			curl_multi_poll(m, NULL, 0, 100, NULL);
		if (failed && running == 0 && next >= n && done < n)
			break;
	}
	double elapsed = now_s() - start;
	qsort(lat, (size_t)done, sizeof(double), cmp_double);
	printf("{\"requests\": %d, \"answered\": %d, \"failed\": %d, \"elapsed_s\": %.3f, \"per_s\": %.0f, "
	       "\"p50_ms\": %.2f, \"p99_ms\": %.2f, \"status\": {", n, done - failed, failed, elapsed,
	       elapsed > 0 ? n / elapsed : 0, done ? lat[done / 2] : 0, done ? lat[(int)(done * 0.99)] : 0);
	int first = 1;
	for (int c = 0; c < 600; c++)
		if (counts[c]) {
			printf("%s\"%d\": %ld", first ? "" : ", ", c, counts[c]);
			first = 0;
		}
	printf("}}\n");
	fclose(acked);
	for (int i = 0; i < conns; i++) {
		curl_slist_free_all(s[i].hdr);
		curl_easy_cleanup(s[i].h);
	}
	curl_multi_cleanup(m);
	curl_global_cleanup();
	for (int i = 0; i < n; i++)
		free(tokens[i]);
	free(tokens);
	free(s);
	free(lat);
	return 0;
}
