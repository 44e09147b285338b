/* mail.h: sending a mail over SMTP with libcurl, or, when no smtp_url is
 * configured, writing it to the server log so a fresh install still works.
 * Blocking; call from a request thread, the outbox sender or the CLI.
 * `to` must already be a validated address (no CR or LF can pass).
 *
 * The body is plain text. When qr is not NULL, the mail also carries qr
 * drawn as a QR code: an HTML version of the body with the code as an
 * inline PNG under it, so a ticket can be scanned from the mail itself. */
#ifndef PGHERD_MAIL_H
#define PGHERD_MAIL_H

#include "base/config.h"
#include "base/err.h"

int mail_send(const config *cfg, const char *to, const char *subject, const char *body, const char *qr, err *e);

#endif
