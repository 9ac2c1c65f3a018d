/*
 * inspection.c - inspection plans and the verifiable draw in the store:
 * making a plan, commit (freezing the candidates with their risk weights and
 * the inspector pool, recording the seed's hash), draw (writing one
 * inspection per drawn object), reveal (publishing the seed) and verify
 * (re-running the draw from what is published), and reading plans and
 * inspections within a caller's scope.
 *
 * The rules (states, the draw, weights, the checklist) are in
 * domain/inspection.c; this file gathers their facts and writes their
 * results, each write in one transaction with its audit events.  Until
 * reveal the seed exists only sealed with the key file's encryption key
 * (seed_sealed): whoever reads the database without the key file cannot
 * compute the draw in advance.  Verify needs no key: it uses the revealed
 * seed and the frozen rows, as anyone holding the published plan would.
 *
 * Risk weights count, per candidate, the open (not resolved) alerts on it,
 * the open data-quality alerts (quality_alert_sql below), and the findings
 * of earlier inspections (findings_sql: only when table `finding` exists,
 * which migration 009 adds).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "core/date.h"
#include "core/utf8.h"
#include "domain/inspection.h"
#include "domain/region.h"
#include "store/store_internal.h"
#include "core/banned.h"

#define PLAN_COLS                                                                                 \
	"id, region, year, title, object_kinds, sample_kind, sample_value, cross_city, weights, " \
	"status, seed_hash, seed, inputs_hash, result_hash, committed_at, drawn_at, "             \
	"revealed_at, closed_at, created_by, created_at, updated_at"

#define INSPECTION_COLS                                                                           \
	"id, plan_id, object_kind, object_id, city, org_id, inspector_a, inspector_b, draw_pos, " \
	"status, visited_on, conclusion, publishable, created_at, updated_at"

/* ---- small helpers ---- */

static json_t *hex_or_null(struct dt_db_stmt *st, int col)
{
	if (dt_db_column_type(st, col) == DT_DB_NULL)
		return json_null();
	int n = dt_db_column_bytes(st, col);
	const unsigned char *p = dt_db_column_blob(st, col);
	char *h = malloc((size_t)n * 2 + 1);
	if (!h)
		return json_null();
	sodium_bin2hex(h, (size_t)n * 2 + 1, p, (size_t)n);
	json_t *v = json_string(h);
	free(h);
	return v;
}

static json_t *text_or_null(struct dt_db_stmt *st, int col)
{
	return dt_db_column_type(st, col) == DT_DB_NULL ? json_null()
							: json_string(dt_db_column_text(st, col));
}

static json_t *id_or_null(struct dt_db_stmt *st, int col)
{
	return dt_db_column_type(st, col) == DT_DB_NULL ? json_null()
							: json_integer(dt_db_column_int64(st, col));
}

static json_t *region_json(int64_t code)
{
	char b[24];
	snprintf(b, sizeof(b), "%06lld", (long long)code);
	return json_string(b);
}

/* The region code of JSON text @v ("210100"), 0 if none. */
static int code_of(json_t *v)
{
	const char *t = json_string_value(v);
	return t ? (int)strtol(t, NULL, 10) : 0;
}

/* The city a region code belongs to (itself for a province-level code). */
static int city_of(int region)
{
	return dt_region_level(region) >= 2 ? dt_region_ancestor(region, 2) : region;
}

/* A plan row (PLAN_COLS) as JSON. */
static json_t *plan_json(struct dt_db_stmt *st)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(dt_db_column_int64(st, 0)));
	json_object_set_new(o, "region", region_json(dt_db_column_int64(st, 1)));
	json_object_set_new(o, "year", json_integer(dt_db_column_int64(st, 2)));
	json_object_set_new(o, "title", json_string(dt_db_column_text(st, 3)));
	json_object_set_new(o, "object_kinds", json_string(dt_db_column_text(st, 4)));
	json_object_set_new(o, "sample_kind", json_string(dt_db_column_text(st, 5)));
	json_object_set_new(o, "sample_value", json_real(dt_db_column_double(st, 6)));
	json_object_set_new(o, "cross_city", json_boolean(dt_db_column_int64(st, 7)));
	json_t *w = json_loads(dt_db_column_text(st, 8), 0, NULL);
	json_object_set_new(o, "weights", w ? w : json_null());
	json_object_set_new(o, "status", json_string(dt_db_column_text(st, 9)));
	json_object_set_new(o, "seed_hash", hex_or_null(st, 10));
	json_object_set_new(o, "seed", hex_or_null(st, 11));
	json_object_set_new(o, "inputs_hash", hex_or_null(st, 12));
	json_object_set_new(o, "result_hash", hex_or_null(st, 13));
	static const char *const times[] = { "committed_at", "drawn_at",   "revealed_at",
					     "closed_at",    "created_by", "created_at",
					     "updated_at" };
	for (int i = 0; i < 7; i++)
		json_object_set_new(o, times[i], text_or_null(st, 14 + i));
	return o;
}

static json_t *inspection_json(struct dt_db_stmt *st)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(dt_db_column_int64(st, 0)));
	json_object_set_new(o, "plan_id", json_integer(dt_db_column_int64(st, 1)));
	json_object_set_new(o, "object_kind", json_string(dt_db_column_text(st, 2)));
	json_object_set_new(o, "object_id", json_integer(dt_db_column_int64(st, 3)));
	json_object_set_new(o, "city", region_json(dt_db_column_int64(st, 4)));
	json_object_set_new(o, "org_id", id_or_null(st, 5));
	json_object_set_new(o, "inspector_a", id_or_null(st, 6));
	json_object_set_new(o, "inspector_b", id_or_null(st, 7));
	json_object_set_new(o, "draw_pos", json_integer(dt_db_column_int64(st, 8)));
	json_object_set_new(o, "status", json_string(dt_db_column_text(st, 9)));
	json_object_set_new(o, "visited_on", text_or_null(st, 10));
	json_object_set_new(o, "conclusion", text_or_null(st, 11));
	json_object_set_new(o, "publishable", json_boolean(dt_db_column_int64(st, 12)));
	json_object_set_new(o, "created_at", text_or_null(st, 13));
	json_object_set_new(o, "updated_at", text_or_null(st, 14));
	return o;
}

/*
 * May @scope see a plan of @region?  Unscoped callers see all; officials
 * (region scope, no organisation) see plans within their region and the
 * plans of the regions above it that cover it; organisations and trainees
 * see none.  An inspector also sees the plans whose pool holds him
 * (checked by the caller's query).
 */
static bool plan_visible(const struct dt_scope *scope, int region)
{
	if (!scope)
		return true;
	if (scope->org_id || scope->trainee_id)
		return false;
	return !scope->region || dt_region_contains(scope->region, region) ||
	       dt_region_contains(region, scope->region);
}

/* May @a plan for (or act on a plan of) @region? */
static bool plan_writable(const struct dt_actor *a, int region)
{
	const struct dt_scope *sc = a->scope;
	return !sc || (!sc->org_id && !sc->trainee_id &&
		       (!sc->region || dt_region_contains(sc->region, region)));
}

/* Is @viewer (an inspector's account id) in the pool of plan @id? */
static bool in_pool(struct dt_store *s, int64_t id, int64_t viewer)
{
	if (!viewer)
		return false;
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT 1 FROM plan_inspector WHERE plan_id = ? AND account_id = ?", NULL);
	if (!st)
		return false;
	dt_db_bind_int64(st, 1, id);
	dt_db_bind_int64(st, 2, viewer);
	bool yes = dt_db_step(st) == DT_DB_ROW;
	dt_db_reset(st);
	return yes;
}

/* The plan row @id as JSON into *@out, if @scope (or pool membership) lets one see it. */
static enum dt_err plan_load(struct dt_store *s, const struct dt_scope *scope, int64_t viewer,
			     int64_t id, json_t **out, struct dt_strbuf *err)
{
	*out = NULL;
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT " PLAN_COLS " FROM inspection_plan WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW)
		*out = plan_json(st);
	dt_db_reset(st);
	if (r != DT_DB_ROW && r != DT_DB_DONE)
		return dt_sql_error(s, "inspection_plan", err);
	if (*out) {
		int region = code_of(json_object_get(*out, "region"));
		if (plan_visible(scope, region) || in_pool(s, id, viewer))
			return DT_OK;
		json_decref(*out);
		*out = NULL;
	}
	return dt_store_problem(s, err, NULL, "record.missing", "id", DT_I(id), "entity",
				"inspection_plan", NULL);
}

