/*
 * publication.c - published figures (migration 016): frozen snapshots of a
 * pilot city's indicators and ranking, and the portal's generation.
 *
 * The snapshot is made by the engine (engine/publish.c) from the same code
 * that answers /api/v1/indicators and /api/v1/rankings and prints the
 * annual report; the store keeps it as JSON text and never recomputes it.
 * Inserting or withdrawing one bumps portal_state.generation through the
 * migration's triggers, in the same transaction, with its audit event.
 */
#include <string.h>

#include "domain/region.h"
#include "store/store_internal.h"
#include "core/banned.h"

#define PUB_COLS \
	"id, region, year, published_by, published_at, withdrawn_by, withdrawn_at, snapshot"

/* The row at @st (PUB_COLS) as JSON; the snapshot parsed when @snapshot. */
static json_t *pub_json(struct dt_db_stmt *st, bool snapshot)
{
	json_t *o =
		json_pack("{s:I, s:I, s:I, s:s, s:s}", "id", (json_int_t)dt_db_column_int64(st, 0),
			  "region", (json_int_t)dt_db_column_int64(st, 1), "year",
			  (json_int_t)dt_db_column_int64(st, 2), "published_by",
			  dt_db_column_text(st, 3), "published_at", dt_db_column_text(st, 4));
	bool w = dt_db_column_type(st, 6) != DT_DB_NULL;
	json_object_set_new(o, "withdrawn_by",
			    w ? json_string(dt_db_column_text(st, 5)) : json_null());
	json_object_set_new(o, "withdrawn_at",
			    w ? json_string(dt_db_column_text(st, 6)) : json_null());
	if (snapshot) {
		json_t *snap = json_loads(dt_db_column_text(st, 7), 0, NULL);
		json_object_set_new(o, "snapshot", snap ? snap : json_null());
	}
	return o;
}

enum dt_err dt_store_is_pilot(struct dt_store *s, int region, bool *yes, struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT count(*) FROM pilot WHERE region = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, region);
	int r = dt_db_step(st);
	*yes = r == DT_DB_ROW && dt_db_column_int64(st, 0) > 0;
	dt_db_reset(st);
	return r == DT_DB_ROW ? DT_OK : dt_sql_error(s, "pilot", err);
}

enum dt_err dt_store_publication_insert(struct dt_store *s, const struct dt_actor *a, int region,
					int year, json_t *snapshot, json_t **out,
					struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	char *text = json_dumps(snapshot, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text)
		return dt_error(err, DT_ENOMEM, "out of memory");
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK) {
		free(text);
		return rc;
	}
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"INSERT INTO publication(region, year, snapshot, published_by, published_at, "
		"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
		err);
	int64_t id = 0;
	if (!st) {
		rc = DT_EDB;
	} else {
		dt_db_bind_int64(st, 1, region);
		dt_db_bind_int64(st, 2, year);
		dt_db_bind_text(st, 3, text, -1);
		dt_db_bind_text(st, 4, a->login, -1);
		dt_db_bind_text(st, 5, now, -1);
		dt_db_bind_text(st, 6, now, -1);
		dt_db_bind_text(st, 7, now, -1);
		int r = dt_db_step(st);
		if (r == DT_DB_ROW)
			id = dt_db_column_int64(st, 0);
		else
			rc = dt_sql_error(s, "publication", err);
		dt_db_reset(st);
	}
	json_t *after = NULL;
	if (rc == DT_OK) {
		char reg[16];
		snprintf(reg, sizeof(reg), "%06d", region);
		/* the audit event names what was published, not the whole snapshot */
		after = json_pack("{s:s, s:i, s:O, s:s}", "region", reg, "year", year, "score",
				  json_object_get(snapshot, "score")
					  ? json_object_get(snapshot, "score")
					  : json_null(),
				  "published_at", now);
		rc = dt_audit_append(s, a, "publication.publish", "publication", id, NULL, after,
				     err);
	}
	rc = dt_tx_end(s, rc, err);
	json_decref(after);
	free(text);
	if (rc == DT_OK && out)
		rc = dt_store_publication_get(s, NULL, id, false, out, err);
	return rc;
}

