/* share.c: an event's link card (GET /events/:id/card): the picture a
 * chat app shows beside a shared event page that has no cover of its own,
 * drawn from the event's title, when, where and status (files/card.c). */
#include "events/internal.h"

#include <string.h>

#include "auth/auth.h"
#include "files/card.h"
#include "view/i18n.h"
#include "base/banned.h"

static int hidden(const req *r, const struct event_row *ev)
{
	return !strcmp(ev->status, "draft") && auth_allowed(ALLOW(ROLE_ORGANIZER), r->role);
}

static void event_card(req *r, const struct event_row *ev, struct card *c)
{
	const char *city = ev->city ? ev->city : "", *venue = event_venue(r->lang, ev);
	*c = (struct card){
		.kicker = r->cfg->val[r->lang == LANG_ZH ? CFG_SITE_NAME_ZH : CFG_SITE_NAME_EN],
		.title = ev->title,
		.lines = { event_when(&r->a, r->lang, ev),
			   arena_printf(&r->a, "%s%s%s", city, *city && *venue ? " · " : "", venue) },
		/* What stays true while the card sits in a chat for days: the
		 * status and the size of the room, not the seats left now. */
		.badge = ev->capacity > 0 && strcmp(ev->status, "finished") && strcmp(ev->status, "cancelled")
				 ? arena_printf(&r->a, "%s · %s", T(arena_printf(&r->a, "event.status.%s", ev->status)),
						arena_printf(&r->a, T("events.card_capacity"), (long long)ev->capacity))
				 : T(arena_printf(&r->a, "event.status.%s", ev->status)),
		.footer = card_host(r->cfg->val[CFG_BASE_URL]),
	};
}

const char *event_card_path(req *r, const struct event_row *ev)
{
	if (!card_ready())
		return NULL;
	struct card c;
	event_card(r, ev, &c);
	return arena_printf(&r->a, "/events/%lld/card?lang=%s&v=%08x", (long long)ev->id, lang_code(r->lang),
			    card_hash(&c));
}

static int show(req *r, resp *out)
{
	const struct event_row *ev = r->row;
	if (hidden(r, ev))
		return http_error(r, out, 404, "not_found", "error.not_found");
	struct card c;
	event_card(r, ev, &c);
	return card_answer(r, out, &c);
}

static const struct route routes[] = {
	{ M_GET, "/events/:id/card", show, EVERYONE, 0, "event_card", &event_loader, no_inputs },
};

const struct route_table share_routes = { routes, COUNT(routes) };
