/* outbox.h: mail that must not be lost. A feature writes the mail into the
 * outbox table inside the transaction that makes it true (a ticket, a seat
 * freed from the waitlist); a sender thread delivers it after the commit
 * with mail_send and marks it sent. Several servers on one PostgreSQL
 * share the outbox: a sender claims a few rows for a minute at a time. */
#ifndef PGHERD_MAIL_OUTBOX_H
#define PGHERD_MAIL_OUTBOX_H

#include "base/config.h"
#include "db/db.h"

/* Queues a mail; call inside the caller's transaction. qr: NULL, or the
 * text the mail shows as a QR code (see mail_send). */
int outbox_add(db *d, const char *to, const char *subject, const char *body, const char *qr, err *e);
/* outbox_add as part of a bigger PostgreSQL statement (a CTE that writes
 * the registration and its mail in one round trip): an INSERT taking
 * five values (to, subject, body, qr, created_at) from a SELECT that
 * follows it. */
#define OUTBOX_INSERT_SQL "INSERT INTO outbox (to_addr, subject, body, qr, created_at) "
/* The sender thread: delivers what is waiting every second, or sooner
 * after outbox_kick(). */
int outbox_start(const config *cfg, err *e);
void outbox_kick(void);
/* Delivers what is waiting now, then stops the thread. */
void outbox_stop(void);

#endif
