/*
 * signoff.c - sign-off by the named mentor, in bulk, and the mentors'
 * register as the store reads it.
 *
 * Who may sign an entry is domain/mentor.c's rule; this file fetches the
 * facts (the entry's site and state, the mentors its contract names, the
 * signing account's own mentor), writes the signature columns (signed_by:
 * the mentor's name, or the login of a delegate; signed_mentor_id,
 * signed_account_id, signed_delegate) and audits.  A bulk sign-off is one
 * transaction and ONE audit event for the batch, its after listing the ids
 * and the columns written; store/coverage.c lays that event over each
 * listed entry, so that the records check stays exact.  The first entry
 * that may not be signed refuses the batch and nothing is written.
 *
 * The name signed with is stored only where it cannot be derived
 * (migration 026): a mentor's sign-off stores signed_by NULL, readers see
 * the name of signed_mentor_id; a delegate's stores NULL when it signed with
 * the login of signed_account_id (logins never change); a sign-off from the
 * command line ("cli:...", no account) keeps its text.  crud.c reads the
 * value back (dt_crud_field_sql).  Before a mentor's name changes, the old
 * name is written into its entries that derive it
 * (dt_signoff_freeze_names), so an entry shows the name it was signed with
 * for ever.  The audit events record the name itself, as before.
 *
 * Also the entries waiting for a signer across trainees (one query with
 * the trainee's name) and the load of each mentor (active contracts naming
 * it), both within the caller's scope.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/mentor.h"
#include "domain/region.h"
#include "store/store_internal.h"
#include "core/banned.h"

/* The mentor linked to account @account_id (0: none) and the mentor's name. */
static enum dt_err account_mentor(struct dt_store *s, int64_t account_id, int64_t *mentor,
				  struct dt_strbuf *name, struct dt_strbuf *err)
{
	*mentor = 0;
	if (!account_id)
		return DT_OK;
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT m.id, m.name FROM account a JOIN mentor m ON m.id = a.mentor_id WHERE a.id = ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, account_id);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW) {
		*mentor = dt_db_column_int64(st, 0);
		dt_strbuf_reset(name);
		dt_strbuf_adds(name, dt_db_column_text(st, 1));
	}
	dt_db_reset(st);
	return r == DT_DB_ROW || r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "account", err);
}

/* The mentors the contract of entry @entry_id names: company's and school's (0: none). */
static enum dt_err contract_mentors(struct dt_store *s, int64_t contract_id, int64_t *company,
				    int64_t *school, struct dt_strbuf *err)
{
	*company = *school = 0;
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT company_mentor_id, school_mentor_id FROM contract WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, contract_id);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW) {
		*company = dt_db_column_int64(st, 0); /* NULL reads as 0 */
		*school = dt_db_column_int64(st, 1);
	}
	dt_db_reset(st);
	return r == DT_DB_ROW || r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "contract", err);
}

enum dt_err dt_signoff_check_one(struct dt_store *s, const struct dt_store_signer *who,
				 json_t *entry, int64_t *mentor, struct dt_strbuf *name,
				 bool *delegate, struct dt_strbuf *err)
{
	struct dt_signer sg = { who->kind, 0 };
	struct dt_signoff_facts f = { 0 };
	int rc = account_mentor(s, who->account_id, &sg.mentor_id, name, err);
	if (rc == DT_OK)
		rc = contract_mentors(s, json_integer_value(json_object_get(entry, "contract_id")),
				      &f.company_mentor_id, &f.school_mentor_id, err);
	if (rc != DT_OK)
		return rc;
	f.entry_id = json_integer_value(json_object_get(entry, "id"));
	f.site = json_string_value(json_object_get(entry, "site"));
	size_t n0 = s->problems.n;
	rc = dt_signoff_decide(&s->problems, &sg, &f, delegate);
	dt_store_problems_noted(s, n0, err);
	*mentor = *delegate ? 0 : sg.mentor_id;
	return rc;
}

