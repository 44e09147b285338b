/* outbox.c: delivering queued mail after its transaction commits. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/log.h"
#include "base/util.h"
#include "mail/mail.h"
#include "mail/outbox.h"
#include "base/banned.h"

/* A kick is answered at most every KICK_GAP_MS: in a registration rush
 * every batch kicks, and claiming a queue table that fast is mostly
 * walking its dead rows; mail a quarter second later costs nobody. */
enum { CLAIM = 50, CLAIM_SECONDS = 60, MAX_ATTEMPTS = 5, KICK_GAP_MS = 250 };

int outbox_add(db *d, const char *to, const char *subject, const char *body, const char *qr, err *e)
{
	return db_exec(d, OUTBOX_INSERT_SQL "VALUES (?, ?, ?, ?, ?)",
		       DB_ARGS(DB_TEXT(to), DB_TEXT(subject), DB_TEXT(body), qr ? DB_TEXT(qr) : DB_NULL,
			       DB_TIME(unix_now())), NULL, e);
}

/* One sender per process; started and stopped by the serve command. */
static struct {
	const config *cfg;
	char *url;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int running, stopping, kicked;
	time_t next_fold; /* when db_versions_fold runs next */
} S = { .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };

struct outcome {
	const db_res *m;
	const char *why[CLAIM]; /* NULL: sent */
};

/* What became of a claimed batch, in one transaction (one commit, not one
 * per mail, while a registration rush shares the disk). */
static int record_tx(db *d, void *p, err *e)
{
	struct outcome *o = p;
	int rc = 0;
	for (int i = 0; !rc && i < o->m->nrows && i < CLAIM; i++) {
		int64_t id = db_get_int(o->m, i, 0);
		rc = o->why[i] ? db_exec(d, "UPDATE outbox SET last_error = ?, claimed_until = NULL WHERE id = ?",
					 DB_ARGS(DB_TEXT(o->why[i]), DB_INT(id)), NULL, e)
			       /* Sent: its text is the recipient's now. What it held (a
				* ticket's or a reset's link) is not kept here. */
			       : db_exec(d, "UPDATE outbox SET sent_at = ?, last_error = NULL, body = '', qr = NULL WHERE id = ?",
					 DB_ARGS(DB_TIME(unix_now()), DB_INT(id)), NULL, e);
	}
	return rc;
}

/* Claims up to CLAIM waiting mails and sends them; how many it claimed. */
static int deliver(db *d)
{
	arena a = ARENA_INIT;
	err e = ERR_INIT;
	db_res m;
	int64_t now = unix_now();
	/* Each mail is claimed by one sender, however many servers share the
	 * database. On PostgreSQL the rows are locked as they are chosen and
	 * rows another sender holds are passed over (SKIP LOCKED: nobody waits,
	 * so no deadlock, and a locked row is never claimed twice). SQLite has
	 * one writer at a time: the statement is the claim. */
#define CLAIMABLE "sent_at IS NULL AND attempts < ? AND (claimed_until IS NULL OR claimed_until < ?)"
	int rc = db_engine_of(d) == DB_POSTGRES
		 /* Chosen once (a MATERIALIZED CTE: as a subquery PostgreSQL
		  * may run the LIMIT again while rechecking locked rows, and
		  * claim more than a batch). */
		 ? db_query(d, &a, "WITH c AS MATERIALIZED (SELECT id FROM outbox WHERE " CLAIMABLE " ORDER BY id "
				   "LIMIT ? FOR UPDATE SKIP LOCKED) UPDATE outbox o SET claimed_until = ?, "
				   "attempts = o.attempts + 1 FROM c WHERE o.id = c.id "
				   "RETURNING o.id, o.to_addr, o.subject, o.body, o.qr",
			    DB_ARGS(DB_INT(MAX_ATTEMPTS), DB_TIME(now), DB_INT(CLAIM), DB_TIME(now + CLAIM_SECONDS)), &m,
			    &e)
		 : db_query(d, &a, "UPDATE outbox SET claimed_until = ?, attempts = attempts + 1 WHERE id IN "
				   "(SELECT id FROM outbox WHERE " CLAIMABLE " ORDER BY id LIMIT ?) "
				   "RETURNING id, to_addr, subject, body, qr",
			    DB_ARGS(DB_TIME(now + CLAIM_SECONDS), DB_INT(MAX_ATTEMPTS), DB_TIME(now), DB_INT(CLAIM)), &m, &e);
#undef CLAIMABLE
	if (rc) {
		log_error("outbox: %s", e.msg);
		arena_release(&a);
		return 0;
	}
	struct outcome o = { &m, { NULL } };
	for (int i = 0; i < m.nrows && i < CLAIM; i++) {
		err se = ERR_INIT;
		if (mail_send(S.cfg, db_get(&m, i, 1), db_get(&m, i, 2), db_get(&m, i, 3), db_get(&m, i, 4), &se)) {
			log_warn("outbox: mail %lld not sent: %s", (long long)db_get_int(&m, i, 0), se.msg);
			o.why[i] = arena_strdup(&a, se.msg);
		}
	}
	/* If this fails the claims lapse and the mails go again: a mail may
	 * arrive twice, never not at all. */
	if (m.nrows && db_tx(d, record_tx, &o, &e))
		log_error("outbox: %s", e.msg);
	arena_release(&a);
	return m.nrows;
}

