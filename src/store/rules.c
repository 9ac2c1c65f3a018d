/*
 * rules.c - each entity's rules across fields and records, as the store
 * applies them.
 *
 * crud.c has already checked every field on its own.  The rules that need
 * several fields or other records live in src/domain (trainee.c,
 * contract.c, record.c, assessment.c, plan.c), pure and free of SQL; this
 * file fetches the facts they need (the contract of an entry, the hours
 * already recorded on a day, the occupation's levels, a trainee's open
 * contracts), passes them in, and records the problems they find in the
 * store's problems.  It also does what only the store can: the region an
 * object inherits from its owner, a trainee's identity number encrypted,
 * indexed and masked, values derived on write (attempt numbers, defaults).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/utf8.h"
#include "domain/assessment.h"
#include "domain/mentor.h"
#include "domain/natid.h"
#include "domain/period.h"
#include "domain/plan.h"
#include "domain/record.h"
#include "domain/region.h"
#include "domain/trainee.h"
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
		json_object_set_new(row, "parent",
				    json_integer(dt_region_ancestor(code, level - 1)));
}

/* The kind of the first problem that is not a warning, or DT_OK. */
static enum dt_err first_kind(struct dt_store *s)
{
	const struct dt_problem *p = dt_problems_first(&s->problems);
	return p ? dt_problem_kind(p->code) : DT_OK;
}

static enum dt_err trainee_rules(struct dt_store *s, json_t *row, json_t *before,
				 struct dt_blobs *blobs, struct dt_strbuf *err)
{
	size_t n0 = s->problems.n;
	const char *guardian = has_text(row, "guardian_name") ? "x" : NULL;
	if (before) {
		/* The identity number is immutable, and so is what follows from it. */
		static const char *const derived[] = { "birth_date", "gender" };
		for (size_t i = 0; i < DT_ARRAY_SIZE(derived); i++)
			if (!json_equal(json_object_get(row, derived[i]),
					json_object_get(before, derived[i])))
				dt_problem_add(&s->problems, derived[i], "trainee.natid_derived",
					       NULL);
		dt_trainee_age_check(&s->problems, date_of(before, "birth_date"), dt_date_today(),
				     guardian, false);
		dt_store_problems_noted(s, n0, err);
		return first_kind(s);
	}
	const char *id = str(row, "national_id");
	struct dt_natid nid;
	if (!id || dt_natid_parse(id, dt_date_today(), &nid, NULL, NULL) != DT_OK)
		return DT_EINVAL; /* already reported by the field check */
	if (!s->have_keys)
		return dt_store_problem(s, err, "national_id", "trainee.no_key", NULL);
	char birth[DT_DATE_STRLEN], g[2] = { nid.gender, 0 };
	dt_date_format(nid.birth, birth);
	dt_trainee_natid_check(&s->problems, &nid,
			       has(row, "birth_date") ? str(row, "birth_date") : NULL,
			       has(row, "gender") ? str(row, "gender") : NULL);
	json_object_set_new(row, "birth_date", json_string(birth));
	json_object_set_new(row, "gender", json_string(g));
	/* Age on the day of registration. */
	dt_trainee_age_check(&s->problems, nid.birth, dt_date_today(), guardian, true);
	dt_store_problems_noted(s, n0, err);

	unsigned char *blind = malloc(DT_BLIND_LEN), *enc = malloc(DT_NATID_LEN + DT_SEAL_OVERHEAD);
	if (!blind || !enc) {
		free(blind);
		free(enc);
		return dt_error(err, DT_ENOMEM, "out of memory");
	}
	dt_secret_blind(&s->keys, nid.id, DT_NATID_LEN, blind);
	dt_secret_seal(&s->keys, nid.id, DT_NATID_LEN, enc);
	blobs->b[blobs->n++] = (struct dt_blob){ "national_id_blind", blind, DT_BLIND_LEN };
	blobs->b[blobs->n++] =
		(struct dt_blob){ "national_id_enc", enc, DT_NATID_LEN + DT_SEAL_OVERHEAD };
	char masked[DT_NATID_LEN + 1];
	dt_natid_mask(nid.id, masked);
	json_object_set_new(row, "national_id", json_string(masked));