/* ---- making a plan ---- */

/* The integer member @k of @in within [lo, hi] into *@v; problems against @k. */
static enum dt_err int_member(struct dt_store *s, json_t *in, const char *k, int64_t lo, int64_t hi,
			      int64_t *v, struct dt_strbuf *err)
{
	json_t *j = json_object_get(in, k);
	if (!j)
		return dt_store_problem(s, err, k, "field.required", NULL);
	if (!json_is_integer(j))
		return dt_store_problem(s, err, k, "type.integer", NULL);
	*v = json_integer_value(j);
	if (*v < lo || *v > hi)
		return dt_store_problem(s, err, k, "number.range", "value", DT_I(*v), "min",
					DT_I(lo), "max", DT_I(hi), NULL);
	return DT_OK;
}

/* The text @j (required) of field @field, at most @max characters, into *@v. */
static enum dt_err text_value(struct dt_store *s, json_t *j, const char *field, size_t max,
			      const char **v, struct dt_strbuf *err)
{
	if (!j)
		return dt_store_problem(s, err, field, "field.required", NULL);
	if (!json_is_string(j))
		return dt_store_problem(s, err, field, "type.string", NULL);
	*v = json_string_value(j);
	size_t len = json_string_length(j);
	if (memchr(*v, 0, len))
		return dt_store_problem(s, err, field, "text.nul", NULL);
	if (!len)
		return dt_store_problem(s, err, field, "text.empty", NULL);
	size_t chars = dt_utf8_len(*v); /* characters, not bytes: 200 汉字 are 600 bytes */
	if (chars > max)
		return dt_store_problem(s, err, field, "text.too_long", "length", DT_I(chars),
					"max", DT_I(max), NULL);
	return DT_OK;
}

/* A text member @k (required), checked as text of at most @max characters. */
static enum dt_err text_member(struct dt_store *s, json_t *in, const char *k, size_t max,
			       const char **v, struct dt_strbuf *err)
{
	return text_value(s, json_object_get(in, k), k, max, v, err);
}

/*
 * Check the pool @pool (an array of account ids, or of {"account": ID,
 * "org_id": ID} where the inspector's organisation is declared) and insert
 * it for plan @id.
 */
static enum dt_err pool_insert(struct dt_store *s, int64_t id, json_t *pool, struct dt_strbuf *err)
{
	if (!json_is_array(pool))
		return dt_store_problem(s, err, "inspectors", "field.required", NULL);
	size_t i;
	json_t *v;
	json_array_foreach(pool, i, v)
	{
		json_t *acc = json_is_object(v) ? json_object_get(v, "account") : v;
		json_t *org = json_is_object(v) ? json_object_get(v, "org_id") : NULL;
		if (!json_is_integer(acc) || (org && !json_is_null(org) && !json_is_integer(org)))
			return dt_store_problem(s, err, "inspectors", "type.integer", NULL);
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			"SELECT 1 FROM account WHERE id = ? AND role = 'inspector' AND disabled = 0",
			err);
		if (!st)
			return DT_EDB;
		dt_db_bind_int64(st, 1, json_integer_value(acc));
		int r = dt_db_step(st);
		dt_db_reset(st);
		if (r != DT_DB_ROW)
			return dt_store_problem(s, err, "inspectors", "inspection.not_inspector",
						"account", DT_I(json_integer_value(acc)), NULL);
		st = dt_sql_prepare(s,
				    "INSERT INTO plan_inspector(plan_id, account_id, org_id) "
				    "VALUES (?, ?, ?) ON CONFLICT (plan_id, account_id) DO NOTHING",
				    err);
		if (!st)
			return DT_EDB;
		dt_db_bind_int64(st, 1, id);
		dt_db_bind_int64(st, 2, json_integer_value(acc));
		if (json_is_integer(org))
			dt_db_bind_int64(st, 3, json_integer_value(org));
		else
			dt_db_bind_null(st, 3);
		r = dt_db_step(st);
		dt_db_reset(st);
		if (r != DT_DB_DONE)
			return dt_sql_error(s, "plan_inspector", err);
	}
	return DT_OK;
}

/* Insert checklist item @pos of plan @id. */
static enum dt_err check_insert(struct dt_store *s, int64_t id, int64_t pos, const char *code,
				const char *text_zh, const char *text_en, const char *basis,
				struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s,
			       "INSERT INTO plan_check(plan_id, pos, code, text_zh, "
			       "text_en, basis) VALUES (?, ?, ?, ?, ?, ?)",
			       err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	dt_db_bind_int64(st, 2, pos);
	dt_db_bind_text(st, 3, code, -1);
	dt_db_bind_text(st, 4, text_zh, -1);
	dt_db_bind_text(st, 5, text_en, -1);
	dt_db_bind_text(st, 6, basis, -1);
	enum dt_err rc = dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, "plan_check", err);
	dt_db_reset(st);
	return rc;
}

/*
 * The checklist of plan @id: @list (an array of {"code", "text_zh",
 * "text_en" (optional: the Chinese text), "basis"}: the default checklist
 * as the planner edited it), or the default checklist when @list is absent
 * or null.  Problems name the item: "checklist[2].code".
 */
static enum dt_err checklist_insert(struct dt_store *s, int64_t id, json_t *list,
				    struct dt_strbuf *err)
{
	if (!list || json_is_null(list)) {
		size_t nc;
		const struct dt_check_item *c = dt_checklist_default(&nc);
		enum dt_err rc = DT_OK;
		for (size_t i = 0; rc == DT_OK && i < nc; i++)
			rc = check_insert(s, id, (int64_t)i + 1, c[i].code, c[i].text_zh,
					  c[i].text_en, c[i].basis, err);
		return rc;
	}
	if (!json_is_array(list))
		return dt_store_problem(s, err, "checklist", "type.array", NULL);
	size_t n = json_array_size(list);
	if (n < 1 || n > DT_CHECKLIST_MAX)
		return dt_store_problem(s, err, "checklist", "inspection.checklist_size", "count",
					DT_I(n), "max", DT_I(DT_CHECKLIST_MAX), NULL);
	enum dt_err rc = DT_OK;
	struct dt_strbuf f = DT_STRBUF_INIT;
	for (size_t i = 0; rc == DT_OK && i < n; i++) {
		json_t *item = json_array_get(list, i);
		const char *code = NULL, *zh = NULL, *en = NULL, *basis = NULL;
		dt_strbuf_reset(&f);
		dt_strbuf_addf(&f, "checklist[%zu]", i);
		if (!json_is_object(item)) {
			rc = dt_store_problem(s, err, f.buf, "type.object", NULL);
			break;
		}
		size_t at = f.len;
		dt_strbuf_adds(&f, ".code");
		if ((rc = text_value(s, json_object_get(item, "code"), f.buf, 40, &code, err)) !=
		    DT_OK)
			break;
		if (!dt_check_code_valid(code, strlen(code))) {
			rc = dt_store_problem(s, err, f.buf, "inspection.check_code", "value", code,
					      NULL);
			break;
		}
		for (size_t j = 0; j < i && rc == DT_OK; j++) {
			const char *other =
				json_string_value(json_object_get(json_array_get(list, j), "code"));
			if (other && !strcmp(code, other))
				rc = dt_store_problem(s, err, f.buf, "inspection.check_duplicate",
						      "value", code, NULL);
		}
		static const char *const keys[3] = { "text_zh", "text_en", "basis" };
		const char **vals[3] = { &zh, &en, &basis };
		for (int k = 0; k < 3 && rc == DT_OK; k++) {
			json_t *v = json_object_get(item, keys[k]);
			if (k == 1 && (!v || json_is_null(v) ||
				       (json_is_string(v) && !json_string_length(v))))
				continue; /* the English text is optional */
			dt_strbuf_setlen(&f, at);
			dt_strbuf_addf(&f, ".%s", keys[k]);
			rc = text_value(s, v, f.buf, 200, vals[k], err);
		}
		if (rc == DT_OK)
			rc = check_insert(s, id, (int64_t)i + 1, code, zh, en ? en : zh, basis,
					  err);
	}
	dt_strbuf_release(&f);
	return rc;
}