enum dt_err dt_signoff_stored_by(struct dt_store *s, int64_t mentor, int64_t account_id,
				 const char *by, const char **stored, struct dt_strbuf *err)
{
	/* a mentor's name: the callers read it from the mentor's row in this transaction */
	*stored = mentor ? NULL : by;
	if (mentor || !account_id)
		return DT_OK;
	/* without a mentor, what the read derives: the account's login */
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT login FROM account WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, account_id);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW && by && dt_db_column_text(st, 0) &&
	    !strcmp(dt_db_column_text(st, 0), by))
		*stored = NULL;
	dt_db_reset(st);
	return r == DT_DB_ROW || r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "record_entry", err);
}

enum dt_err dt_signoff_freeze_names(struct dt_store *s, int64_t mentor, const char *name,
				    struct dt_strbuf *err)
{
	/*
	 * Only the entries of the mentor's organization's contracts, through
	 * their indexes (record_entry has none on signed_mentor_id, and a
	 * national table is too large to read for a rename): a mentor signs as
	 * the mentor a contract names, a contract names mentors of its own
	 * enterprise and school, and neither a mentor's organization, nor a
	 * contract's enterprise and school, nor an entry's contract ever
	 * changes.  The records check compares every entry's name with its
	 * events, so an entry outside would not go unseen.
	 */
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"UPDATE record_entry SET signed_by = ? WHERE signed_mentor_id = ? AND signed_by IS NULL "
		"AND contract_id IN (SELECT c.id FROM contract c JOIN mentor m ON m.id = ? "
		"WHERE c.enterprise_id = m.organization_id OR c.school_id = m.organization_id)",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, name, -1);
	dt_db_bind_int64(st, 2, mentor);
	dt_db_bind_int64(st, 3, mentor);
	int r = dt_db_step(st);
	dt_db_reset(st);
	return r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "record_entry", err);
}

/* One entry's facts: @f points into @site and @by. */
struct entry_facts {
	struct dt_signoff_facts f;
	char site[16];
	struct dt_strbuf by;
	int64_t region;
	char date[DT_DATE_STRLEN];
};

/*
 * The facts of entry @id within @scope (what the caller may change) into
 * @ef; *@found false when it is missing or outside.
 */
static enum dt_err entry_facts(struct dt_store *s, const struct dt_entity *e,
			       const struct dt_scope *scope, int64_t id, struct entry_facts *ef,
			       bool *found, struct dt_strbuf *err)
{
	/* the contract's columns through subqueries: the scope's SQL names the entry's columns */
	struct dt_strbuf sql = DT_STRBUF_INIT;
	json_t *binds = json_array();
	dt_strbuf_addf(&sql,
		       "SELECT site, %s, signed_at, region, "
		       "(SELECT company_mentor_id FROM contract WHERE id = contract_id), "
		       "(SELECT school_mentor_id FROM contract WHERE id = contract_id), date "
		       "FROM record_entry WHERE id = ?",
		       dt_crud_field_sql(e, dt_entity_field(e, "signed_by")));
	dt_crud_scope_sql(e, scope, true, &sql, binds);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	int rc = DT_OK;
	*found = false;
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	dt_db_bind_int64(st, 1, id);
	size_t i;
	json_t *v;
	json_array_foreach(binds, i, v) dt_sql_bind_json(st, (int)i + 2, v);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW) {
		*found = true;
		ef->f.entry_id = id;
		char t[DT_CRUD_TEXT]; /* site and date stored as integers (migration 020) */
		const char *site = dt_crud_column_text(dt_entity_field(e, "site"), st, 0, t);
		snprintf(ef->site, sizeof(ef->site), "%s", site ? site : "");
		ef->f.site = ef->site;
		dt_strbuf_reset(&ef->by);
		ef->f.signed_by = NULL;
		if (dt_db_column_type(st, 2) != DT_DB_NULL) {
			const char *by = dt_db_column_text(st, 1);
			dt_strbuf_adds(&ef->by, by ? by : "?");
			ef->f.signed_by = ef->by.buf;
		}
		ef->region = dt_db_column_int64(st, 3);
		ef->f.company_mentor_id = dt_db_column_int64(st, 4);
		ef->f.school_mentor_id = dt_db_column_int64(st, 5);
		const char *date = dt_crud_column_text(dt_entity_field(e, "date"), st, 6, t);
		snprintf(ef->date, sizeof(ef->date), "%s", date ? date : "");
	} else if (r != DT_DB_DONE) {
		rc = dt_sql_error(s, "record_entry", err);
	}
	dt_db_reset(st);