	struct dt_db_stmt *st =
		dt_sql_prepare(s, "SELECT 1 FROM trainee WHERE national_id_blind = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_blob(st, 1, blind, DT_BLIND_LEN);
	if (dt_db_step(st) == DT_DB_ROW) {
		dt_db_reset(st);
		/* No id: the caller may not be entitled to know who it is. */
		return dt_store_problem(s, err, "national_id", "trainee.taken", NULL);
	}
	dt_db_reset(st);
	return first_kind(s);
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
	/* no printf: the bulk path calls this for each field of each row */
	dt_strbuf_addch(sb, first ? '{' : ',');
	dt_strbuf_addch(sb, '"');
	dt_strbuf_adds(sb, key);
	dt_strbuf_add(sb, "\":", 2);
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
	/* the same rules as trainee_rules(): what the row says agrees with the ID; age and guardian */
	if (dt_trainee_natid_check(NULL, &nid, birth, gender) != DT_OK ||
	    dt_trainee_age_check(NULL, nid.birth, today, t->guardian_name, true) != DT_OK)
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

	/*
	 * What dt_crud_get() shows, as canonical JSON (keys sorted, compact),
	 * less what a create's event leaves out (store/audit.c): the id, the
	 * region and the times, which the event's columns say, and the fields
	 * that are null.
	 */
	struct dt_strbuf *sb = &t->after;
	dt_strbuf_reset(sb);
	after_text(sb, "birth_date", t->birth_date, true);
	if (t->email)
		after_text(sb, "email", t->email, false);
	after_text(sb, "gender", t->gender, false);
	if (t->guardian_name)
		after_text(sb, "guardian_name", t->guardian_name, false);
	after_text(sb, "name", t->name, false);
	after_text(sb, "national_id", t->masked, false);
	if (t->phone)
		after_text(sb, "phone", t->phone, false);
	if (t->registered_by) {
		dt_strbuf_adds(sb, ",\"registered_by\":");
		dt_strbuf_addint(sb, t->registered_by, 0);
	}
	dt_strbuf_addch(sb, '}');
	return dt_strbuf_ok(sb) ? DT_OK : DT_ENOMEM;
}

/* The first id of a query with one integer parameter, or 0. */
static int64_t first_id(struct dt_store *s, const char *sql, int64_t a)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, NULL);
	if (!st)
		return 0;
	dt_db_bind_int64(st, 1, a);
	int64_t id = dt_db_step(st) == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
	dt_db_reset(st);
	return id;
}

/*
 * The contract's mentor of kind @kind: the one of register field @idf must
 * be of that kind and of the contract's party @partyf, and its name goes
 * into text field @namef (what old rows and the import have); without an
 * id the name is required.
 */
static void contract_mentor(struct dt_store *s, const struct dt_entity *e, json_t *row,
			    json_t *refs, const char *idf, const char *namef, const char *kind,
			    const char *partyf)
{
	if (!has(row, idf)) {
		if (!has_text(row, namef))
			dt_problem_add(&s->problems, namef, "mentor.name_or_id", NULL);
		return;
	}
	json_t *m = dt_rules_ref(s, e, row, refs, idf);
	if (!m)
		return; /* the field check has said so */
	struct dt_mentor_ref ref = { num(m, "id"), num(m, "organization_id"), str(m, "kind") };
	if (dt_mentor_contract_check(&s->problems, idf, &ref, kind, num(row, partyf)) == DT_OK)
		json_object_set(row, namef, json_object_get(m, "name"));
}

