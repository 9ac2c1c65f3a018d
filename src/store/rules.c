/*
 * rules.c - each entity's rules across fields and records.
 *
 * crud.c has already checked every field on its own; here are the rules that
 * need several fields or other records: the region an object inherits from
 * its owner, a trainee's identity number (encrypted, indexed, masked, and
 * agreeing with the given birth date and gender), contract dates and parties,
 * record-book entries only on active contracts and immutable once signed,
 * assessment attempts, outcomes only after a contract ended.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/utf8.h"
#include "domain/natid.h"
#include "domain/region.h"
#include "store/store_internal.h"
#include "core/banned.h"

static const char *str(json_t *row, const char *k)
{
	return json_string_value(json_object_get(row, k));
}

static int64_t num(json_t *row, const char *k)
{
	return json_integer_value(json_object_get(row, k));
}

static struct dt_date date_of(json_t *row, const char *k)
{
	struct dt_date d = { 0, 0, 0 };
	const char *v = str(row, k);
	if (v)
		dt_date_parse(v, &d, NULL, NULL);
	return d;
}

static bool has(json_t *row, const char *k)
{
	json_t *v = json_object_get(row, k);
	return v && !json_is_null(v);
}

/* Present and, for text, not empty: "" is no guardian. */
static bool has_text(json_t *row, const char *k)
{
	const char *v = str(row, k);
	return has(row, k) && (!v || *v);
}

json_t *dt_rules_ref(struct dt_store *s, const struct dt_entity *e, json_t *row, json_t *refs,
		     const char *field)
{
	json_t *r = json_object_get(refs, field);
	if (r)
		return r;
	if (!has(row, field))
		return NULL;
	const struct dt_field *f = dt_entity_field(e, field);
	const struct dt_entity *te = dt_entity_find(f->ref);
	if (dt_sql_row(s, te->table, num(row, field), &r, NULL) != DT_OK)
		return NULL;
	json_object_set_new(refs, field, r);
	return r;
}

static void region_rules(json_t *row)
{
	int code = (int)num(row, "id");
	int level = dt_region_level(code);
	json_object_set_new(row, "level", json_integer(level));
	json_object_set_new(row, "region", json_integer(code));
	if (!has(row, "parent") && level > 1)
		json_object_set_new(row, "parent", json_integer(dt_region_ancestor(code, level - 1)));
}

/* Age in whole years on @day of someone born on @birth. */
static int age_on(struct dt_date birth, struct dt_date day)
{
	return day.year - birth.year -
	       (day.month < birth.month || (day.month == birth.month && day.day < birth.day));
}

static enum dt_err trainee_rules(struct dt_store *s, json_t *row, json_t *before, struct dt_blobs *blobs,
			 struct dt_strbuf *err)
{
	if (before) {
		/* The identity number is immutable, and so is what follows from it. */
		static const char *const derived[] = { "birth_date", "gender" };
		for (size_t i = 0; i < DT_ARRAY_SIZE(derived); i++)
			if (!json_equal(json_object_get(row, derived[i]), json_object_get(before, derived[i])))
				dt_ferr_add(s, err, derived[i],
					    "follows from the national ID and cannot be changed");
		int age = age_on(date_of(before, "birth_date"), dt_date_today());
		if (age < 18 && !has_text(row, "guardian_name"))
			dt_ferr_add(s, err, "guardian_name", "is required for a trainee under 18 (aged %d)",
				    age);
		return dt_ferr_count(s) ? DT_EINVAL : DT_OK;
	}
	const char *id = str(row, "national_id");
	struct dt_natid nid;
	if (!id || dt_natid_parse(id, dt_date_today(), &nid, NULL, NULL) != DT_OK)
		return DT_EINVAL; /* already reported by the field check */
	if (!s->have_keys)
		return dt_error(err, DT_ECRYPTO, "national_id: no key file: cannot store identity numbers");
	char birth[DT_DATE_STRLEN];
	dt_date_format(nid.birth, birth);
	if (has(row, "birth_date") && strcmp(str(row, "birth_date"), birth))
		dt_ferr_add(s, err, "birth_date", "%s does not match the national ID (born %s)",
			    str(row, "birth_date"), birth);
	char g[2] = { nid.gender, 0 };
	if (has(row, "gender") && strcmp(str(row, "gender"), g))
		dt_ferr_add(s, err, "gender", "%s does not match the national ID (%s)", str(row, "gender"), g);
	json_object_set_new(row, "birth_date", json_string(birth));
	json_object_set_new(row, "gender", json_string(g));

