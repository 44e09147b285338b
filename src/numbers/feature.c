/* feature.c: the numbers as the feature table sees them: the page-view
 * writer started and stopped with the server, every request shown to the
 * recorder, and the dashboard's routes. */
#include "numbers/internal.h"

#include "base/banned.h"

static int counting;

static int numbers_start(const config *cfg, err *e)
{
	counting = cfg->page_views;
	return counting ? writer_start(cfg, e) : 0;
}

static void numbers_stop(void)
{
	writer_stop();
}

static void numbers_release(void)
{
	views_release();
}

static void seen(const req *r)
{
	if (counting)
		numbers_seen(r);
}

const struct feature numbers_feature = {
	.name = "numbers",
	.start = numbers_start,
	.stop = numbers_stop,
	.release = numbers_release,
	.seen = seen,
	.routes = { &dashboard_routes },
};