enum dt_err dt_store_publication_get(struct dt_store *s, const struct dt_scope *scope, int64_t id,
				     bool snapshot, json_t **out, struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT " PUB_COLS " FROM publication WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st);
	int rc = DT_OK;
	if (r == DT_DB_ROW) {
		int region = (int)dt_db_column_int64(st, 1);
		if (scope && (scope->org_id || scope->trainee_id ||
			      (scope->region && !dt_region_contains(scope->region, region))))
			rc = dt_error(err, DT_ENOTFOUND, "publication %lld: not found",
				      (long long)id);
		else
			*out = pub_json(st, snapshot);
	} else {
		rc = r == DT_DB_DONE ? dt_error(err, DT_ENOTFOUND, "publication %lld: not found",
						(long long)id)
				     : dt_sql_error(s, "publication", err);
	}
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_store_publication_list(struct dt_store *s, const struct dt_scope *scope, int region,
				      bool current, bool snapshot, json_t **out,
				      struct dt_strbuf *err)
{
	int lo = 0, hi = 999999;
	if (scope && (scope->org_id || scope->trainee_id)) {
		*out = json_array();
		return DT_OK;
	}
	if (scope && scope->region)
		dt_region_range(scope->region, &lo, &hi);
	/* current: the newest publication of each region that is not withdrawn */
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT " PUB_COLS " FROM publication p WHERE region BETWEEN ? AND ? "
		"AND (? = 0 OR region = ?) AND (? = 0 OR (withdrawn_at IS NULL AND id = "
		"(SELECT max(q.id) FROM publication q WHERE q.region = p.region AND "
		"q.withdrawn_at IS NULL))) ORDER BY region, year DESC, id DESC",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, lo);
	dt_db_bind_int64(st, 2, hi);
	dt_db_bind_int64(st, 3, region);
	dt_db_bind_int64(st, 4, region);
	dt_db_bind_int64(st, 5, current ? 1 : 0);
	json_t *arr = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(arr, pub_json(st, snapshot));
	dt_db_reset(st);
	if (r != DT_DB_DONE) {
		json_decref(arr);
		return dt_sql_error(s, "publication", err);
	}
	*out = arr;
	return DT_OK;
}

enum dt_err dt_store_publication_withdraw(struct dt_store *s, const struct dt_actor *a, int64_t id,
					  json_t **out, struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	json_t *cur = NULL, *before = NULL, *after = NULL;
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = dt_store_publication_get(s, NULL, id, false, &cur, err);
	if (rc == DT_OK && !json_is_null(json_object_get(cur, "withdrawn_at")))
		rc = dt_store_problem(s, err, NULL, "publication.withdrawn", NULL);
	if (rc == DT_OK) {
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			"UPDATE publication SET withdrawn_by = ?, withdrawn_at = ?, updated_at = ? "
			"WHERE id = ?",
			err);
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_db_bind_text(st, 1, a->login, -1);
			dt_db_bind_text(st, 2, now, -1);
			dt_db_bind_text(st, 3, now, -1);
			dt_db_bind_int64(st, 4, id);
			if (dt_db_step(st) != DT_DB_DONE)
				rc = dt_sql_error(s, "publication", err);
			dt_db_reset(st);
		}
	}
	if (rc == DT_OK) {
		before = json_pack("{s:n}", "withdrawn_at");
		after = json_pack("{s:s}", "withdrawn_at", now);
		rc = dt_audit_append(s, a, "publication.withdraw", "publication", id, before, after,
				     err);
	}
	rc = dt_tx_end(s, rc, err);
	json_decref(cur);
	json_decref(before);
	json_decref(after);
	if (rc == DT_OK && out)
		rc = dt_store_publication_get(s, NULL, id, false, out, err);
	return rc;
}