static enum dt_err contract_rules(struct dt_store *s, const struct dt_entity *e, json_t *row,
				  json_t *before, json_t *refs, struct dt_strbuf *err)
{
	size_t n0 = s->problems.n;
	if (before) {
		enum dt_contract_status from, to;
		struct dt_approvals ap = { { false } };
		dt_contract_status_parse(str(before, "status"), &from);
		int rc = dt_contract_apply(from, DT_CEV_EDIT, DT_PARTY_ENTERPRISE, &ap, &to,
					   &s->problems);
		if (rc != DT_OK) {
			dt_store_problems_noted(s, n0, err);
			return rc;
		}
		/* Any edit of a pending contract resets the three approvals. */
		json_object_set_new(row, "approved_enterprise_at", json_null());
		json_object_set_new(row, "approved_school_at", json_null());
		json_object_set_new(row, "approved_trainee_at", json_null());
	} else {
		json_object_set_new(row, "status", json_string("draft"));
		int64_t open =
			first_id(s,
				 "SELECT id FROM contract WHERE trainee_id = ? AND status IN "
				 "('draft', 'pending', 'active')",
				 num(row, "trainee_id"));
		dt_contract_open_check(&s->problems, num(row, "trainee_id"), open);
	}
	json_t *prog = dt_rules_ref(s, e, row, refs, "programme_id");
	if (prog) {
		dt_contract_programme_check(&s->problems, num(row, "programme_id"),
					    num(prog, "school_id"), num(row, "school_id"));
		if (!has(row, "planned_company_hours"))
			json_object_set(row, "planned_company_hours",
					json_object_get(prog, "company_hours"));
		if (!has(row, "planned_school_hours"))
			json_object_set(row, "planned_school_hours",
					json_object_get(prog, "school_hours"));
	}
	contract_mentor(s, e, row, refs, "company_mentor_id", "company_mentor", "company",
			"enterprise_id");
	contract_mentor(s, e, row, refs, "school_mentor_id", "school_mentor", "school",
			"school_id");
	if (!has(row, "probation_months"))
		json_object_set_new(row, "probation_months", json_integer(3));
	if (has(row, "start_date") && has(row, "end_date"))
		dt_contract_term_check(&s->problems, date_of(row, "start_date"),
				       date_of(row, "end_date"));
	dt_store_problems_noted(s, n0, err);
	return first_kind(s);
}

/*
 * The hours of @trainee's entries on @date, but entry @except: the date
 * bound and the hours summed as the columns store them (migration 020:
 * YYYYMMDD, hundredths).
 */
static double day_hours(struct dt_store *s, const struct dt_entity *e, int64_t trainee,
			const char *date, int64_t except)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT coalesce(sum(r.hours), 0) FROM record_entry r WHERE r.date = ?2 AND r.id <> ?3 "
		"AND r.contract_id IN (SELECT id FROM contract WHERE trainee_id = ?1)",
		NULL);
	if (!st || !date)
		return 0; /* no date: nothing on it */
	json_t *d = json_string(date), *sd = dt_crud_stored(dt_entity_field(e, "date"), d);
	dt_db_bind_int64(st, 1, trainee);
	dt_sql_bind_json(st, 2, sd);
	dt_db_bind_int64(st, 3, except);
	json_decref(sd);
	json_decref(d);
	double h = dt_db_step(st) == DT_DB_ROW
			   ? dt_crud_column_real(dt_entity_field(e, "hours"), st, 0)
			   : 0;
	dt_db_reset(st);
	return h;
}