enum dt_err dt_store_plan_create(struct dt_store *s, const struct dt_actor *a, json_t *in,
				 json_t **out, struct dt_strbuf *err)
{
	*out = NULL;
	dt_store_problems_begin(s, NULL);
	if (!json_is_object(in))
		return dt_store_problem(s, err, NULL, "type.object", NULL);
	json_t *jr = json_object_get(in, "region");
	int region = 0;
	if (!json_is_string(jr))
		return dt_store_problem(s, err, "region", "type.region", NULL);
	size_t n0 = s->problems.n;
	enum dt_err rc =
		dt_region_code_parse(json_string_value(jr), &region, &s->problems, "region");
	dt_store_problems_noted(s, n0, err);
	if (rc != DT_OK)
		return rc;
	if (dt_region_level(region) > 2)
		return dt_store_problem(s, err, "region", "inspection.region_level", NULL);
	if (!plan_writable(a, region))
		return dt_store_problem(s, err, "region", "inspection.scope", NULL);
	struct dt_db_stmt *rq = dt_sql_prepare(s, "SELECT 1 FROM region WHERE id = ?", err);
	if (!rq)
		return DT_EDB;
	dt_db_bind_int64(rq, 1, region);
	int found = dt_db_step(rq);
	dt_db_reset(rq);
	if (found != DT_DB_ROW)
		return dt_store_problem(s, err, "region", "region.unknown", "value",
					json_string_value(jr), NULL);
	int64_t year, count = 0;
	const char *title = NULL, *kinds_text, *sample_kind;
	if ((rc = int_member(s, in, "year", 2000, 2100, &year, err)) != DT_OK ||
	    (rc = text_member(s, in, "title", 200, &title, err)) != DT_OK)
		return rc;
	json_t *jk = json_object_get(in, "object_kinds");
	struct dt_strbuf kinds = DT_STRBUF_INIT, weights = DT_STRBUF_INIT;
	json_t *row = NULL;
	unsigned mask = 0;
	if (json_is_array(jk)) { /* ["enterprise", "contract"] as well as "enterprise,contract" */
		size_t i;
		json_t *v;
		json_array_foreach(jk, i, v) if (json_is_string(v))
			dt_strbuf_addf(&kinds, "%s,", json_string_value(v));
		kinds_text = kinds.buf;
	} else if (json_is_string(jk)) {
		kinds_text = json_string_value(jk);
	} else {
		kinds_text = "";
	}
	n0 = s->problems.n;
	rc = dt_object_kinds_parse(kinds_text, &mask, &s->problems, "object_kinds");
	dt_store_problems_noted(s, n0, err);
	if (rc != DT_OK)
		goto out;
	dt_strbuf_reset(&kinds);
	dt_object_kinds_format(mask, &kinds);
	json_t *jsk = json_object_get(in, "sample_kind"),
	       *jsv = json_object_get(in, "sample_value");
	sample_kind = json_string_value(jsk);
	double value = json_number_value(jsv);
	if (!sample_kind || (strcmp(sample_kind, "count") && strcmp(sample_kind, "rate"))) {
		rc = dt_store_problem(s, err, "sample_kind", "enum.value", "value",
				      sample_kind ? sample_kind : "", "values", "count|rate", NULL);
		goto out;
	}
	if (!strcmp(sample_kind, "count")) {
		if ((rc = int_member(s, in, "sample_value", 1, 100000, &count, err)) != DT_OK)
			goto out;
		value = (double)count;
	} else if (!json_is_number(jsv) || !(value > 0 && value <= 1) ||
		   (int64_t)(value * 10000 + 0.5) < 1) {
		rc = dt_store_problem(s, err, "sample_value", "number.range", "value",
				      json_is_number(jsv) ? DT_I(value * 10000) : "", "min",
				      "0.0001", "max", "1", NULL);
		goto out;
	}
	json_t *jw = json_object_get(in, "weights");
	struct dt_weights w;
	char *wtext = jw && !json_is_null(jw) ? json_dumps(jw, JSON_COMPACT) : NULL;
	n0 = s->problems.n;
	rc = dt_weights_parse(wtext, &w, &s->problems, "weights");
	free(wtext);
	dt_store_problems_noted(s, n0, err);
	if (rc != DT_OK)
		goto out;
	dt_weights_format(&w, &weights);
	json_t *jc = json_object_get(in, "cross_city");
	if (jc && !json_is_boolean(jc)) {
		rc = dt_store_problem(s, err, "cross_city", "type.boolean", NULL);
		goto out;
	}
	if ((rc = dt_tx_begin(s, err)) != DT_OK)
		goto out;
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	int64_t id = 0;
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"INSERT INTO inspection_plan(region, year, title, object_kinds, sample_kind, "
		"sample_value, cross_city, weights, status, created_by, created_at, updated_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'draft', ?, ?, ?) RETURNING id",
		err);
	if (!st) {
		rc = DT_EDB;
	} else {
		dt_db_bind_int64(st, 1, region);
		dt_db_bind_int64(st, 2, year);
		dt_db_bind_text(st, 3, title, -1);
		dt_db_bind_text(st, 4, kinds.buf, -1);
		dt_db_bind_text(st, 5, sample_kind, -1);
		dt_db_bind_double(st, 6, value);
		dt_db_bind_int64(st, 7, json_is_true(jc));
		dt_db_bind_text(st, 8, weights.buf, -1);
		dt_db_bind_text(st, 9, a->login, -1);
		dt_db_bind_text(st, 10, now, -1);
		dt_db_bind_text(st, 11, now, -1);
		if (dt_db_step(st) == DT_DB_ROW)
			id = dt_db_column_int64(st, 0);
		else
			rc = dt_sql_error(s, "inspection_plan", err);
		dt_db_reset(st);
	}
	if (rc == DT_OK)
		rc = checklist_insert(s, id, json_object_get(in, "checklist"), err);
	if (rc == DT_OK)
		rc = pool_insert(s, id, json_object_get(in, "inspectors"), err);
	if (rc == DT_OK)
		rc = dt_store_plan_get(s, NULL, 0, id, &row, err);
	if (rc == DT_OK)
		rc = dt_audit_append(s, a, "inspection_plan.create", "inspection_plan", id, NULL,
				     row, err);
	rc = dt_tx_end(s, rc, err);
	if (rc == DT_OK) {
		*out = row;
		row = NULL;
	}
out:
	json_decref(row);
	dt_strbuf_release(&kinds);
	dt_strbuf_release(&weights);
	return rc;
}

/* ---- reading ---- */

/* Append to @o the plan's checklist, pool and (with @cands) candidates. */
static enum dt_err plan_detail(struct dt_store *s, json_t *o, int64_t id, bool cands,
			       struct dt_strbuf *err)
{
	json_t *checks = json_array(), *pool = json_array(), *cand = json_array();
	json_object_set_new(o, "checklist", checks);
	json_object_set_new(o, "inspectors", pool);
	if (cands)
		json_object_set_new(o, "candidates", cand);
	else
		json_decref(cand);
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT pos, code, text_zh, text_en, basis FROM plan_check WHERE plan_id = ? "
		"ORDER BY pos",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(checks, json_pack("{s:I, s:s, s:s, s:s, s:s}", "pos",
							(json_int_t)dt_db_column_int64(st, 0),
							"code", dt_db_column_text(st, 1), "text_zh",
							dt_db_column_text(st, 2), "text_en",
							dt_db_column_text(st, 3), "basis",
							dt_db_column_text(st, 4)));
	dt_db_reset(st);
	if (r != DT_DB_DONE)
		return dt_sql_error(s, "plan_check", err);
	st = dt_sql_prepare(s,
			    "SELECT p.account_id, a.login, p.org_id, p.city FROM plan_inspector p "
			    "LEFT JOIN account a ON a.id = p.account_id WHERE p.plan_id = ? "
			    "ORDER BY p.account_id",
			    err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		json_t *e = json_pack("{s:I, s:o, s:o}", "account",
				      (json_int_t)dt_db_column_int64(st, 0), "login",
				      text_or_null(st, 1), "org_id", id_or_null(st, 2));
		json_object_set_new(e, "city",
				    dt_db_column_type(st, 3) == DT_DB_NULL
					    ? json_null()
					    : region_json(dt_db_column_int64(st, 3)));
		json_array_append_new(pool, e);
	}
	dt_db_reset(st);
	if (r != DT_DB_DONE)
		return dt_sql_error(s, "plan_inspector", err);
	if (!cands)
		return DT_OK;
	st = dt_sql_prepare(s,
			    "SELECT object_kind, object_id, city, org_id, org2_id, weight, reasons "
			    "FROM plan_candidate WHERE plan_id = ? ORDER BY city, object_kind, "
			    "object_id",
			    err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		json_t *reasons = json_loads(dt_db_column_text(st, 6), 0, NULL);
		json_t *e = json_pack("{s:s, s:I, s:o, s:o, s:o, s:I, s:o}", "object_kind",
				      dt_db_column_text(st, 0), "object_id",
				      (json_int_t)dt_db_column_int64(st, 1), "city",
				      region_json(dt_db_column_int64(st, 2)), "org_id",
				      id_or_null(st, 3), "org2_id", id_or_null(st, 4), "weight",
				      (json_int_t)dt_db_column_int64(st, 5), "reasons",
				      reasons ? reasons : json_array());
		json_array_append_new(cand, e);
	}
	dt_db_reset(st);
	if (r != DT_DB_DONE)
		return dt_sql_error(s, "plan_candidate", err);
	return DT_OK;
}