out:
	dt_strbuf_release(&sql);
	json_decref(binds);
	return rc;
}

/* Sort helper for the duplicate check. */
static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The first id listed twice in @ids (@n), or 0. */
static int64_t first_duplicate(const int64_t *ids, size_t n)
{
	int64_t *sorted = malloc(n * sizeof(*sorted));
	int64_t dup = 0;
	if (!sorted)
		return 0;
	memcpy(sorted, ids, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_id);
	for (size_t i = 1; i < n && !dup; i++)
		if (sorted[i] == sorted[i - 1])
			dup = sorted[i];
	free(sorted);
	return dup;
}

/* The name of mentor @id into @name. */
static enum dt_err mentor_name(struct dt_store *s, int64_t id, struct dt_strbuf *name,
			       struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, "SELECT name FROM mentor WHERE id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st);
	dt_strbuf_reset(name);
	if (r == DT_DB_ROW)
		dt_strbuf_adds(name, dt_db_column_text(st, 0) ? dt_db_column_text(st, 0) : "");
	dt_db_reset(st);
	return r == DT_DB_ROW ? DT_OK
	       : r == DT_DB_DONE
		       ? dt_error(err, DT_ENOTFOUND, "mentor %lld: not found", (long long)id)
		       : dt_sql_error(s, "mentor", err);
}

/* The mentor @ef's contract names for its site (0: none). */
static int64_t named_for_site(const struct entry_facts *ef)
{
	return !strcmp(ef->site, "company") ? ef->f.company_mentor_id : ef->f.school_mentor_id;
}

/*
 * The bulk sign-off of dt_store_record_signoff_batch(), each entry signed
 * at @ats[i] when @ats is given (NULL, or an entry's NULL: now).  A named
 * signer (@who->named) signs as the mentor the contracts name, which must
 * be one mentor for the whole batch.
 */