static enum dt_err record_rules(struct dt_store *s, const struct dt_entity *e, json_t *row,
				json_t *before, json_t *refs, struct dt_strbuf *err)
{
	size_t n0 = s->problems.n;
	enum dt_err rc = before ? dt_record_change_check(&s->problems, num(before, "id"),
							 str(before, "signed_at"))
				: DT_OK;
	json_t *c = rc == DT_OK ? dt_rules_ref(s, e, row, refs, "contract_id") : NULL;
	if (c) {
		struct dt_record_in in = { date_of(row, "date"),
					   json_number_value(json_object_get(row, "hours")) };
		struct dt_record_facts f = {
			.contract_id = num(c, "id"),
			.contract_status = str(c, "status"),
			.start = date_of(c, "start_date"),
			.end = date_of(c, "end_date"),
			.day_hours = day_hours(s, e, num(c, "trainee_id"), str(row, "date"),
					       before ? num(before, "id") : 0),
		};
		dt_record_check(&s->problems, &in, &f, dt_date_today());
	} else if (rc == DT_OK) {
		rc = DT_EINVAL;
	}
	dt_store_problems_noted(s, n0, err);
	return rc != DT_OK ? rc : first_kind(s);
}

/* The code and levels of the occupation of contract @c's programme; false if none. */
static bool contract_levels(struct dt_store *s, json_t *c, struct dt_strbuf *code,
			    struct dt_strbuf *levels)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s,
			       "SELECT o.code, o.levels FROM programme p JOIN occupation o "
			       "ON o.id = p.occupation_id WHERE p.id = ?",
			       NULL);
	if (!st || !has(c, "programme_id"))
		return false;
	dt_db_bind_int64(st, 1, num(c, "programme_id"));
	bool found = dt_db_step(st) == DT_DB_ROW && dt_db_column_type(st, 1) == DT_DB_TEXT;
	if (found) {
		dt_strbuf_adds(code, dt_db_column_text(st, 0));
		dt_strbuf_adds(levels, dt_db_column_text(st, 1));
	}
	dt_db_reset(st);
	return found;
}

/*
 * An assessment body's staff record their own body's assessments: the
 * assessor is the body, whatever the input leaves out; another one is refused.
 */
static enum dt_err assessor_own(struct dt_store *s, const struct dt_actor *a, json_t *row,
				struct dt_strbuf *err)
{
	if (!a->scope || !a->scope->assessor_region)
		return DT_OK;
	json_t *v = json_object_get(row, "assessor_id");
	if (v && !json_is_null(v) && json_integer_value(v) != a->scope->org_id)
		return dt_store_problem(s, err, "assessor_id", "assessment.assessor_own", NULL);
	json_object_set_new(row, "assessor_id", json_integer(a->scope->org_id));
	return DT_OK;
}

static enum dt_err assessment_rules(struct dt_store *s, const struct dt_entity *e, json_t *row,
				    json_t *before, json_t *refs, struct dt_strbuf *err)
{
	json_t *c = dt_rules_ref(s, e, row, refs, "contract_id");
	if (!c)
		return DT_EINVAL;
	size_t n0 = s->problems.n;
	struct dt_strbuf code = DT_STRBUF_INIT, levels = DT_STRBUF_INIT;
	bool known = contract_levels(s, c, &code, &levels);
	struct dt_assessment_in in = {
		.kind = str(row, "kind"),
		.date = date_of(row, "date"),
		.has_level = has(row, "level"),
		.level = (int)num(row, "level"),
	};
	struct dt_assessment_facts f = {
		.contract_id = num(c, "id"),
		.contract_status = str(c, "status"),
		.start = date_of(c, "start_date"),
		.occupation = known ? code.buf : NULL,
		.levels = known ? levels.buf : NULL,
	};
	dt_assessment_check(&s->problems, &in, &f, dt_date_today());
	dt_strbuf_release(&code);
	dt_strbuf_release(&levels);
	dt_store_problems_noted(s, n0, err);
	if (!before) {
		struct dt_db_stmt *q = dt_sql_prepare(
			s, "SELECT count(*) FROM assessment WHERE contract_id = ? AND kind = ?",
			err);
		if (!q)
			return DT_EDB;
		dt_db_bind_int64(q, 1, num(row, "contract_id"));
		dt_db_bind_text_copy(q, 2, str(row, "kind"), -1);
		int64_t n = dt_db_step(q) == DT_DB_ROW ? dt_db_column_int64(q, 0) : 0;
		dt_db_reset(q);
		json_object_set_new(row, "attempt", json_integer(n + 1));
	}
	return first_kind(s);
}

