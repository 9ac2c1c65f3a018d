/*
 * contract.c - contract actions and record-book sign-off in the store.
 *
 * The state machine and the rules of ending a contract are
 * domain/contract.c; this file loads the contract and the facts the rules
 * need (another active contract of the trainee, a passed final assessment),
 * asks them whether the event is allowed, writes the new state with its
 * timestamps (and, for a transfer, the linked successor), and appends the
 * audit event, all in one transaction.  Refusals are problems in the
 * store's problems (dt_store_problems()).
 */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "domain/field.h"
#include "domain/natid.h"
#include "domain/period.h"
#include "domain/record.h"
#include "store/store_internal.h"
#include "core/banned.h"

static const char *const approval_col[DT_PARTY_N] = {
	[DT_PARTY_ENTERPRISE] = "approved_enterprise_at",
	[DT_PARTY_SCHOOL] = "approved_school_at",
	[DT_PARTY_TRAINEE] = "approved_trainee_at",
};

static bool present(json_t *row, const char *k)
{
	json_t *v = json_object_get(row, k);
	return v && !json_is_null(v);
}

/* UPDATE contract SET <cols of @set> WHERE id = @id. */
static enum dt_err set_columns(struct dt_store *s, int64_t id, json_t *set, struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	const char *key;
	json_t *v;
	int n = 0;
	dt_strbuf_adds(&sql, "UPDATE contract SET ");
	json_object_foreach(set, key, v) dt_strbuf_addf(&sql, "%s%s = ?", n++ ? ", " : "", key);
	dt_strbuf_adds(&sql, " WHERE id = ?");
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	dt_strbuf_release(&sql);
	if (!st)
		return DT_EDB;
	n = 1;
	json_object_foreach(set, key, v) dt_sql_bind_json(st, n++, v);
	dt_db_bind_int64(st, n, id);
	int rc = dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, "contract", err);
	dt_db_reset(st);
	return rc;
}

/* Does contract @id have a passed final assessment? */
static bool final_passed(struct dt_store *s, int64_t id)
{
	struct dt_db_stmt *st = dt_sql_prepare(s,
					       "SELECT 1 FROM assessment WHERE contract_id = ? AND "
					       "kind = 'final' AND result = 'pass'",
					       NULL);
	if (!st)
		return false;
	dt_db_bind_int64(st, 1, id);
	bool yes = dt_db_step(st) == DT_DB_ROW;
	dt_db_reset(st);
	return yes;
}

/* The contract @raw as the domain rules of ending see it. */
static struct dt_contract_facts facts_of(struct dt_store *s, json_t *raw)
{
	struct dt_contract_facts c = { .final_passed = false };
	dt_period_date(json_string_value(json_object_get(raw, "start_date")), &c.start);
	dt_period_date(json_string_value(json_object_get(raw, "end_date")), &c.end);
	c.probation_months = (int)json_integer_value(json_object_get(raw, "probation_months"));
	c.final_passed = final_passed(s, json_integer_value(json_object_get(raw, "id")));
	return c;
}

/* The date argument of ending event @ev: given (checked) or today, by the domain's rules. */
static enum dt_err end_date(struct dt_store *s, json_t *args, const struct dt_contract_facts *c,
			    enum dt_contract_event ev, char out[DT_DATE_STRLEN],
			    struct dt_strbuf *err)
{
	struct dt_date d = dt_date_today();
	json_t *v = json_object_get(args, "date");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v))
			return dt_store_problem(s, err, "date", "type.date", NULL);
		if (!dt_period_date(json_string_value(v), &d))
			return dt_store_problem(s, err, "date", "date.invalid", "value",
						json_string_value(v), NULL);
	}
	dt_date_format(d, out);
	size_t n0 = s->problems.n;
	enum dt_err rc = dt_contract_end_check(&s->problems, ev, d, c, dt_date_today());
	dt_store_problems_noted(s, n0, err);
	return rc;
}