enum dt_err dt_store_plan_get(struct dt_store *s, const struct dt_scope *scope, int64_t viewer,
			      int64_t id, json_t **out, struct dt_strbuf *err)
{
	enum dt_err rc = plan_load(s, scope, viewer, id, out, err);
	if (rc == DT_OK)
		rc = plan_detail(s, *out, id, false, err);
	if (rc != DT_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

enum dt_err dt_store_plan_show(struct dt_store *s, const struct dt_scope *scope, int64_t viewer,
			       int64_t id, json_t **out, struct dt_strbuf *err)
{
	enum dt_err rc = plan_load(s, scope, viewer, id, out, err);
	if (rc == DT_OK)
		rc = plan_detail(s, *out, id, true, err);
	json_t *ins = NULL;
	if (rc == DT_OK)
		rc = dt_store_inspection_list(s, NULL, 0, id, &ins, err);
	if (rc == DT_OK)
		json_object_set_new(*out, "inspections", ins);
	if (rc != DT_OK) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

enum dt_err dt_store_plan_list(struct dt_store *s, const struct dt_scope *scope, int64_t viewer,
			       json_t **out, struct dt_strbuf *err)
{
	*out = json_array();
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT " PLAN_COLS " FROM inspection_plan ORDER BY id DESC", err);
	if (!st)
		return DT_EDB;
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		if (!plan_visible(scope, (int)dt_db_column_int64(st, 1)) && !viewer)
			continue;
		json_array_append_new(*out, plan_json(st));
	}
	dt_db_reset(st);
	if (r != DT_DB_DONE)
		return dt_sql_error(s, "inspection_plan", err);
	if (!viewer || !scope)
		return DT_OK;
	/* an inspector: drop what is neither in scope nor his pool's */
	json_t *keep = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(*out, i, p)
	{
		int64_t id = json_integer_value(json_object_get(p, "id"));
		int region = code_of(json_object_get(p, "region"));
		if (plan_visible(scope, region) || in_pool(s, id, viewer))
			json_array_append(keep, p);
	}
	json_decref(*out);
	*out = keep;
	return DT_OK;
}

enum dt_err dt_store_inspection_list(struct dt_store *s, const struct dt_scope *scope,
				     int64_t inspector, int64_t plan_id, json_t **out,
				     struct dt_strbuf *err)
{
	*out = json_array();
	if (scope && !inspector && (scope->org_id || scope->trainee_id))
		return DT_OK; /* organisations and trainees: no inspections (unannounced visits) */
	int lo = 0, hi = 999999;
	if (scope && scope->region && !inspector)
		dt_region_range(scope->region, &lo, &hi);
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT " INSPECTION_COLS " FROM inspection WHERE (? = 0 OR plan_id = ?) "
		"AND region BETWEEN ? AND ? AND (? = 0 OR inspector_a = ? OR inspector_b = ?) "
		"ORDER BY plan_id DESC, draw_pos",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, plan_id);
	dt_db_bind_int64(st, 2, plan_id);
	dt_db_bind_int64(st, 3, lo);
	dt_db_bind_int64(st, 4, hi);
	dt_db_bind_int64(st, 5, inspector);
	dt_db_bind_int64(st, 6, inspector);
	dt_db_bind_int64(st, 7, inspector);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(*out, inspection_json(st));
	dt_db_reset(st);
	if (r != DT_DB_DONE)
		return dt_sql_error(s, "inspection", err);
	return DT_OK;
}

enum dt_err dt_store_inspection_get(struct dt_store *s, const struct dt_scope *scope,
				    int64_t inspector, int64_t id, json_t **out,
				    struct dt_strbuf *err)
{
	*out = NULL;
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT " INSPECTION_COLS " FROM inspection WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW)
		*out = inspection_json(st);
	dt_db_reset(st);
	if (r != DT_DB_ROW && r != DT_DB_DONE)
		return dt_sql_error(s, "inspection", err);
	bool ok = *out != NULL;
	if (ok && scope) {
		int city = code_of(json_object_get(*out, "city"));
		if (inspector)
			ok = json_integer_value(json_object_get(*out, "inspector_a")) ==
				     inspector ||
			     json_integer_value(json_object_get(*out, "inspector_b")) == inspector;
		else
			ok = !scope->org_id && !scope->trainee_id &&
			     (!scope->region || dt_region_contains(scope->region, city));
	}
	if (ok) {
		json_t *plan = NULL; /* the checklist the inspection follows */
		int64_t pid = json_integer_value(json_object_get(*out, "plan_id"));
		json_t *o = json_object();
		enum dt_err rc = plan_detail(s, o, pid, false, err);
		if (rc == DT_OK)
			json_object_set(*out, "checklist", json_object_get(o, "checklist"));
		json_decref(o);
		json_decref(plan);
		return rc;
	}
	json_decref(*out);
	*out = NULL;
	return dt_store_problem(s, err, NULL, "record.missing", "id", DT_I(id), "entity",
				"inspection", NULL);
}

/* ---- commit: freezing the inputs ---- */

/*
 * "(a.rule IN (...))": the alert a is a data-quality check
 * (domain/inspection.h, dt_quality_rules; the names are constants).
 */
static void quality_alert_sql(struct dt_strbuf *sql)
{
	dt_strbuf_adds(sql, "(a.rule IN (");
	for (size_t i = 0; dt_quality_rules[i]; i++)
		dt_strbuf_addf(sql, "%s'%s'", i ? ", " : "", dt_quality_rules[i]);
	dt_strbuf_adds(sql, "))");
}

/*
 * The findings hook: the count of earlier findings on object (kind ?K, id
 * X.id) as a SQL expression, or "0" while table `finding` (migration 009)
 * does not exist.  @org_col names the column of the object's organisation
 * for enterprises and schools (their findings as responsible organisation
 * count too), NULL otherwise.
 */
static void findings_sql(bool have_finding, const char *kind, const char *org_col,
			 struct dt_strbuf *sql)
{
	if (!have_finding) {
		dt_strbuf_adds(sql, "0");
		return;
	}
	dt_strbuf_addf(
		sql,
		"(SELECT count(*) FROM finding f JOIN inspection i ON i.id = f.inspection_id "
		"WHERE (i.object_kind = '%s' AND i.object_id = x.id)",
		kind);
	if (org_col)
		dt_strbuf_addf(sql, " OR f.org_id = x.%s", org_col);
	dt_strbuf_adds(sql, ")");
}

/* Does table @name exist (dialect)? */
static bool table_exists(struct dt_store *s, const char *name)
{
	const char *sql =
		dt_db_dialect(s->db) == DT_DB_PGSQL /* dialect */
			? "SELECT CAST(to_regclass(?) IS NOT NULL AS INTEGER)"
			: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?";
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, NULL);
	if (!st)
		return false;
	dt_db_bind_text(st, 1, name, -1);
	bool yes = dt_db_step(st) == DT_DB_ROW && dt_db_column_int64(st, 0) > 0;
	dt_db_reset(st);
	return yes;
}

/*
 * The SQL that lists the candidates of kind @k within a region range (?1,
 * ?2): id, region, org_id, org2_id, open alerts, open data-quality alerts,
 * earlier findings.
 */