static enum dt_err outcome_rules(struct dt_store *s, const struct dt_entity *e, json_t *row,
				 json_t *refs, struct dt_strbuf *err)
{
	json_t *c = dt_rules_ref(s, e, row, refs, "contract_id");
	if (!c)
		return DT_EINVAL;
	size_t n0 = s->problems.n;
	struct dt_outcome_in in = { str(row, "kind"), date_of(row, "date"),
				    num(row, "employer_id") };
	struct dt_outcome_facts f = {
		.contract_id = num(c, "id"),
		.contract_status = str(c, "status"),
		.has_ended = has(c, "ended_on"),
		.ended_on = date_of(c, "ended_on"),
		.enterprise_id = num(c, "enterprise_id"),
	};
	int64_t employer = 0;
	dt_outcome_check(&s->problems, &in, &f, dt_date_today(), &employer);
	if (employer && !in.employer_id)
		json_object_set_new(row, "employer_id", json_integer(employer));
	dt_store_problems_noted(s, n0, err);
	return first_kind(s);
}

static enum dt_err demand_rules(struct dt_store *s, const struct dt_entity *e, json_t *row,
				json_t *refs, struct dt_strbuf *err)
{
	json_t *occ = dt_rules_ref(s, e, row, refs, "occupation_id");
	size_t n0 = s->problems.n;
	if (occ && has(row, "level"))
		dt_occupation_level_check(&s->problems, "level", (int)num(row, "level"),
					  str(occ, "code"), str(occ, "levels"));
	dt_store_problems_noted(s, n0, err);
	return first_kind(s);
}

static enum dt_err pilot_rules(struct dt_store *s, json_t *row, struct dt_strbuf *err)
{
	size_t n0 = s->problems.n;
	struct dt_date a, b;
	bool ha = has(row, "period_start") && dt_period_date(str(row, "period_start"), &a);
	bool hb = has(row, "period_end") && dt_period_date(str(row, "period_end"), &b);
	dt_pilot_check(&s->problems, has(row, "region") ? (int)num(row, "region") : 0,
		       ha ? &a : NULL, hb ? &b : NULL);
	dt_store_problems_noted(s, n0, err);
	return first_kind(s);
}

/* A mentor belongs to an organisation of its kind (an enterprise's or a school's). */
static enum dt_err mentor_rules(struct dt_store *s, const struct dt_entity *e, json_t *row,
				json_t *refs, struct dt_strbuf *err)
{
	json_t *org = dt_rules_ref(s, e, row, refs, "organization_id");
	size_t n0 = s->problems.n;
	if (org)
		dt_mentor_org_check(&s->problems, str(row, "kind"), str(org, "kind"));
	dt_store_problems_noted(s, n0, err);
	return first_kind(s);
}

