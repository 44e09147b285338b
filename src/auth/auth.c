/* auth.c: passwords, tokens, sessions, throttling and the audit log. */
#include "auth/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "base/util.h"
#include "base/stripes.h"
#include "auth/roles.h"
#include "base/lang.h"
#include "base/banned.h"

static const char *role_names[] = {
	[ROLE_VISITOR] = "visitor", [ROLE_MEMBER] = "member", [ROLE_SPEAKER] = "speaker",
	[ROLE_VOLUNTEER] = "volunteer", [ROLE_ORGANIZER] = "organizer", [ROLE_EDITOR] = "editor",
	[ROLE_TREASURER] = "treasurer", [ROLE_ADMIN] = "admin",
};

int auth_role_from_name(const char *name)
{
	for (int r = ROLE_MEMBER; r <= ROLE_ADMIN; r++)
		if (name && !strcmp(name, role_names[r]))
			return r;
	return -1;
}

const char *auth_role_name(int role)
{
	return role >= ROLE_VISITOR && role <= ROLE_ADMIN ? role_names[role] : "visitor";
}

/* argon2id in the least-memory one of OWASP's equally strong settings
 * (7 MiB and 5 passes; the others are 19 MiB and 2, 46 MiB and 1): the
 * same work for a guesser, and each hash at a time holds 7 MiB instead of
 * 19 while it runs, so a login burst at a salon's door (a hash on each
 * core) adds 14 MB to the server, not 38 (measured: one sign-up took the
 * server's peak from 33 to 51 MB). Hashes made with the earlier setting
 * carry it in their string and still verify. */
enum { PW_OPS = 5, PW_MEM = 7 * 1024 * 1024 };

int auth_password_hash(const char *password, char *hash_out, size_t size, err *e)
{
	if (size < crypto_pwhash_STRBYTES)
		return err_set(e, ERR_FAIL, "password hash buffer too small");
	if (crypto_pwhash_str_alg(hash_out, password, strlen(password), PW_OPS, PW_MEM, crypto_pwhash_ALG_ARGON2ID13))
		return err_set(e, ERR_FAIL, "argon2id: out of memory");
	return 0;
}

int auth_password_check(const char *hash, const char *password)
{
	static char dummy[crypto_pwhash_STRBYTES];
	if (!hash) {
		/* Spend the time anyway; the result is ignored. Racing threads
		 * write the same kind of value, so the static is harmless. */
		if (!dummy[0])
			(void)!crypto_pwhash_str_alg(dummy, "pgherd-dummy", 12, PW_OPS, PW_MEM, crypto_pwhash_ALG_ARGON2ID13);
		else
			(void)!crypto_pwhash_str_verify(dummy, password, strlen(password));
		return -1;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : -1;
}

void auth_token_hash(const char *token, char hash[AUTH_HASH_HEX + 1])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(hash, AUTH_HASH_HEX + 1, h, sizeof(h));
}

