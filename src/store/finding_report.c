/*
 * finding_report.c - the findings a caller sees, whole and with names, for
 * a report (the XLSX export of the findings board, issue 14).
 *
 * dt_store_finding_list() gives ids, as an API does; a report read by
 * people gives names: the plan's title, the inspected object, the
 * responsible organisation, the region and the two inspectors.  This file
 * pages through that list (so scope and filters are exactly the list's)
 * and looks each name up once.  A trainee's name never appears: a contract
 * is named by its number only, as personal data stays out of reports; the
 * inspected organisation's own report leaves out the inspectors' accounts.
 */
#include <stdio.h>
#include <string.h>

#include "store/store_internal.h"
#include "core/banned.h"

/* Name lookups, each by one integer id; a cache per kind. */
enum name_kind { N_ORG, N_REGION, N_PLAN, N_ACCOUNT, N_TASK, N_KINDS };

static const char *const name_sql[N_KINDS] = {
	[N_ORG] = "SELECT name, name_en FROM organization WHERE id = ?",
	[N_REGION] = "SELECT name_zh, name_en FROM region WHERE id = ?",
	[N_PLAN] = "SELECT title, NULL FROM inspection_plan WHERE id = ?",
	[N_ACCOUNT] = "SELECT login, NULL FROM account WHERE id = ?",
	[N_TASK] = "SELECT title, NULL FROM pilot_task WHERE id = ?",
};

/*
 * The name of record @id of kind @k as a borrowed string (NULL when the id
 * is NULL or the record is gone), @en: the English name where there is one.
 * Answers are kept in @cache (an object per kind, keyed "id/lang").
 */
static enum dt_err name_of(struct dt_store *s, json_t *cache, enum name_kind k, json_t *idv,
			   bool en, const char **out, struct dt_strbuf *err)
{
	*out = NULL;
	if (!json_is_integer(idv) && !json_is_string(idv))
		return DT_OK;
	long long id = json_is_integer(idv) ? (long long)json_integer_value(idv) : 0;
	if (json_is_string(idv) && sscanf(json_string_value(idv), "%lld", &id) != 1)
		return DT_OK;
	char key[48];
	snprintf(key, sizeof(key), "%d/%lld/%d", (int)k, id, en ? 1 : 0);
	json_t *hit = json_object_get(cache, key);
	if (hit) {
		*out = json_string_value(hit);
		return DT_OK;
	}
	struct dt_db_stmt *st = dt_sql_prepare(s, name_sql[k], err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st), rc = DT_OK;
	json_t *v = json_null();
	if (r == DT_DB_ROW) {
		const char *zh = dt_db_column_text(st, 0), *e = dt_db_column_text(st, 1);
		const char *pick = en && e && *e ? e : zh;
		if (pick)
			v = json_string(pick);
	} else if (r != DT_DB_DONE) {
		rc = dt_sql_error(s, "name", err);
	}
	dt_db_reset(st);
	json_object_set_new(cache, key, v);
	*out = json_string_value(v);
	return rc;
}

/* Set @field of @o to @text (null when NULL). */
static void set_text(json_t *o, const char *field, const char *text)
{
	json_object_set_new(o, field, text ? json_string(text) : json_null());
}

/* Set "check_text" of finding @o: its checklist item's wording in its plan, or null. */
static enum dt_err check_text(struct dt_store *s, json_t *cache, json_t *o, bool en,
			      struct dt_strbuf *err)
{
	const char *code = json_string_value(json_object_get(o, "check_code"));
	json_int_t plan = json_integer_value(json_object_get(o, "plan_id"));
	if (!code) {
		set_text(o, "check_text", NULL);
		return DT_OK;
	}
	struct dt_strbuf key = DT_STRBUF_INIT;
	dt_strbuf_addf(&key, "check/%lld/%d/%s", (long long)plan, en ? 1 : 0, code);
	json_t *hit = json_object_get(cache, key.buf);
	int rc = DT_OK;
	if (!hit) {
		struct dt_db_stmt *st = dt_sql_prepare(
			s, "SELECT text_zh, text_en FROM plan_check WHERE plan_id = ? AND code = ?",
			err);
		if (!st) {
			rc = DT_EDB;
			goto out;
		}
		dt_db_bind_int64(st, 1, plan);
		dt_db_bind_text(st, 2, code, -1);
		int r = dt_db_step(st);
		hit = json_null();
		if (r == DT_DB_ROW) {
			const char *zh = dt_db_column_text(st, 0), *e = dt_db_column_text(st, 1);
			const char *pick = en && e && *e ? e : zh;
			if (pick)
				hit = json_string(pick);
		} else if (r != DT_DB_DONE) {
			rc = dt_sql_error(s, "plan_check", err);
		}
		dt_db_reset(st);
		json_object_set_new(cache, key.buf, hit);
	}
	json_object_set(o, "check_text", hit);
out:
	dt_strbuf_release(&key);
	return rc;
}

