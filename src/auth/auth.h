/* auth.h: who is asking, and may they: passwords (argon2id), sessions
 * (random tokens kept only as hashes), throttling, the audit log, roles.
 *
 * Every function that touches the database takes the caller's handle and
 * returns 0 or a negative ERR_* code. Tokens are 43-character URL-safe
 * strings; only their BLAKE2b hashes are stored. No secret is ever logged. */
#ifndef PGHERD_AUTH_H
#define PGHERD_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/err.h"
#include "auth/roles.h"
#include "db/db.h"

enum { AUTH_TOKEN_LEN = 43, AUTH_HASH_HEX = 64, AUTH_PW_MIN = 8, AUTH_PW_MAX = 256 };
enum { SESSION_DAYS = 30, RESET_MINUTES = 60 };

struct auth_user {
	int64_t id;
	const char *name;
	const char *email;
	int role;     /* enum role (auth/roles.h) */
	int lang;
	int64_t version; /* bumped by anything a page kept for them shows of them */
	const char *versions; /* every data version as read with the account: "home=5,orgs=3" */
};

/* Roles by name ("member", "admin"...); -1 for an unknown name. */
int auth_role_from_name(const char *name);
const char *auth_role_name(int role);

/* Passwords. hash_out receives an argon2id string (crypto_pwhash_STRBYTES). */
int auth_password_hash(const char *password, char *hash_out, size_t size, err *e);
/* 0 when password matches hash. With hash NULL it still spends the same
 * time, so a missing account cannot be told from a wrong password. */
int auth_password_check(const char *hash, const char *password);

/* A fresh random token (AUTH_TOKEN_LEN chars) and its hash for storage. */
void auth_new_token(char token[AUTH_TOKEN_LEN + 1], char hash[AUTH_HASH_HEX + 1]);
void auth_token_hash(const char *token, char hash[AUTH_HASH_HEX + 1]);
/* 1 when s has the shape of a token we issue. */
int auth_token_shape(const char *s);

/* CSRF tokens: 16 random bytes and their keyed hash, base64url (43
 * characters). Only a token this site made is taken from a cookie. The key
 * lives in the database (site_secrets), so every server on it agrees;
 * auth_csrf_key_load reads it, making it the first time, at start. Before
 * (or without) it a key of this process's own is used. */
enum { AUTH_CSRF_LEN = 43 };
int auth_csrf_key_load(db *d, err *e);
void auth_csrf_new(char out[AUTH_CSRF_LEN + 1]);
int auth_csrf_valid(const char *token);

/* A device that signed in to an account: a token naming the account,
 * signed with the same key (no table). Sign-in from such a device is not
 * held back by strangers' failed guesses at the account. */
enum { AUTH_DEVICE_LEN = 43 };
void auth_device_token(int64_t user_id, char out[AUTH_DEVICE_LEN + 1]);
/* The account a device token names; 0 for none or a forged one. */
int64_t auth_device_user(const char *token);

/* A link that proves its holder reads mail at an address: the account,
 * the address (a keyed digest of it) and an expiry, signed (no table).
 * auth_email_link_user gives the account of a link this site made that
 * has not expired, else 0; the link holds only while the account's
 * address is still `email`. */
enum { AUTH_EMAIL_LINK_LEN = 43, AUTH_EMAIL_LINK_DAYS = 7 };
void auth_email_link(int64_t user_id, const char *email, int64_t now, char out[AUTH_EMAIL_LINK_LEN + 1]);
int64_t auth_email_link_user(const char *token, const char *(*email_of)(void *ctx, int64_t user), void *ctx,
			     int64_t now);

/* Sessions. */
int auth_session_create(db *d, int64_t user_id, const char *client, char token[AUTH_TOKEN_LEN + 1], err *e);
/* *out is NULL when the token names no live session. versions: read the
 * data versions along (a page that may be kept needs them); a request
 * that changes something does not, and on PostgreSQL, where each request
 * asks the database, leaving them out spares it the work at a rush. */
int auth_session_user(db *d, arena *a, const char *token, int versions, struct auth_user **out, err *e);
int auth_session_end(db *d, const char *token, err *e);
/* The account an API token (sent as "Authorization: Bearer TOKEN") acts for. */
int auth_api_token_user(db *d, arena *a, const char *token, int versions, struct auth_user **out, err *e);
int auth_session_end_all(db *d, int64_t user_id, const char *except_token, err *e);
/* After "log out everywhere", a password change or a reset: every session
 * (but except_session, this browser's, when given), every API token and
 * every reset link still outstanding end, in the caller's transaction. */
int auth_credentials_end_all(db *d, int64_t user_id, const char *except_session, err *e);

/* Counts a hit on key; *retry_after > 0 (seconds) when more than `limit`
 * hits fell in the current window of `window` seconds. One statement. */
int auth_throttle(db *d, const char *key, int limit, int window, int *retry_after, err *e);
/* Takes back a hit counted in this window (an attempt that succeeded). */
int auth_throttle_forgive(db *d, const char *key, int window, err *e);
/* The same check without counting a hit (for "count failures only"). */
int auth_throttle_peek(db *d, const char *key, int limit, int window, int *retry_after, err *e);

/* Appends to the audit log. actor may be 0 (the command line). */
int auth_audit(db *d, int64_t actor, const char *action, const char *target, const char *detail,
	       const char *client, err *e);

#endif
