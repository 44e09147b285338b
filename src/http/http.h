/* http.h: what a feature sees of HTTP: the request (validated inputs), the
 * response it describes (a model + template, a redirect or a body), and
 * the route table entry that declares a handler, its methods, the role it
 * needs and whether CSRF applies.
 *
 * Rules: a handler never writes to the socket and never builds HTML; it
 * allocates from r->a and never frees; everything in a req lives until the
 * response has been sent. resp->model is owned by the server afterwards. */
#ifndef PGHERD_HTTP_H
#define PGHERD_HTTP_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/config.h"
#include "db/db.h"

enum http_method {
	M_GET = 1, M_HEAD = 2, M_POST = 4, M_PUT = 8, M_PATCH = 16, M_DELETE = 32, M_OPTIONS = 64,
};
#define M_SAFE (M_GET | M_HEAD | M_OPTIONS)

/* Roles and who a route lets in (EVERYONE, SIGNED_IN, ALLOW(role)). */
#include "auth/roles.h"
/* A route that declares nothing (allow == 0) stops the server at start. */

enum { ROUTE_MAX_PARAMS = 8 };

struct req;
struct resp;
typedef int (*handler_fn)(struct req *r, struct resp *out);

/* What a route loads before its handler runs: the row its parameters name
 * (an event by :id, a ticket by :code, a series by :slug). load() reads it
 * through r->db into the arena and sets r->row; it returns 0, ERR_NOTFOUND
 * (the dispatcher answers 404 with `missing`, or error.not_found) or
 * another error. Each loader is written once, beside its table. */
struct loader {
	const char *name;
	int (*load)(struct req *r, err *e);
	const char *missing_code, *missing_key; /* the 404's code and message */
};

/* The kinds of value a route takes. Each has one validator, shared by every
 * feature (http/inputs.c); text is trimmed and counted in characters. */
enum input_kind {
	IN_LINE,     /* one line of text, no control characters; max characters */
	IN_TEXT,     /* several lines (newlines and tabs kept); max characters */
	IN_MARKDOWN, /* Markdown source, as IN_TEXT (20,000 characters unless max) */
	IN_PHONE,    /* 5 to 20 digits, with + - ( ) and spaces, at most 24 characters */
	IN_EMAIL,    /* an address, lower-cased */
	IN_URL,      /* http:// or https://, no spaces or quotes; max characters (300) */
	IN_DATE,     /* YYYY-MM-DD, a real day */
	IN_TIME,     /* HH:MM */
	IN_INT,      /* a whole number in [min, max] */
	IN_SLUG,     /* a-z, 0-9 and - (lower-cased), a letter first, no - last; min, max (40) */
	IN_CHOICE,   /* one of the declaration's choices */
	IN_CHOICES,  /* any of them (a group of checkboxes of one name): the text joins them with "," */
	IN_FLAG,     /* a checkbox: sent or not (IN_REQUIRED: it must be ticked) */
	IN_FILE,     /* an uploaded file of at most max bytes */
	IN_SECRET,   /* a password: as sent (not trimmed), at most max bytes, never sent back */
};
enum {
	IN_REQUIRED = 1, /* absent or empty is an error */
	IN_QUERY = 2,    /* from the query string rather than the body */
};
struct input {
	const char *name;
	int kind;     /* IN_* */
	int flags;    /* IN_REQUIRED | IN_QUERY */
	int64_t min, max;
	const char *msg;     /* i18n key of the message when it is wrong; NULL: the kind's */
	const char *missing; /* ... when a required one is absent; NULL: input.err.required */
	const char *const *choices; /* IN_CHOICE: the values allowed, NULL-terminated */
	int (*valid)(const char *s); /* a feature's own rule on top of the kind's: 1 when right */
};
/* Declarations of what a handler still checks itself, with its own
 * messages: any text up to the body limit (no control characters but
 * newlines and tabs), an uploaded file, a password. And a route that
 * takes nothing from its body. */
#define IN_FIELD(n) { n, IN_TEXT, 0, 0, 1 << 20, NULL, NULL }
#define IN_UPLOAD(n) { n, IN_FILE, 0, 0, 0, NULL, NULL }
#define IN_PASSWORD(n) { n, IN_SECRET, 0, 0, 0, NULL, NULL }
extern const struct input no_inputs[];

/* A validated value: text (NULL when absent), the number of IN_INT and
 * IN_FLAG, the field of IN_FILE. */
