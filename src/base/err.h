/* err.h: the error convention: functions return 0 or a negative code and
 * fill an err with a message fit for a log line (never shown to users). */
#ifndef PGHERD_ERR_H
#define PGHERD_ERR_H

typedef struct err {
	char msg[512];
} err;

#define ERR_INIT { { 0 } }

/* Error codes shared by every layer. */
enum {
	ERR_FAIL = -1,        /* generic failure */
	ERR_BUSY = -2,        /* retryable: lock, serialization failure */
	ERR_CONSTRAINT = -3,  /* unique or foreign key violation */
	ERR_UNAVAILABLE = -4, /* the database cannot be reached */
	ERR_NOTFOUND = -5,
	ERR_INPUT = -6,       /* bad input from outside */
};

/* Formats into e (if not NULL) and returns code, so callers can write
 * `return err_set(e, ERR_FAIL, "...")`. */
int err_set(err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