static enum dt_err organization_rules(struct dt_store *s, json_t *row)
{
	/* A warning only: the write goes on, the caller reads it in dt_store_problems(). */
	if (has(row, "region") && has(row, "uscc"))
		dt_org_region_check(&s->problems, (int)num(row, "region"), str(row, "uscc"));
	return DT_OK;
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
	} else if (!strcmp(n, "contract"))
		rc = contract_rules(s, e, row, before, refs, err);
	else if (!strcmp(n, "record_entry"))
		rc = record_rules(s, e, row, before, refs, err);
	else if (!strcmp(n, "assessment")) {
		rc = assessor_own(s, a, row, err);
		if (rc == DT_OK)
			rc = assessment_rules(s, e, row, before, refs, err);
	} else if (!strcmp(n, "outcome"))
		rc = outcome_rules(s, e, row, refs, err);
	else if (!strcmp(n, "demand"))
		rc = demand_rules(s, e, row, refs, err);
	else if (!strcmp(n, "pilot"))
		rc = pilot_rules(s, row, err);
	else if (!strcmp(n, "mentor")) {
		rc = mentor_rules(s, e, row, refs, err);
		/* renamed: its entries keep the name they were signed with (migration 026) */
		if (rc == DT_OK && before &&
		    !json_equal(json_object_get(row, "name"), json_object_get(before, "name")))
			rc = dt_signoff_freeze_names(s, num(before, "id"), str(before, "name"),
						     err);
	} else if (!strcmp(n, "pilot_task")) {
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
	} else if (!strcmp(n, "target") && a->scope) {
		json_t *r = json_object_get(row, "region");
		size_t n0 = s->problems.n;
		rc = dt_target_scope_check(&s->problems, a->scope->region,
					   a->scope->org_id || a->scope->trainee_id,
					   json_is_integer(r) ? (int)json_integer_value(r) : 0);
		dt_store_problems_noted(s, n0, err);
	} else if (!strcmp(n, "partnership")) {
		if (has(row, "start_date") && has(row, "end_date")) {
			size_t n0 = s->problems.n;
			rc = dt_period_order(&s->problems, "start_date", date_of(row, "start_date"),
					     "end_date", date_of(row, "end_date"), false);
			dt_store_problems_noted(s, n0, err);
		}
	} else if (!strcmp(n, "organization"))
		rc = organization_rules(s, row);
	if (rc != DT_OK)
		return rc;
	if (e->region_from) {
		json_t *owner = dt_rules_ref(s, e, row, refs, e->region_from);
		if (!owner)
			return dt_store_problem(s, err, e->region_from, "ref.missing", "id",
						DT_I(num(row, e->region_from)), "entity",
						dt_entity_field(e, e->region_from)->ref, NULL);
		json_object_set(row, "region", json_object_get(owner, "region"));
	}
	return DT_OK;
}

/* Run an UPDATE with two integer parameters. */
static enum dt_err exec2(struct dt_store *s, const char *sql, int64_t a, int64_t b,
			 struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, a);
	dt_db_bind_int64(st, 2, b);
	int rc = dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, "region", err);
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_rules_region_moved(struct dt_store *s, const struct dt_entity *e, int64_t id,
				  int region, struct dt_strbuf *err)
{
	int rc = DT_OK;
	struct dt_strbuf sql = DT_STRBUF_INIT;
	/* Children: entities whose region_from field refers to @e. */
	for (const struct dt_entity *c = dt_entities; c->name && rc == DT_OK; c++) {
		const struct dt_field *f =
			c->region_from ? dt_entity_field(c, c->region_from) : NULL;
		if (!f || strcmp(f->ref, e->name))
			continue;
		dt_strbuf_reset(&sql);
		dt_strbuf_addf(&sql, "UPDATE %s SET region = ? WHERE %s = ?", c->table, f->name);
		rc = exec2(s, sql.buf, region, id, err);
		/* Grandchildren: entities whose owner is one of those children. */
		for (const struct dt_entity *g = dt_entities; g->name && rc == DT_OK; g++) {
			const struct dt_field *gf =
				g->region_from ? dt_entity_field(g, g->region_from) : NULL;
			if (!gf || strcmp(gf->ref, c->name))
				continue;
			dt_strbuf_reset(&sql);
			dt_strbuf_addf(
				&sql,
				"UPDATE %s SET region = ? WHERE %s IN (SELECT id FROM %s WHERE %s = ?)",
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
	size_t n0 = s->problems.n;
	int rc = DT_OK;
	if (!strcmp(e->name, "contract"))
		rc = dt_contract_delete_check(&s->problems, str(row, "status"));
	else if (!strcmp(e->name, "record_entry"))
		rc = dt_record_change_check(&s->problems, num(row, "id"), str(row, "signed_at"));
	dt_store_problems_noted(s, n0, err);
	return rc;
}
