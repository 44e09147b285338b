/* main.c: the pgherd command: subcommand dispatch, help texts, startup and
 * shutdown of the server. */
#include <curl/curl.h>
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "auth/auth.h"
#include "base/config.h"
#include "base/json_arena.h"
#include "base/log.h"
#include "base/util.h"
#include "db/backup.h"
#include "db/db.h"
#include "files/card.h"
#include "http/feature.h"
#include "http/http.h"
#include "events/events.h"
#include "mail/outbox.h"
#include "people/people.h"
#include "wishes/wishes.h"
#include "view/i18n.h"
#include "view/view.h"
#include "base/banned.h"

struct cmd {
	const char *name;
	int (*run)(config *c, char **rest);
	const char *summary;
	const char *usage;
	const char *const *flags; /* extra flags besides the settings */
	unsigned long long settings; /* the settings it reads, for --help */
	int takes_args; /* words besides flags (a file, a subcommand) */
};

/* What the commands that only open the database read. */
#define DB_SETTINGS CFG_BIT(CFG_DATABASE)

static int open_db(const config *c, db **d)
{
	err e = ERR_INIT;
	if (db_open(c->val[CFG_DATABASE], d, &e)) {
		char *masked = config_mask_url(c->val[CFG_DATABASE]);
		fprintf(stderr, "pgherd: cannot open the database %s: %s\n", masked, e.msg);
		free(masked);
		return 1;
	}
	return 0;
}

static int migrate_db(db *d)
{
	err e = ERR_INIT;
	int applied = 0;
	if (db_migrate(d, &applied, &e)) {
		fprintf(stderr, "pgherd: migration failed: %s\n", e.msg);
		return 1;
	}
	if (applied)
		log_info("applied %d migration%s on %s", applied, applied == 1 ? "" : "s", db_engine_name(d));
	return 0;
}