enum dt_err dt_store_portal_generation(struct dt_store *s, int64_t *gen, struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT generation FROM portal_state WHERE id = 1", err);
	if (!st)
		return DT_EDB;
	int r = dt_db_step(st);
	*gen = r == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
	dt_db_reset(st);
	return r == DT_DB_ROW ? DT_OK : dt_sql_error(s, "portal_state", err);
}

enum dt_err dt_store_public_inspections(struct dt_store *s, int city, json_t **out,
					struct dt_strbuf *err)
{
	/* 一公开: what supervision made public (inspection.publishable), and no more:
	 * the responsible organisation's name, never a trainee's */
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT i.id, p.year, p.title, i.city, r.name_zh AS city_zh, r.name_en AS city_en, "
		"i.object_kind, o.name AS org_name, o.name_en AS org_name_en, i.visited_on, "
		"i.conclusion, i.updated_at FROM inspection i "
		"JOIN inspection_plan p ON p.id = i.plan_id JOIN region r ON r.id = i.city "
		"LEFT JOIN organization o ON o.id = i.org_id "
		"WHERE i.publishable = 1 AND (? = 0 OR i.city = ?) "
		"ORDER BY i.visited_on DESC, i.id DESC LIMIT 500",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, city);
	dt_db_bind_int64(st, 2, city);
	return dt_sql_rows_json(s, st, "inspection", out, err);
}

enum dt_err dt_store_public_places(struct dt_store *s, int city, const char *occupation,
				   int from_year, json_t **out, struct dt_strbuf *err)
{
	/* the places enterprises offer (place.capacity) from @from_year on, by city,
	 * occupation and enterprise */
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT (pl.region / 100) * 100 AS city, rc.name_zh AS city_zh, "
		"rc.name_en AS city_en, oc.code AS occupation, oc.name_zh AS occupation_zh, "
		"oc.name_en AS occupation_en, o.name AS enterprise, o.name_en AS enterprise_en, "
		"pl.year, sum(pl.capacity) AS places FROM place pl "
		"JOIN programme pg ON pg.id = pl.programme_id "
		"JOIN occupation oc ON oc.id = pg.occupation_id "
		"JOIN organization o ON o.id = pl.enterprise_id "
		"JOIN region rc ON rc.id = (pl.region / 100) * 100 "
		"WHERE pl.year >= ? AND (? = 0 OR (pl.region / 100) * 100 = ?) "
		"AND (? = '' OR oc.code = ?) "
		"GROUP BY (pl.region / 100) * 100, rc.name_zh, rc.name_en, oc.code, oc.name_zh, "
		"oc.name_en, o.id, o.name, o.name_en, pl.year "
		"ORDER BY 1, oc.code, pl.year, o.name LIMIT 300",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, from_year);
	dt_db_bind_int64(st, 2, city);
	dt_db_bind_int64(st, 3, city);
	dt_db_bind_text(st, 4, occupation ? occupation : "", -1);
	dt_db_bind_text(st, 5, occupation ? occupation : "", -1);
	return dt_sql_rows_json(s, st, "place", out, err);
}

enum dt_err dt_store_public_place_facets(struct dt_store *s, int from_year, json_t **out,
					 struct dt_strbuf *err)
{
	/* the cities and occupations that have places: the search form's choices */
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT DISTINCT 'city' AS kind, CAST((pl.region / 100) * 100 AS TEXT) AS code, "
		"rc.name_zh, rc.name_en FROM place pl "
		"JOIN region rc ON rc.id = (pl.region / 100) * 100 WHERE pl.year >= ? "
		"UNION SELECT DISTINCT 'occupation', oc.code, oc.name_zh, oc.name_en FROM place pl "
		"JOIN programme pg ON pg.id = pl.programme_id "
		"JOIN occupation oc ON oc.id = pg.occupation_id WHERE pl.year >= ? "
		"ORDER BY 1, 2",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, from_year);
	dt_db_bind_int64(st, 2, from_year);
	return dt_sql_rows_json(s, st, "place", out, err);
}
