/* events.h: salons and summits: planning (series, events, agenda, speakers,
 * topic library, cloning, channel links) and booking (registration with a
 * waitlist that never oversells, tickets, calendars, check-in). */
#ifndef PGHERD_EVENTS_H
#define PGHERD_EVENTS_H

#include "base/arena.h"
#include "base/config.h"
#include "http/feature.h"
#include "http/http.h"

/* Events and their series, the archive, the import and the numbers;
 * booking (registration, tickets, check-in: it starts the registration
 * writer); an event's record afterwards; the debate and prize draws
 * (feature.c). */
extern const struct feature events_feature, booking_feature, record_feature, contest_feature, import_feature,
	metrics_feature;

/* What an import did (events_import, import.c). */
struct import_result {
	arena a; /* the result's texts live here: arena_release when done */
	int salons, events_added, events_matched, orgs_created, items_added, attendees_added, media_added;
	double seconds;
	char error[512]; /* on ERR_INPUT: what is wrong, with its line and field */
};
/* How to import: into which series, for real or not, and for whom. */
struct import_opts {
	const char *series; /* the series' slug; NULL or "": the one the file names */
	int dry_run;        /* check everything against the database, write nothing */
	int lang;           /* the language res->error is written in */
	int64_t by;         /* who imports, for the audit log (0: the command line) */
	const char *client; /* where from, for the audit log */
};
/* Imports past salons from a JSON file's text (the shape of
 * salons-2018.json) in one transaction, the audit line included: whole or
 * not at all. A bad file or an unknown series returns ERR_INPUT with
 * res->error saying why, naming the line and field, in o->lang. */
int events_import(db *d, const char *text, size_t len, const struct import_opts *o, struct import_result *res, err *e);
/* Statements of other features that link to an event beside their own
 * rows join EVENTS_JOIN(alias, id) (drafts are not joined) and read only
 * these columns of the alias: id, title_zh, title_en, starts_at. */
#define EVENTS_JOIN(alias, id) " LEFT JOIN events " alias " ON " alias ".id = " id " AND " alias ".status <> 'draft' "
/* The id of the event whose page a section of page "event" is given as
 * its row (struct feature's sections). */
int64_t events_row_id(const void *row);
/* The title (in lang) of event `id` when it is public (not a draft);
 * ERR_NOTFOUND when there is no such event. */
int events_public_title(db *d, arena *a, int64_t id, int lang, const char **title, err *e);

/* The English name of a Chinese city the community meets in, or NULL. */
const char *events_city_en(const char *zh);

/* Fills the demo's events that have no agenda yet: a salon day built from
 * their talks, channel links and registrations (demo.c). */
int events_demo(db *d, struct demo_ctx *c, err *e);

/* A figure as every page shows it, in lang: what pgherd counted when it
 * counted (counted >= 0), else what the organizers published, read as a
 * figure ("about 90" is "约 90" on a Chinese page, "200+" stays), else the
 * published text as it is; NULL when there is neither. Into a. */
const char *events_figure_text(arena *a, int lang, const char *published, int64_t counted);

#endif
