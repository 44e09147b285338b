/* kb.h: the knowledge base and expert Q&A: entries (a question and its
 * answer, in one or two languages, with tags and sources) written by
 * editors, made from an event's debate questions marked for it, or kept
 * from a member's question once an answer was accepted; members' questions
 * with answers from experts (members an editor marked, with specialties)
 * and anyone. Every question counts toward the demands collected. */
#ifndef PGHERD_KB_H
#define PGHERD_KB_H

#include "http/feature.h"

extern const struct feature kb_feature;

#endif