static void candidate_sql(int k, bool have_finding, struct dt_strbuf *sql)
{
	/* subject of the object's own alerts, and (for organisations) of their contracts' */
	static const char *const from[DT_OBJ_KINDS] = {
		"FROM organization x WHERE x.kind = 'enterprise' AND x.region BETWEEN ? AND ?",
		"FROM organization x WHERE x.kind = 'school' AND x.region BETWEEN ? AND ?",
		"FROM contract x WHERE x.status = 'active' AND x.region BETWEEN ? AND ?",
		"FROM pilot_task x WHERE x.status <> 'done' AND x.region BETWEEN ? AND ?",
	};
	static const char *const orgs[DT_OBJ_KINDS] = {
		"x.id, NULL",
		"x.id, NULL",
		"x.enterprise_id, x.school_id",
		"NULL, NULL",
	};
	static const char *const subject[DT_OBJ_KINDS] = {
		"((a.subject_kind = 'organization' AND a.subject_id = x.id) OR (a.subject_kind = "
		"'contract' AND a.subject_id IN (SELECT c.id FROM contract c WHERE c.enterprise_id "
		"= x.id)))",
		"((a.subject_kind = 'organization' AND a.subject_id = x.id) OR (a.subject_kind = "
		"'contract' AND a.subject_id IN (SELECT c.id FROM contract c WHERE c.school_id = "
		"x.id)))",
		"(a.subject_kind = 'contract' AND a.subject_id = x.id)",
		"(a.subject_kind = 'pilot_task' AND a.subject_id = x.id)",
	};
	dt_strbuf_addf(sql,
		       "SELECT x.id, x.region, %s, "
		       "(SELECT count(*) FROM alert a WHERE a.status <> 'resolved' AND %s AND NOT ",
		       orgs[k], subject[k]);
	quality_alert_sql(sql);
	dt_strbuf_addf(sql,
		       "), (SELECT count(*) FROM alert a WHERE a.status <> 'resolved' AND %s AND ",
		       subject[k]);
	quality_alert_sql(sql);
	dt_strbuf_adds(sql, "), ");
	findings_sql(have_finding, dt_object_kind_name(k), k <= DT_OBJ_SCHOOL ? "id" : NULL, sql);
	dt_strbuf_addf(sql, " %s ORDER BY x.id", from[k]);
}

/* The input of the draw as frozen for plan @id (plan row @plan): caller frees cand/insp. */
static enum dt_err frozen_inputs(struct dt_store *s, json_t *plan, struct dt_draw_input *in,
				 struct dt_strbuf *err)
{
	int64_t id = json_integer_value(json_object_get(plan, "id"));
	double v = json_number_value(json_object_get(plan, "sample_value"));
	*in = (struct dt_draw_input){ .plan_id = id };
	in->rate = !strcmp(json_string_value(json_object_get(plan, "sample_kind")), "rate");
	in->sample = in->rate ? (int64_t)(v * 10000 + 0.5) : (int64_t)(v + 0.5);
	in->cross_city = json_is_true(json_object_get(plan, "cross_city"));
	size_t cap = 256, n = 0;
	in->cand = malloc(cap * sizeof(*in->cand));
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT object_kind, object_id, city, coalesce(org_id, 0), coalesce(org2_id, 0), "
		"weight FROM plan_candidate WHERE plan_id = ?",
		err);
	if (!st || !in->cand)
		return st ? DT_ENOMEM : DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		if (n == cap) {
			void *p = realloc(in->cand, 2 * cap * sizeof(*in->cand));
			if (!p) {
				dt_db_reset(st);
				return DT_ENOMEM;
			}
			in->cand = p;
			cap *= 2;
		}
		const char *k = dt_db_column_text(st, 0);
		in->cand[n++] = (struct dt_draw_candidate){
			dt_object_kind_parse(k, strlen(k)), dt_db_column_int64(st, 1),
			(int)dt_db_column_int64(st, 2),     dt_db_column_int64(st, 3),
			dt_db_column_int64(st, 4),          dt_db_column_int64(st, 5)
		};
	}
	dt_db_reset(st);
	in->ncand = n;
	if (r != DT_DB_DONE)
		return dt_sql_error(s, "plan_candidate", err);
	st = dt_sql_prepare(s,
			    "SELECT account_id, coalesce(org_id, 0), coalesce(city, 0) FROM "
			    "plan_inspector WHERE plan_id = ?",
			    err);
	if (!st)
		return DT_EDB;
	cap = 16;
	n = 0;
	in->insp = malloc(cap * sizeof(*in->insp));
	if (!in->insp)
		return DT_ENOMEM;
	dt_db_bind_int64(st, 1, id);
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		if (n == cap) {
			void *p = realloc(in->insp, 2 * cap * sizeof(*in->insp));
			if (!p) {
				dt_db_reset(st);
				return DT_ENOMEM;
			}
			in->insp = p;
			cap *= 2;
		}
		in->insp[n++] = (struct dt_draw_inspector){ dt_db_column_int64(st, 0),
							    dt_db_column_int64(st, 1),
							    (int)dt_db_column_int64(st, 2) };
	}
	dt_db_reset(st);
	in->ninsp = n;
	if (r != DT_DB_DONE)
		return dt_sql_error(s, "plan_inspector", err);
	dt_draw_sort(in);
	return DT_OK;
}

static void input_free(struct dt_draw_input *in)
{
	free(in->cand);
	free(in->insp);
	in->cand = NULL;
	in->insp = NULL;
}

/* Freeze the candidates and the pool of plan @plan (in a write transaction). */
static enum dt_err freeze(struct dt_store *s, json_t *plan, struct dt_strbuf *err)
{
	int64_t id = json_integer_value(json_object_get(plan, "id"));
	int region = code_of(json_object_get(plan, "region"));
	unsigned mask = 0;
	struct dt_weights w;
	char *wtext = json_dumps(json_object_get(plan, "weights"), JSON_COMPACT);
	dt_object_kinds_parse(json_string_value(json_object_get(plan, "object_kinds")), &mask, NULL,
			      NULL);
	dt_weights_parse(wtext, &w, NULL, NULL);
	free(wtext);
	bool have_finding = table_exists(s, "finding");
	int lo, hi;
	dt_region_range(region, &lo, &hi);
	enum dt_err rc = DT_OK;
	int64_t total = 0;
	struct dt_strbuf sql = DT_STRBUF_INIT, reasons = DT_STRBUF_INIT;
	for (int k = 0; k < DT_OBJ_KINDS && rc == DT_OK; k++) {
		if (!(mask & (1u << k)))
			continue;
		dt_strbuf_reset(&sql);
		candidate_sql(k, have_finding, &sql);
		struct dt_db_stmt *q = dt_sql_prepare(s, sql.buf, err);
		struct dt_db_stmt *ins = dt_sql_prepare(
			s,
			"INSERT INTO plan_candidate(plan_id, object_kind, object_id, city, org_id, "
			"org2_id, weight, reasons) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			err);
		if (!q || !ins) {
			rc = DT_EDB;
			break;
		}
		dt_db_bind_int64(q, 1, lo);
		dt_db_bind_int64(q, 2, hi);
		int r;
		while (rc == DT_OK && (r = dt_db_step(q)) == DT_DB_ROW) {
			int64_t n[3] = { dt_db_column_int64(q, 4), dt_db_column_int64(q, 5),
					 dt_db_column_int64(q, 6) };
			static const char *const codes[3] = { "alert", "quality", "finding" };
			const int64_t pts[3] = { w.alert, w.quality, w.finding };
			dt_strbuf_reset(&reasons);
			dt_strbuf_addch(&reasons, '[');
			for (int i = 0; i < 3; i++)
				if (n[i])
					dt_strbuf_addf(
						&reasons,
						"%s{\"code\": \"%s\", \"n\": %lld, \"points\": "
						"%lld}",
						reasons.len > 1 ? ", " : "", codes[i],
						(long long)n[i], (long long)(n[i] * pts[i]));
			dt_strbuf_addch(&reasons, ']');
			dt_db_bind_int64(ins, 1, id);
			dt_db_bind_text(ins, 2, dt_object_kind_name(k), -1);
			dt_db_bind_int64(ins, 3, dt_db_column_int64(q, 0));
			dt_db_bind_int64(ins, 4, city_of((int)dt_db_column_int64(q, 1)));
			for (int c = 2; c <= 3; c++)
				if (dt_db_column_type(q, c) == DT_DB_NULL)
					dt_db_bind_null(ins, c + 3);
				else
					dt_db_bind_int64(ins, c + 3, dt_db_column_int64(q, c));
			dt_db_bind_int64(ins, 7, dt_weights_apply(&w, n[0], n[1], n[2]));
			dt_db_bind_text(ins, 8, reasons.buf, -1);
			if (dt_db_step(ins) != DT_DB_DONE)
				rc = dt_sql_error(s, "plan_candidate", err);
			dt_db_reset(ins);
			total++;
		}
		dt_db_reset(q);
		if (rc == DT_OK && r != DT_DB_DONE)
			rc = dt_sql_error(s, "plan_candidate", err);
	}
	dt_strbuf_release(&sql);
	dt_strbuf_release(&reasons);
	if (rc == DT_OK && !total)
		rc = dt_store_problem(s, err, NULL, "inspection.no_candidates", NULL);
	/* the pool: each inspector's organisation (as declared, else the account's) and city */
	if (rc == DT_OK) {
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			"SELECT p.account_id, coalesce(p.org_id, a.scope_org), a.scope_region, "
			"a.role, a.disabled FROM plan_inspector p JOIN account a ON a.id = "
			"p.account_id WHERE p.plan_id = ? ORDER BY p.account_id",
			err);
		json_t *pool = json_array();
		int r;
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_db_bind_int64(st, 1, id);
			while ((r = dt_db_step(st)) == DT_DB_ROW) {
				int reg = (int)dt_db_column_int64(st, 2);
				bool ok = !strcmp(dt_db_column_text(st, 3), "inspector") &&
					  !dt_db_column_int64(st, 4);
				json_array_append_new(
					pool,
					json_pack("[I, I, i, b]",
						  (json_int_t)dt_db_column_int64(st, 0),
						  (json_int_t)dt_db_column_int64(st, 1),
						  reg && dt_region_level(reg) >= 2 ? city_of(reg)
										   : 0,
						  ok));
			}
			dt_db_reset(st);
			if (r != DT_DB_DONE)
				rc = dt_sql_error(s, "plan_inspector", err);
		}
		size_t i;
		json_t *p;
		json_array_foreach(pool, i, p)
		{
			if (rc != DT_OK)
				break;
			int64_t acc = json_integer_value(json_array_get(p, 0));
			if (!json_is_true(json_array_get(p, 3))) {
				rc = dt_store_problem(s, err, "inspectors",
						      "inspection.not_inspector", "account",
						      DT_I(acc), NULL);
				break;
			}
			st = dt_sql_prepare(s,
					    "UPDATE plan_inspector SET org_id = ?, city = ? WHERE "
					    "plan_id = ? AND account_id = ?",
					    err);
			if (!st) {
				rc = DT_EDB;
				break;
			}
			int64_t org = json_integer_value(json_array_get(p, 1));
			int city = (int)json_integer_value(json_array_get(p, 2));
			if (org)
				dt_db_bind_int64(st, 1, org);
			else
				dt_db_bind_null(st, 1);
			if (city)
				dt_db_bind_int64(st, 2, city);
			else
				dt_db_bind_null(st, 2);
			dt_db_bind_int64(st, 3, id);
			dt_db_bind_int64(st, 4, acc);
			if (dt_db_step(st) != DT_DB_DONE)
				rc = dt_sql_error(s, "plan_inspector", err);
			dt_db_reset(st);
		}
		if (rc == DT_OK && json_array_size(pool) < 2)
			rc = dt_store_problem(s, err, "inspectors", "inspection.pool_small",
					      "count", DT_I(json_array_size(pool)), NULL);
		json_decref(pool);
	}
	return rc;
}

