/* log.c: timestamped log lines, each written in one write(2). */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
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

void log_access_line(const char *line, int len)
{
	if (access_fd < 0)
		return;
	ssize_t w = write(access_fd, line, (size_t)len);
	(void)w;
}