void auth_new_token(char token[AUTH_TOKEN_LEN + 1], char hash[AUTH_HASH_HEX + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, AUTH_TOKEN_LEN + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	auth_token_hash(token, hash);
}

/* ---- CSRF tokens ---- */

static unsigned char csrf_key[crypto_generichash_KEYBYTES];
static pthread_once_t csrf_once = PTHREAD_ONCE_INIT;
static int csrf_loaded; /* set once at start, before threads */

static void csrf_own_key(void)
{
	if (!csrf_loaded)
		randombytes_buf(csrf_key, sizeof(csrf_key));
}

int auth_csrf_key_load(db *d, err *e)
{
	arena a = ARENA_INIT;
	unsigned char fresh[crypto_generichash_KEYBYTES];
	char hex[2 * sizeof(fresh) + 1];
	randombytes_buf(fresh, sizeof(fresh));
	sodium_bin2hex(hex, sizeof(hex), fresh, sizeof(fresh));
	db_res r;
	/* The first server to start makes it; the others read the same one. */
	int rc = db_exec(d, "INSERT INTO site_secrets (name, value, created_at) VALUES ('csrf', ?, ?) "
			    "ON CONFLICT (name) DO NOTHING",
			 DB_ARGS(DB_TEXT(hex), DB_TIME(unix_now())), NULL, e);
	if (!rc)
		rc = db_query(d, &a, "SELECT value FROM site_secrets WHERE name = 'csrf'", NULL, 0, &r, e);
	size_t n = 0;
	if (!rc && (!r.nrows || sodium_hex2bin(csrf_key, sizeof(csrf_key), db_get(&r, 0, 0), strlen(db_get(&r, 0, 0)),
						  NULL, &n, NULL) || n != sizeof(csrf_key)))
		rc = err_set(e, ERR_FAIL, "site_secrets: the csrf key is unreadable");
	if (!rc)
		csrf_loaded = 1;
	sodium_memzero(fresh, sizeof(fresh));
	arena_release(&a);
	return rc;
}

/* A signed token: 16 bytes of body and the keyed hash of kind || body,
 * base64url (43 characters). The kind is hashed in, so a CSRF token never
 * passes for a device token or the other way round. */
enum { SIGNED_LEN = 43 };

static void signed_mac(const char *kind, const unsigned char body[16], unsigned char mac[16])
{
	crypto_generichash_state st;
	pthread_once(&csrf_once, csrf_own_key);
	crypto_generichash_init(&st, csrf_key, sizeof(csrf_key), 16);
	crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
	crypto_generichash_update(&st, body, 16);
	crypto_generichash_final(&st, mac, 16);
}

static void signed_make(const char *kind, const unsigned char body[16], char out[SIGNED_LEN + 1])
{
	unsigned char raw[32];
	memcpy(raw, body, 16);
	signed_mac(kind, raw, raw + 16);
	sodium_bin2base64(out, SIGNED_LEN + 1, raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* 0 with the body when token is one this site signed as kind; else -1. */
static int signed_open(const char *kind, const char *token, unsigned char body[16])
{
	unsigned char raw[32], mac[16];
	size_t n = 0;
	if (!token || strlen(token) != SIGNED_LEN ||
	    sodium_base642bin(raw, sizeof(raw), token, SIGNED_LEN, NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) || n != sizeof(raw))
		return -1;
	signed_mac(kind, raw, mac);
	if (sodium_memcmp(mac, raw + 16, sizeof(mac)))
		return -1;
	memcpy(body, raw, 16);
	return 0;
}

/* A device token's body: the account id (8 bytes, little-endian) and a nonce. */
void auth_device_token(int64_t user_id, char out[AUTH_DEVICE_LEN + 1])
{
	unsigned char body[16];
	uint64_t id = (uint64_t)user_id;
	for (int i = 0; i < 8; i++)
		body[i] = (unsigned char)(id >> (8 * i));
	randombytes_buf(body + 8, 8);
	signed_make("device", body, out);
}

int64_t auth_device_user(const char *token)
{
	unsigned char body[16];
	if (signed_open("device", token, body))
		return 0;
	uint64_t id = 0;
	for (int i = 0; i < 8; i++)
		id |= (uint64_t)body[i] << (8 * i);
	return (int64_t)id;
}

/* The body of an email link: the account (6 bytes), the expiry (4) and
 * 6 bytes of a keyed digest of the address. */
static void email_tag(const char *email, unsigned char tag[6])
{
	/* Keyed with the site's key: the digest tells nothing without it. */
	crypto_generichash_state st;
	unsigned char h[16];
	pthread_once(&csrf_once, csrf_own_key);
	crypto_generichash_init(&st, csrf_key, sizeof(csrf_key), sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)"email", 6);
	crypto_generichash_update(&st, (const unsigned char *)email, strlen(email));
	crypto_generichash_final(&st, h, sizeof(h));
	memcpy(tag, h, 6);
}

void auth_email_link(int64_t user_id, const char *email, int64_t now, char out[AUTH_EMAIL_LINK_LEN + 1])
{
	unsigned char body[16];
	uint64_t id = (uint64_t)user_id, until = (uint64_t)(now + AUTH_EMAIL_LINK_DAYS * 86400);
	for (int i = 0; i < 6; i++)
		body[i] = (unsigned char)(id >> (8 * i));
	for (int i = 0; i < 4; i++)
		body[6 + i] = (unsigned char)(until >> (8 * i));
	email_tag(email, body + 10);
	signed_make("email-link", body, out);
}

int64_t auth_email_link_user(const char *token, const char *(*email_of)(void *ctx, int64_t user), void *ctx,
			     int64_t now)
{
	unsigned char body[16], tag[6];
	if (signed_open("email-link", token, body))
		return 0;
	uint64_t id = 0, until = 0;
	for (int i = 0; i < 6; i++)
		id |= (uint64_t)body[i] << (8 * i);
	for (int i = 0; i < 4; i++)
		until |= (uint64_t)body[6 + i] << (8 * i);
	if ((int64_t)until < now || !id)
		return 0;
	const char *email = email_of(ctx, (int64_t)id);
	if (!email)
		return 0;
	email_tag(email, tag);
	return sodium_memcmp(tag, body + 10, sizeof(tag)) ? 0 : (int64_t)id;
}

/* A visitor's first page makes a CSRF token; random bytes come from the
 * kernel a page's worth of tokens at a time, each thread its own, each
 * handed out once and wiped (a getrandom call per page was 2% of a
 * visitor page's time). */
static void csrf_random(unsigned char *out, size_t n)
{
	static _Thread_local unsigned char pool[1024];
	static _Thread_local size_t left;
	if (left < n) {
		randombytes_buf(pool, sizeof(pool));
		left = sizeof(pool);
	}
	unsigned char *p = pool + sizeof(pool) - left;
	memcpy(out, p, n);
	sodium_memzero(p, n);
	left -= n;
}

void auth_csrf_new(char out[AUTH_CSRF_LEN + 1])
{
	unsigned char body[16];
	csrf_random(body, sizeof(body));
	signed_make("csrf", body, out);
}

int auth_csrf_valid(const char *token)
{
	unsigned char body[16];
	return signed_open("csrf", token, body) == 0;
}

int auth_token_shape(const char *s)
{
	if (!s || strlen(s) != AUTH_TOKEN_LEN)
		return 0;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == AUTH_TOKEN_LEN;
}

int auth_session_create(db *d, int64_t user_id, const char *client, char token[AUTH_TOKEN_LEN + 1], err *e)
{
	char hash[AUTH_HASH_HEX + 1];
	int64_t now = unix_now();
	auth_new_token(token, hash);
	return db_exec(d, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_seen_at, client) "
			  "VALUES (?, ?, ?, ?, ?, ?)",
		       DB_ARGS(DB_TEXT(hash), DB_INT(user_id), DB_TIME(now),
			       DB_TIME(now + SESSION_DAYS * 86400), DB_TIME(now), DB_TEXT(client ? client : "")),
		       NULL, e);
}

static struct auth_user *user_from(arena *a, const db_res *r)
{
	struct auth_user *u = arena_alloc(a, sizeof(*u));
	u->id = db_get_int(r, 0, 0);
	u->name = db_get(r, 0, 1);
	u->email = db_get(r, 0, 2);
	u->role = auth_role_from_name(db_get(r, 0, 3));
	u->lang = lang_parse(db_get(r, 0, 4));
	u->version = db_get_int(r, 0, 6);
	u->versions = db_versions_summed(a, db_get(r, 0, 7));
	if (u->role < 0)
		u->role = ROLE_MEMBER;
	return u;
}

/* Accounts as last read, by token hash, each with the database mark
 * taken just before its read (db_mark). While nothing has been committed
 * since, by any process, the same token names the same account with the
 * same role and versions, so a signed-in member's request needs no
 * statement at all; a sign-out, a role change or any other commit
 * anywhere changes the mark, and the next request reads again. Only on
 * engines that can tell (SQLite); a direct-mapped table of SEEN_SLOTS. */
enum { SEEN_SLOTS = 256, SEEN_STRIPES = STRIPES16 };

struct seen_token {
	char hash[AUTH_HASH_HEX + 1];
	struct db_mark mark;
	int64_t until; /* the session's expiry, or its next hourly touch */
	int64_t id, version;
	int role, lang;
	char name[320], email[256], versions[1024];
};

static struct seen_token seen[SEEN_SLOTS];
static pthread_mutex_t seen_mu[STRIPES16] = STRIPES16_INITIALIZER;

static unsigned seen_slot(const char *hash)
{
	unsigned v = 0;
	for (int i = 0; i < 8; i++)
		v = v * 16 + (unsigned)(hash[i] <= '9' ? hash[i] - '0' : hash[i] - 'a' + 10);
	return v % SEEN_SLOTS;
}

static int seen_get(const char *hash, const struct db_mark *mark, int64_t now, arena *a, struct auth_user **out)
{
	unsigned i = seen_slot(hash);
	pthread_mutex_t *mu = &seen_mu[i % SEEN_STRIPES];
	const struct seen_token *t = &seen[i];
	pthread_mutex_lock(mu);
	if (!strcmp(t->hash, hash) && now < t->until && !memcmp(&t->mark, mark, sizeof(*mark))) {
		struct auth_user *u = arena_alloc(a, sizeof(*u));
		u->id = t->id;
		u->version = t->version;
		u->role = t->role;
		u->lang = t->lang;
		u->name = arena_strdup(a, t->name);
		u->email = arena_strdup(a, t->email);
		u->versions = t->versions[0] ? arena_strdup(a, t->versions) : NULL;
		*out = u;
	}
	pthread_mutex_unlock(mu);
	return *out != NULL;
}

static void seen_put(const char *hash, const struct db_mark *mark, int64_t until, const struct auth_user *u)
{
	const char *name = u->name ? u->name : "", *email = u->email ? u->email : "";
	const char *versions = u->versions ? u->versions : "";
	unsigned i = seen_slot(hash);
	struct seen_token *t = &seen[i];
	if (strlen(name) >= sizeof(t->name) || strlen(email) >= sizeof(t->email) ||
	    strlen(versions) >= sizeof(t->versions))
		return;
	pthread_mutex_lock(&seen_mu[i % SEEN_STRIPES]);
	snprintf(t->hash, sizeof(t->hash), "%s", hash);
	t->mark = *mark;
	t->until = until;
	t->id = u->id;
	t->version = u->version;
	t->role = u->role;
	t->lang = u->lang;
	snprintf(t->name, sizeof(t->name), "%s", name);
	snprintf(t->email, sizeof(t->email), "%s", email);
	snprintf(t->versions, sizeof(t->versions), "%s", versions);
	pthread_mutex_unlock(&seen_mu[i % SEEN_STRIPES]);
}

/* The account a token (session cookie or API token) names: `find` selects
 * id, name, email, role, lang, the last-used time, the member's version,
 * every data version and the expiry (NULL: none) by token hash and time;
 * `touch` records a use, at most once an hour per token. */
static int token_user(db *d, arena *a, const char *token, const char *find, const char *touch,
		      struct auth_user **out, err *e)
{
	*out = NULL;
	if (!auth_token_shape(token))
		return 0;
	char hash[AUTH_HASH_HEX + 1];
	auth_token_hash(token, hash);
	int64_t now = unix_now();
	struct db_mark mark;
	int marked = db_mark(d, &mark) == 0;
	if (marked && seen_get(hash, &mark, now, a, out))
		return 0;
	db_res r;
	int rc = db_query(d, a, find, DB_ARGS(DB_TEXT(hash), DB_TIME(now)), &r, e);
	if (rc || !r.nrows)
		return rc;
	*out = user_from(a, &r);
	int64_t touched = db_get_int(&r, 0, 5);
	if (touched < now - 3600)
		return db_exec(d, touch, DB_ARGS(DB_TIME(now), DB_TEXT(hash)), NULL, e);
	if (marked) {
		int64_t until = touched + 3600;
		if (db_get(&r, 0, 8) && db_get_int(&r, 0, 8) < until)
			until = db_get_int(&r, 0, 8);
		seen_put(hash, &mark, until, *out);
	}
	return 0;
}

/* Every data version too ("home=5,orgs=3,events=12"), in the same
 * statement: a member's kept page then needs no statement of its own. */
#define VERSIONS(agg) ", " DB_VERSIONS_SQL(agg) " AS versions "
#define NO_VERSIONS(agg) ", NULL AS versions "
#define SESSION_USER(agg, versions) \
	"SELECT u.id, u.display_name, u.email, u.role, u.lang, s.last_seen_at, u.cache_version" versions(agg) \
	", s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id " \
	"WHERE s.token_hash = ? AND s.expires_at > ? AND u.deleted_at IS NULL"
/* API tokens do not expire; the time parameter is compared to their creation. */
#define TOKEN_USER(agg, versions) \
	"SELECT u.id, u.display_name, u.email, u.role, u.lang, coalesce(t.last_used_at, t.created_at), " \
	"u.cache_version" versions(agg) ", NULL FROM api_tokens t JOIN users u ON u.id = t.user_id " \
	"WHERE t.token_hash = ? AND t.created_at <= ? AND u.deleted_at IS NULL"

/* On SQLite the versions always come along: what token_user remembers
 * (until the next commit anywhere) then serves the next page too. */
int auth_session_user(db *d, arena *a, const char *token, int versions, struct auth_user **out, err *e)
{
	int pg = db_engine_of(d) == DB_POSTGRES;
	return token_user(d, a, token,
			  !pg ? SESSION_USER("group_concat", VERSIONS)
			  : versions ? SESSION_USER("string_agg", VERSIONS) : SESSION_USER("string_agg", NO_VERSIONS),
			  "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", out, e);
}

int auth_api_token_user(db *d, arena *a, const char *token, int versions, struct auth_user **out, err *e)
{
	int pg = db_engine_of(d) == DB_POSTGRES;
	return token_user(d, a, token,
			  !pg ? TOKEN_USER("group_concat", VERSIONS)
			  : versions ? TOKEN_USER("string_agg", VERSIONS) : TOKEN_USER("string_agg", NO_VERSIONS),
			  "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?", out, e);
}

int auth_session_end(db *d, const char *token, err *e)
{
	if (!auth_token_shape(token))
		return 0;
	char hash[AUTH_HASH_HEX + 1];
	auth_token_hash(token, hash);
	return db_exec(d, "DELETE FROM sessions WHERE token_hash = ?", DB_ARGS(DB_TEXT(hash)), NULL, e);
}

int auth_session_end_all(db *d, int64_t user_id, const char *except_token, err *e)
{
	char hash[AUTH_HASH_HEX + 1] = "";
	if (except_token && auth_token_shape(except_token))
		auth_token_hash(except_token, hash);
	return db_exec(d, "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
		       DB_ARGS(DB_INT(user_id), DB_TEXT(hash)), NULL, e);
}

int auth_credentials_end_all(db *d, int64_t user_id, const char *except_session, err *e)
{
	int rc = auth_session_end_all(d, user_id, except_session, e);
	if (!rc)
		rc = db_exec(d, "DELETE FROM api_tokens WHERE user_id = ?", DB_ARGS(DB_INT(user_id)), NULL, e);
	if (!rc)
		rc = db_exec(d, "UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL",
			     DB_ARGS(DB_TIME(unix_now()), DB_INT(user_id)), NULL, e);
	return rc;
}

int auth_throttle(db *d, const char *key, int limit, int window, int *retry_after, err *e)
{
	arena a = ARENA_INIT;
	db_res r;
	int64_t now = unix_now(), start = now - now % window;
	*retry_after = 0;
	int rc = db_query(d, &a,
			  "INSERT INTO throttle (key, window_start, hits) VALUES (?, ?, 1) "
			  "ON CONFLICT (key) DO UPDATE SET "
			  "hits = CASE WHEN throttle.window_start = excluded.window_start THEN throttle.hits + 1 ELSE 1 END, "
			  "window_start = excluded.window_start RETURNING hits",
			  DB_ARGS(DB_TEXT(key), DB_INT(start)), &r, e);
	if (!rc && r.nrows && db_get_int(&r, 0, 0) > limit)
		*retry_after = (int)(start + window - now);
	arena_release(&a);
	return rc;
}

int auth_throttle_peek(db *d, const char *key, int limit, int window, int *retry_after, err *e)
{
	arena a = ARENA_INIT;
	db_res r;
	int64_t now = unix_now(), start = now - now % window;
	*retry_after = 0;
	int rc = db_query(d, &a, "SELECT hits FROM throttle WHERE key = ? AND window_start = ?",
			  DB_ARGS(DB_TEXT(key), DB_INT(start)), &r, e);
	if (!rc && r.nrows && db_get_int(&r, 0, 0) >= limit)
		*retry_after = (int)(start + window - now);
	arena_release(&a);
	return rc;
}

int auth_throttle_forgive(db *d, const char *key, int window, err *e)
{
	int64_t now = unix_now(), start = now - now % window;
	return db_exec(d, "UPDATE throttle SET hits = hits - 1 WHERE key = ? AND window_start = ? AND hits > 0",
		       DB_ARGS(DB_TEXT(key), DB_INT(start)), NULL, e);
}

int auth_audit(db *d, int64_t actor, const char *action, const char *target, const char *detail,
	       const char *client, err *e)
{
	return db_exec(d, "INSERT INTO audit_log (at, actor_id, action, target, detail, client) VALUES (?, ?, ?, ?, ?, ?)",
		       DB_ARGS(DB_TIME(unix_now()), actor ? DB_INT(actor) : DB_NULL, DB_TEXT(action),
			       DB_TEXT(target ? target : ""), DB_TEXT(detail ? detail : ""),
			       DB_TEXT(client ? client : "")),
		       NULL, e);
}

unsigned auth_allowed(unsigned allow, int role)
{
	if (!allow)
		return 403; /* undeclared: router_check keeps these from starting */
	if (allow & EVERYONE)
		return 0;
	if (role == ROLE_VISITOR)
		return 401;
	if ((allow & SIGNED_IN) || role == ROLE_ADMIN || (allow & ALLOW(role)))
		return 0;
	return 403;
}