/* Set the plan's status and the given blob columns (NULL: leave) and time column. */
static enum dt_err plan_set(struct dt_store *s, int64_t id, const char *status,
			    const char *blob_col, const void *blob, size_t blen,
			    const char *blob2_col, const void *blob2, size_t blen2,
			    const char *time_col, struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_strbuf_adds(&sql, "UPDATE inspection_plan SET status = ?, updated_at = ?");
	if (time_col)
		dt_strbuf_addf(&sql, ", %s = ?", time_col);
	if (blob_col)
		dt_strbuf_addf(&sql, ", %s = ?", blob_col);
	if (blob2_col)
		dt_strbuf_addf(&sql, ", %s = ?", blob2_col);
	dt_strbuf_adds(&sql, " WHERE id = ?");
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	dt_strbuf_release(&sql);
	if (!st)
		return DT_EDB;
	int i = 1;
	dt_db_bind_text(st, i++, status, -1);
	dt_db_bind_text(st, i++, now, -1);
	if (time_col)
		dt_db_bind_text(st, i++, now, -1);
	if (blob_col) {
		if (blob)
			dt_db_bind_blob(st, i++, blob, (int)blen);
		else
			dt_db_bind_null(st, i++);
	}
	if (blob2_col) {
		if (blob2)
			dt_db_bind_blob(st, i++, blob2, (int)blen2);
		else
			dt_db_bind_null(st, i++);
	}
	dt_db_bind_int64(st, i, id);
	enum dt_err rc =
		dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, "inspection_plan", err);
	dt_db_reset(st);
	return rc;
}

/* The sealed seed of plan @id, opened with the key file into @seed. */
static enum dt_err unseal(struct dt_store *s, int64_t id, unsigned char seed[DT_DRAW_SEED_LEN],
			  struct dt_strbuf *err)
{
	if (!s->have_keys)
		return dt_store_problem(s, err, NULL, "inspection.sealed", "plan", DT_I(id), NULL);
	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT seed_sealed FROM inspection_plan WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	enum dt_err rc = DT_OK;
	if (dt_db_step(st) != DT_DB_ROW ||
	    dt_db_column_bytes(st, 0) != DT_DRAW_SEED_LEN + DT_SEAL_OVERHEAD ||
	    dt_secret_open(&s->keys, dt_db_column_blob(st, 0), (size_t)dt_db_column_bytes(st, 0),
			   seed) != DT_OK)
		rc = dt_store_problem(s, err, NULL, "inspection.sealed", "plan", DT_I(id), NULL);
	dt_db_reset(st);
	return rc;
}

static enum dt_err commit_plan(struct dt_store *s, json_t *plan, struct dt_strbuf *err)
{
	int64_t id = json_integer_value(json_object_get(plan, "id"));
	if (!s->have_keys)
		return dt_store_problem(s, err, NULL, "inspection.sealed", "plan", DT_I(id), NULL);
	enum dt_err rc = freeze(s, plan, err);
	struct dt_draw_input in = { 0 };
	if (rc == DT_OK)
		rc = frozen_inputs(s, plan, &in, err);
	if (rc == DT_OK) {
		unsigned char seed[DT_DRAW_SEED_LEN], sh[DT_DRAW_HASH_LEN], ih[DT_DRAW_HASH_LEN];
		unsigned char sealed[DT_DRAW_SEED_LEN + DT_SEAL_OVERHEAD];
		dt_draw_seed_new(seed);
		dt_draw_seed_hash(seed, sh);
		dt_secret_seal(&s->keys, seed, sizeof(seed), sealed);
		sodium_memzero(seed, sizeof(seed));
		dt_draw_inputs_hash(&in, ih);
		rc = plan_set(s, id, "committed", "seed_hash", sh, sizeof(sh), "inputs_hash", ih,
			      sizeof(ih), "committed_at", err);
		if (rc == DT_OK) {
			struct dt_db_stmt *st = dt_sql_prepare(
				s, "UPDATE inspection_plan SET seed_sealed = ? WHERE id = ?", err);
			if (!st) {
				rc = DT_EDB;
			} else {
				dt_db_bind_blob(st, 1, sealed, sizeof(sealed));
				dt_db_bind_int64(st, 2, id);
				if (dt_db_step(st) != DT_DB_DONE)
					rc = dt_sql_error(s, "inspection_plan", err);
				dt_db_reset(st);
			}
		}
	}
	input_free(&in);
	return rc;
}

/*
 * The stored inputs hash of plan @id equals a fresh one over the frozen rows?
 * The fresh one goes to @ih and, as hex, to @have_hex.
 */
static bool inputs_intact(json_t *plan, const struct dt_draw_input *in,
			  unsigned char ih[DT_DRAW_HASH_LEN], char *have_hex)
{
	dt_draw_inputs_hash(in, ih);
	sodium_bin2hex(have_hex, 2 * DT_DRAW_HASH_LEN + 1, ih, DT_DRAW_HASH_LEN);
	const char *want = json_string_value(json_object_get(plan, "inputs_hash"));
	return want && !strcmp(want, have_hex);
}

