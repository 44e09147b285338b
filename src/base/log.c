/* log.c: timestamped log lines, each written in one write(2); access lines
 * gathered by a flusher thread while serving. */
#include "base/log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/banned.h"

/* Set once at startup, before any thread runs; read-only afterwards. */
static int log_level = LOG_INFO;
static int log_fd = 2;
static int access_fd = 2;

void log_set_level(int level) { log_level = level; }
void log_set_fd(int fd) { log_fd = fd; }
void log_set_access_fd(int fd) { access_fd = fd; }
int log_access_fd(void) { return access_fd; }

void log_msg(int level, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warn", "error" };
	if (level < log_level)
		return;
	char line[2048];
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	int n = (int)strftime(line, sizeof(line), "%Y-%m-%dT%H:%M:%S", &tm);
	n += snprintf(line + n, sizeof(line) - (size_t)n, ".%03dZ %s ",
		      (int)(tv.tv_usec / 1000), names[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (m < 0)
		return;
	n += m;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	ssize_t w = write(log_fd, line, (size_t)n);
	(void)w;
}

/* Access lines are gathered and written together: one write(2) per
 * request was a tenth of a small request's cost. A line waits at most
 * ACCESS_FLUSH_MS (the flusher thread) or until the buffer holds
 * ACCESS_FLUSH_BYTES; a process killed with -9 loses at most that. Without
 * the flusher (the command-line tools) every line is written at once. */
enum { ACCESS_CAP = 64 * 1024, ACCESS_FLUSH_BYTES = 16 * 1024, ACCESS_FLUSH_MS = 50 };

static struct {
	pthread_mutex_t mu;
	pthread_cond_t wake;
	pthread_t thread;
	int running, stop;
	size_t len;
	char buf[ACCESS_CAP];
} acc = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER };

static void access_write_locked(void)
{
	for (size_t off = 0; off < acc.len;) {
		ssize_t w = write(access_fd, acc.buf + off, acc.len - off);
		if (w <= 0)
			break; /* a full disk loses log lines, never requests */
		off += (size_t)w;
	}
	acc.len = 0;
}

void log_access_line(const char *line, int len)
{
	if (access_fd < 0 || len <= 0)
		return;
	pthread_mutex_lock(&acc.mu);
	if (!acc.running || acc.len + (size_t)len > ACCESS_CAP)
		access_write_locked();
	if (!acc.running || (size_t)len > ACCESS_CAP) {
		ssize_t w = write(access_fd, line, (size_t)len);
		(void)w;
	} else {
		memcpy(acc.buf + acc.len, line, (size_t)len);
		acc.len += (size_t)len;
		if (acc.len >= ACCESS_FLUSH_BYTES)
			access_write_locked();
	}
	pthread_mutex_unlock(&acc.mu);
}

static void *access_flusher(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&acc.mu);
	while (!acc.stop) {
		struct timespec at;
		clock_gettime(CLOCK_REALTIME, &at);
		at.tv_nsec += ACCESS_FLUSH_MS * 1000000L;
		if (at.tv_nsec >= 1000000000L) {
			at.tv_sec++;
			at.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&acc.wake, &acc.mu, &at);
		access_write_locked();
	}
	pthread_mutex_unlock(&acc.mu);
	return NULL;
}

void log_access_buffer_start(void)
{
	pthread_mutex_lock(&acc.mu);
	acc.stop = 0;
	acc.running = access_fd >= 0 && pthread_create(&acc.thread, NULL, access_flusher, NULL) == 0;
	pthread_mutex_unlock(&acc.mu);
}

void log_access_buffer_stop(void)
{
	pthread_mutex_lock(&acc.mu);
	int was = acc.running;
	acc.stop = 1;
	pthread_cond_signal(&acc.wake);
	pthread_mutex_unlock(&acc.mu);
	if (was)
		pthread_join(acc.thread, NULL);
	pthread_mutex_lock(&acc.mu);
	access_write_locked();
	acc.running = 0;
	pthread_mutex_unlock(&acc.mu);
}
