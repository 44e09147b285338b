/* mail.h: sending a plain-text mail over SMTP with libcurl, or, when no
 * smtp_url is configured, writing it to the server log so a fresh install
 * still works. Blocking; call from a request thread or the CLI.
 * `to` must already be a validated address (no CR or LF can pass). */
#ifndef PGHERD_MAIL_H
#define PGHERD_MAIL_H

#include "base/config.h"
#include "base/err.h"

int mail_send(const config *cfg, const char *to, const char *subject, const char *body, err *e);

#endif