static enum dt_err signoff_batch(struct dt_store *s, const struct dt_actor *a,
				 const struct dt_scope *scope, const struct dt_store_signer *who,
				 const int64_t *ids, const char *const *ats, size_t n, json_t **out,
				 struct dt_strbuf *err)
{
	const struct dt_entity *e = dt_entity_find("record_entry");
	struct entry_facts ef = { .by = DT_STRBUF_INIT };
	struct dt_strbuf mname = DT_STRBUF_INIT;
	json_t *after = NULL, *idlist = NULL;
	char now[DT_TIME_STRLEN], reg[24] = "";
	int64_t mentor = 0;
	bool delegate = true;
	int rc = DT_OK;
	dt_time_now(now);
	dt_store_problems_begin(s, e->name);
	if (out)
		*out = NULL;
	if (n == 0)
		return dt_store_problem(s, err, "ids", "signoff.empty", NULL);
	if (n > DT_SIGNOFF_BATCH_MAX)
		return dt_store_problem(s, err, "ids", "signoff.too_many", "max",
					DT_I(DT_SIGNOFF_BATCH_MAX), "count", DT_I(n), NULL);
	int64_t dup = first_duplicate(ids, n);
	if (dup)
		return dt_store_problem(s, err, "ids", "signoff.duplicate", "id", DT_I(dup), NULL);
	struct dt_signer sg = { who->kind, 0 };
	rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = account_mentor(s, who->account_id, &sg.mentor_id, &mname, err);
	idlist = json_array();
	/* every entry decided before anything is written: the first refusal ends it */
	for (size_t i = 0; i < n && rc == DT_OK; i++) {
		bool found = false, del = false;
		rc = entry_facts(s, e, scope, ids[i], &ef, &found, err);
		if (rc != DT_OK)
			break;
		if (!found) {
			rc = dt_store_problem(s, err, "ids", "signoff.missing", "id", DT_I(ids[i]),
					      NULL);
			break;
		}
		size_t n0 = s->problems.n;
		rc = dt_signoff_decide(&s->problems, &sg, &ef.f, &del);
		dt_store_problems_noted(s, n0, err);
		if (rc == DT_OK && who->named) {
			/* a carried-over record book: the mentor the contracts name */
			int64_t m = named_for_site(&ef);
			if (i == 0)
				sg.mentor_id = m;
			else if (m != sg.mentor_id)
				rc = dt_error(err, DT_EINVAL,
					      "record-book entry %lld: another mentor than the "
					      "batch's",
					      (long long)ids[i]);
			del = m == 0;
		}
		if (rc == DT_OK && ats && ats[i] && strncmp(ats[i], ef.date, 10) < 0)
			rc = dt_error(
				err, DT_EINVAL,
				"record-book entry %lld: a sign-off at %s is before its date %s",
				(long long)ids[i], ats[i], ef.date);
		if (i == 0) {
			delegate = del;
			snprintf(reg, sizeof(reg), "%06lld", (long long)ef.region);
		}
		json_array_append_new(idlist, json_integer(ids[i]));
	}
	mentor = delegate ? 0 : sg.mentor_id;
	if (rc == DT_OK && who->named && mentor)
		rc = mentor_name(s, mentor, &mname, err);
	const char *by = mentor ? mname.buf : a->login, *stored = by;
	if (rc == DT_OK)
		rc = dt_signoff_stored_by(s, mentor, who->account_id, by, &stored, err);
	if (rc == DT_OK) {
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			"UPDATE record_entry SET signed_by = ?, signed_at = ?, updated_at = ?, "
			"signed_mentor_id = ?, signed_account_id = ?, signed_delegate = ? WHERE id = ?",
			err);
		if (!st)
			rc = DT_EDB;
		for (size_t i = 0; i < n && rc == DT_OK; i++) {
			if (stored)
				dt_db_bind_text(st, 1, stored, -1);
			else
				dt_db_bind_null(st, 1); /* derived (migration 026) */
			dt_crud_bind_ms(st, 2, ats && ats[i] ? ats[i] : now);
			dt_crud_bind_ms(st, 3, now);
			if (mentor)
				dt_db_bind_int64(st, 4, mentor);
			else
				dt_db_bind_null(st, 4);
			if (who->account_id)
				dt_db_bind_int64(st, 5, who->account_id);
			else
				dt_db_bind_null(st, 5);
			dt_db_bind_int64(st, 6, delegate ? 1 : 0);
			dt_db_bind_int64(st, 7, ids[i]);
			if (dt_db_step(st) != DT_DB_DONE)
				rc = dt_sql_error(s, "record_entry", err);
			dt_db_reset(st);
		}
	}
	if (rc == DT_OK) {
		json_t *set =
			json_pack("{s:s, s:s, s:s, s:o, s:o, s:b}", "signed_by", by, "signed_at",
				  now, "updated_at", now, "signed_mentor_id",
				  mentor ? json_integer(mentor) : json_null(), "signed_account_id",
				  who->account_id ? json_integer(who->account_id) : json_null(),
				  "signed_delegate", delegate);
		after = json_pack("{s:O, s:s, s:o}", "ids", idlist, "region", reg, "set", set);
		if (after && ats) {
			/* each entry's own signed_at, laid over the set's */
			json_t *at = json_array();
			for (size_t i = 0; i < n; i++)
				json_array_append_new(at, json_string(ats[i] ? ats[i] : now));
			json_object_set_new(after, "at", at);
		}
		rc = dt_audit_append(s, a, "record_entry.signoff_batch", "record_entry", 0, NULL,
				     after, err);
	}
	rc = dt_tx_end(s, rc, err);
	if (rc == DT_OK && out)
		*out = json_pack("{s:I, s:O, s:s, s:s, s:o, s:b}", "signed", (json_int_t)n, "ids",
				 idlist, "signed_by", by, "signed_at", now, "signed_mentor_id",
				 mentor ? json_integer(mentor) : json_null(), "delegate", delegate);
	json_decref(after);
	json_decref(idlist);
	dt_strbuf_release(&mname);
	dt_strbuf_release(&ef.by);
	return rc;
}

