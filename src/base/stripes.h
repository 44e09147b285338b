/* stripes.h: a static array of 16 mutexes, for tables that lock a stripe
 * of their slots at a time (auth.c's known sessions, db/kept.c's kept
 * answers, search/memory.c's texts). */
#ifndef PGHERD_STRIPES_H
#define PGHERD_STRIPES_H

#include <pthread.h>

enum { STRIPES16 = 16 };
#define STRIPES16_INITIALIZER                                                                              \
	{                                                                                                  \
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,             \
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,             \
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,             \
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,             \
		PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,             \
		PTHREAD_MUTEX_INITIALIZER                                                                    \
	}

#endif
