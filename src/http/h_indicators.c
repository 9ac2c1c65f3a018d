/*
 * h_indicators.c - monitoring over HTTP: indicators, monthly series,
 * rankings, targets and alert actions.
 *
 * Every answer stays within the caller's scope: a region outside it is 404,
 * as if it did not exist; without a region the caller's own scope region (or
 * the nation for national callers) is meant.  The values come from the
 * maintained aggregates through the engine, never from the facts.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "domain/arg.h"
#include "domain/region.h"
#include "engine/indicators.h"
#include "http/app.h"
#include "io/dashboard_xlsx.h"
#include "io/export.h"
#include "core/log.h"
#include "core/banned.h"

/*
 * The region of the request: ?region= (a code, within the caller's scope),
 * else the caller's scope region, else the nation (0).  False after a reply.
 */
static bool region_param(struct dt_ctx *c, int *region)
{
	const struct dt_scope *sc = dt_ctx_scope(c);
	int own = sc ? sc->region : 0;
	const char *v = dt_query(c, "region");
	if (!v || !*v) {
		*region = own;
		return true;
	}
	struct dt_problems ps = DT_PROBLEMS_INIT;
	if (!strcmp(v, "000000") || !strcmp(v, "0")) {
		*region = 0;
	} else if (dt_region_code_parse(v, region, &ps, "region") != DT_OK) {
		dt_reply_problems(c, 422, &ps);
		dt_problems_release(&ps);
		return false;
	}
	if (own && !dt_region_contains(own, *region)) {
		dt_reply_code(c, 404, "region", "http.region_scope", NULL);
		return false;
	}
	return true;
}

/* An integer query parameter in [lo, hi], or @def when absent.  False after a reply. */
static bool int_param(struct dt_ctx *c, const char *name, int lo, int hi, int def, int *out)
{
	const char *v = dt_query(c, name);
	*out = def;
	if (!v || !*v)
		return true;
	int64_t n;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	bool ok = dt_arg_int64(&ps, name, v, lo, hi, &n) == DT_OK;
	if (ok)
		*out = (int)n;
	else
		dt_reply_problems(c, 422, &ps);
	dt_problems_release(&ps);
	return ok;
}

static bool period_params(struct dt_ctx *c, struct dt_period *p)
{
	if (!int_param(c, "year", 2000, 2100, dt_engine_today() / 10000, &p->year) ||
	    !int_param(c, "quarter", 1, 4, 0, &p->quarter) ||
	    !int_param(c, "month", 1, 12, 0, &p->month))
		return false;
	if (p->quarter && p->month) {
		dt_reply_code(c, 422, "month", "http.quarter_or_month", NULL);
		return false;
	}
	return true;
}

/* Reply for an engine call that returned @rc, with the problems it recorded in @ps. */
static void reply_engine(struct dt_ctx *c, int rc, json_t *out, const struct dt_problems *ps)
{
	if (rc == DT_OK)
		dt_reply_json(c, 200, out);
	else if (rc == DT_EINVAL && dt_problems_errors(ps))
		dt_reply_problems(c, 422, ps);
	else
		dt_reply_store_error(c, rc);
}

void dt_h_indicators(struct dt_ctx *c)
{
	struct dt_ind_query q = { 0 };
	if (!region_param(c, &q.region) || !period_params(c, &q.period))
		return;
	q.occupation = dt_query(c, "occupation");
	const char *kids = dt_query(c, "children");
	q.children = !kids || strcmp(kids, "0"); /* on unless children=0 */
	struct dt_problems ps = DT_PROBLEMS_INIT;
	q.problems = &ps;
	json_t *out = NULL;
	int rc = dt_engine_indicators(c->store, &q, &out, &c->err);
	reply_engine(c, rc, out, &ps);
	dt_problems_release(&ps);
}

/*
 * The dashboard view as an XLSX workbook: the same parameters as
 * GET /api/v1/indicators, plus ?indicator= (the charted one) and ?lang=;
 * the same scope (a region outside it is 404).
 */
void dt_h_indicators_xlsx(struct dt_ctx *c)
{
	struct dt_ind_query q = { .children = true };
	enum dt_lang lang;
	if (!region_param(c, &q.region) || !period_params(c, &q.period) ||
	    !dt_ctx_file_lang(c, &lang))
		return;
	q.occupation = dt_query(c, "occupation");
	const char *pick = dt_query(c, "indicator");
	if (pick && *pick && !dt_indicator_find(pick)) {
		dt_reply_code(c, 422, "indicator", "http.indicator", "value", pick, NULL);
		return;
	}
	struct dt_problems ps = DT_PROBLEMS_INIT;
	q.problems = &ps;
	json_t *ind = NULL, *ser = NULL, *rank = NULL;
	char path[512] = "";
	int rc = dt_engine_indicators(c->store, &q, &ind, &c->err);
	if (rc == DT_OK)
		rc = dt_engine_series(c->store, q.region, q.period.year, &ser, &c->err);
	if (rc == DT_OK)
		rc = dt_engine_ranking(c->store, 2, q.region, q.period.year, 0, &rank, &c->err);
	if (rc != DT_OK) {
		reply_engine(c, rc, NULL, &ps);
		goto out;
	}
	if (dt_h_temp_file(path, sizeof(path), ".xlsx") != 0) {
		path[0] = '\0';
		rc = dt_error(&c->err, DT_EIO, "no temporary file for the workbook");
	} else {
		struct dt_dashboard_xlsx d = { ind,
					       ser,
					       rank,
					       pick && *pick ? pick : NULL,
					       dt_engine_today(),
					       lang == DT_LANG_EN };
		rc = dt_dashboard_xlsx(&d, path, &c->err);
	}
	if (rc != DT_OK) {
		if (*path)
			unlink(path);
		dt_log_error("request %s: %s", c->req->request_id, c->err.buf);
		dt_reply_code(c, 500, NULL, "http.internal", "request_id", c->req->request_id,
			      NULL);
		goto out;
	}
	char name[64];
	snprintf(name, sizeof(name), "dashboard-%06d-%d.xlsx", q.region, q.period.year);
	dt_h_send_file(c, path, DT_EXPORT_XLSX, name);
out:
	dt_problems_release(&ps);
	json_decref(ind);
	json_decref(ser);
	json_decref(rank);
}