enum dt_err dt_store_record_signoff_batch(struct dt_store *s, const struct dt_actor *a,
					  const struct dt_scope *scope,
					  const struct dt_store_signer *who, const int64_t *ids,
					  size_t n, json_t **out, struct dt_strbuf *err)
{
	return signoff_batch(s, a, scope, who, ids, NULL, n, out, err);
}

enum dt_err dt_store_record_signoff_batch_at(struct dt_store *s, const struct dt_actor *a,
					     const struct dt_scope *scope,
					     const struct dt_store_signer *who, const int64_t *ids,
					     const char *const *ats, size_t n, json_t **out,
					     struct dt_strbuf *err)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	for (size_t i = 0; i < n; i++)
		if (ats[i] && (!dt_time_shaped(ats[i]) || strcmp(ats[i], now) > 0))
			return dt_error(err, DT_EINVAL,
					"sign-off time of entry %lld: expected a time "
					"YYYY-MM-DDTHH:MM:SS.mmmZ not in the future",
					(long long)ids[i]);
	return signoff_batch(s, a, scope, who, ids, ats, n, out, err);
}

/* The WHERE of the entries waiting for @who within @scope, its values in @binds. */
static void waiting_where(const struct dt_scope *scope, const struct dt_store_signer *who,
			  int64_t mentor, struct dt_strbuf *sql, json_t *binds)
{
	/* the site a code since migration 020: 0 company, 1 school */
	dt_strbuf_adds(sql, " FROM record_entry r JOIN contract c ON c.id = r.contract_id "
			    "JOIN trainee t ON t.id = c.trainee_id WHERE r.signed_at IS NULL");
	if (who->kind == DT_SIGNER_ENTERPRISE) {
		dt_strbuf_adds(sql, " AND r.site = 0");
		if (mentor) {
			dt_strbuf_adds(sql, " AND c.company_mentor_id = ?");
			json_array_append_new(binds, json_integer(mentor));
		}
	} else if (who->kind == DT_SIGNER_SCHOOL) {
		dt_strbuf_adds(sql, " AND r.site = 1");
		if (mentor) {
			dt_strbuf_adds(sql, " AND c.school_mentor_id = ?");
			json_array_append_new(binds, json_integer(mentor));
		}
	} else if (who->kind != DT_SIGNER_ANY) {
		dt_strbuf_adds(sql, " AND 1 = 0");
	}
	if (scope && scope->region) {
		int lo, hi;
		dt_region_range(scope->region, &lo, &hi);
		dt_strbuf_adds(sql,
			       " AND c.region BETWEEN ? AND ?"); /* the entry's is its contract's */
		json_array_append_new(binds, json_integer(lo));
		json_array_append_new(binds, json_integer(hi));
	}
	if (scope && scope->org_id) {
		dt_strbuf_adds(sql, " AND (c.enterprise_id = ? OR c.school_id = ?)");
		json_array_append_new(binds, json_integer(scope->org_id));
		json_array_append_new(binds, json_integer(scope->org_id));
	}
	if (scope && scope->trainee_id)
		dt_strbuf_adds(sql, " AND 1 = 0"); /* a trainee signs nothing */
}

