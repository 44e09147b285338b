/* batch.h: group commit. One writer thread with its own connection takes
 * the jobs that requests hand it, runs as many as are waiting inside one
 * transaction (each in its own savepoint, so one job's failure undoes only
 * that job), commits once, and only then tells each job how it ended.
 *
 * Why: a commit that must reach the disk costs one fsync (about 110 µs
 * here), so one commit per registration caps a popular salon's opening
 * minute at a few thousand sign-ups a second on SQLite, and SQLite's
 * writers queue behind each other with sleeps. One writer that commits
 * whatever has piled up during the previous fsync keeps every
 * acknowledgement durable and pays one fsync per batch instead.
 *
 * A job's fn may run more than once (the whole batch is retried when the
 * commit meets a conflict), so it must reset its own results at the start.
 * done is called from the writer thread after the batch's outcome is known:
 * rc 0 means the job's writes are committed and durable. */
#ifndef PGHERD_DB_BATCH_H
#define PGHERD_DB_BATCH_H

#include "db/db.h"

struct db_job {
	db_tx_fn fn;            /* runs inside the batch's transaction */
	void (*done)(struct db_job *j, int rc);
	void *ctx;
	err e;                  /* fn's error, for the log */
	int rc;
	/* The row the job locks first (an event's id): a batch runs its jobs
	 * in this order, oldest first among equals, so two servers' batches
	 * take rows in one order and cannot deadlock on each other. */
	int64_t lock_order;
	struct db_job *next;    /* queue link, owned by the writer */
};

struct db_batch;

/* Starts the writer on its own connection to url. On SQLite that
 * connection commits with synchronous=FULL: a batch is on disk when done
 * is called. */
int db_batch_start(const char *url, struct db_batch **out, err *e);
/* Queues a job. ERR_UNAVAILABLE when the writer is stopping or stopped (the
 * job is not queued and done is not called). */
int db_batch_submit(struct db_batch *b, struct db_job *j);
/* Finishes every queued job and stops the writer; later submits are
 * refused. b stays valid until db_batch_free (after the server stops). */
void db_batch_stop(struct db_batch *b);
void db_batch_free(struct db_batch *b);

/* Counters since start, for the log and the benchmark. */
struct db_batch_stats {
	unsigned long long jobs, batches, retries, largest;
};
void db_batch_stats(struct db_batch *b, struct db_batch_stats *out);

#endif