static int setup_logs(const config *c)
{
	log_set_level(c->log_level);
	const char *al = c->val[CFG_ACCESS_LOG];
	if (!strcmp(al, "off")) {
		log_set_access_fd(-1);
	} else if (strcmp(al, "-")) {
		int fd = open(al, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
		if (fd < 0) {
			fprintf(stderr, "pgherd: cannot open access log %s: %s\n", al, strerror(errno));
			return 1;
		}
		log_set_access_fd(fd);
	}
	return 0;
}

static int load_views(const config *c)
{
	err e = ERR_INIT;
	char po[1024];
	snprintf(po, sizeof(po), "%s/po", c->val[CFG_SOURCE_DIR]);
	if (i18n_load(c->dev ? po : NULL, &e) || view_init(c->dev, c->val[CFG_SOURCE_DIR], &e)) {
		fprintf(stderr, "pgherd: %s\n", e.msg);
		return 1;
	}
	return 0;
}

static int cmd_serve(config *c, char **rest)
{
	(void)rest;
	db *d;
	err e = ERR_INIT;
	if (setup_logs(c) || load_views(c) || open_db(c, &d))
		return 1;
	int rc = migrate_db(d);
	if (!rc && (rc = auth_csrf_key_load(d, &e)))
		fprintf(stderr, "pgherd: %s\n", e.msg);
	db_close(d);
	if (rc)
		return 1;
	if (db_thread_setup(c->val[CFG_DATABASE], &e)) {
		fprintf(stderr, "pgherd: %s\n", e.msg);
		return 1;
	}

	/* Requests allocate and free the same sizes over and over: keep freed
	 * memory instead of returning it to the kernel after every page. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	/* glibc gives each thread a heap of its own (up to eight per core),
	 * and what one heap keeps the others cannot use: with eight threads on
	 * PostgreSQL the peak in `make bench` was 56.6 MB, with two heaps
	 * 49.1 MB. Requests allocate from their own arenas (base/arena.h), so
	 * two heaps see little contention. */
	mallopt(M_ARENA_MAX, 2);

	/* Block the stop signals in every thread; this one waits for them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Link cards: a font given in the settings must open; the default
	 * one may be missing (pages then share the community's card). */
	if (clock_init(&e) || card_open(c->val[CFG_CARD_FONT], strcmp(c->src[CFG_CARD_FONT], "default"), &e) ||
	    features_start(c, &e) || outbox_start(c, &e) || (c->pg_watch && db_watch_start(c->val[CFG_DATABASE], &e))) {
		fprintf(stderr, "pgherd: %s\n", e.msg);
		return 1;
	}

	struct route_table t[FEATURES_MAX_ROUTE_TABLES];
	size_t nt = features_routes(t, FEATURES_MAX_ROUTE_TABLES);
	struct server *s;
	if (server_start(c, t, nt, &s, &e)) {
		fprintf(stderr, "pgherd: %s\n", e.msg);
		return 1;
	}
	log_access_buffer_start();
	char *masked = config_mask_url(c->val[CFG_DATABASE]);
	const char *listen = c->val[CFG_LISTEN];
	const char *colon = strrchr(listen, ':');
	log_info("pgherd %s serving http://%.*s:%u/ with %d threads on %s%s", PGHERD_VERSION,
		 (int)(colon - listen), listen, server_port(s), c->threads, masked,
		 c->dev ? " (dev: templates reload from disk)" : "");
	free(masked);

	/* Freed memory stays with the heaps (the trim threshold above); every
	 * TRIM_EVERY seconds what they keep free is given back, so a burst
	 * (a day's sums, a flash crowd) does not leave its peak behind: in
	 * `make bench`'s numbers rows on SQLite, 56.5 MB at the peak, 49.7 MB
	 * with it. */
	enum { TRIM_EVERY = 10 };
	const struct timespec every = { TRIM_EVERY, 0 };
	int sig;
	while ((sig = sigtimedwait(&stop, NULL, &every)) < 0)
		malloc_trim(0);
	log_info("stopping on signal %d", sig);
	features_stop(); /* registrations in flight are committed and answered */
	server_stop(s);
	log_access_buffer_stop();
	features_release();
	outbox_stop();
	db_watch_stop();
	db_thread_teardown();
	db_kept_clear();
	view_release();
	i18n_release();
	card_close();
	return 0;
}

static int cmd_migrate(config *c, char **rest)
{
	(void)rest;
	db *d;
	if (open_db(c, &d))
		return 1;
	err e = ERR_INIT;
	int applied = 0, rc = db_migrate(d, &applied, &e);
	if (rc)
		fprintf(stderr, "pgherd: migration failed: %s\n", e.msg);
	else
		printf("%d migration%s applied; %s schema is up to date\n", applied,
		       applied == 1 ? "" : "s", db_engine_name(d));
	db_close(d);
	return rc ? 1 : 0;
}

static int cmd_demo(config *c, char **rest)
{
	int force = 0;
	for (char **a = rest; *a; a++)
		if (!strcmp(*a, "--force"))
			force = 1;
	db *d;
	if (open_db(c, &d))
		return 1;
	if (migrate_db(d)) {
		db_close(d);
		return 1;
	}
	err e = ERR_INIT;
	int added = 0, rc = features_demo(d, force, &added, &e);
	if (rc)
		fprintf(stderr, "pgherd: demo failed (nothing was written): %s\n", e.msg);
	else if (added)
		printf("demo community loaded: %d events with their organizations, topics and channels\n", added);
	else
		printf("the database already holds a community; nothing added (use --force to add what is missing)\n");
	db_close(d);
	return rc ? 1 : 0;
}

static int cmd_import(config *c, char **rest)
{
	const char *what = NULL, *file = NULL, *series = NULL;
	int dry = 0;
	for (char **a = rest; *a; a++) {
		if (!strcmp(*a, "--dry-run"))
			dry = 1;
		else if (!strncmp(*a, "--series=", 9))
			series = *a + 9;
		else if (!strcmp(*a, "--series") && a[1])
			series = *++a;
		else if (!strncmp(*a, "--", 2) || (what && file)) {
			fprintf(stderr, "pgherd import: unexpected argument '%s'\n", *a);
			return 2;
		} else if (!what)
			what = *a;
		else
			file = *a;
	}
	if (!what || strcmp(what, "events") || !file) {
		fprintf(stderr, "pgherd import: say what and from where: pgherd import events FILE.json [--series SLUG]\n");
		return 2;
	}
	char *text;
	size_t len;
	err e = ERR_INIT;
	if (read_file(file, 64 << 20, &text, &len, &e)) {
		fprintf(stderr, "pgherd import: cannot read %s: %s\n", file, e.msg);
		return 1;
	}
	db *d;
	if (open_db(c, &d)) {
		free(text);
		return 1;
	}
	if (migrate_db(d)) {
		free(text);
		db_close(d);
		return 1;
	}
	struct import_result res = { .a = ARENA_INIT };
	struct import_opts o = { series, dry, LANG_EN, 0, "command line" };
	/* What is wrong with a file is told from the catalog. */
	int rc = i18n_load(NULL, &e);
	if (!rc)
		rc = events_import(d, text, len, &o, &res, &e);
	if (rc == ERR_INPUT)
		fprintf(stderr, "pgherd import: %s: %s\nNothing was imported.\n", file, res.error);
	else if (rc)
		fprintf(stderr, "pgherd import: %s: %s\nNothing was imported.\n", file, e.msg);
	else
		printf("%s%d salons read in %.3f s: %d events added, %d already there; %d agenda items, %d attending "
		       "organizations, %d replays added; %d new organizations in the directory\n",
		       dry ? "dry run, nothing written: " : "", res.salons, res.seconds, res.events_added, res.events_matched,
		       res.items_added, res.attendees_added, res.media_added, res.orgs_created);
	arena_release(&res.a);
	free(text);
	db_close(d);
	i18n_release();
	return rc ? 1 : 0;
}

static int cmd_config(config *c, char **rest)
{
	(void)rest;
	config_print(c, stdout);
	return 0;
}

static int cmd_schema(config *c, char **rest)
{
	(void)rest;
	db *d;
	char *text;
	err e = ERR_INIT;
	if (open_db(c, &d))
		return 1;
	int rc = db_schema_dump(d, &text, &e);
	if (rc) {
		fprintf(stderr, "pgherd: %s\n", e.msg);
	} else {
		fputs(text, stdout);
		free(text);
	}
	db_close(d);
	return rc ? 1 : 0;
}

/* The one file argument of backup and restore; NULL (said) when not one. */
static const char *file_arg(const char *cmd, char **rest)
{
	const char *file = NULL;
	int n = 0;
	for (char **a = rest; *a; a++)
		if (strncmp(*a, "--", 2) || !strcmp(*a, "-")) {
			file = *a;
			n++;
		}
	if (n != 1)
		fprintf(stderr, "pgherd %s: give one FILE (or - for standard %s)\n", cmd,
			!strcmp(cmd, "backup") ? "output" : "input");
	return n == 1 ? file : NULL;
}

static int cmd_backup(config *c, char **rest)
{
	const char *path = file_arg("backup", rest);
	db *d;
	if (!path || open_db(c, &d))
		return 2;
	if (migrate_db(d)) {
		db_close(d);
		return 1;
	}
	int to_stdout = !strcmp(path, "-");
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.partial", path) >= sizeof(tmp)) {
		fprintf(stderr, "pgherd backup: the file name is too long\n");
		db_close(d);
		return 2;
	}
	FILE *out = to_stdout ? stdout : fopen(tmp, "wx");
	if (!out) {
		fprintf(stderr, "pgherd backup: cannot create %s: %s%s\n", tmp, strerror(errno),
			errno == EEXIST ? " (another backup is being written, or one was cut: remove it)" : "");
		db_close(d);
		return 1;
	}
	err e = ERR_INIT;
	struct backup_stats st;
	int rc = db_backup(d, out, &st, &e);
	/* Whole and on disk before it takes the name. */
	if (!rc && !to_stdout && (fflush(out) || fsync(fileno(out))))
		rc = err_set(&e, ERR_FAIL, "cannot write %s: %s", tmp, strerror(errno));
	if (!to_stdout && fclose(out) && !rc)
		rc = err_set(&e, ERR_FAIL, "cannot write %s: %s", tmp, strerror(errno));
	if (!rc && !to_stdout && rename(tmp, path))
		rc = err_set(&e, ERR_FAIL, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
	if (rc && !to_stdout)
		unlink(tmp);
	if (rc)
		fprintf(stderr, "pgherd backup: %s\n", e.msg);
	else
		fprintf(to_stdout ? stderr : stdout, "backed up %d tables, %lld rows (%.1f MB, schema %lld) from %s%s%s\n",
			st.tables, (long long)st.rows, (double)st.bytes / 1e6, (long long)st.schema, db_engine_name(d),
			to_stdout ? "" : " to ", to_stdout ? "" : path);
	db_close(d);
	return rc ? 1 : 0;
}

static int cmd_restore(config *c, char **rest)
{
	const char *path = file_arg("restore", rest);
	db *d;
	if (!path || open_db(c, &d))
		return 2;
	FILE *in = !strcmp(path, "-") ? stdin : fopen(path, "r");
	if (!in) {
		fprintf(stderr, "pgherd restore: cannot open %s: %s\n", path, strerror(errno));
		db_close(d);
		return 1;
	}
	err e = ERR_INIT;
	struct backup_stats st;
	int rc = db_restore(d, in, &st, &e);
	if (in != stdin)
		fclose(in);
	if (rc)
		fprintf(stderr, "pgherd restore: %s\n", e.msg);
	else
		printf("restored %d tables, %lld rows (schema %lld) into %s\n", st.tables, (long long)st.rows,
		       (long long)st.schema, db_engine_name(d));
	db_close(d);
	return rc == ERR_INPUT ? 2 : rc ? 1 : 0;
}

static int cmd_user(config *c, char **rest)
{
	db *d;
	if (open_db(c, &d))
		return 1;
	if (migrate_db(d)) {
		db_close(d);
		return 1;
	}
	int rc = people_user_command(d, rest, stdout, stderr);
	db_close(d);
	return rc;
}

static int cmd_wishes(config *c, char **rest)
{
	db *d;
	if (open_db(c, &d))
		return 1;
	if (migrate_db(d)) {
		db_close(d);
		return 1;
	}
	int rc = wishes_command(d, rest, stdout, stderr);
	db_close(d);
	return rc;
}

static int cmd_routes(config *c, char **rest)
{
	(void)c;
	(void)rest;
	struct route_table t[FEATURES_MAX_ROUTE_TABLES];
	size_t nt = features_routes(t, FEATURES_MAX_ROUTE_TABLES);
	arena a = ARENA_INIT;
	err e = ERR_INIT;
	int rc = router_check(t, nt, &e);
	/* Columns as wide as their longest entry. */
	size_t w[3] = { strlen("# methods"), strlen("path"), strlen("who may use it") };
	for (size_t i = 0; i < nt; i++)
		for (size_t k = 0; k < t[i].n; k++) {
			const struct route *r = &t[i].routes[k];
			const char *col[3] = { http_methods_text(&a, r->methods), r->pattern, http_allow_text(&a, r->allow) };
			for (int j = 0; j < 3; j++)
				if (text_width(col[j]) > w[j])
					w[j] = text_width(col[j]);
		}
	fput_column(stdout, "# methods", w[0] + 2);
	fput_column(stdout, "path", w[1] + 2);
	fput_column(stdout, "who may use it", w[2] + 2);
	printf("%-7s %s\n", "csrf", "name");
	for (size_t i = 0; i < nt; i++)
		for (size_t k = 0; k < t[i].n; k++) {
			const struct route *r = &t[i].routes[k];
			fput_column(stdout, http_methods_text(&a, r->methods), w[0] + 2);
			fput_column(stdout, r->pattern, w[1] + 2);
			fput_column(stdout, http_allow_text(&a, r->allow), w[2] + 2);
			printf("%-7s %s\n", r->csrf ? "csrf" : "-", r->name);
		}
	printf("# Each path is also the API: /api/v1 before it (or Accept: application/json) answers the same\n"
	       "# model as JSON, with the same rules; an API token (Authorization: Bearer) needs no CSRF token.\n");
	arena_release(&a);
	if (rc)
		fprintf(stderr, "pgherd routes: %s\n", e.msg);
	return rc ? 1 : 0;
}

static int cmd_version(config *c, char **rest)
{
	(void)c;
	(void)rest;
	printf("pgherd %s\n", PGHERD_VERSION);
	return 0;
}

static const char *const demo_flags[] = { "force", NULL };
static const char *const import_flags[] = { "series", "dry-run", NULL };

static const struct cmd cmds[] = {
	{ "serve", cmd_serve, "run the web server (applies migrations first)",
	  "pgherd serve [SETTINGS]\n\n"
	  "Serves the community site and /api/v1 on the listen address until\n"
	  "SIGINT or SIGTERM. Pending migrations are applied before it listens.\n"
	  "Example: pgherd serve --listen 0.0.0.0:8080 --database postgres://pgherd@db/pgherd\n", NULL, CFG_ALL },
	{ "migrate", cmd_migrate, "bring the database schema up to date",
	  "pgherd migrate [SETTINGS]\n\n"
	  "Applies the migrations built into this binary that the database has\n"
	  "not seen yet, each in its own transaction. Safe to run twice, and from\n"
	  "several machines at once.\n", NULL, DB_SETTINGS },
	{ "demo", cmd_demo, "fill an empty database with a demo community",
	  "pgherd demo [--force] [SETTINGS]\n\n"
	  "Creates cities, organizations, a monthly salon series with past and\n"
	  "coming salons, and the community's channels, in one transaction.\n"
	  "A database that already holds events is left alone unless --force,\n"
	  "which adds only what is missing.\n", demo_flags, DB_SETTINGS },
	{ "import", cmd_import, "import past events from a JSON file",
	  "pgherd import events FILE.json [--series SLUG] [--dry-run] [SETTINGS]\n\n"
	  "Imports past salons kept outside pgherd (the shape of salons-2018.json:\n"
	  "per salon seq, date, city, hosts, topics, companies, registrations,\n"
	  "reach, replays) into a series that exists (--series, or the file's\n"
	  "\"series\"). Hosts and attending companies are matched to the\n"
	  "organization directory by name or alias; the ones it lacks are added.\n"
	  "The whole file is checked first and imported in one transaction: a\n"
	  "mistake is named by line and field and nothing is written. Importing\n"
	  "the same file again changes nothing. --dry-run checks without writing.\n"
	  "Example: pgherd import events examples/salons-2018.json --series salon\n", import_flags, DB_SETTINGS, 1 },
	{ "user", cmd_user, "manage accounts: add, list, set-role, reset-password",
	  "pgherd user add EMAIL NAME [ROLE] | list | set-role EMAIL ROLE |\n"
	  "       reset-password EMAIL | ensure-admin EMAIL [SETTINGS]\n\n"
	  "Creates and changes accounts from the command line. New passwords are\n"
	  "random, printed once, and stored only as argon2id hashes. Roles:\n"
	  "member speaker volunteer organizer editor treasurer admin.\n"
	  "Every change is written to the audit log.\n", NULL, DB_SETTINGS, 1 },
	{ "wishes", cmd_wishes, "count the wish wall's votes, trending and breakdowns again",
	  "pgherd wishes recount [SETTINGS]\n\n"
	  "Counts every wish's votes, its trending weight and its votes by job role,\n"
	  "organization type and industry again from the votes themselves (each\n"
	  "kept with who cast it), in one transaction: after votes were loaded into\n"
	  "the database by something other than pgherd.\n", NULL, DB_SETTINGS, 1 },
	{ "backup", cmd_backup, "write the whole database, uploads included, to a file",
	  "pgherd backup FILE [SETTINGS]\n\n"
	  "Writes every table (members, events, registrations, uploaded images and\n"
	  "slides...) as of one moment to FILE (\"-\": standard output), while the\n"
	  "server keeps running. The file is JSON lines and restores into either\n"
	  "engine; it is written beside FILE and renamed when whole. It holds\n"
	  "personal data: keep it as safe as the database.\n"
	  "Example: pgherd backup /var/backups/pgherd-$(date +%F).jsonl\n", NULL, DB_SETTINGS, 1 },
	{ "restore", cmd_restore, "load a backup into an empty database",
	  "pgherd restore FILE [SETTINGS]\n\n"
	  "Loads a backup made by 'pgherd backup' (\"-\": standard input) into the\n"
	  "database, which must hold no members or events yet (a new SQLite file\n"
	  "or an empty PostgreSQL database), in one transaction: a damaged or cut\n"
	  "file changes nothing. A SQLite backup restores into PostgreSQL and the\n"
	  "other way round. Stop the servers before restoring.\n"
	  "Example: pgherd restore pgherd-2026-12-01.jsonl --database postgres://pgherd@db/pgherd\n", NULL, DB_SETTINGS, 1 },
	{ "config", cmd_config, "print the effective configuration, secrets masked",
	  "pgherd config [SETTINGS]\n\n"
	  "Prints every setting, its value and where it came from (default,\n"
	  "file, environment or flag). Passwords in the database URL are masked.\n", NULL, CFG_ALL },
	{ "schema", cmd_schema, "list the database's tables and columns",
	  "pgherd schema [SETTINGS]\n\n"
	  "Prints one table.column per line, sorted. The test suite compares\n"
	  "this output between SQLite and PostgreSQL.\n", NULL, DB_SETTINGS },
	{ "routes", cmd_routes, "list the routes (each also under /api/v1): methods, path, who, CSRF",
	  "pgherd routes\n\nPrints the route table: methods, path pattern, who may use the route\n"
	  "(everyone, signed-in, or roles; admins pass every check), whether\n"
	  "state-changing requests need the CSRF token, and the route's name.\n", NULL, 0 },
	{ "version", cmd_version, "print the version", "pgherd version\n", NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f, "pgherd %s: the platform a PostgreSQL user community runs itself on.\n\n"
		   "Usage: pgherd COMMAND [OPTIONS]\n\nCommands:\n", PGHERD_VERSION);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nRun 'pgherd COMMAND --help' for a command's options.\n"
		   "Quick start (or simply: make run):\n"
		   "  pgherd demo                          a demo community in ./data/pgherd.db\n"
		   "  pgherd user ensure-admin YOU@EXAMPLE an admin account; prints its one-time password\n"
		   "  pgherd serve                         then open http://127.0.0.1:8080/ and log in\n");
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version"))
		argv[1] = "version";
	const struct cmd *cmd = NULL;
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			cmd = &cmds[i];
	if (!cmd) {
		fprintf(stderr, "pgherd: unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return 2;
	}
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("Usage: %s\n", cmd->usage);
			config_help(stdout, cmd->settings);
			return 0;
		}
	if (sodium_init() < 0) {
		fprintf(stderr, "pgherd: libsodium failed to initialize\n");
		return 1;
	}
	config c;
	char **rest = NULL;
	err e = ERR_INIT;
	if (config_load(&c, argc - 2, argv + 2, cmd->flags, &rest, &e)) {
		fprintf(stderr, "pgherd %s: %s\nRun 'pgherd %s --help' for the options.\n", cmd->name,
			e.msg, cmd->name);
		config_release(&c);
		return 2;
	}
	for (char **a = rest; *a && !cmd->takes_args; a++)
		if (strncmp(*a, "--", 2)) {
			fprintf(stderr, "pgherd %s: unexpected argument '%s'\n", cmd->name, *a);
			free(rest);
			config_release(&c);
			return 2;
		}
	curl_global_init(CURL_GLOBAL_DEFAULT); /* before any thread starts */
	json_arena_install();
	int rc = cmd->run(&c, rest);
	curl_global_cleanup();
	free(rest);
	config_release(&c);
	return rc;
}