struct in_value {
	const char *text;
	int64_t num;
	const struct field *file;
};

/* Route flags. */
enum {
	ROUTE_NODB = 1,    /* answers without the database (static files, the ceiling) */
	ROUTE_SESSION = 2, /* a person at a browser only: an API token is refused (403) */
};

struct route {
	int methods;          /* M_* mask */
	const char *pattern;  /* "/events/:id"; a final "*name" takes the rest */
	handler_fn fn;
	unsigned allow;       /* EVERYONE, SIGNED_IN or ALLOW(role) | ... */
	int csrf;             /* 1: unsafe methods need the CSRF token */
	const char *name;     /* for logs */
	const struct loader *load;  /* the row it loads, or NULL */
	const struct input *inputs; /* what it takes, ended by a NULL name; NULL: not declared yet */
	handler_fn invalid;   /* shows the form again when inputs are wrong (r->form, r->errors) */
	int flags;            /* ROUTE_* */
};

struct route_table {
	const struct route *routes;
	size_t n;
};

struct field {
	const char *name;
	buf value;             /* text or file bytes */
	const char *filename;  /* NULL for a text field */
	const char *content_type;
	int hidden;            /* not declared by the route: its handler never sees it */
	struct field *next;
};

typedef struct req {
	arena a;
	const config *cfg;
	void *conn;            /* struct MHD_Connection */
	int method;            /* one M_* */
	const char *method_name;
	const char *path;      /* decoded path, valid UTF-8 */
	const char *raw_uri;   /* as sent, for logs */
	int lang;              /* LANG_ZH / LANG_EN */
	int set_lang_cookie;
	int api;               /* answer JSON: /api/v1/ or Accept: application/json */
	const struct route *route;
	const char *param_names[ROUTE_MAX_PARAMS];
	const char *params[ROUTE_MAX_PARAMS];
	int nparams;
	struct field *fields, **fields_tail;
	int nfields;
	buf body;              /* raw body when not a form */
	size_t body_bytes, body_limit;
	int body_error;        /* 0, 400 or 413 */
	void *pp;              /* struct MHD_PostProcessor */
	const char *csrf;      /* the token for this client (cookie or new) */
	int new_csrf;
	int fresh;             /* wrote a moment ago (its cookie): reads take no mark from the watch */
	int role;              /* the current user's role (ROLE_VISITOR when none) */
	int64_t user_id;       /* 0 for a visitor */
	int64_t user_version;  /* the member's own data version (cached pages kept for them) */
	const char *versions;  /* every data version, read with the account ("home=5,orgs=3"), or NULL */
	const char *user_name;
	int user_lang;         /* the member's own language (their mail's), -1 when unknown */
	const char *session;   /* the session cookie's token, when signed in */
	int bearer;            /* signed in by an API token: no cookies, no CSRF */
	const char *client;    /* the User-Agent, for session lists and the audit log */
	db *db;                /* this thread's database handle (NULL for ROUTE_NODB) */
	void *row;             /* what the route's loader loaded */
	struct in_value *in;   /* the route's inputs, validated, in declaration order */
	json_t *form;          /* the inputs as sent (trimmed), to refill a form */
	json_t *errors;        /* {name: message} when an input is wrong */
	/* bookkeeping */
	uint64_t t0;
	int calls;
	unsigned status;
	int page;                 /* the answer is an HTML page (200, for a browser): a page view */
	size_t bytes_out;
	int over_capacity;
	struct page_cache *cache; /* the server's page cache, or NULL when off */
	const char *cache_key;    /* set by http_cache_lookup when cacheable */
	struct kept *held;        /* the kept page this request answers from, let go with it */
	handler_fn then;          /* set by http_suspend: answers after http_resume */
	void *pending;            /* the work a suspended request waits for */
} req;