/* Create the successor of a transferred contract (draft, linked). */
static enum dt_err make_successor(struct dt_store *s, const struct dt_actor *a, json_t *raw,
				  json_t *args, const char *date, json_t **succ,
				  struct dt_strbuf *err)
{
	static const char *const carry[] = { "enterprise_id",  "school_id",     "programme_id",
					     "company_mentor", "school_mentor", "stipend_monthly" };
	json_t *in = json_object();
	for (size_t i = 0; i < DT_ARRAY_SIZE(carry); i++) {
		json_t *v = json_object_get(args, carry[i]);
		json_object_set(in, carry[i],
				v && !json_is_null(v) ? v : json_object_get(raw, carry[i]));
	}
	/*
	 * The mentors from the register: as given, else the predecessor's
	 * while the party stays and no other name is given (a mentor of the
	 * old party cannot be the new one's).
	 */
	static const char *const mentor[][3] = {
		{ "company_mentor_id", "company_mentor", "enterprise_id" },
		{ "school_mentor_id", "school_mentor", "school_id" },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(mentor); i++) {
		json_t *v = json_object_get(args, mentor[i][0]);
		json_t *name = json_object_get(args, mentor[i][1]);
		bool same = json_equal(json_object_get(in, mentor[i][2]),
				       json_object_get(raw, mentor[i][2]));
		if (v && !json_is_null(v))
			json_object_set(in, mentor[i][0], v);
		else if (same && (!name || json_is_null(name)) &&
			 !json_is_null(json_object_get(raw, mentor[i][0])))
			json_object_set(in, mentor[i][0], json_object_get(raw, mentor[i][0]));
	}
	size_t n0 = s->problems.n;
	int rc = dt_contract_transfer_check(
		&s->problems,
		!json_equal(json_object_get(in, "enterprise_id"),
			    json_object_get(raw, "enterprise_id")),
		!json_equal(json_object_get(in, "school_id"), json_object_get(raw, "school_id")));
	dt_store_problems_noted(s, n0, err);
	if (rc != DT_OK)
		goto out;
	json_object_set(in, "trainee_id", json_object_get(raw, "trainee_id"));
	json_object_set_new(in, "start_date", json_string(date));
	json_object_set(in, "end_date", json_object_get(raw, "end_date"));
	json_object_set_new(in, "probation_months", json_integer(0));
	rc = dt_store_create(s, a, "contract", in, succ, err);
	if (rc == DT_OK) {
		json_t *link =
			json_pack("{s:I}", "predecessor_id",
				  (json_int_t)json_integer_value(json_object_get(raw, "id")));
		int64_t sid = json_integer_value(json_object_get(*succ, "id"));
		json_t *linked = NULL;
		rc = set_columns(s, sid, link, err);
		json_decref(link);
		/* The link is a write of its own: the successor's events end with what it holds. */
		if (rc == DT_OK)
			rc = dt_crud_get(s, dt_entity_find("contract"), NULL, sid, 0, &linked, err);
		if (rc == DT_OK)
			rc = dt_audit_append(s, a, "contract.link", "contract", sid, *succ, linked,
					     err);
		if (rc == DT_OK) {
			json_decref(*succ);
			*succ = linked;
		} else {
			json_decref(linked);
		}
	}
out:
	json_decref(in);
	return rc;
}