static enum dt_err draw_plan(struct dt_store *s, const struct dt_actor *a, json_t *plan,
			     struct dt_strbuf *err)
{
	int64_t id = json_integer_value(json_object_get(plan, "id"));
	struct dt_draw_input in = { 0 };
	struct dt_draw_pick *picks = NULL;
	size_t n = 0;
	unsigned char seed[DT_DRAW_SEED_LEN], rh[DT_DRAW_HASH_LEN], ih[DT_DRAW_HASH_LEN];
	char hexb[2 * DT_DRAW_HASH_LEN + 1];
	enum dt_err rc = frozen_inputs(s, plan, &in, err);
	if (rc == DT_OK && !inputs_intact(plan, &in, ih, hexb))
		rc = dt_error(err, DT_ECORRUPT,
			      "inspection plan %lld: the frozen inputs no longer match inputs_hash",
			      (long long)id);
	if (rc == DT_OK)
		rc = unseal(s, id, seed, err);
	if (rc == DT_OK)
		rc = dt_draw_run(&in, seed, ih, &picks, &n);
	sodium_memzero(seed, sizeof(seed));
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	for (size_t i = 0; rc == DT_OK && i < n; i++) {
		const struct dt_draw_candidate *c = &in.cand[picks[i].cand];
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			"INSERT INTO inspection(plan_id, object_kind, object_id, city, org_id, "
			"inspector_a, inspector_b, draw_pos, status, publishable, region, "
			"created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'planned', 0, ?, ?, "
			"?) RETURNING id",
			err);
		if (!st) {
			rc = DT_EDB;
			break;
		}
		dt_db_bind_int64(st, 1, id);
		dt_db_bind_text(st, 2, dt_object_kind_name(c->kind), -1);
		dt_db_bind_int64(st, 3, c->object_id);
		dt_db_bind_int64(st, 4, c->city);
		int64_t ids[3] = { c->org_id, picks[i].inspector_a, picks[i].inspector_b };
		for (int k = 0; k < 3; k++)
			if (ids[k])
				dt_db_bind_int64(st, 5 + k, ids[k]);
			else
				dt_db_bind_null(st, 5 + k);
		dt_db_bind_int64(st, 8, (int64_t)i + 1);
		dt_db_bind_int64(st, 9, c->city);
		dt_db_bind_text(st, 10, now, -1);
		dt_db_bind_text(st, 11, now, -1);
		int64_t iid = 0;
		if (dt_db_step(st) == DT_DB_ROW)
			iid = dt_db_column_int64(st, 0);
		else
			rc = dt_sql_error(s, "inspection", err);
		dt_db_reset(st);
		json_t *row = NULL;
		if (rc == DT_OK)
			rc = dt_store_inspection_get(s, NULL, 0, iid, &row, err);
		if (rc == DT_OK) {
			json_object_del(row, "checklist");
			json_object_set_new(row, "region", region_json(c->city));
			rc = dt_audit_append(s, a, "inspection.draw", "inspection", iid, NULL, row,
					     err);
		}
		json_decref(row);
	}
	if (rc == DT_OK) {
		dt_draw_result_hash(&in, picks, n, rh);
		rc = plan_set(s, id, "drawn", "result_hash", rh, sizeof(rh), NULL, NULL, 0,
			      "drawn_at", err);
	}
	free(picks);
	input_free(&in);
	return rc;
}

static enum dt_err reveal_plan(struct dt_store *s, json_t *plan, struct dt_strbuf *err)
{
	int64_t id = json_integer_value(json_object_get(plan, "id"));
	unsigned char seed[DT_DRAW_SEED_LEN], sh[DT_DRAW_HASH_LEN];
	char hexb[2 * DT_DRAW_HASH_LEN + 1];
	enum dt_err rc = unseal(s, id, seed, err);
	if (rc == DT_OK) {
		dt_draw_seed_hash(seed, sh);
		sodium_bin2hex(hexb, sizeof(hexb), sh, sizeof(sh));
		const char *want = json_string_value(json_object_get(plan, "seed_hash"));
		if (!want || strcmp(want, hexb))
			rc = dt_error(
				err, DT_ECORRUPT,
				"inspection plan %lld: the sealed seed does not match seed_hash",
				(long long)id);
	}
	if (rc == DT_OK)
		rc = plan_set(s, id, json_string_value(json_object_get(plan, "status")), "seed",
			      seed, sizeof(seed), "seed_sealed", NULL, 0, "revealed_at", err);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

/* Problem inspection.plan_open while an inspection of plan @id is not done. */
static enum dt_err open_inspections(struct dt_store *s, int64_t id, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT count(*) FROM inspection WHERE plan_id = ? AND status <> 'done'", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st);
	int64_t open = r == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
	dt_db_reset(st);
	if (r != DT_DB_ROW)
		return dt_sql_error(s, "inspection", err);
	size_t n0 = s->problems.n;
	enum dt_err rc = dt_plan_close_check(&s->problems, id, open);
	dt_store_problems_noted(s, n0, err);
	return rc;
}

enum dt_err dt_store_plan_act(struct dt_store *s, const struct dt_actor *a, int64_t id,
			      const char *action, json_t **out, struct dt_strbuf *err)
{
	*out = NULL;
	dt_store_problems_begin(s, NULL);
	json_t *before = NULL, *after = NULL;
	const char *next = NULL;
	enum dt_err rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = plan_load(s, a->scope, 0, id, &before, err);
	if (rc == DT_OK && !plan_writable(a, code_of(json_object_get(before, "region"))))
		rc = dt_store_problem(s, err, NULL, "record.missing", "id", DT_I(id), "entity",
				      "inspection_plan", NULL);
	if (rc == DT_OK) {
		size_t n0 = s->problems.n;
		rc = dt_plan_step(&s->problems, id,
				  json_string_value(json_object_get(before, "status")), action,
				  !json_is_null(json_object_get(before, "seed")), &next);
		dt_store_problems_noted(s, n0, err);
	}
	if (rc == DT_OK) {
		if (!strcmp(action, "commit"))
			rc = commit_plan(s, before, err);
		else if (!strcmp(action, "draw"))
			rc = draw_plan(s, a, before, err);
		else if (!strcmp(action, "reveal"))
			rc = reveal_plan(s, before, err);
		else if (!strcmp(action, "close") && (rc = open_inspections(s, id, err)) != DT_OK)
			;
		else
			rc = plan_set(s, id, next, NULL, NULL, 0, NULL, NULL, 0,
				      !strcmp(action, "close") ? "closed_at" : NULL, err);
	}
	if (rc == DT_OK)
		rc = dt_store_plan_get(s, NULL, 0, id, &after, err);
	if (rc == DT_OK) {
		struct dt_strbuf act = DT_STRBUF_INIT;
		dt_strbuf_addf(&act, "inspection_plan.%s", action);
		rc = dt_audit_append(s, a, act.buf, "inspection_plan", id, before, after, err);
		dt_strbuf_release(&act);
	}
	rc = dt_tx_end(s, rc, err);
	json_decref(before);
	if (rc == DT_OK)
		*out = after;
	else
		json_decref(after);
	return rc;
}

/* ---- the inspectors one may put in a pool ---- */

enum dt_err dt_store_inspector_list(struct dt_store *s, const struct dt_actor *a, int region,
				    json_t **out, struct dt_strbuf *err)
{
	*out = NULL;
	dt_store_problems_begin(s, NULL);
	if (!region || dt_region_level(region) > 2)
		return dt_store_problem(s, err, "region", "inspection.region_level", NULL);
	if (!plan_writable(a, region))
		return dt_store_problem(s, err, "region", "inspection.scope", NULL);
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT 1 FROM region WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, region);
	int found = dt_db_step(st);
	dt_db_reset(st);
	if (found != DT_DB_ROW)
		return dt_store_problem(s, err, "region", "region.unknown", "value", DT_I(region),
					NULL);
	int lo, hi;
	dt_region_range(dt_region_ancestor(region, 1), &lo, &hi);
	st = dt_sql_prepare(
		s,
		"SELECT id, login, scope_region, scope_org FROM account WHERE role = 'inspector' "
		"AND disabled = 0 AND (scope_region IS NULL OR scope_region BETWEEN ? AND ?) "
		"ORDER BY login",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, lo);
	dt_db_bind_int64(st, 2, hi);
	json_t *arr = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		bool have = dt_db_column_type(st, 2) != DT_DB_NULL;
		int reg = have ? (int)dt_db_column_int64(st, 2) : 0;
		json_array_append_new(arr, json_pack("{s:I, s:s, s:o, s:o, s:o}", "id",
						     (json_int_t)dt_db_column_int64(st, 0), "login",
						     dt_db_column_text(st, 1), "region",
						     have ? region_json(reg) : json_null(), "city",
						     reg && dt_region_level(reg) >= 2
							     ? region_json(city_of(reg))
							     : json_null(),
						     "org_id", id_or_null(st, 3)));
	}
	dt_db_reset(st);
	if (r != DT_DB_DONE) {
		json_decref(arr);
		return dt_sql_error(s, "account", err);
	}
	*out = arr;
	return DT_OK;
}