static void *sender(void *p)
{
	(void)p;
	err e = ERR_INIT;
	db *d = NULL;
	struct timespec last = { 0, 0 };
	for (;;) {
		pthread_mutex_lock(&S.mu);
		if (!S.kicked && !S.stopping) {
			struct timespec until;
			clock_gettime(CLOCK_REALTIME, &until);
			until.tv_sec += 1;
			pthread_cond_timedwait(&S.cv, &S.mu, &until);
		}
		/* Kicked again soon after the last round: wait out the gap. */
		struct timespec gap = last;
		gap.tv_nsec += KICK_GAP_MS * 1000000L;
		if (gap.tv_nsec >= 1000000000L) {
			gap.tv_sec++;
			gap.tv_nsec -= 1000000000L;
		}
		while (!S.stopping && pthread_cond_timedwait(&S.cv, &S.mu, &gap) == 0)
			;
		clock_gettime(CLOCK_REALTIME, &last);
		int stopping = S.stopping;
		S.kicked = 0;
		pthread_mutex_unlock(&S.mu);
		if (!d && db_open(S.url, &d, &e)) {
			log_error("outbox: %s", e.msg);
			d = NULL;
		}
		while (d && deliver(d) == CLAIM)
			;
		/* This thread is also the server's one background connection:
		 * every few minutes it folds away ended connections' version rows. */
		time_t now = time(NULL);
		if (d && now >= S.next_fold) {
			if (db_versions_fold(d, &e))
				log_error("outbox: folding data versions: %s", e.msg);
			S.next_fold = now + 300;
		}
		if (stopping)
			break;
	}
	db_close(d);
	return NULL;
}

int outbox_start(const config *cfg, err *e)
{
	S.cfg = cfg;
	S.url = strdup(cfg->val[CFG_DATABASE]);
	if (!S.url)
		abort();
	S.stopping = 0;
	if (pthread_create(&S.thread, NULL, sender, NULL)) {
		free(S.url);
		return err_set(e, ERR_FAIL, "cannot start the mail sender");
	}
	S.running = 1;
	return 0;
}

void outbox_kick(void)
{
	pthread_mutex_lock(&S.mu);
	S.kicked = 1;
	pthread_cond_signal(&S.cv);
	pthread_mutex_unlock(&S.mu);
}

void outbox_stop(void)
{
	if (!S.running)
		return;
	pthread_mutex_lock(&S.mu);
	S.stopping = 1;
	pthread_cond_signal(&S.cv);
	pthread_mutex_unlock(&S.mu);
	pthread_join(S.thread, NULL);
	free(S.url);
	S.running = 0;
}