void dt_h_indicator_series(struct dt_ctx *c)
{
	int region, year;
	if (!region_param(c, &region) ||
	    !int_param(c, "year", 2000, 2100, dt_engine_today() / 10000, &year))
		return;
	json_t *out = NULL;
	int rc = dt_engine_series(c->store, region, year, &out, &c->err);
	reply_engine(c, rc, out, NULL);
}

void dt_h_rankings(struct dt_ctx *c)
{
	int region, year;
	if (!region_param(c, &region) ||
	    !int_param(c, "year", 2000, 2100, dt_engine_today() / 10000, &year))
		return;
	const char *lv = dt_query(c, "level");
	int level = 2;
	if (lv && !strcmp(lv, "province"))
		level = 1;
	else if (lv && strcmp(lv, "city")) {
		dt_reply_code(c, 422, "level", "http.one_of", "values", "city|province", NULL);
		return;
	}
	json_t *out = NULL;
	int rc = dt_engine_ranking(c->store, level, region, year, 0, &out, &c->err);
	reply_engine(c, rc, out, NULL);
}

void dt_h_targets_get(struct dt_ctx *c)
{
	int region, year;
	if (!region_param(c, &region) ||
	    !int_param(c, "year", 2000, 2100, dt_engine_today() / 10000, &year))
		return;
	json_t *eff = NULL;
	int rc = dt_store_targets_effective(c->store, region, year, &eff, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	json_t *items = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(eff, k, v) json_array_append(items, v);
	json_decref(eff);
	char code[16];
	snprintf(code, sizeof(code), "%06d", region);
	dt_reply_json(c, 200,
		      json_pack("{s:s, s:i, s:o}", "region", code, "year", year, "items", items));
}

void dt_h_targets_put(struct dt_ctx *c)
{
	json_t *b = c->body;
	json_t *jr = json_object_get(b, "region"), *jy = json_object_get(b, "year");
	const struct dt_scope *sc = dt_ctx_scope(c);
	int region = 0;
	if (json_is_string(jr)) {
		struct dt_problems ps = DT_PROBLEMS_INIT;
		if (dt_region_code_parse(json_string_value(jr), &region, &ps, "region") != DT_OK) {
			dt_reply_problems(c, 422, &ps);
			dt_problems_release(&ps);
			return;
		}
	} else if (jr && !json_is_null(jr)) {
		dt_reply_code(c, 422, "region", "type.string", NULL);
		return;
	}
	if (!json_is_integer(jy)) {
		dt_reply_code(c, 422, "year", "type.integer", NULL);
		return;
	}
	if (json_integer_value(jy) < 2000 || json_integer_value(jy) > 2100) {
		dt_reply_code(c, 422, "year", "number.range", "value", DT_I(json_integer_value(jy)),
			      "min", "2000", "max", "2100", NULL);
		return;
	}
	if (sc &&
	    (sc->org_id || sc->trainee_id || !region || !dt_region_contains(sc->region, region))) {
		dt_reply_code(c, 403, "region", "http.targets_scope", NULL);
		return;
	}
	json_t *saved = NULL;
	int rc = dt_store_targets_set(c->store, &c->actor, region, (int)json_integer_value(jy),
				      json_object_get(b, "targets"), &saved, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, json_pack("{s:o}", "items", saved));
}

void dt_h_alert_action(struct dt_ctx *c)
{
	int64_t id;
	if (!dt_ctx_id(c, "id", &id))
		return;
	const char *action = dt_param(c, "action");
	if (strcmp(action, "ack") && strcmp(action, "resolve")) {
		dt_reply_code(c, 404, "action", "http.alert_action", NULL);
		return;
	}
	json_t *args = NULL;
	if (!dt_ctx_optional_body(c, &args))
		return;
	json_t *note = json_object_get(args, "note");
	if (note && !json_is_string(note)) {
		json_decref(args);
		dt_reply_code(c, 422, "note", "type.string", NULL);
		return;
	}
	json_t *out = NULL;
	int rc = dt_store_alert_act(c->store, &c->actor, dt_ctx_scope(c), id, action,
				    note ? json_string_value(note) : NULL, &out, &c->err);
	json_decref(args);
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		dt_reply_written(c, 200, out);
}

void dt_h_supervision_indicators(struct dt_ctx *c)
{
	int region, year;
	if (!region_param(c, &region) ||
	    !int_param(c, "year", 2000, 2100, dt_engine_today() / 10000, &year))
		return;
	char today[DT_DATE_STRLEN];
	dt_date_format(dt_date_today(), today);
	json_t *out = NULL;
	int rc = dt_store_supervision_indicators(c->store, region, year, today, &out, &c->err);
	if (rc != DT_OK) {
		dt_reply_store_error(c, rc);
		return;
	}
	dt_reply_json(c, 200, out);
}
