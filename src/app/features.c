/* features.c: the feature table, the one place that names every feature.
 * Adding a feature is a folder of its own and one line here; the order is
 * the order of route matching, starting, the demo and page sections.
 * This is the program's composition root: no other platform file
 * includes a feature. */
#include "comments/comments.h"
#include "content/content.h"
#include "events/events.h"
#include "files/files.h"
#include "http/builtin.h"
#include "kb/kb.h"
#include "numbers/numbers.h"
#include "orgs/orgs.h"
#include "people/people.h"
#include "portal/portal.h"
#include "search/search.h"
#include "wishes/wishes.h"
#include "base/banned.h"

const struct feature *const pgherd_features[] = {
	&builtin_feature,
	&portal_feature,
	&people_feature,
	&orgs_feature,
	&files_feature,
	&events_feature,
	&booking_feature,
	&record_feature,
	&contest_feature,
	&import_feature,
	&metrics_feature,
	&comments_feature,
	&content_feature,
	&kb_feature,
	&wishes_feature,
	&search_feature,
	&numbers_feature,
	NULL,
};