enum dt_err dt_store_record_waiting(struct dt_store *s, const struct dt_scope *scope,
				    const struct dt_store_signer *who, int64_t limit,
				    int64_t offset, json_t **items, int64_t *total,
				    struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT, where = DT_STRBUF_INIT, name = DT_STRBUF_INIT;
	json_t *binds = json_array(), *list = json_array();
	struct dt_db_stmt *st = NULL;
	int64_t mentor = 0;
	int rc = account_mentor(s, who->account_id, &mentor, &name, err);
	size_t i;
	json_t *v;
	*items = NULL;
	*total = 0;
	if (rc != DT_OK)
		goto out;
	waiting_where(scope, who, mentor, &where, binds);
	dt_strbuf_addf(&sql, "SELECT count(*)%s", where.buf);
	if (!(st = dt_sql_prepare(s, sql.buf, err))) {
		rc = DT_EDB;
		goto out;
	}
	json_array_foreach(binds, i, v) dt_sql_bind_json(st, (int)i + 1, v);
	if (dt_db_step(st) == DT_DB_ROW)
		*total = dt_db_column_int64(st, 0);
	else
		rc = dt_sql_error(s, "record_entry", err);
	dt_db_reset(st);
	if (rc != DT_OK)
		goto out;
	dt_strbuf_reset(&sql);
	dt_strbuf_addf(&sql,
		       "SELECT r.id, r.contract_id, c.trainee_id, t.name, r.date, r.site, "
		       "r.hours, r.content, CASE r.site WHEN 0 THEN c.company_mentor "
		       "ELSE c.school_mentor END%s ORDER BY r.date, r.id LIMIT ? OFFSET ?",
		       where.buf);
	if (!(st = dt_sql_prepare(s, sql.buf, err))) {
		rc = DT_EDB;
		goto out;
	}
	json_array_foreach(binds, i, v) dt_sql_bind_json(st, (int)i + 1, v);
	dt_db_bind_int64(st, (int)json_array_size(binds) + 1, limit);
	dt_db_bind_int64(st, (int)json_array_size(binds) + 2, offset);
	int r;
	const struct dt_entity *e = dt_entity_find("record_entry");
	const struct dt_field *fdate = dt_entity_field(e, "date"),
			      *fsite = dt_entity_field(e, "site"),
			      *fhours = dt_entity_field(e, "hours");
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		char td[DT_CRUD_TEXT], ts[DT_CRUD_TEXT]; /* stored as integers (migration 020) */
		json_t *o = json_pack("{s:I, s:I, s:I, s:s?, s:s?, s:s?, s:f, s:s?, s:s?}", "id",
				      (json_int_t)dt_db_column_int64(st, 0), "contract_id",
				      (json_int_t)dt_db_column_int64(st, 1), "trainee_id",
				      (json_int_t)dt_db_column_int64(st, 2), "trainee_name",
				      dt_db_column_text(st, 3), "date",
				      dt_crud_column_text(fdate, st, 4, td), "site",
				      dt_crud_column_text(fsite, st, 5, ts), "hours",
				      dt_crud_column_real(fhours, st, 6), "content",
				      dt_db_column_text(st, 7), "mentor", dt_db_column_text(st, 8));
		json_array_append_new(list, o);
	}
	if (r != DT_DB_DONE)
		rc = dt_sql_error(s, "record_entry", err);
	dt_db_reset(st);
out:
	if (rc == DT_OK) {
		*items = list;
		list = NULL;
	}
	json_decref(list);
	json_decref(binds);
	dt_strbuf_release(&sql);
	dt_strbuf_release(&where);
	dt_strbuf_release(&name);
	return rc;
}

enum dt_err dt_store_mentor_load(struct dt_store *s, const struct dt_scope *scope, json_t **items,
				 struct dt_strbuf *err)
{
	const struct dt_entity *e = dt_entity_find("mentor");
	struct dt_strbuf sql = DT_STRBUF_INIT;
	json_t *binds = json_array(), *list = json_array();
	int rc = DT_OK;
	*items = NULL;
	dt_strbuf_adds(&sql, "SELECT id, name, kind, organization_id, "
			     "(SELECT name FROM organization WHERE id = organization_id), "
			     "(SELECT count(*) FROM contract WHERE status = 'active' AND "
			     "(company_mentor_id = mentor.id OR school_mentor_id = mentor.id)), "
			     "(SELECT min(login) FROM account WHERE mentor_id = mentor.id) "
			     "FROM mentor WHERE 1 = 1");
	dt_crud_scope_sql(e, scope, false, &sql, binds);
	dt_strbuf_adds(&sql, " ORDER BY mentor.organization_id, mentor.name, mentor.id");
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	size_t i;
	json_t *v;
	json_array_foreach(binds, i, v) dt_sql_bind_json(st, (int)i + 1, v);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		json_t *o = json_pack("{s:I, s:s?, s:s?, s:I, s:s?, s:I, s:s?}", "id",
				      (json_int_t)dt_db_column_int64(st, 0), "name",
				      dt_db_column_text(st, 1), "kind", dt_db_column_text(st, 2),
				      "organization_id", (json_int_t)dt_db_column_int64(st, 3),
				      "organization", dt_db_column_text(st, 4), "trainees",
				      (json_int_t)dt_db_column_int64(st, 5), "account",
				      dt_db_column_text(st, 6));
		json_array_append_new(list, o);
	}
	if (r != DT_DB_DONE)
		rc = dt_sql_error(s, "mentor", err);
	dt_db_reset(st);
	if (rc == DT_OK) {
		*items = list;
		list = NULL;
	}