enum dt_err dt_store_contract_act(struct dt_store *s, const struct dt_actor *a,
				  const struct dt_scope *scope, int64_t id,
				  enum dt_contract_event ev, enum dt_party party, json_t *args,
				  json_t **out, struct dt_strbuf *err)
{
	const struct dt_entity *e = dt_entity_find("contract");
	json_t *before = NULL, *after = NULL, *raw = NULL, *set = json_object(), *succ = NULL;
	char now[DT_TIME_STRLEN], date[DT_DATE_STRLEN];
	dt_time_now(now);
	dt_store_problems_begin(s, e->name);
	if (ev == DT_CEV_EDIT) {
		json_decref(set);
		return dt_store_problem(s, err, NULL, "contract.edit_event", NULL);
	}
	if (args && !json_is_object(args)) {
		json_decref(set);
		return dt_store_problem(s, err, "body", "type.object", NULL);
	}
	/* An explicit transaction already open stays open: the successor is a nested write. */
	bool own = !s->explicit_tx;
	int rc = own ? dt_store_begin(s, err) : dt_tx_begin(s, err);
	if (rc != DT_OK) {
		json_decref(set);
		return rc;
	}
	rc = dt_crud_get(s, e, scope, id, 0, &before, err);
	if (rc == DT_OK)
		rc = dt_crud_writable(s, e, scope, id, err);
	if (rc == DT_OK)
		rc = dt_sql_row(s, "contract", id, &raw, err);
	if (rc != DT_OK)
		goto out;

	enum dt_contract_status from, to;
	struct dt_approvals ap;
	dt_contract_status_parse(json_string_value(json_object_get(raw, "status")), &from);
	for (int p = 0; p < DT_PARTY_N; p++)
		ap.by[p] = present(raw, approval_col[p]);
	size_t n0 = s->problems.n;
	rc = dt_contract_apply(from, ev, party, &ap, &to, &s->problems);
	dt_store_problems_noted(s, n0, err);
	if (rc != DT_OK)
		goto out;
	struct dt_contract_facts facts = facts_of(s, raw);

	json_object_set_new(set, "status", json_string(dt_contract_status_name(to)));
	json_object_set_new(set, "updated_at", json_string(now));
	switch (ev) {
	case DT_CEV_SUBMIT:
	case DT_CEV_WITHDRAW:
		/* A new submission, or a withdrawal, starts with no approvals. */
		json_object_set_new(set, "submitted_at",
				    ev == DT_CEV_SUBMIT ? json_string(now) : json_null());
		for (int p = 0; p < DT_PARTY_N; p++)
			json_object_set_new(set, approval_col[p], json_null());
		break;
	case DT_CEV_APPROVE: json_object_set_new(set, approval_col[party], json_string(now)); break;
	case DT_CEV_ACTIVATE: {
		struct dt_db_stmt *st =
			dt_sql_prepare(s,
				       "SELECT id FROM contract WHERE trainee_id = ? AND "
				       "status = 'active' AND id <> ?",
				       err);
		if (!st) {
			rc = DT_EDB;
			goto out;
		}
		dt_db_bind_int64(st, 1, json_integer_value(json_object_get(raw, "trainee_id")));
		dt_db_bind_int64(st, 2, id);
		int64_t other = dt_db_step(st) == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
		dt_db_reset(st);
		rc = dt_contract_active_check(&s->problems, other);
		if (rc != DT_OK) {
			dt_error(err, rc,
				 "contract %lld: the trainee already has active contract %lld",
				 (long long)id, (long long)other);
			goto out;
		}
		json_object_set_new(set, "activated_at", json_string(now));
		break;
	}
	case DT_CEV_COMPLETE:
	case DT_CEV_TRANSFER:
		rc = end_date(s, args, &facts, ev, date, err);
		if (rc != DT_OK)
			goto out;
		json_object_set_new(set, "ended_on", json_string(date));
		break;
	case DT_CEV_DISSOLVE: {
		rc = end_date(s, args, &facts, ev, date, err);
		json_t *reason = json_object_get(args, "reason");
		if (!json_is_string(reason) || !json_string_length(reason)) {
			rc = dt_store_problem(s, err, "reason", "contract.reason_required", NULL);
		} else {
			/* stored as dissolution_reason: that field's limit */
			size_t n1 = s->problems.n;
			enum dt_err bad = dt_field_text(
				dt_entity_field(e, "dissolution_reason"), json_string_value(reason),
				json_string_length(reason), &s->problems, "reason");
			dt_store_problems_noted(s, n1, err);
			if (bad != DT_OK)
				rc = bad;
		}
		json_t *prob = json_object_get(args, "in_probation");
		bool in_prob = false;
		if (prob && !json_is_null(prob)) {
			if (!json_is_boolean(prob))
				rc = dt_store_problem(s, err, "in_probation", "type.boolean", NULL);
			in_prob = json_is_true(prob);
		} else if (rc == DT_OK) { /* @date is set only when end_date() succeeded */
			struct dt_date end;
			dt_period_date(date, &end);
			in_prob = dt_contract_in_probation(&facts, end);
		}
		if (rc != DT_OK)
			goto out;
		json_object_set_new(set, "ended_on", json_string(date));
		json_object_set(set, "dissolution_reason", reason);
		json_object_set_new(set, "dissolved_in_probation", json_integer(in_prob));
		break;
	}
	default: break;
	}
	rc = set_columns(s, id, set, err);
	if (rc == DT_OK && ev == DT_CEV_TRANSFER)
		rc = make_successor(s, a, raw, args, date, &succ, err);
	if (rc == DT_OK)
		rc = dt_crud_get(s, e, NULL, id, 0, &after, err);
	if (rc == DT_OK) {
		char action[48];
		snprintf(action, sizeof(action), "contract.%s", dt_contract_event_name(ev));
		rc = dt_audit_append(s, a, action, "contract", id, before, after, err);
	}
	if (rc == DT_OK && ev == DT_CEV_SUBMIT)
		rc = dt_notify_contract_submitted(s, raw, err);
out:
	if (own) {
		if (rc == DT_OK)
			rc = dt_store_commit(s, err);
		else
			dt_store_rollback(s);
	} else {
		rc = dt_tx_end(s, rc, err);
	}
	json_decref(before);
	json_decref(raw);
	json_decref(set);
	if (rc == DT_OK && out) {
		if (succ) {
			*out = json_pack("{s:o, s:o}", "contract", after, "successor", succ);
			after = succ = NULL;
		} else {
			*out = after;
			after = NULL;
		}
	}
	json_decref(after);
	json_decref(succ);
	return rc;
}

