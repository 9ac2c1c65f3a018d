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

#include "core/num.h"
#include "domain/region.h"
#include "engine/indicators.h"
#include "http/app.h"
#include "core/banned.h"

static void field_problem(struct dt_ctx *c, int status, const char *field, const char *msg)
{
	json_t *e = json_pack("[{s:s, s:s}]", "field", field, "message", msg);
	struct dt_strbuf d = DT_STRBUF_INIT;
	dt_strbuf_addf(&d, "%s: %s", field, msg);
	dt_reply_problem(c, status, d.buf, e);
	dt_strbuf_release(&d);
	json_decref(e);
}

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
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (!strcmp(v, "000000") || !strcmp(v, "0")) {
		*region = 0;
	} else if (dt_region_code_parse(v, region, NULL, NULL) != DT_OK) {
		struct dt_problems ps = DT_PROBLEMS_INIT;
		dt_region_code_parse(v, region, &ps, NULL);
		dt_problems_render(&ps, DT_LANG_EN, &err);
		dt_problems_release(&ps);
		field_problem(c, 422, "region", err.buf);
		dt_strbuf_release(&err);
		return false;
	}
	dt_strbuf_release(&err);
	if (own && !dt_region_contains(own, *region)) {
		dt_reply_problem(c, 404, "no such region in your scope", NULL);
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
	struct dt_strbuf err = DT_STRBUF_INIT;
	bool ok = dt_parse_int64(v, lo, hi, &n, name, &err) == DT_OK;
	if (ok)
		*out = (int)n;
	else
		field_problem(c, 422, name, err.buf + strlen(name) + 2);
	dt_strbuf_release(&err);
	return ok;
}

static bool period_params(struct dt_ctx *c, struct dt_period *p)
{
	if (!int_param(c, "year", 2000, 2100, dt_engine_today() / 10000, &p->year) ||
	    !int_param(c, "quarter", 1, 4, 0, &p->quarter) || !int_param(c, "month", 1, 12, 0, &p->month))
		return false;
	if (p->quarter && p->month) {
		field_problem(c, 422, "month", "give a quarter or a month, not both");
		return false;
	}
	return true;
}

static void reply_engine(struct dt_ctx *c, int rc, json_t *out)
{
	if (rc == DT_OK)
		dt_reply_json(c, 200, out);
	else if (rc == DT_EINVAL) {
		/* The engine's messages start with the parameter's name. */
		const char *colon = strchr(c->err.buf, ':');
		char field[32];
		size_t n = colon && colon - c->err.buf < 31 ? (size_t)(colon - c->err.buf) : 0;
		memcpy(field, c->err.buf, n);
		field[n] = '\0';
		json_t *e = json_pack("[{s:s, s:s}]", "field", n ? field : "query", "message",
				      n ? colon + 2 : c->err.buf);
		dt_reply_problem(c, 422, c->err.buf, e);
		json_decref(e);
	} else {
		dt_reply_store_error(c, rc);
	}
}

void dt_h_indicators(struct dt_ctx *c)
{
	struct dt_ind_query q = { 0 };
	if (!region_param(c, &q.region) || !period_params(c, &q.period))
		return;
	q.occupation = dt_query(c, "occupation");
	const char *kids = dt_query(c, "children");
	q.children = !kids || strcmp(kids, "0"); /* on unless children=0 */
	json_t *out = NULL;
	int rc = dt_engine_indicators(c->store, &q, &out, &c->err);
	reply_engine(c, rc, out);
}

void dt_h_indicator_series(struct dt_ctx *c)
{
	int region, year;
	if (!region_param(c, &region) ||
	    !int_param(c, "year", 2000, 2100, dt_engine_today() / 10000, &year))
		return;
	json_t *out = NULL;
	int rc = dt_engine_series(c->store, region, year, &out, &c->err);
	reply_engine(c, rc, out);
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
		field_problem(c, 422, "level", "expected city or province");
		return;
	}
	json_t *out = NULL;
	int rc = dt_engine_ranking(c->store, level, region, year, 0, &out, &c->err);
	reply_engine(c, rc, out);
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
	json_object_foreach(eff, k, v)
		json_array_append(items, v);
	json_decref(eff);
	char code[16];
	snprintf(code, sizeof(code), "%06d", region);
	dt_reply_json(c, 200, json_pack("{s:s, s:i, s:o}", "region", code, "year", year, "items", items));
}

void dt_h_targets_put(struct dt_ctx *c)
{
	json_t *b = c->body;
	json_t *jr = json_object_get(b, "region"), *jy = json_object_get(b, "year");
	const struct dt_scope *sc = dt_ctx_scope(c);
	int region = 0;
	if (json_is_string(jr)) {
		struct dt_strbuf err = DT_STRBUF_INIT;
		struct dt_problems ps = DT_PROBLEMS_INIT;
		if (dt_region_code_parse(json_string_value(jr), &region, &ps, NULL) != DT_OK) {
			dt_problems_render(&ps, DT_LANG_EN, &err);
			dt_problems_release(&ps);
			field_problem(c, 422, "region", err.buf);
			dt_strbuf_release(&err);
			return;
		}
		dt_strbuf_release(&err);
	} else if (jr && !json_is_null(jr)) {
		field_problem(c, 422, "region", "expected a region code such as \"210100\", or null for the national defaults");
		return;
	}
	if (!json_is_integer(jy) || json_integer_value(jy) < 2000 || json_integer_value(jy) > 2100) {
		field_problem(c, 422, "year", "expected a year 2000..2100");
		return;
	}
	if (sc && (sc->org_id || sc->trainee_id || !region || !dt_region_contains(sc->region, region))) {
		dt_reply_problem(c, 403, "targets can be set only for regions within your scope", NULL);
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
		dt_reply_problem(c, 404, "no such alert action (ack, resolve)", NULL);
		return;
	}
	json_t *args = NULL;
	if (!dt_ctx_optional_body(c, &args))
		return;
	json_t *note = json_object_get(args, "note");
	if (note && !json_is_string(note)) {
		json_decref(args);
		field_problem(c, 422, "note", "expected a string");
		return;
	}
	json_t *out = NULL;
	int rc = dt_store_alert_act(c->store, &c->actor, dt_ctx_scope(c), id, action,
				    note ? json_string_value(note) : NULL, &out, &c->err);
	json_decref(args);
	if (rc != DT_OK)
		dt_reply_store_error(c, rc);
	else
		dt_reply_json(c, 200, out);
}