out:
	json_decref(list);
	json_decref(binds);
	dt_strbuf_release(&sql);
	return rc;
}

enum dt_err dt_store_account_mentor_set(struct dt_store *s, const struct dt_actor *a,
					const char *login, int64_t mentor_id, struct dt_strbuf *err)
{
	json_t *acct = NULL, *m = NULL, *before = NULL, *after = NULL;
	int64_t aid = 0;
	dt_store_problems_begin(s, "mentor");
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT id, role, scope_org, mentor_id FROM account WHERE login = ?", err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	dt_db_bind_text(st, 1, login, -1);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW) {
		aid = dt_db_column_int64(st, 0);
		acct = json_pack("{s:s, s:I}", "role", dt_db_column_text(st, 1), "scope_org",
				 (json_int_t)dt_db_column_int64(st, 2));
		before = json_pack("{s:o}", "mentor_id",
				   dt_db_column_type(st, 3) == DT_DB_NULL
					   ? json_null()
					   : json_integer(dt_db_column_int64(st, 3)));
	}
	dt_db_reset(st);
	if (r != DT_DB_ROW) {
		rc = r == DT_DB_DONE ? dt_error(err, DT_ENOTFOUND, "no account %s", login)
				     : dt_sql_error(s, "account", err);
		goto out;
	}
	if (mentor_id) {
		rc = dt_sql_row(s, "mentor", mentor_id, &m, err);
		if (rc == DT_ENOTFOUND) {
			rc = dt_store_problem(s, err, "mentor_id", "ref.missing", "id",
					      DT_I(mentor_id), "entity", "mentor", NULL);
			goto out;
		}
		if (rc != DT_OK)
			goto out;
		const char *kind = json_string_value(json_object_get(m, "kind"));
		const char *role = json_string_value(json_object_get(acct, "role"));
		bool role_ok = kind && role &&
			       !strcmp(role, !strcmp(kind, "company") ? "enterprise" : "school");
		if (!role_ok || json_integer_value(json_object_get(acct, "scope_org")) !=
					json_integer_value(json_object_get(m, "organization_id"))) {
			rc = dt_store_problem(s, err, "mentor_id", "mentor.account_org", "login",
					      login, "id", DT_I(mentor_id), NULL);
			goto out;
		}
	}
	st = dt_sql_prepare(s, "UPDATE account SET mentor_id = ?, updated_at = ? WHERE id = ?",
			    err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	if (mentor_id)
		dt_db_bind_int64(st, 1, mentor_id);
	else
		dt_db_bind_null(st, 1);
	dt_db_bind_text(st, 2, now, -1);
	dt_db_bind_int64(st, 3, aid);
	if (dt_db_step(st) != DT_DB_DONE)
		rc = dt_sql_error(s, "account", err);
	dt_db_reset(st);
	if (rc == DT_OK) {
		after = json_pack("{s:o}", "mentor_id",
				  mentor_id ? json_integer(mentor_id) : json_null());
		rc = dt_audit_append(s, a, "account.mentor", "account", aid, before, after, err);
	}
out:
	rc = dt_tx_end(s, rc, err);
	json_decref(acct);
	json_decref(m);
	json_decref(before);
	json_decref(after);
	return rc;
}