enum dt_err dt_store_record_signoff(struct dt_store *s, const struct dt_actor *a,
				    const struct dt_scope *scope, int64_t id, json_t **out,
				    struct dt_strbuf *err)
{
	return dt_store_record_signoff_at(s, a, scope, id, NULL, out, err);
}

bool dt_time_shaped(const char *t)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	if (strlen(t) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? t[i] < '0' || t[i] > '9' : t[i] != shape[i])
			return false;
	char day[DT_DATE_STRLEN];
	snprintf(day, sizeof(day), "%.10s", t);
	struct dt_date d;
	return dt_date_parse(day, &d, NULL, NULL) == DT_OK && memcmp(t + 11, "24", 2) < 0 &&
	       t[14] < '6' && t[17] < '6';
}

enum dt_err dt_store_record_signoff_at(struct dt_store *s, const struct dt_actor *a,
				       const struct dt_scope *scope, int64_t id, const char *at,
				       json_t **out, struct dt_strbuf *err)
{
	return dt_store_record_signoff_as(s, a, scope, NULL, id, at, out, err);
}

/*
 * The mentor the contract of entry @id names for the entry's site, into
 * *@mentor and its name into @name; 0 when none is named.
 */
static enum dt_err named_mentor(struct dt_store *s, int64_t id, int64_t *mentor,
				struct dt_strbuf *name, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT m.id, m.name FROM record_entry r JOIN contract c ON c.id = r.contract_id "
		/* the site a code since migration 020: 0 company, 1 school */
		"JOIN mentor m ON m.id = CASE r.site WHEN 0 THEN c.company_mentor_id "
		"ELSE c.school_mentor_id END WHERE r.id = ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st);
	*mentor = 0;
	if (r == DT_DB_ROW) {
		*mentor = dt_db_column_int64(st, 0);
		dt_strbuf_adds(name, dt_db_column_text(st, 1));
	}
	dt_db_reset(st);
	return r == DT_DB_ROW || r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "mentor", err);
}

