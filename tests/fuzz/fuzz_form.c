/* fuzz_form.c: libFuzzer target for form handling through the real server:
 * libmicrohttpd's parser and post processor, pgherd's field collection,
 * limits, UTF-8 checks, CSRF (with a token the server made, put where the
 * seeds say 0123456789abcdef0123456789abcdef) and the subscription handler. The server runs
 * in this process on a loopback port; each input becomes one request.
 * Input: a selector byte (content type, or "raw" for a whole request),
 * then the body. Any answer must be a well-formed HTTP status line. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "auth/auth.h"
#include "base/config.h"
#include "base/log.h"
#include "db/db.h"
#include "http/feature.h"
#include "http/http.h"
#include "view/i18n.h"
#include "view/view.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned port;
static char token[AUTH_CSRF_LEN + 1]; /* a CSRF token this server made */
/* Seeds carry this stand-in where the token goes; each input gets the real one. */
static const char stand_in[] = "0123456789abcdef0123456789abcdef";

static void start(void)
{
	static config c;
	static struct route_table tables[FEATURES_MAX_ROUTE_TABLES];
	char dir[] = "/tmp/pgherd-fuzz-XXXXXX", url[128];
	err e;
	if (!mkdtemp(dir) || sodium_init() < 0)
		abort();
	snprintf(url, sizeof(url), "sqlite:%s/fuzz.db", dir);
	setenv("PGHERD_DATABASE", url, 1);
	setenv("PGHERD_LISTEN", "127.0.0.1:0", 1);
	setenv("PGHERD_THREADS", "1", 1);
	setenv("PGHERD_MAX_BODY", "64K", 1);
	setenv("PGHERD_ACCESS_LOG", "off", 1);
	if (config_load(&c, 0, NULL, NULL, NULL, &e))
		abort();
	log_set_access_fd(-1);
	log_set_level(LOG_ERROR + 1);
	db *d;
	if (i18n_load(NULL, &e) || view_init(0, ".", &e) || db_open(url, &d, &e) || db_migrate(d, NULL, &e) ||
	    features_demo(d, 0, NULL, &e) || features_start(&c, &e))
		abort();
	db_close(d);
	if (db_thread_setup(url, &e))
		abort();
	size_t nt = features_routes(tables, FEATURES_MAX_ROUTE_TABLES);
	struct server *s;
	if (server_start(&c, tables, nt, &s, &e))
		abort();
	port = server_port(s);
	auth_csrf_new(token);
}

/* The input with every stand-in for the token replaced by the token. */
static void add_with_token(buf *b, const uint8_t *data, size_t size)
{
	size_t n = sizeof(stand_in) - 1;
	for (size_t i = 0; i < size;) {
		if (size - i >= n && !memcmp(data + i, stand_in, n)) {
			buf_adds(b, token);
			i += n;
		} else {
			buf_addc(b, (char)data[i++]);
		}
	}
}

/* libFuzzer's timer (-timeout) sends SIGALRM every few seconds through a
 * handler installed without SA_RESTART, so any of these calls may return
 * EINTR; that is the harness being interrupted, not the server failing. */
static int connect_loopback(void)
{
	for (;;) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		struct timeval tv = { 2, 0 };
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (fd >= 0 && !connect(fd, (struct sockaddr *)&a, sizeof(a)))
			return fd;
		int why = errno;
		if (fd >= 0)
			close(fd);
		if (why != EINTR) {
			fprintf(stderr, "fuzz_form: cannot connect to the server: %s\n", strerror(why));
			abort();
		}
	}
}

static void exchange(const char *req, size_t len)
{
	int fd = connect_loopback();
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, req + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break; /* the server closed early: it may answer or not */
		off += (size_t)w;
	}
	shutdown(fd, SHUT_WR);
	char resp[64] = "";
	size_t n = 0;
	while (n < 12) {
		ssize_t got = read(fd, resp + n, sizeof(resp) - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	/* The server may close a hopeless request without answering. */
	if (n >= 12 && strncmp(resp, "HTTP/1.1 ", 9) && strncmp(resp, "HTTP/1.0 ", 9)) {
		fprintf(stderr, "fuzz_form: the answer is not an HTTP status line: %.*s\n", (int)n, resp);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!port)
		start();
	if (size < 1 || size > 70000)
		return 0;
	static const char *types[] = {
		"application/x-www-form-urlencoded",
		"multipart/form-data; boundary=XX",
		"multipart/form-data; boundary=\"a b\"",
		"multipart/form-data",
		"application/json",
	};
	unsigned sel = data[0];
	buf b = BUF_INIT;
	if (sel >= 0xF0) {
		buf_add(&b, data + 1, size - 1); /* a whole request as sent */
	} else {
		buf body = BUF_INIT;
		add_with_token(&body, data + 1, size - 1);
		buf_addf(&b, "POST /%s HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrf=%s\r\n"
			     "Content-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
			 sel & 0x40 ? "api/v1/subscribe" : "subscribe", token, types[sel % 5], body.len);
		buf_add(&b, body.s ? body.s : "", body.len);
		buf_release(&body);
	}
	exchange(b.s, b.len);
	buf_release(&b);
	return 0;
}
