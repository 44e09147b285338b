/* content.h: what the community publishes: articles and posts, news,
 * sponsored articles, industry cases, white papers, translated documents
 * and FAQ entries, each in Chinese, English or both; a member's draft, an
 * editor's review and publication (now or at a time), every version kept;
 * lists, feeds (RSS 2.0 and Atom) per kind and tag, and the sitemap. */
#ifndef PGHERD_CONTENT_H
#define PGHERD_CONTENT_H

#include "http/feature.h"

extern const struct feature content_feature;

#endif
