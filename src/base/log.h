/* log.h: one line per event on the log file descriptor (stderr by default).
 * Thread-safe: each line is written with a single write(2). */
#ifndef PGHERD_LOG_H
#define PGHERD_LOG_H

enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

void log_set_level(int level);
void log_set_fd(int fd);
/* Where access-log lines go; -1 turns them off. */
void log_set_access_fd(int fd);
int log_access_fd(void);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes an already formatted line (ending in a newline) to the access log:
 * at once, or within 50 ms while the access buffer runs. */
void log_access_line(const char *line, int len);
/* While serving: access lines are gathered and written by a thread every
 * 50 ms (or each 16 KB); stop writes what is left. */
void log_access_buffer_start(void);
void log_access_buffer_stop(void);

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