/*
 * Set "inspector_a_login" and "inspector_b_login" of finding @o from its
 * inspection, unless @hide (the inspected organisation's own report: the
 * inspectors' accounts are the authorities', not its).
 */
static enum dt_err inspectors(struct dt_store *s, json_t *cache, json_t *o, bool hide,
			      struct dt_strbuf *err)
{
	json_t *a = NULL, *b = NULL;
	int rc = DT_OK;
	if (!hide) {
		struct dt_db_stmt *st = dt_sql_prepare(
			s, "SELECT inspector_a, inspector_b FROM inspection WHERE id = ?", err);
		if (!st)
			return DT_EDB;
		dt_db_bind_int64(st, 1, json_integer_value(json_object_get(o, "inspection_id")));
		int r = dt_db_step(st);
		if (r == DT_DB_ROW) {
			if (dt_db_column_type(st, 0) != DT_DB_NULL)
				a = json_integer(dt_db_column_int64(st, 0));
			if (dt_db_column_type(st, 1) != DT_DB_NULL)
				b = json_integer(dt_db_column_int64(st, 1));
		} else if (r != DT_DB_DONE) {
			rc = dt_sql_error(s, "inspection", err);
		}
		dt_db_reset(st);
	}
	const char *n = NULL;
	if (rc == DT_OK)
		rc = name_of(s, cache, N_ACCOUNT, a, false, &n, err);
	set_text(o, "inspector_a_login", n);
	n = NULL;
	if (rc == DT_OK)
		rc = name_of(s, cache, N_ACCOUNT, b, false, &n, err);
	set_text(o, "inspector_b_login", n);
	json_decref(a);
	json_decref(b);
	return rc;
}

/* Add the names of finding @o; @org_view: the caller is a school or enterprise. */
static enum dt_err add_names(struct dt_store *s, json_t *cache, json_t *o, bool en, bool org_view,
			     struct dt_strbuf *err)
{
	static const struct {
		const char *field, *id;
		enum name_kind kind;
	} names[] = {
		{ "plan_title", "plan_id", N_PLAN },
		{ "org_name", "org_id", N_ORG },
		{ "region_name", "region", N_REGION },
	};
	int rc = DT_OK;
	const char *n;
	for (size_t i = 0; i < DT_ARRAY_SIZE(names) && rc == DT_OK; i++) {
		rc = name_of(s, cache, names[i].kind, json_object_get(o, names[i].id), en, &n, err);
		set_text(o, names[i].field, n);
	}
	const char *kind = json_string_value(json_object_get(o, "object_kind"));
	json_t *obj = json_object_get(o, "object_id");
	n = NULL;
	if (rc == DT_OK && kind && (!strcmp(kind, "enterprise") || !strcmp(kind, "school")))
		rc = name_of(s, cache, N_ORG, obj, en, &n, err);
	else if (rc == DT_OK && kind && !strcmp(kind, "pilot_task"))
		rc = name_of(s, cache, N_TASK, obj, en, &n, err);
	/* a contract: its number only (the trainee's name is personal data) */
	set_text(o, "object_name", n);
	if (rc == DT_OK)
		rc = check_text(s, cache, o, en, err);
	if (rc == DT_OK)
		rc = inspectors(s, cache, o, org_view, err);
	return rc;
}

enum dt_err dt_store_finding_report(struct dt_store *s, const struct dt_account *who,
				    const struct dt_finding_filter *flt, bool en, json_t **items,
				    struct dt_strbuf *err)
{
	struct dt_finding_filter f = { 0 };
	if (flt)
		f = *flt;
	f.after = 0;
	f.limit = 1000;
	json_t *all = json_array(), *cache = json_object();
	int rc = DT_OK;
	const bool org_view =
		who && (!strcmp(who->role, "school") || !strcmp(who->role, "enterprise"));
	*items = NULL;
	for (;;) {
		json_t *page = NULL;
		rc = dt_store_finding_list(s, who, &f, &page, err);
		if (rc != DT_OK)
			goto out;
		size_t n = json_array_size(page), i;
		json_t *o;
		json_array_foreach(page, i, o)
		{
			if (rc == DT_OK)
				rc = add_names(s, cache, o, en, org_view, err);
		}
		if (n)
			f.after = json_integer_value(
				json_object_get(json_array_get(page, n - 1), "id"));
		json_array_extend(all, page);
		json_decref(page);
		if (rc != DT_OK)
			goto out;
		if (n < (size_t)f.limit)
			break;
		if (json_array_size(all) >= DT_FINDING_REPORT_MAX) {
			rc = dt_store_problem(s, err, NULL, "finding.report_too_many", "max",
					      DT_I(DT_FINDING_REPORT_MAX), NULL);
			goto out;
		}
	}
	*items = all;
	all = NULL;
out:
	json_decref(all);
	json_decref(cache);
	return rc;
}
