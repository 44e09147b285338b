/* config.h: pgherd's settings, read from pgherd.conf, then PGHERD_*
 * environment variables, then command-line flags (later wins).
 *
 * Every setting is declared once in the table in config.c with its default,
 * its environment variable, its help text and whether it is secret; the
 * parsed, typed values below are filled by config_load and never change
 * afterwards, so threads may read them without locks. */
#ifndef PGHERD_CONFIG_H
#define PGHERD_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

enum cfg_key {
	CFG_DATABASE,
	CFG_LISTEN,
	CFG_BASE_URL,
	CFG_SMTP_URL,
	CFG_SMTP_USER,
	CFG_SMTP_PASSWORD,
	CFG_MAIL_FROM,
	CFG_THREADS,
	CFG_DEV,
	CFG_SOURCE_DIR,
	CFG_DEFAULT_LANG,
	CFG_SITE_NAME_ZH,
	CFG_SITE_NAME_EN,
	CFG_MAX_BODY,
	CFG_MAX_UPLOAD,
	CFG_MAX_URI,
	CFG_MAX_HEADER,
	CFG_CONN_TIMEOUT,
	CFG_MAX_CONNECTIONS,
	CFG_ACCESS_LOG,
	CFG_LOG_LEVEL,
	CFG_BENCH_ENDPOINTS,
	CFG_PAGE_CACHE,
	CFG_CARD_FONT,
	CFG_WISH_VOTES,
	CFG_PG_WATCH,
	CFG_SEARCH_MEMORY,
	CFG_PAGE_VIEWS,
	CFG_PAGE_VIEWS_DAYS,
	CFG__COUNT
};

typedef struct config {
	char *val[CFG__COUNT]; /* effective text of each setting */
	char *src[CFG__COUNT]; /* where it came from, for `pgherd config` */
	char *file;            /* the config file read, or NULL */

	/* typed values, valid after config_load */
	int threads;
	size_t max_body, max_upload, max_uri, max_header;
	unsigned conn_timeout, max_connections;
	int dev, bench_endpoints, page_cache, log_level;
	int pg_watch; /* PostgreSQL: listen for commits instead of asking on every request */
	int https; /* base_url is https: cookies get Secure */
	int default_lang; /* LANG_ZH or LANG_EN */
	int wish_votes;   /* open votes a member may hold on the wish wall; 0: no limit */
	int page_views;       /* count page views and active members (the numbers) */
	int page_views_days;  /* days page views are kept row by row; 0: for ever (the days' sums always are) */
	size_t search_memory; /* bytes the search's index may take in memory; 0: the database's index serves */
} config;

/* Loads defaults, the file (--config FILE, $PGHERD_CONFIG or ./pgherd.conf
 * when present), the environment, then flags from argv[0..argc). Flags not
 * naming a setting are an error unless they are in `extra_flags` (a
 * NULL-terminated list of flag names without dashes a subcommand accepts);
 * those and positional arguments are left in *rest (malloc'd, NULL-ended). */
int config_load(config *c, int argc, char **argv, const char *const *extra_flags,
		char ***rest, err *e);
void config_release(config *c);
/* Prints every setting with its source; secrets masked. */
void config_print(const config *c, FILE *f);
/* The settings a command reads, as a mask of CFG_BIT(key). */
#define CFG_BIT(k) (1ull << (k))
#define CFG_ALL ((1ull << CFG__COUNT) - 1)
/* Prints the settings in `keys` as flag help for a command's --help. */
void config_help(FILE *f, unsigned long long keys);
/* The database URL with any password replaced by ****. Caller frees. */
char *config_mask_url(const char *url);

#endif