	/* Age on the day of registration: 16 at least, a guardian under 18. */
	int age = age_on(nid.birth, dt_date_today());
	if (age < 16)
		dt_ferr_add(s, err, "national_id", "the trainee is %d: trainees must be at least 16", age);
	else if (age < 18 && !has_text(row, "guardian_name"))
		dt_ferr_add(s, err, "guardian_name", "is required for a trainee under 18 (aged %d)", age);

	unsigned char *blind = malloc(DT_BLIND_LEN), *enc = malloc(DT_NATID_LEN + DT_SEAL_OVERHEAD);
	if (!blind || !enc) {
		free(blind);
		free(enc);
		return dt_error(err, DT_ENOMEM, "out of memory");
	}
	dt_secret_blind(&s->keys, nid.id, DT_NATID_LEN, blind);
	dt_secret_seal(&s->keys, nid.id, DT_NATID_LEN, enc);
	blobs->b[blobs->n++] = (struct dt_blob){ "national_id_blind", blind, DT_BLIND_LEN };
	blobs->b[blobs->n++] = (struct dt_blob){ "national_id_enc", enc, DT_NATID_LEN + DT_SEAL_OVERHEAD };
	char masked[DT_NATID_LEN + 1];
	dt_natid_mask(nid.id, masked);
	json_object_set_new(row, "national_id", json_string(masked));

	sqlite3_stmt *st = dt_sql_prepare(s, "SELECT 1 FROM trainee WHERE national_id_blind = ?", err);
	if (!st)
		return DT_EDB;
	sqlite3_bind_blob(st, 1, blind, DT_BLIND_LEN, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_reset(st);
		/* No id: the caller may not be entitled to know who it is. */
		dt_ferr_add(s, err, "national_id", DT_TRAINEE_TAKEN);
		return DT_ECONFLICT;
	}
	sqlite3_reset(st);
	return dt_ferr_count(s) ? DT_EINVAL : DT_OK;
}

/* A text the bulk path may take as it is: valid UTF-8, no control characters, within @max. */
static bool plain_text(const char *t, const struct dt_field *f)
{
	size_t len = strlen(t);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)t[i] < 0x20)
			return false;
	return dt_utf8_valid(t, len, NULL) && dt_utf8_len(t) <= (size_t)f->max;
}

static void after_text(struct dt_strbuf *sb, const char *key, const char *v, bool first)
{
	dt_strbuf_addf(sb, "%s\"%s\":", first ? "{" : ",", key);
	if (v)
		dt_crud_json_string(sb, v, strlen(v));
	else
		dt_strbuf_adds(sb, "null");
}

