/*
 * publish.h - publishing a pilot city's figures (docs/PORTAL.md): the
 * frozen snapshot of its indicators, targets, attainment and the ranking
 * with the score's weighted parts, from the same engine calls the API and
 * the annual report use.
 */
#ifndef DT_ENGINE_PUBLISH_H
#define DT_ENGINE_PUBLISH_H

#include <jansson.h>

#include "store/store.h"

/**
 * The snapshot of @region (a city) for @year as of @today (YYYYMMDD; 0:
 * today), a new object: {region, year, score, indicators: [{code, name_zh,
 * name_en, unit, direction, value, target, baseline, attainment, weight,
 * part (its "score_part": points in the score)}], rank, ranked, ranking: {weights, items: [{region, rank, score,
 * previous_rank, previous_score, change}]}}.
 */
enum dt_err dt_engine_publication_snapshot(struct dt_store *s, int region, int year, int today,
					   json_t **out, struct dt_strbuf *err);

/**
 * Publish the figures of @region for @year as @a, whose role is @role (NULL:
 * the CLI, unrestricted; see dt_publication_may): DT_ENOTFOUND outside the
 * scope or for a region that is no pilot city, DT_EDENIED for a role that
 * may not.  *@out the publication (without its snapshot).
 */
enum dt_err dt_engine_publish(struct dt_store *s, const struct dt_actor *a, const char *role,
			      int region, int year, json_t **out, struct dt_strbuf *err);

/**
 * Publish the figures of every pilot city for @year as dt_engine_publish()
 * does (the CLI without --region, the demo): *@out the publications, a new
 * array; the first failure stops.
 */
enum dt_err dt_engine_publish_pilots(struct dt_store *s, const struct dt_actor *a, const char *role,
				     int year, json_t **out, struct dt_strbuf *err);

/** Withdraw publication @id under the same rule; *@out it as it now is. */
enum dt_err dt_engine_withdraw(struct dt_store *s, const struct dt_actor *a, const char *role,
			       int64_t id, json_t **out, struct dt_strbuf *err);

#endif