enum dt_err dt_store_record_signoff_as(struct dt_store *s, const struct dt_actor *a,
				       const struct dt_scope *scope,
				       const struct dt_store_signer *who, int64_t id,
				       const char *at, json_t **out, struct dt_strbuf *err)
{
	struct dt_strbuf mname = DT_STRBUF_INIT;
	int64_t mentor = 0;
	bool delegate = true;
	const struct dt_entity *e = dt_entity_find("record_entry");
	json_t *before = NULL, *after = NULL;
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	if (at && (!dt_time_shaped(at) || strcmp(at, now) > 0))
		return dt_error(
			err, DT_EINVAL,
			"sign-off time: expected a time YYYY-MM-DDTHH:MM:SS.mmmZ not in the "
			"future");
	dt_store_problems_begin(s, e->name);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = dt_crud_get(s, e, scope, id, 0, &before, err);
	if (rc == DT_OK && at) {
		const char *date = json_string_value(json_object_get(before, "date"));
		if (!date || strncmp(at, date, 10) < 0)
			rc = dt_error(
				err, DT_EINVAL,
				"record-book entry %lld: a sign-off at %s is before its date %s",
				(long long)id, at, date ? date : "?");
	}
	if (rc == DT_OK)
		rc = dt_crud_writable(s, e, scope, id, err);
	if (rc == DT_OK && present(before, "signed_at")) {
		const char *by = json_string_value(json_object_get(before, "signed_by"));
		rc = dt_record_signoff_check(&s->problems, by ? by : "?");
		dt_error(err, rc, "record-book entry %lld is already signed off by %s",
			 (long long)id, by ? by : "?");
	}
	if (rc == DT_OK && who && who->named) {
		/* a carried-over record book: signed by the mentor its contract names */
		rc = named_mentor(s, id, &mentor, &mname, err);
		delegate = mentor == 0;
	} else if (rc == DT_OK && who) {
		rc = dt_signoff_check_one(s, who, before, &mentor, &mname, &delegate, err);
	}
	/* the name stored only where it is not derived (migration 026; the events keep it) */
	const char *stored = NULL;
	if (rc == DT_OK)
		rc = dt_signoff_stored_by(s, mentor, who ? who->account_id : 0,
					  mentor ? mname.buf : a->login, &stored, err);
	if (rc == DT_OK) {
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			"UPDATE record_entry SET signed_by = ?, signed_at = ?, updated_at = ?, "
			"signed_mentor_id = ?, signed_account_id = ?, signed_delegate = ? WHERE id = ?",
			err);
		if (!st) {
			rc = DT_EDB;
		} else {
			if (stored)
				dt_db_bind_text(st, 1, stored, -1);
			else
				dt_db_bind_null(st, 1);
			dt_crud_bind_ms(st, 2, at ? at : now);
			dt_crud_bind_ms(st, 3, now);
			if (mentor)
				dt_db_bind_int64(st, 4, mentor);
			else
				dt_db_bind_null(st, 4);
			if (who && who->account_id)
				dt_db_bind_int64(st, 5, who->account_id);
			else
				dt_db_bind_null(st, 5);
			dt_db_bind_int64(st, 6, delegate ? 1 : 0);
			dt_db_bind_int64(st, 7, id);
			if (dt_db_step(st) != DT_DB_DONE)
				rc = dt_sql_error(s, "record_entry", err);
			dt_db_reset(st);
		}
	}
	if (rc == DT_OK)
		rc = dt_crud_get(s, e, NULL, id, 0, &after, err);
	if (rc == DT_OK)
		rc = dt_audit_append(s, a, "record_entry.signoff", "record_entry", id, before,
				     after, err);
	rc = dt_tx_end(s, rc, err);
	json_decref(before);
	dt_strbuf_release(&mname);
	if (rc == DT_OK && out)
		*out = after;
	else
		json_decref(after);
	return rc;
}