enum dt_err dt_trainee_prepare(const struct dt_keys *keys, struct dt_date today, const char *gender,
		       const char *birth, struct dt_trainee_new *t)
{
	const struct dt_entity *e = dt_entity_find("trainee");
	struct dt_natid nid;
	if (!keys || dt_natid_parse(t->national_id, today, &nid, NULL, NULL) != DT_OK)
		return DT_EINVAL;
	dt_date_format(nid.birth, t->birth_date);
	t->gender[0] = nid.gender;
	t->gender[1] = '\0';
	if ((birth && strcmp(birth, t->birth_date)) || (gender && strcmp(gender, t->gender)))
		return DT_EINVAL;
	/* the same age rule as trainee_rules() */
	int age = age_on(nid.birth, today);
	if (age < 16 || (age < 18 && !(t->guardian_name && *t->guardian_name)))
		return DT_EINVAL;
	static const char *const names[] = { "name", "phone", "email", "guardian_name" };
	const char *texts[] = { t->name, t->phone, t->email, t->guardian_name };
	if (!t->name || !*t->name)
		return DT_EINVAL;
	for (size_t i = 0; i < DT_ARRAY_SIZE(names); i++)
		if (texts[i] && !plain_text(texts[i], dt_entity_field(e, names[i])))
			return DT_EINVAL;

	memcpy(t->national_id, nid.id, sizeof(nid.id));
	dt_secret_blind(keys, nid.id, DT_NATID_LEN, t->blind);
	dt_secret_seal(keys, nid.id, DT_NATID_LEN, t->enc);
	dt_natid_mask(nid.id, t->masked);
	dt_time_now(t->created_at);

	/* What dt_crud_get() shows, as canonical JSON: keys sorted, compact. */
	struct dt_strbuf *sb = &t->after;
	dt_strbuf_reset(sb);
	after_text(sb, "birth_date", t->birth_date, true);
	after_text(sb, "created_at", t->created_at, false);
	after_text(sb, "email", t->email, false);
	after_text(sb, "gender", t->gender, false);
	after_text(sb, "guardian_name", t->guardian_name, false);
	dt_strbuf_adds(sb, ",\"id\":");
	t->id_at = sb->len;
	after_text(sb, "name", t->name, false);
	after_text(sb, "national_id", t->masked, false);
	after_text(sb, "phone", t->phone, false);
	dt_strbuf_adds(sb, ",\"region\":\"");
	dt_strbuf_addint(sb, t->region, 6);
	dt_strbuf_adds(sb, "\",\"registered_by\":");
	if (t->registered_by)
		dt_strbuf_addint(sb, t->registered_by, 0);
	else
		dt_strbuf_adds(sb, "null");
	after_text(sb, "updated_at", t->created_at, false);
	dt_strbuf_addch(sb, '}');
	return dt_strbuf_ok(sb) ? DT_OK : DT_ENOMEM;
}

static void date_order(struct dt_store *s, json_t *row, const char *a, const char *b,
		       struct dt_strbuf *err)
{
	if (has(row, a) && has(row, b) && strcmp(str(row, a), str(row, b)) > 0)
		dt_ferr_add(s, err, b, "%s is before %s %s", str(row, b), a, str(row, a));
}

/* Count the rows of a query with one integer parameter. */
static int64_t count1(struct dt_store *s, const char *sql, int64_t a)
{
	sqlite3_stmt *st = dt_sql_prepare(s, sql, NULL);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_reset(st);
	return n;
}

static enum dt_err contract_rules(struct dt_store *s, const struct dt_entity *e, json_t *row,
			  json_t *before, json_t *refs, struct dt_strbuf *err)
{
	if (before) {
		const char *status = str(before, "status");
		enum dt_contract_status from, to;
		struct dt_approvals ap = { { false } };
		struct dt_strbuf why = DT_STRBUF_INIT;
		dt_contract_status_parse(status, &from);
		int rc = dt_contract_apply(from, DT_CEV_EDIT, DT_PARTY_ENTERPRISE, &ap, &to, &why);
		if (rc != DT_OK) {
			dt_error(err, rc, "%s", why.buf);
			dt_strbuf_release(&why);
			return rc;
		}
		dt_strbuf_release(&why);
		/* Any edit of a pending contract resets the three approvals. */
		json_object_set_new(row, "approved_enterprise_at", json_null());
		json_object_set_new(row, "approved_school_at", json_null());
		json_object_set_new(row, "approved_trainee_at", json_null());
	} else {
		json_object_set_new(row, "status", json_string("draft"));
		int64_t open = count1(s, "SELECT count(*) FROM contract WHERE trainee_id = ? AND status IN "
					 "('draft', 'pending', 'active')", num(row, "trainee_id"));
		if (open > 0)
			dt_ferr_add(s, err, "trainee_id",
				    "trainee %lld already has an open contract (draft, pending or active)",
				    (long long)num(row, "trainee_id"));
	}
	json_t *prog = dt_rules_ref(s, e, row, refs, "programme_id");
	if (prog) {
		if (num(prog, "school_id") != num(row, "school_id"))
			dt_ferr_add(s, err, "programme_id", "programme %lld is run by school %lld, not by school %lld",
				    (long long)num(row, "programme_id"), (long long)num(prog, "school_id"),
				    (long long)num(row, "school_id"));
		if (!has(row, "planned_company_hours"))
			json_object_set(row, "planned_company_hours", json_object_get(prog, "company_hours"));
		if (!has(row, "planned_school_hours"))
			json_object_set(row, "planned_school_hours", json_object_get(prog, "school_hours"));
	}
	if (!has(row, "probation_months"))
		json_object_set_new(row, "probation_months", json_integer(3));
	if (has(row, "start_date") && has(row, "end_date") &&
	    strcmp(str(row, "start_date"), str(row, "end_date")) >= 0)
		dt_ferr_add(s, err, "end_date", "%s is not after start_date %s", str(row, "end_date"),
			    str(row, "start_date"));
	return dt_ferr_count(s) ? DT_EINVAL : DT_OK;
}

