/* topics.c: the topic library members propose talks into and
 * organizers pick from or decline (/topics). */
#include <string.h>

#include "auth/auth.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/util.h"
#include "base/validate.h"
#include "events/cal.h"
#include "events/internal.h"
#include "files/files.h"
#include "mail/outbox.h"
#include "orgs/orgs.h"
#include "view/i18n.h"
#include "view/markdown.h"
#include "base/banned.h"

/* ---- the topic library ---- */

static int topics(req *r, resp *out)
{
	err e = ERR_INIT;
	db *d = r->db;
	db_res x;
	int rc = db_query(d, &r->a, "SELECT t.id, t.title, t.abstract, t.speaker_name, t.speaker_org, t.status, "
				    "coalesce(t.event_id, 0) AS event_id, " DB_IN_LANG("e.title_zh", "e.title_en") " AS event "
				    "FROM topics t LEFT JOIN events e ON e.id = t.event_id ORDER BY t.status = 'proposed' DESC, t.id DESC LIMIT 300",
			  DB_ARGS(DB_TEXT(lang_code(r->lang))), &x, &e);
	if (rc)
		return rc;
	json_t *list = db_rows_json(&x);
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
		json_object_set_new(v, "status_text", json_string(T(arena_printf(&r->a, "topic.status.%s",
						json_string_value(json_object_get(v, "status"))))));
	json_t *m = json_pack("{s:o,s:b,s:{s:s,s:s,s:s,s:s},s:o}", "topics", list, "organizer",
			      !auth_allowed(ALLOW(ROLE_ORGANIZER), r->role), "form", "title", "", "abstract", "",
			      "speaker_name", r->user_name ? r->user_name : "", "speaker_org", "", "errors", json_object());
	if (req_query(r, "saved"))
		json_object_set_new(m, "notice", json_string(T("topics.saved")));
	out->cache_control = "private, no-store";
	return http_page(r, out, 200, "events/topics.html", "topics.title", m);
}

static const struct input propose_inputs[] = {
	{ "title", IN_LINE, IN_REQUIRED, 0, 200, "events.err.title_text", "events.err.title_text" },
	{ "abstract", IN_TEXT, 0, 0, 4000, "orgs.err.description", NULL },
	{ "speaker_name", IN_LINE, IN_REQUIRED, 0, 100, "events.err.name", "events.err.name" },
	{ "speaker_org", IN_LINE, 0, 0, 100, "events.err.org", NULL },
	{ NULL },
};

static int propose_invalid(req *r, resp *out)
{
	return http_form_again(r, out, "events/topics.html", "topics.title", json_pack("{s:[]}", "topics"));
}

static int propose(req *r, resp *out)
{
	err e = ERR_INIT;
	const char *title = in_text(r, "title"), *abstract = form_text(r, "abstract"),
		   *name = in_text(r, "speaker_name"), *org = form_text(r, "speaker_org");
	db *d = r->db;
	db_res x;
	int rc = db_query(d, &r->a, "INSERT INTO topics (title, abstract, speaker_name, speaker_org, proposer_id, created_at) "
				    "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			  DB_ARGS(DB_TEXT(title), DB_TEXT(abstract), DB_TEXT(name), DB_TEXT(org), DB_INT(r->user_id),
				  DB_TIME(unix_now())), &x, &e);
	if (rc)
		return rc;
	if (r->api) {
		out->status = 201;
		out->model = json_pack("{s:I}", "id", (json_int_t)db_get_int(&x, 0, 0));
		return 0;
	}
	return http_redirect(r, out, "/topics?saved=1");
}

static int topic_decline(req *r, resp *out)
{
	err e = ERR_INIT;
	int64_t id, changed = 0;
	id = req_num(r, "id");
	db *d = r->db;
	int rc = db_exec(d, "UPDATE topics SET status = 'declined' WHERE id = ? AND status = 'proposed'", DB_ARGS(DB_INT(id)),
			 &changed, &e);
	if (rc)
		return rc;
	if (!changed)
		return http_error(r, out, 404, "not_found", "error.not_found");
	return r->api ? (out->model = json_pack("{s:s}", "status", "declined"), 0) : http_redirect(r, out, "/topics?saved=1");
}

static const struct route routes[] = {
	{ M_GET, "/topics", topics, SIGNED_IN, 0, "topics" },
	{ M_POST, "/topics", propose, SIGNED_IN, 1, "topic-propose", .inputs = propose_inputs,
	  .invalid = propose_invalid },
	{ M_POST, "/topics/:id/decline", topic_decline, ORGANIZER, 1, "topic-decline", .inputs = no_inputs },
};

const struct route_table topics_routes = { routes, COUNT(routes) };