typedef struct resp {
	unsigned status;
	json_t *model;            /* page model = API answer */
	const char *page;         /* template; NULL answers JSON even to browsers */
	const char *title;        /* i18n key of the page title */
	const char *title_text;   /* or the title itself (an event's, an org's name) */
	const char *location;     /* redirect (303 unless status set) */
	const void *body;         /* a ready body (static files, text) */
	size_t body_len;
	int body_owned;           /* body is malloc'd and passes to the server */
	int html;                 /* body is a page rendered by http_render_html */
	int cached;               /* body is a kept page or API answer (varies like one) */
	int gzipped;              /* body is gzip-compressed already (a kept page's copy) */
	struct kept *kept;        /* body is this kept page's memory (req.held) */
	/* Two places (plain, gzip) keeping the response made of this answer
	 * when it is the same, headers and all, for every reader: a kept page
	 * without a slot, a static file. NULL: made for this request only. */
	_Atomic(void *) *shared;
	const char *content_type;
	const char *etag;
	const char *cache_control;
	const char *allow;        /* for 405 */
	const char *cookies[3];   /* full Set-Cookie values, from http_cookie() */
	const char *disposition;  /* Content-Disposition, for downloads */
	unsigned retry_after;
} resp;

/* A route's declared inputs, validated: the text (NULL when absent or
 * empty), the number (dflt when absent), the file (NULL when none). */
const char *in_text(const req *r, const char *name);
int64_t in_num(const req *r, const char *name, int64_t dflt);
const struct field *in_file(const req *r, const char *name);
/* Validates r's inputs against the route's declaration: fills r->in and
 * r->form, and r->errors (messages in r's language) for wrong ones; drops
 * undeclared body fields. 0 when every input is right. (inputs.c) */
int inputs_check(req *r);
/* The message of the first wrong input, in the route's declaration order,
 * or NULL: for pages that show one message at a time. */
const char *inputs_first_error(const req *r);
/* 0 when s is a value of kind (IN_PHONE, IN_EMAIL, IN_URL, IN_DATE,
 * IN_TIME, IN_SLUG) within max characters (0: the kind's own limit). */
int input_valid(int kind, const char *s, int64_t max);

/* Inputs (NULL when absent). Query and form values are valid UTF-8. */
const char *req_param(const req *r, const char *name);   /* route :params */
/* A route's numeric :param (:id, :draw, :item...; all but :code, :slug,
 * :token and *path): the dispatcher has answered 404 unless it is a whole
 * number from 1, so a handler just reads it. 0 when the route has none
 * (a form that creates, where its twin route edits :id). */
int64_t req_num(const req *r, const char *name);
/* req_num(r, "id") into *id: 0, or -1 when there is none. */
int req_id(const req *r, int64_t *id);
const char *req_query(const req *r, const char *name);
const char *req_header(const req *r, const char *name);
const char *req_cookie(const req *r, const char *name);
const char *req_form(const req *r, const char *name);
/* An uploaded file field (multipart with a filename), or NULL. */
const struct field *req_file(const req *r, const char *name);
/* "KIND:addr:<hash>": a key naming the peer's address for throttling;
 * the address itself is never stored. */
const char *req_address_key(req *r, const char *kind);
/* The peer's address as text ("203.0.113.9", "2001:db8::1"; "unknown"). */
void req_peer(const req *r, char *text, size_t n);

/* Fills out with an error page / JSON error: {"error":{"code","message"}}.
 * message_key is an i18n key. Returns 0 so handlers can `return http_error(...)`. */
int http_error(req *r, resp *out, unsigned status, const char *code, const char *message_key);
/* A page: model (ownership passes) rendered with template page. */
int http_page(req *r, resp *out, unsigned status, const char *page, const char *title_key, json_t *model);
int http_redirect(req *r, resp *out, const char *location);
/* A form's page again, 422, with the route's inputs as sent and each
 * wrong one's message ("form", "errors", "error" in the model, beside
 * what extra holds; extra may be NULL): what most routes' `invalid` is. */
int http_form_again(req *r, resp *out, const char *page, const char *title_key, json_t *extra);
/* The same three keys put into a model m a handler builds itself (a page
 * with several forms, one of them sent back). */
void http_form_errors(req *r, json_t *m);
/* An error answer, 422, saying message_key, with each wrong input's
 * message under error.fields: the `invalid` of a route without a form. */
int http_invalid(req *r, resp *out, const char *message_key);
/* Renders out->page with out->model inside the layout, as the server would,
 * with `token` in place of the visitor's CSRF token (for cached pages). */
int http_render_html(req *r, const resp *out, const char *token, buf *b, err *e);
/* Adds a Set-Cookie to out: HttpOnly, SameSite=Lax, Path=/, Secure when
 * base_url is https; max_age 0 deletes the cookie. */