static enum dt_err record_rules(struct dt_store *s, const struct dt_entity *e, json_t *row, json_t *before,
			json_t *refs, struct dt_strbuf *err)
{
	if (before && has(before, "signed_at"))
		return dt_error(err, DT_ECONFLICT,
				"record-book entry %lld is signed off and cannot be changed",
				(long long)num(before, "id"));
	json_t *c = dt_rules_ref(s, e, row, refs, "contract_id");
	if (!c)
		return DT_EINVAL;
	if (strcmp(str(c, "status"), "active")) {
		dt_ferr_add(s, err, "contract_id", "contract %lld is %s: entries go on active contracts only",
			    (long long)num(c, "id"), str(c, "status"));
		return DT_ECONFLICT;
	}
	struct dt_date d = date_of(row, "date");
	if (dt_date_cmp(d, date_of(c, "start_date")) < 0 || dt_date_cmp(d, date_of(c, "end_date")) > 0)
		dt_ferr_add(s, err, "date", "%s is outside the contract (%s to %s)", str(row, "date"),
			    str(c, "start_date"), str(c, "end_date"));
	else if (dt_date_cmp(d, dt_date_today()) > 0)
		dt_ferr_add(s, err, "date", "%s is in the future", str(row, "date"));
	/* The field's range is 0..24; an entry of no hours is no entry (the table checks > 0). */
	if (has(row, "hours") && json_number_value(json_object_get(row, "hours")) <= 0)
		dt_ferr_add(s, err, "hours", "must be more than 0");
	return dt_ferr_count(s) ? DT_EINVAL : DT_OK;
}

static enum dt_err assessment_rules(struct dt_store *s, const struct dt_entity *e, json_t *row,
			    json_t *before, json_t *refs, struct dt_strbuf *err)
{
	json_t *c = dt_rules_ref(s, e, row, refs, "contract_id");
	if (!c)
		return DT_EINVAL;
	const char *st = str(c, "status");
	if (strcmp(st, "active") && strcmp(st, "completed"))
		dt_ferr_add(s, err, "contract_id", "contract %lld is %s: only active or completed contracts are assessed",
			    (long long)num(c, "id"), st);
	if (!strcmp(str(row, "kind"), "skill_level") && !has(row, "level"))
		dt_ferr_add(s, err, "level", "is required for a skill-level assessment");
	if (dt_date_cmp(date_of(row, "date"), date_of(c, "start_date")) < 0)
		dt_ferr_add(s, err, "date", "%s is before the contract began (%s)", str(row, "date"),
			    str(c, "start_date"));
	else if (dt_date_cmp(date_of(row, "date"), dt_date_today()) > 0)
		dt_ferr_add(s, err, "date", "%s is in the future", str(row, "date"));
	if (!before) {
		sqlite3_stmt *q = dt_sql_prepare(
			s, "SELECT count(*) FROM assessment WHERE contract_id = ? AND kind = ?", err);
		if (!q)
			return DT_EDB;
		sqlite3_bind_int64(q, 1, num(row, "contract_id"));
		sqlite3_bind_text(q, 2, str(row, "kind"), -1, SQLITE_TRANSIENT);
		int64_t n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
		sqlite3_reset(q);
		json_object_set_new(row, "attempt", json_integer(n + 1));
	}
	return dt_ferr_count(s) ? DT_EINVAL : DT_OK;
}

