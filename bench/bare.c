/* bare.c: the ceiling `make bench` measures pgherd against: a bare
 * libmicrohttpd server with pgherd's own daemon options (internal thread
 * pool, epoll, turbo) answering a fixed 1 KB body to every request, and
 * nothing else: no routing, no headers, no logging. pgherd's pages are
 * reported as a share of what this answers in the same run.
 *     build/bench-bare PORT [THREADS]   (stops on SIGINT or SIGTERM) */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define X16 "bare-ceiling-1k\n"
#define X128 X16 X16 X16 X16 X16 X16 X16 X16
static const char body[] = X128 X128 X128 X128 X128 X128 X128 X128;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *data, size_t *size, void **state)
{
	struct MHD_Response *r = cls;
	(void)url, (void)method, (void)version, (void)data;
	/* Queueing on the first call makes libmicrohttpd close the connection
	 * after every answer; pgherd waits for the second call, so does this. */
	if (!*state) {
		*state = (void *)1;
		return MHD_YES;
	}
	*size = 0;
	return MHD_queue_response(c, MHD_HTTP_OK, r);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]);
		return 2;
	}
	unsigned port = (unsigned)atoi(argv[1]), threads = argc > 2 ? (unsigned)atoi(argv[2]) : 2;
	struct MHD_Response *r = MHD_create_response_from_buffer(sizeof(body) - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "text/plain");
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO,
						(uint16_t)port, NULL, NULL, answer, r,
						MHD_OPTION_THREAD_POOL_SIZE, threads,
						MHD_OPTION_CONNECTION_LIMIT, 2048u + 2048u / 8 + 16,
						MHD_OPTION_CONNECTION_TIMEOUT, 30u,
						MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "bench-bare: cannot listen on port %u\n", port);
		return 1;
	}
	printf("bare libmicrohttpd on port %u, %u threads\n", port, threads);
	fflush(stdout);
	int sig;
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	MHD_destroy_response(r);
	return 0;
}