void http_cookie(req *r, resp *out, const char *name, const char *value, long max_age);
/* next when it is a path on this site ("/x", not "//x" or "http:..."), else fallback. */
const char *http_local_path(const char *next, const char *fallback);
/* Pages and API answers kept by view/page_cache.c: a visitor's, and each
 * signed-in member's own (kept under their id and their own data version,
 * which the session lookup reads with the account: anything the page shows
 * of them, such as their seat, their draw entries or their profile, bumps
 * it). http_cache_lookup reads the named data version (one primary-key
 * read in cache_versions) and, when a page for this reader, route,
 * language and query was made from that version, fills out with it and
 * returns 1. It returns 0 when the page must be built (*version is set for
 * http_cache_store) and a negative error code when the database fails.
 * A page made of two kinds of data names both ("content+comments").
 * Only GETs whose query arguments are all in `args` (a NULL-terminated
 * list; "lang" is always allowed) are kept. A version_name of NULL keeps a
 * page that shows nothing but the signed-in member's own data (their
 * account): no version is read, and it is kept per session. */
int http_cache_lookup(req *r, resp *out, db *d, const char *version_name, const char *const *args,
		      int64_t *version, err *e);
/* The named data version as a kept page would be checked against: from
 * what the session lookup read, else one statement. */
int http_data_version(req *r, db *d, const char *name, int64_t *version, err *e);
/* The same, for a page whose version the handler read itself along with
 * what it needed anyway (a person's page: their own version in `extra`,
 * the organizations' as `version`): no statement of its own. */
int http_cache_lookup_at(req *r, resp *out, const char *kind, const char *extra, int64_t version,
			 const char *const *args);
/* Renders out (a page model) once for the cache and swaps it for the
 * cached copy with this visitor's token in it. No-op when not cacheable. */
void http_cache_store(req *r, resp *out, const char *version_name, int64_t version, int ttl);
/* Keeps a ready body the handler made (a feed) as http_cache_store keeps a
 * page; on a later http_cache_lookup hit the handler sets its content
 * type again (the copy is kept without one). */
void http_cache_keep(req *r, const resp *out, int64_t version, int ttl);
/* A feed (RSS or Atom, `type`), kept like a page, as feed readers ask
 * often and the same: http_feed_lookup answers from the kept copy (1), or
 * finds none (0; *version for http_feed_answer), or fails (< 0);
 * http_feed_answer sends b's text as the feed and keeps it. */
int http_feed_lookup(req *r, resp *out, const char *version_name, const char *const *args, const char *type,
		     int64_t *version, err *e);
void http_feed_answer(req *r, resp *out, buf *b, const char *type, int64_t version, int ttl);
/* A file to download (CSV, calendar): b's bytes pass to the response. */
void http_download(req *r, resp *out, buf *b, const char *content_type, const char *filename);
/* Adds "page", and "prev_page"/"next_page" where there are such pages, to
 * a list page's model; `more` when the query found a row past this page. */
void http_pager(json_t *m, int64_t page, int more);
/* How many query-string arguments the request has besides `except`. */
int req_query_count(const req *r, const char *except);

/* Answers that wait for another thread (the group-commit writer). The
 * handler calls http_suspend(r, then) just before handing its work over
 * and returns 0 with out left empty; the connection sleeps. The other
 * thread calls http_resume(r) exactly once when the work is done (also
 * when handing over failed), and then(r, out) builds the answer on a
 * server thread, as a handler would. Everything in r stays valid. */
void http_suspend(req *r, handler_fn then);
void http_resume(req *r);

/* Router (router.c). Returns 0 and fills the match, ERR_NOTFOUND, or
 * ERR_INPUT when the path exists for other methods (*allowed gets them). */
int router_match(const struct route_table *tables, size_t ntables, int method,
		 const char *path, arena *a, const struct route **rt,
		 const char **names, const char **values, int *nparams, int *allowed);
int http_method_from_name(const char *m);
/* "everyone", "signed-in" or "organizer,admin": who a route lets in. */
const char *http_allow_text(arena *a, unsigned allow);
/* Checks every route declares who it lets in; 0 or ERR_INPUT naming the first that does not. */
int router_check(const struct route_table *tables, size_t ntables, err *e);
/* "GET, HEAD, POST" for a mask, into the arena. */
const char *http_methods_text(arena *a, int mask);

/* Server (server.c). */
struct server;
int server_start(const config *cfg, const struct route_table *tables, size_t ntables,
		 struct server **out, err *e);
void server_stop(struct server *s);
unsigned server_port(const struct server *s);

#endif