static enum dt_err outcome_rules(struct dt_store *s, const struct dt_entity *e, json_t *row, json_t *refs,
			 struct dt_strbuf *err)
{
	json_t *c = dt_rules_ref(s, e, row, refs, "contract_id");
	if (!c)
		return DT_EINVAL;
	const char *st = str(c, "status");
	if (strcmp(st, "completed") && strcmp(st, "dissolved")) {
		dt_ferr_add(s, err, "contract_id",
			    "contract %lld is %s: outcomes are recorded after completion or dissolution",
			    (long long)num(c, "id"), st);
		return DT_EINVAL;
	}
	if (has(c, "ended_on") && strcmp(str(row, "date"), str(c, "ended_on")) < 0)
		dt_ferr_add(s, err, "date", "%s is before the contract ended (%s)", str(row, "date"),
			    str(c, "ended_on"));
	else if (dt_date_cmp(date_of(row, "date"), dt_date_today()) > 0)
		dt_ferr_add(s, err, "date", "%s is in the future", str(row, "date"));
	if (!strcmp(str(row, "kind"), "retained")) {
		if (!has(row, "employer_id"))
			json_object_set(row, "employer_id", json_object_get(c, "enterprise_id"));
		else if (num(row, "employer_id") != num(c, "enterprise_id"))
			dt_ferr_add(s, err, "employer_id", "retained means employed by the training enterprise %lld",
				    (long long)num(c, "enterprise_id"));
	}
	return dt_ferr_count(s) ? DT_EINVAL : DT_OK;
}

static enum dt_err demand_rules(struct dt_store *s, const struct dt_entity *e, json_t *row, json_t *refs,
			struct dt_strbuf *err)
{
	json_t *occ = dt_rules_ref(s, e, row, refs, "occupation_id");
	if (occ && has(row, "level")) {
		char lv = (char)('0' + num(row, "level"));
		if (!strchr(str(occ, "levels"), lv))
			dt_ferr_add(s, err, "level", "occupation %s has no level %c (it has %s)",
				    str(occ, "code"), lv, str(occ, "levels"));
	}
	return dt_ferr_count(s) ? DT_EINVAL : DT_OK;
}

static enum dt_err pilot_rules(struct dt_store *s, json_t *row, struct dt_strbuf *err)
{
	date_order(s, row, "period_start", "period_end", err);
	if (has(row, "region") && dt_region_level((int)num(row, "region")) == 3)
		dt_ferr_add(s, err, "region", "a pilot is a province or a city, not a county");
	return dt_ferr_count(s) ? DT_EINVAL : DT_OK;
}