/* ---- verify ---- */

/*
 * Note the first difference @fmt... in @rep (once), and as "difference_at"
 * {"check": @check, "draw_pos": @pos (0: none), "recorded": @recorded,
 * "rerun": @rerun} for a reader that words it in its own language (the web
 * screen).  @recorded and @rerun may be NULL.
 */
__attribute__((format(printf, 6, 7))) static void differ(json_t *rep, const char *check, size_t pos,
							 const char *recorded, const char *rerun,
							 const char *fmt, ...)
{
	if (!json_is_null(json_object_get(rep, "difference")))
		return;
	json_object_set_new(rep, "difference_at",
			    json_pack("{s:s, s:o, s:o, s:o}", "check", check, "draw_pos",
				      pos ? json_integer((json_int_t)pos) : json_null(), "recorded",
				      recorded ? json_string(recorded) : json_null(), "rerun",
				      rerun ? json_string(rerun) : json_null()));
	struct dt_strbuf sb = DT_STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	dt_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	json_object_set_new(rep, "difference", json_string(sb.buf));
	json_object_set_new(rep, "ok", json_false());
	dt_strbuf_release(&sb);
}

enum dt_err dt_store_plan_verify(struct dt_store *s, const struct dt_scope *scope, int64_t viewer,
				 int64_t id, json_t **report, struct dt_strbuf *err)
{
	*report = NULL;
	dt_store_problems_begin(s, NULL);
	json_t *plan = NULL, *rows = NULL, *rep = NULL;
	struct dt_draw_input in = { 0 };
	struct dt_draw_pick *picks = NULL;
	struct dt_strbuf was = DT_STRBUF_INIT, now = DT_STRBUF_INIT; /* a difference's two sides */
	size_t n = 0;
	enum dt_err rc = plan_load(s, scope, viewer, id, &plan, err);
	if (rc != DT_OK)
		goto out;
	const char *seed_hex = json_string_value(json_object_get(plan, "seed"));
	if (!seed_hex) {
		rc = dt_store_problem(s, err, NULL, "inspection.not_revealed", "plan", DT_I(id),
				      NULL);
		goto out;
	}
	rep = json_pack("{s:I, s:b, s:n, s:n, s:O, s:O, s:O, s:O}", "plan", (json_int_t)id, "ok", 1,
			"difference", "difference_at", "seed", json_object_get(plan, "seed"),
			"seed_hash", json_object_get(plan, "seed_hash"), "inputs_hash",
			json_object_get(plan, "inputs_hash"), "result_hash",
			json_object_get(plan, "result_hash"));
	unsigned char seed[DT_DRAW_SEED_LEN], h[DT_DRAW_HASH_LEN];
	char hexb[2 * DT_DRAW_HASH_LEN + 1];
	size_t got = 0;
	if (sodium_hex2bin(seed, sizeof(seed), seed_hex, strlen(seed_hex), NULL, &got, NULL) ||
	    got != sizeof(seed)) {
		differ(rep, "seed", 0, NULL, NULL, "seed: not 32 bytes of hex");
		goto done;
	}
	dt_draw_seed_hash(seed, h);
	sodium_bin2hex(hexb, sizeof(hexb), h, sizeof(h));
	if (strcmp(hexb, json_string_value(json_object_get(plan, "seed_hash"))))
		differ(rep, "seed_hash", 0, json_string_value(json_object_get(plan, "seed_hash")),
		       hexb, "seed_hash: the revealed seed hashes to %s, not to the committed %s",
		       hexb, json_string_value(json_object_get(plan, "seed_hash")));
	if ((rc = frozen_inputs(s, plan, &in, err)) != DT_OK)
		goto out;
	unsigned char ih[DT_DRAW_HASH_LEN];
	if (!inputs_intact(plan, &in, ih, hexb))
		differ(rep, "inputs_hash", 0,
		       json_string_value(json_object_get(plan, "inputs_hash")), hexb,
		       "inputs_hash: the published inputs hash to %s, not to the committed %s",
		       hexb, json_string_value(json_object_get(plan, "inputs_hash")));
	if ((rc = dt_draw_run(&in, seed, ih, &picks, &n)) != DT_OK) {
		differ(rep, "inputs", 0, NULL, NULL, "inputs: out of range for the draw");
		rc = DT_OK;
		goto done;
	}
	if ((rc = dt_store_inspection_list(s, NULL, 0, id, &rows, err)) != DT_OK)
		goto out;
	/* the list is by draw_pos; compare pick by pick */
	for (size_t i = 0; i < n || i < json_array_size(rows); i++) {
		if (i >= n) {
			json_t *r = json_array_get(rows, i);
			dt_strbuf_reset(&was);
			dt_strbuf_addf(
				&was, "%s %lld",
				json_string_value(json_object_get(r, "object_kind")),
				(long long)json_integer_value(json_object_get(r, "object_id")));
			differ(rep, "extra", i + 1, was.buf, NULL,
			       "draw_pos %zu: recorded, but the re-run draws only %zu objects",
			       i + 1, n);
			break;
		}
		const struct dt_draw_candidate *c = &in.cand[picks[i].cand];
		json_t *r = json_array_get(rows, i);
		if (!r) {
			dt_strbuf_reset(&now);
			dt_strbuf_addf(&now, "%s %lld", dt_object_kind_name(c->kind),
				       (long long)c->object_id);
			differ(rep, "missing", i + 1, NULL, now.buf,
			       "draw_pos %zu: the re-run draws %s %lld, not recorded", i + 1,
			       dt_object_kind_name(c->kind), (long long)c->object_id);
			break;
		}
		const char *rk = json_string_value(json_object_get(r, "object_kind"));
		int64_t ro = json_integer_value(json_object_get(r, "object_id"));
		int64_t ra = json_integer_value(json_object_get(r, "inspector_a"));
		int64_t rb = json_integer_value(json_object_get(r, "inspector_b"));
		int64_t rp = json_integer_value(json_object_get(r, "draw_pos"));
		if (rp != (int64_t)i + 1 || strcmp(rk, dt_object_kind_name(c->kind)) ||
		    ro != c->object_id) {
			dt_strbuf_reset(&was);
			dt_strbuf_reset(&now);
			dt_strbuf_addf(&was, "%s %lld", rk, (long long)ro);
			dt_strbuf_addf(&now, "%s %lld", dt_object_kind_name(c->kind),
				       (long long)c->object_id);
			differ(rep, "object", i + 1, was.buf, now.buf,
			       "draw_pos %zu: recorded %s %lld, the re-run draws %s %lld", i + 1,
			       rk, (long long)ro, dt_object_kind_name(c->kind),
			       (long long)c->object_id);
			break;
		}
		if (ra != picks[i].inspector_a || rb != picks[i].inspector_b) {
			dt_strbuf_reset(&was);
			dt_strbuf_reset(&now);
			dt_strbuf_addf(&was, "%lld %lld", (long long)ra, (long long)rb);
			dt_strbuf_addf(&now, "%lld %lld", (long long)picks[i].inspector_a,
				       (long long)picks[i].inspector_b);
			differ(rep, "inspectors", i + 1, was.buf, now.buf,
			       "draw_pos %zu (%s %lld): recorded inspectors %lld and %lld, the re-run "
			       "pairs %lld and %lld",
			       i + 1, rk, (long long)ro, (long long)ra, (long long)rb,
			       (long long)picks[i].inspector_a, (long long)picks[i].inspector_b);
			break;
		}
	}
	dt_draw_result_hash(&in, picks, n, h);
	sodium_bin2hex(hexb, sizeof(hexb), h, sizeof(h));
	const char *rh = json_string_value(json_object_get(plan, "result_hash"));
	if (!rh || strcmp(rh, hexb))
		differ(rep, "result_hash", 0, rh, hexb,
		       "result_hash: the re-run gives %s, the plan records %s", hexb,
		       rh ? rh : "none");
	json_object_set_new(rep, "drawn", json_integer((json_int_t)n));
	json_object_set_new(rep, "candidates", json_integer((json_int_t)in.ncand));
	json_object_set_new(rep, "inspectors", json_integer((json_int_t)in.ninsp));
done:
	*report = rep;
	rep = NULL;
out:
	free(picks);
	input_free(&in);
	dt_strbuf_release(&was);
	dt_strbuf_release(&now);
	json_decref(plan);
	json_decref(rows);
	json_decref(rep);
	return rc;
}
