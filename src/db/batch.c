/* batch.c: the group-commit writer (see batch.h). */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/log.h"
#include "base/util.h"
#include "db/batch.h"
#include "base/banned.h"

enum { BATCH_MAX = 512, ATTEMPTS = 10 };

struct db_batch {
	db *d;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct db_job *head, **tail;
	int stopping;
	struct db_batch_stats stats;
};

/* One try at the batch. Jobs run without savepoints first (two round
 * trips each saved on PostgreSQL); when one fails, *isolate is set and the
 * batch runs again with a savepoint around each job, so the failure undoes
 * only its own job. */
static int run_jobs(struct db_batch *b, struct db_job *jobs, int savepoints, int *retry, int *isolate)
{
	err e = ERR_INIT;
	int rc = db_begin(b->d, &e);
	if (rc) {
		*retry = rc == ERR_BUSY || rc == ERR_UNAVAILABLE;
		log_error("group commit: begin: %s", e.msg);
		return rc;
	}
	for (struct db_job *j = jobs; j; j = j->next) {
		j->e = (err)ERR_INIT;
		if (savepoints && (rc = db_exec(b->d, "SAVEPOINT job", DB_NOARGS, NULL, &e)))
			break;
		j->rc = j->fn(b->d, j->ctx, &j->e);
		if (j->rc == ERR_BUSY || j->rc == ERR_UNAVAILABLE) {
			/* A conflict (or a lost connection) spoils the whole
			 * transaction on PostgreSQL: run the batch again. */
			rc = j->rc;
			e = j->e;
			break;
		}
		if (j->rc && !savepoints) {
			db_rollback(b->d);
			*isolate = 1;
			return j->rc;
		}
		if (j->rc)
			rc = db_exec(b->d, "ROLLBACK TO SAVEPOINT job", DB_NOARGS, NULL, &e);
		if (!rc && savepoints)
			rc = db_exec(b->d, "RELEASE SAVEPOINT job", DB_NOARGS, NULL, &e);
		if (rc)
			break;
	}
	int committing = !rc;
	if (committing)
		rc = db_commit(b->d, &e);
	else
		db_rollback(b->d);
	if (rc) {
		/* A connection lost during COMMIT leaves the outcome unknown: the
		 * jobs fail (the client retries; registering is idempotent). */
		*retry = rc == ERR_BUSY || (rc == ERR_UNAVAILABLE && !committing);
		log_warn("group commit: %s%s", e.msg, *retry ? " (retrying the batch)" : "");
	}
	return rc;
}

static void run_batch(struct db_batch *b, struct db_job *jobs, unsigned long long n)
{
	int rc = ERR_BUSY, retries = 0, savepoints = 0;
	for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
		int retry = 0, isolate = 0;
		if (attempt) {
			struct timespec ts = { 0, (long)((1 << (attempt < 6 ? attempt : 6)) * 1000000L +
							 (long)(now_us() % 1000) * 1000) };
			nanosleep(&ts, NULL);
			retries++;
		}
		rc = run_jobs(b, jobs, savepoints, &retry, &isolate);
		if (isolate && !savepoints) {
			savepoints = 1;
			attempt--; /* not a failure of the batch: run it again, job by job */
			continue;
		}
		if (!rc || !retry)
			break;
	}
	pthread_mutex_lock(&b->mu);
	b->stats.jobs += n;
	b->stats.batches++;
	b->stats.retries += (unsigned long long)retries;
	if (n > b->stats.largest)
		b->stats.largest = n;
	pthread_mutex_unlock(&b->mu);
	for (struct db_job *j = jobs, *next; j; j = next) {
		next = j->next; /* done may free the job */
		j->done(j, rc ? rc : j->rc);
	}
}

/* The jobs ordered by lock_order, stable (a merge sort of the list):
 * the queue's order holds among a row's jobs, so a waitlist stays in the
 * order people clicked. */
static struct db_job *by_lock_order(struct db_job *list, unsigned long long n)
{
	if (n < 2)
		return list;
	struct db_job *mid = list;
	for (unsigned long long i = 1; i < n / 2; i++)
		mid = mid->next;
	struct db_job *right = mid->next;
	mid->next = NULL;
	struct db_job *a = by_lock_order(list, n / 2), *b = by_lock_order(right, n - n / 2), *head = NULL, **tail = &head;
	while (a && b) {
		struct db_job **from = b->lock_order < a->lock_order ? &b : &a;
		*tail = *from;
		tail = &(*from)->next;
		*from = (*from)->next;
	}
	*tail = a ? a : b;
	return head;
}

static void *writer(void *p)
{
	struct db_batch *b = p;
	for (;;) {
		pthread_mutex_lock(&b->mu);
		while (!b->head && !b->stopping)
			pthread_cond_wait(&b->cv, &b->mu);
		if (!b->head) {
			pthread_mutex_unlock(&b->mu);
			break;
		}
		struct db_job *jobs = b->head, *last = jobs;
		unsigned long long n = 1;
		while (last->next && n < BATCH_MAX) {
			last = last->next;
			n++;
		}
		b->head = last->next;
		if (!b->head)
			b->tail = &b->head;
		last->next = NULL;
		pthread_mutex_unlock(&b->mu);
		/* One transaction, its rows taken in one order. (One transaction
		 * per event was tried: no faster here, and two events' members'
		 * rows could then be taken in opposite orders.) */
		run_batch(b, by_lock_order(jobs, n), n);
	}
	return NULL;
}

int db_batch_start(const char *url, struct db_batch **out, err *e)
{
	struct db_batch *b = calloc(1, sizeof(*b));
	if (!b)
		abort();
	int rc = db_open(url, &b->d, e);
	if (!rc && db_engine_of(b->d) == DB_SQLITE)
		rc = db_exec(b->d, "PRAGMA synchronous = FULL", DB_NOARGS, NULL, e);
	if (rc) {
		db_close(b->d);
		free(b);
		return rc;
	}
	b->tail = &b->head;
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->cv, NULL);
	if (pthread_create(&b->thread, NULL, writer, b)) {
		db_close(b->d);
		free(b);
		return err_set(e, ERR_FAIL, "cannot start the group-commit writer");
	}
	*out = b;
	return 0;
}

int db_batch_submit(struct db_batch *b, struct db_job *j)
{
	pthread_mutex_lock(&b->mu);
	if (b->stopping) {
		pthread_mutex_unlock(&b->mu);
		return ERR_UNAVAILABLE;
	}
	j->next = NULL;
	*b->tail = j;
	b->tail = &j->next;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	return 0;
}

void db_batch_stop(struct db_batch *b)
{
	if (!b)
		return;
	pthread_mutex_lock(&b->mu);
	int was = b->stopping;
	b->stopping = 1;
	pthread_cond_signal(&b->cv);
	pthread_mutex_unlock(&b->mu);
	if (was)
		return;
	pthread_join(b->thread, NULL);
	log_info("group commit: %llu jobs in %llu batches (largest %llu, %llu retries)", b->stats.jobs,
		 b->stats.batches, b->stats.largest, b->stats.retries);
}

void db_batch_free(struct db_batch *b)
{
	if (!b)
		return;
	db_batch_stop(b);
	db_close(b->d);
	pthread_mutex_destroy(&b->mu);
	pthread_cond_destroy(&b->cv);
	free(b);
}

void db_batch_stats(struct db_batch *b, struct db_batch_stats *out)
{
	pthread_mutex_lock(&b->mu);
	*out = b->stats;
	pthread_mutex_unlock(&b->mu);
}