enum dt_err dt_rules_apply(struct dt_store *s, const struct dt_actor *a, const struct dt_entity *e,
		   json_t *row, json_t *before, json_t *refs, struct dt_blobs *blobs,
		   struct dt_strbuf *err)
{
	int rc = DT_OK;
	const char *n = e->name;
	if (!strcmp(n, "region"))
		region_rules(row);
	else if (!strcmp(n, "trainee")) {
		rc = trainee_rules(s, row, before, blobs, err);
		/* The organisation that registers a trainee may see it before any contract. */
		if (rc == DT_OK && !before && a->scope && a->scope->org_id)
			json_object_set_new(row, "registered_by", json_integer(a->scope->org_id));
	}
	else if (!strcmp(n, "contract"))
		rc = contract_rules(s, e, row, before, refs, err);
	else if (!strcmp(n, "record_entry"))
		rc = record_rules(s, e, row, before, refs, err);
	else if (!strcmp(n, "assessment"))
		rc = assessment_rules(s, e, row, before, refs, err);
	else if (!strcmp(n, "outcome"))
		rc = outcome_rules(s, e, row, refs, err);
	else if (!strcmp(n, "demand"))
		rc = demand_rules(s, e, row, refs, err);
	else if (!strcmp(n, "pilot"))
		rc = pilot_rules(s, row, err);
	else if (!strcmp(n, "pilot_task")) {
		if (!has(row, "status"))
			json_object_set_new(row, "status", json_string("planned"));
		if (!strcmp(str(row, "status"), "done") && !has(row, "done_on")) {
			char today[DT_DATE_STRLEN];
			dt_date_format(dt_date_today(), today);
			json_object_set_new(row, "done_on", json_string(today));
		} else if (strcmp(str(row, "status"), "done") && has(row, "done_on") && before &&
			   !strcmp(str(before, "status"), "done")) {
			json_object_set_new(row, "done_on", json_null()); /* reopened */
		}
	}
	else if (!strcmp(n, "target") && a->scope) {
		/* National defaults are set nationally; a scoped writer sets its own region's. */
		json_t *r = json_object_get(row, "region");
		if (!json_is_integer(r) || !dt_region_contains(a->scope->region, (int)json_integer_value(r)) ||
		    a->scope->org_id || a->scope->trainee_id) {
			dt_ferr_add(s, err, "region", "targets can be set only for regions within your scope");
			rc = DT_EINVAL;
		}
	}
	else if (!strcmp(n, "partnership")) {
		date_order(s, row, "start_date", "end_date", err);
		rc = dt_ferr_count(s) ? DT_EINVAL : DT_OK;
	}
	if (rc != DT_OK)
		return rc;
	if (e->region_from) {
		json_t *owner = dt_rules_ref(s, e, row, refs, e->region_from);
		if (!owner)
			return dt_error(err, DT_EINVAL, "%s: the owning record is gone", e->region_from);
		json_object_set(row, "region", json_object_get(owner, "region"));
	}
	return DT_OK;
}

/* Run an UPDATE with two integer parameters. */
static enum dt_err exec2(struct dt_store *s, const char *sql, int64_t a, int64_t b, struct dt_strbuf *err)
{
	sqlite3_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return DT_EDB;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	int rc = sqlite3_step(st) == SQLITE_DONE ? DT_OK : dt_sql_error(s, "region", err);
	sqlite3_reset(st);
	return rc;
}

enum dt_err dt_rules_region_moved(struct dt_store *s, const struct dt_entity *e, int64_t id, int region,
			  struct dt_strbuf *err)
{
	int rc = DT_OK;
	struct dt_strbuf sql = DT_STRBUF_INIT;
	/* Children: entities whose region_from field refers to @e. */
	for (const struct dt_entity *c = dt_entities; c->name && rc == DT_OK; c++) {
		const struct dt_field *f = c->region_from ? dt_entity_field(c, c->region_from) : NULL;
		if (!f || strcmp(f->ref, e->name))
			continue;
		dt_strbuf_reset(&sql);
		dt_strbuf_addf(&sql, "UPDATE %s SET region = ? WHERE %s = ?", c->table, f->name);
		rc = exec2(s, sql.buf, region, id, err);
		/* Grandchildren: entities whose owner is one of those children. */
		for (const struct dt_entity *g = dt_entities; g->name && rc == DT_OK; g++) {
			const struct dt_field *gf = g->region_from ? dt_entity_field(g, g->region_from) : NULL;
			if (!gf || strcmp(gf->ref, c->name))
				continue;
			dt_strbuf_reset(&sql);
			dt_strbuf_addf(&sql, "UPDATE %s SET region = ? WHERE %s IN (SELECT id FROM %s WHERE %s = ?)",
				       g->table, gf->name, c->table, f->name);
			rc = exec2(s, sql.buf, region, id, err);
		}
	}
	dt_strbuf_release(&sql);
	return rc;
}

enum dt_err dt_rules_delete(struct dt_store *s, const struct dt_entity *e, json_t *row,
		    struct dt_strbuf *err)
{
	(void)s;
	if (!strcmp(e->name, "contract") && strcmp(str(row, "status"), "draft"))
		return dt_error(err, DT_ECONFLICT,
				"contract %lld is %s: only drafts can be deleted (dissolve it instead)",
				(long long)num(row, "id"), str(row, "status"));
	if (!strcmp(e->name, "record_entry") && has(row, "signed_at"))
		return dt_error(err, DT_ECONFLICT,
				"record-book entry %lld is signed off and cannot be deleted",
				(long long)num(row, "id"));
	return DT_OK;
}