/* One id by one key column; DT_ENOTFOUND naming what was looked for. */
static enum dt_err lookup(struct dt_store *s, const char *sql, const void *key, int keylen,
			  bool blob, const char *what, int64_t *id, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return DT_EDB;
	if (blob)
		dt_db_bind_blob(st, 1, key, keylen);
	else
		dt_db_bind_text(st, 1, key, keylen);
	int r = dt_db_step(st);
	int rc = DT_OK;
	if (r == DT_DB_ROW)
		*id = dt_db_column_int64(st, 0);
	else if (r == DT_DB_DONE)
		rc = dt_error(err, DT_ENOTFOUND, "no %s", what);
	else
		rc = dt_sql_error(s, what, err);
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_store_trainee_by_natid(struct dt_store *s, const char *natid, int64_t *id,
				      struct dt_strbuf *err)
{
	if (!s->have_keys)
		return dt_error(err, DT_ECRYPTO, "no key file: cannot look up identity numbers");
	/* The index holds normalised IDs: a lower-case x must find the same trainee. */
	struct dt_natid nid;
	struct dt_strbuf why = DT_STRBUF_INIT;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	if (dt_natid_parse(natid, dt_date_today(), &nid, &ps, "national_id") != DT_OK) {
		dt_problems_render(&ps, DT_LANG_EN, &why);
		dt_problems_append(&s->problems, &ps,
				   NULL); /* for callers that word it themselves */
		dt_problems_release(&ps);
		int rc = dt_error(err, DT_EINVAL, "%s", why.buf);
		dt_strbuf_release(&why);
		return rc;
	}
	dt_strbuf_release(&why);
	unsigned char blind[DT_BLIND_LEN];
	dt_secret_blind(&s->keys, nid.id, DT_NATID_LEN, blind);
	return lookup(s, "SELECT id FROM trainee WHERE national_id_blind = ?", blind, DT_BLIND_LEN,
		      true, "trainee with this national ID", id, err);
}

enum dt_err dt_store_org_by_uscc(struct dt_store *s, const char *uscc, int64_t *id,
				 struct dt_strbuf *err)
{
	return lookup(s, "SELECT id FROM organization WHERE uscc = ?", uscc, -1, false,
		      "organization with this USCC", id, err);
}

enum dt_err dt_store_occupation_by_code(struct dt_store *s, const char *code, int64_t *id,
					struct dt_strbuf *err)
{
	return lookup(s, "SELECT id FROM occupation WHERE code = ?", code, -1, false,
		      "occupation with this code", id, err);
}

enum dt_err dt_store_contract_parties(struct dt_store *s, const struct dt_scope *scope, int64_t id,
				      json_t **out, struct dt_strbuf *err)
{
	const struct dt_entity *e = dt_entity_find("contract");
	struct dt_strbuf sql = DT_STRBUF_INIT;
	json_t *binds = json_pack("[I]", (json_int_t)id);
	int rc = DT_OK;
	*out = NULL;
	/* the scope's condition is on the contract table alone: a subquery keeps its names plain */
	dt_strbuf_adds(&sql, "SELECT c.id, c.enterprise_id, en.name, c.school_id, sc.name, "
			     "c.programme_id, p.name, c.trainee_id, t.name, p.occupation_id "
			     "FROM contract c "
			     "JOIN organization en ON en.id = c.enterprise_id "
			     "JOIN organization sc ON sc.id = c.school_id "
			     "LEFT JOIN programme p ON p.id = c.programme_id "
			     "JOIN trainee t ON t.id = c.trainee_id "
			     "WHERE c.id IN (SELECT id FROM contract WHERE id = ?");
	dt_crud_scope_sql(e, scope, false, &sql, binds);
	dt_strbuf_adds(&sql, ")");
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	dt_crud_bind_all(st, binds);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW) {
		json_t *prog = dt_db_column_type(st, 5) == DT_DB_NULL
				       ? json_null()
				       : json_pack("{s:I, s:s?, s:I}", "id",
						   (json_int_t)dt_db_column_int64(st, 5), "name",
						   dt_db_column_text(st, 6), "occupation_id",
						   (json_int_t)dt_db_column_int64(st, 9));
		*out = json_pack(
			"{s:I, s:{s:I, s:s?}, s:{s:I, s:s?}, s:o, s:{s:I, s:s?}}", "id",
			(json_int_t)dt_db_column_int64(st, 0), "enterprise", "id",
			(json_int_t)dt_db_column_int64(st, 1), "name", dt_db_column_text(st, 2),
			"school", "id", (json_int_t)dt_db_column_int64(st, 3), "name",
			dt_db_column_text(st, 4), "programme", prog, "trainee", "id",
			(json_int_t)dt_db_column_int64(st, 7), "name", dt_db_column_text(st, 8));
	} else if (r == DT_DB_DONE) {
		rc = dt_error(err, DT_ENOTFOUND, "contract %lld: not found", (long long)id);
	} else {
		rc = dt_sql_error(s, "contract", err);
	}
	dt_db_reset(st);
out:
	dt_strbuf_release(&sql);
	json_decref(binds);
	return rc;
}
