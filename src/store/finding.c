/*
 * finding.c - supervision in the store: conducting an inspection (visit
 * date, checklist results, conclusion, evidence), findings, their
 * rectification and verification, and evidence files (issue 14).
 *
 * The rules are src/domain's (finding.c: the state machine, who may do
 * which step, deadlines, checklist results; attachment.c: type, size,
 * hash); this file loads the facts they need, asks them, writes the rows
 * and appends the audit event in the same transaction.  Refusals are
 * problems in the store's problems (dt_store_problems()).
 *
 * Who sees what: an unrestricted caller (the CLI, admin, national)
 * everything; an inspector only the inspections he is drawn for and their
 * findings (as store/inspection.c shows him inspections); a school or
 * enterprise account the findings of its own organisation, never an
 * inspection (they are unannounced); other officials what lies in their
 * region; a trainee nothing.  What a caller may not see
 * answers exactly as what does not exist (DT_ENOTFOUND).  Who may act is
 * the domain's: the drawn inspectors conduct and verify, the responsible
 * organisation rectifies.
 *
 * Evidence files are rows of attachment, by BLAKE2b-256 hash; who may see
 * one is said by its links (attachment_link): the account that uploaded it,
 * and whoever sees the inspection, finding or rectification it is attached
 * to.  The hashes of the files of each step are in that step's audit event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/attachment.h"
#include "domain/finding.h"
#include "domain/period.h"
#include "domain/region.h"
#include "store/store_internal.h"
#include "core/banned.h"

#define INSPECTION_COLS                                                                  \
	"i.id, i.plan_id, i.object_kind, i.object_id, i.city, i.org_id, i.inspector_a, " \
	"i.inspector_b, i.status, i.visited_on, i.conclusion, i.publishable, i.region, " \
	"i.created_at, i.updated_at"

#define FINDING_COLS                                                                           \
	"f.id, f.inspection_id, f.severity, f.org_id, f.region, f.check_code, f.description, " \
	"f.deadline, f.status, f.closed_at, f.created_at, f.updated_at, i.inspector_a, "       \
	"i.inspector_b, i.plan_id, i.object_kind, i.object_id, i.org_id"

/* What the rules need of an inspection. */
struct insp {
	int64_t id, plan_id, org_id, inspector_a, inspector_b, region;
	char status[16];
};

void dt_store_set_today(struct dt_store *s, const struct dt_date *d)
{
	s->as_of = d ? *d : (struct dt_date){ 0 };
}

/* Today as the writes take it: dt_store_set_today's, else the clock's. */
static struct dt_date today_of(const struct dt_store *s)
{
	return s->as_of.year ? s->as_of : dt_date_today();
}

void dt_store_now(const struct dt_store *s, char now[DT_TIME_STRLEN])
{
	dt_time_now(now);
	if (s->as_of.year) {
		char d[DT_DATE_STRLEN];
		dt_date_format(s->as_of, d);
		memcpy(now, d, 10);
	}
}

static bool is_inspector(const struct dt_account *who)
{
	return who && !strcmp(who->role, "inspector");
}

static bool unrestricted(const struct dt_account *who)
{
	return !who || (!is_inspector(who) && !who->scope.region && !who->scope.org_id &&
			!who->scope.trainee_id);
}

static bool drawn(const struct dt_account *who, int64_t a, int64_t b)
{
	return who && who->id && (who->id == a || who->id == b);
}

/*
 * May @who see a record of @region, responsible organisation @org, of an
 * inspection with inspectors @a and @b?  The rule of the head comment;
 * scope_sql() below says the same in SQL.
 */
static bool visible(const struct dt_account *who, int64_t region, int64_t org, int64_t a, int64_t b)
{
	if (unrestricted(who) || drawn(who, a, b))
		return true;
	if (who->scope.trainee_id || is_inspector(who))
		return false;
	if (who->scope.org_id)
		return org == who->scope.org_id;
	return dt_region_contains(who->scope.region, (int)region);
}

/*
 * May @who see inspection @in?  As visible(), but never an organisation:
 * inspections are unannounced (store/inspection.c reads them the same way);
 * it sees its findings once they are recorded.
 */
static bool inspection_visible(const struct dt_account *who, const struct insp *in)
{
	if (who && who->scope.org_id && !drawn(who, in->inspector_a, in->inspector_b))
		return false;
	return visible(who, in->region, in->org_id, in->inspector_a, in->inspector_b);
}

/* " AND (...)" for a list of findings (alias f, inspection i): visible() in SQL. */
static void scope_sql(const struct dt_account *who, struct dt_strbuf *sql, json_t *binds)
{
	if (unrestricted(who))
		return;
	dt_strbuf_adds(sql, " AND (i.inspector_a = ? OR i.inspector_b = ?");
	json_array_append_new(binds, json_integer(who->id));
	json_array_append_new(binds, json_integer(who->id));
	if (who->scope.trainee_id || is_inspector(who)) {
		dt_strbuf_adds(sql, ")");
	} else if (who->scope.org_id) {
		dt_strbuf_adds(sql, " OR f.org_id = ?)");
		json_array_append_new(binds, json_integer(who->scope.org_id));
	} else {
		int lo, hi;
		dt_region_range(who->scope.region, &lo, &hi);
		dt_strbuf_adds(sql, " OR f.region BETWEEN ? AND ?)");
		json_array_append_new(binds, json_integer(lo));
		json_array_append_new(binds, json_integer(hi));
	}
}

static json_t *region_json(int64_t r)
{
	char b[16];
	snprintf(b, sizeof(b), "%06lld", (long long)r);
	return json_string(b);
}

static json_t *col_text(struct dt_db_stmt *st, int i)
{
	const char *t = dt_db_column_text(st, i);
	return t ? json_string(t) : json_null();
}

static json_t *col_int(struct dt_db_stmt *st, int i)
{
	return dt_db_column_type(st, i) == DT_DB_NULL ? json_null()
						      : json_integer(dt_db_column_int64(st, i));
}

/* Load inspection @id into @out and, when @json, its row as the API shows it. */
static enum dt_err load_inspection(struct dt_store *s, int64_t id, struct insp *out, json_t **json,
				   struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT " INSPECTION_COLS " FROM inspection i WHERE i.id = ?", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st), rc = DT_OK;
	if (r == DT_DB_ROW) {
		out->id = id;
		out->plan_id = dt_db_column_int64(st, 1);
		out->org_id = dt_db_column_int64(st, 5);
		out->inspector_a = dt_db_column_int64(st, 6);
		out->inspector_b = dt_db_column_int64(st, 7);
		out->region = dt_db_column_int64(st, 12);
		snprintf(out->status, sizeof(out->status), "%s",
			 dt_db_column_text(st, 8) ? dt_db_column_text(st, 8) : "");
		if (json) {
			*json = json_object();
			json_object_set_new(*json, "id", json_integer(id));
			json_object_set_new(*json, "plan_id", col_int(st, 1));
			json_object_set_new(*json, "object_kind", col_text(st, 2));
			json_object_set_new(*json, "object_id", col_int(st, 3));
			json_object_set_new(*json, "city", region_json(dt_db_column_int64(st, 4)));
			json_object_set_new(*json, "org_id", col_int(st, 5));
			json_object_set_new(*json, "inspector_a", col_int(st, 6));
			json_object_set_new(*json, "inspector_b", col_int(st, 7));
			json_object_set_new(*json, "status", col_text(st, 8));
			json_object_set_new(*json, "visited_on", col_text(st, 9));
			json_object_set_new(*json, "conclusion", col_text(st, 10));
			json_object_set_new(*json, "publishable",
					    json_boolean(dt_db_column_int64(st, 11) != 0));
			json_object_set_new(*json, "region", region_json(out->region));
			json_object_set_new(*json, "updated_at", col_text(st, 14));
		}
	} else if (r == DT_DB_DONE) {
		rc = dt_store_problem(s, err, NULL, "record.missing", "id", DT_I(id), "entity",
				      "inspection", NULL);
	} else {
		rc = dt_sql_error(s, "inspection", err);
	}
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_attachment_links_json(struct dt_store *s, const char *kind, int64_t id, json_t *out,
				     struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT l.hash, l.name, a.mime, a.size FROM attachment_link l JOIN attachment a "
		"ON a.hash = l.hash WHERE l.owner_kind = ? AND l.owner_id = ? "
		"ORDER BY l.created_at, l.name",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text(st, 1, kind, -1);
	dt_db_bind_int64(st, 2, id);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		struct dt_strbuf hex = DT_STRBUF_INIT;
		if (dt_db_column_bytes(st, 0) == DT_ATTACHMENT_HASH_LEN)
			dt_strbuf_addhex(&hex, dt_db_column_blob(st, 0), DT_ATTACHMENT_HASH_LEN);
		json_array_append_new(out, json_pack("{s:s, s:o, s:o, s:o}", "hash", hex.buf,
						     "name", col_text(st, 1), "mime",
						     col_text(st, 2), "size", col_int(st, 3)));
		dt_strbuf_release(&hex);
	}
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "attachment_link", err);
	dt_db_reset(st);
	return rc;
}

/* The checklist codes of plan @plan, into @codes (a JSON array of strings). */
static enum dt_err plan_codes(struct dt_store *s, int64_t plan, json_t *codes,
			      struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT code FROM plan_check WHERE plan_id = ? ORDER BY pos", err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, plan);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(codes, col_text(st, 0));
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "plan_check", err);
	dt_db_reset(st);
	return rc;
}

/* The checklist results of inspection @id as {code: {result, remark}}. */
static enum dt_err checks_json(struct dt_store *s, int64_t id, json_t *out, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT code, result, remark FROM inspection_check WHERE inspection_id = ?",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_object_set_new(out, dt_db_column_text(st, 0),
				    json_pack("{s:o, s:o}", "result", col_text(st, 1), "remark",
					      col_text(st, 2)));
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "inspection_check", err);
	dt_db_reset(st);
	return rc;
}

/* How many findings of inspection @id are not closed (-1 on error). */
static int64_t open_findings(struct dt_store *s, int64_t id, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT count(*) FROM finding WHERE inspection_id = ? AND status <> 'closed'",
		err);
	if (!st)
		return -1;
	dt_db_bind_int64(st, 1, id);
	int64_t n = dt_db_step(st) == DT_DB_ROW ? dt_db_column_int64(st, 0) : -1;
	dt_db_reset(st);
	return n;
}

/*
 * The files @list (a JSON array of {hash, name} or of hash strings; NULL:
 * none) given on @field, checked: each a stored file that @who uploaded
 * (or, for an unrestricted caller, any stored file).  On success *@out is
 * [{hash, name}] with the names made safe.
 */
enum dt_err dt_attachment_files_arg(struct dt_store *s, const struct dt_account *who, json_t *list,
				    const char *field, json_t **out, struct dt_strbuf *err)
{
	*out = json_array();
	if (!list || json_is_null(list))
		return DT_OK;
	if (!json_is_array(list))
		return dt_store_problem(s, err, field, "type.array", NULL);
	if (json_array_size(list) > DT_ATTACHMENT_PER_OWNER)
		return dt_store_problem(s, err, field, "attachment.too_many", "max",
					DT_I(DT_ATTACHMENT_PER_OWNER), NULL);
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v)
	{
		char f[64];
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		json_t *h = json_is_object(v) ? json_object_get(v, "hash") : v;
		json_t *n = json_is_object(v) ? json_object_get(v, "name") : NULL;
		unsigned char raw[DT_ATTACHMENT_HASH_LEN];
		const char *hex = json_string_value(h);
		if (!hex || !dt_attachment_hash_parse(hex, raw))
			return dt_store_problem(s, err, f, "attachment.missing", "value",
						hex ? hex : "", NULL);
		/* the file's type and the name it was uploaded with, if @who uploaded it */
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			"SELECT a.mime, (SELECT l.name FROM attachment_link l WHERE l.hash = a.hash "
			"AND l.owner_kind = 'upload' AND l.owner_id = ?) FROM attachment a "
			"WHERE a.hash = ?",
			err);
		if (!st)
			return DT_EDB;
		dt_db_bind_int64(st, 1, who ? who->id : 0);
		dt_db_bind_blob(st, 2, raw, sizeof(raw));
		int r = dt_db_step(st);
		bool ok = r == DT_DB_ROW && (unrestricted(who) || dt_db_column_text(st, 1));
		struct dt_strbuf name = DT_STRBUF_INIT;
		if (ok) {
			const char *given = json_string_value(n);
			dt_attachment_name(given ? given : dt_db_column_text(st, 1),
					   dt_attachment_type_of(dt_db_column_text(st, 0)), &name);
		}
		dt_db_reset(st);
		if (r != DT_DB_ROW && r != DT_DB_DONE)
			return dt_sql_error(s, "attachment", err);
		if (!ok) {
			dt_strbuf_release(&name);
			return dt_store_problem(s, err, f, "attachment.missing", "value", hex,
						NULL);
		}
		json_array_append_new(*out, json_pack("{s:s, s:s}", "hash", hex, "name", name.buf));
		dt_strbuf_release(&name);
	}
	return DT_OK;
}

/* Link the files @files ([{hash, name}], checked) to (@kind, @id). */
enum dt_err dt_attachment_link_files(struct dt_store *s, const char *kind, int64_t id,
				     json_t *files, const char *now, struct dt_strbuf *err)
{
	size_t i;
	json_t *v;
	json_array_foreach(files, i, v)
	{
		unsigned char raw[DT_ATTACHMENT_HASH_LEN];
		dt_attachment_hash_parse(json_string_value(json_object_get(v, "hash")), raw);
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			"INSERT INTO attachment_link (owner_kind, owner_id, hash, name, created_at) "
			"VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner_kind, owner_id, hash) DO NOTHING",
			err);
		if (!st)
			return DT_EDB;
		dt_db_bind_text(st, 1, kind, -1);
		dt_db_bind_int64(st, 2, id);
		dt_db_bind_blob(st, 3, raw, sizeof(raw));
		dt_db_bind_text(st, 4, json_string_value(json_object_get(v, "name")), -1);
		dt_db_bind_text(st, 5, now, -1);
		int rc = dt_db_step(st) == DT_DB_DONE ? DT_OK
						      : dt_sql_error(s, "attachment_link", err);
		dt_db_reset(st);
		if (rc != DT_OK)
			return rc;
	}
	return DT_OK;
}

/* A date argument @v on @field: NULL when absent, else parsed into @d. */
static enum dt_err date_arg(struct dt_store *s, json_t *v, const char *field, struct dt_date *d,
			    struct dt_strbuf *err)
{
	if (!json_is_string(v))
		return dt_store_problem(s, err, field, v ? "type.date" : "field.required", NULL);
	if (!dt_period_date(json_string_value(v), d))
		return dt_store_problem(s, err, field, "date.invalid", "value",
					json_string_value(v), NULL);
	return DT_OK;
}

/* A text argument on @field by the domain's rule. */
static enum dt_err text_arg(struct dt_store *s, json_t *v, const char *field, struct dt_strbuf *err)
{
	if (v && !json_is_string(v))
		return dt_store_problem(s, err, field, "type.string", NULL);
	size_t n0 = s->problems.n;
	enum dt_err rc = dt_finding_text_check(&s->problems, field, json_string_value(v));
	dt_store_problems_noted(s, n0, err);
	return rc;
}

/* Refuse unknown members of @body: only @allowed (NULL-ended). */
static enum dt_err known_fields(struct dt_store *s, json_t *body, const char *const *allowed,
				struct dt_strbuf *err)
{
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		bool ok = false;
		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = !strcmp(k, allowed[i]);
		if (!ok)
			return dt_store_problem(s, err, k, "field.unknown", "entity", "finding",
						NULL);
	}
	return DT_OK;
}

/* Commit (@rc DT_OK) or roll back the write dt_tx_begin() opened. */
static enum dt_err finish(struct dt_store *s, int rc, struct dt_strbuf *err)
{
	return dt_tx_end(s, rc, err);
}

/* ---- inspections ---- */

/* The inspection as conducted: its row, checklist results, files and findings' count. */
static enum dt_err inspection_view(struct dt_store *s, int64_t id, json_t **out,
				   struct dt_strbuf *err)
{
	struct insp in;
	json_t *o = NULL, *checks = json_object(), *files = json_array();
	int rc = load_inspection(s, id, &in, &o, err);
	if (rc == DT_OK)
		rc = checks_json(s, id, checks, err);
	if (rc == DT_OK)
		rc = dt_attachment_links_json(s, "inspection", id, files, err);
	if (rc == DT_OK) {
		json_object_set_new(o, "checks", checks);
		json_object_set_new(o, "attachments", files);
		checks = files = NULL;
		*out = o;
		o = NULL;
	}
	json_decref(o);
	json_decref(checks);
	json_decref(files);
	return rc;
}

enum dt_err dt_store_inspection_conducted(struct dt_store *s, const struct dt_account *who,
					  int64_t id, json_t **out, struct dt_strbuf *err)
{
	struct insp in;
	*out = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = load_inspection(s, id, &in, NULL, err);
	if (rc == DT_OK && !inspection_visible(who, &in))
		rc = dt_store_problem(s, err, NULL, "record.missing", "id", DT_I(id), "entity",
				      "inspection", NULL);
	if (rc == DT_OK)
		rc = inspection_view(s, id, out, err);
	return rc;
}

/* Store the checklist results @checks (array of {code, result, remark}) of @in. */
static enum dt_err record_checks(struct dt_store *s, const struct insp *in, json_t *checks,
				 const char *now, struct dt_strbuf *err)
{
	if (!json_is_array(checks))
		return dt_store_problem(s, err, "checks", "type.array", NULL);
	json_t *codes = json_array();
	int rc = plan_codes(s, in->plan_id, codes, err);
	size_t nc = json_array_size(codes), ng = json_array_size(checks);
	const char **cv = calloc(nc + 1, sizeof(*cv)), **seen = calloc(ng + 1, sizeof(*seen));
	if (!cv || !seen)
		rc = dt_error(err, DT_ENOMEM, "out of memory");
	for (size_t i = 0; rc == DT_OK && i < nc; i++)
		cv[i] = json_string_value(json_array_get(codes, i));
	size_t n0 = s->problems.n;
	for (size_t i = 0; rc == DT_OK && i < ng; i++) {
		json_t *c = json_array_get(checks, i);
		char f[32];
		snprintf(f, sizeof(f), "checks[%zu]", i);
		const char *code = json_string_value(json_object_get(c, "code"));
		const char *res = json_string_value(json_object_get(c, "result"));
		json_t *rem = json_object_get(c, "remark");
		enum dt_check_result r;
		if (!json_is_object(c)) {
			rc = dt_store_problem(s, err, f, "type.object", NULL);
			break;
		}
		if (rem && !json_is_null(rem) && !json_is_string(rem)) {
			rc = dt_store_problem(s, err, f, "type.string", NULL);
			break;
		}
		if (dt_check_result_parse(res, &r) != DT_OK) {
			rc = dt_store_problem(s, err, f, "enum.value", "value", res ? res : "",
					      "values", "pass|fail|na", NULL);
			break;
		}
		rc = dt_check_result_check(&s->problems, f, code, r, json_string_value(rem), cv, nc,
					   seen, i);
		dt_store_problems_noted(s, n0, err);
		if (rc != DT_OK)
			break;
		seen[i] = code;
		/* ON CONFLICT ... DO UPDATE is in the common subset of both dialects */
		json_t *args = json_pack("[I, s, s, O, s]", (json_int_t)in->id, code,
					 dt_check_result_name(r), rem ? rem : json_null(), now);
		rc = dt_sql_write(
			s,
			"INSERT INTO inspection_check (inspection_id, code, result, remark, "
			"updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (inspection_id, code) DO "
			"UPDATE SET result = excluded.result, remark = excluded.remark, "
			"updated_at = excluded.updated_at",
			args, "inspection_check", err);
		json_decref(args);
	}
	free(cv);
	free(seen);
	json_decref(codes);
	return rc;
}

enum dt_err dt_store_inspection_record(struct dt_store *s, const struct dt_actor *a,
				       const struct dt_account *who, int64_t id, json_t *body,
				       json_t **out, struct dt_strbuf *err)
{
	static const char *const allowed[] = { "visited_on", "checks",      "conclusion",
					       "status",     "attachments", NULL };
	struct insp in;
	json_t *before = NULL, *after = NULL, *files = NULL, *set = json_array();
	struct dt_strbuf sql = DT_STRBUF_INIT;
	char now[DT_TIME_STRLEN];
	dt_store_now(s, now);
	dt_store_problems_begin(s, NULL);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK) {
		json_decref(set);
		return rc;
	}
	if (!json_is_object(body)) {
		rc = dt_store_problem(s, err, "body", "type.object", NULL);
		goto out;
	}
	rc = load_inspection(s, id, &in, NULL, err);
	if (rc == DT_OK && !inspection_visible(who, &in))
		rc = dt_store_problem(s, err, NULL, "record.missing", "id", DT_I(id), "entity",
				      "inspection", NULL);
	if (rc == DT_OK && !drawn(who, in.inspector_a, in.inspector_b))
		rc = dt_store_problem(s, err, NULL, "inspection.not_drawn_for", NULL);
	if (rc == DT_OK && !strcmp(in.status, "done"))
		rc = dt_store_problem(s, err, NULL, "inspection.already_done", NULL);
	if (rc == DT_OK)
		rc = known_fields(s, body, allowed, err);
	if (rc == DT_OK)
		rc = inspection_view(s, id, &before, err);
	if (rc != DT_OK)
		goto out;

	dt_strbuf_adds(&sql, "UPDATE inspection SET updated_at = ?");
	json_array_append_new(set, json_string(now));
	if (!strcmp(in.status, "planned")) {
		dt_strbuf_adds(&sql, ", status = 'in_progress'");
		snprintf(in.status, sizeof(in.status), "in_progress");
	}
	json_t *v = json_object_get(body, "visited_on");
	if (v) {
		struct dt_date d;
		rc = date_arg(s, v, "visited_on", &d, err);
		if (rc == DT_OK) {
			size_t n0 = s->problems.n;
			rc = dt_inspection_visit_check(&s->problems, d, today_of(s));
			dt_store_problems_noted(s, n0, err);
		}
		if (rc != DT_OK)
			goto out;
		dt_strbuf_adds(&sql, ", visited_on = ?");
		json_array_append(set, v);
	}
	v = json_object_get(body, "conclusion");
	if (v) {
		if ((rc = text_arg(s, v, "conclusion", err)) != DT_OK)
			goto out;
		dt_strbuf_adds(&sql, ", conclusion = ?");
		json_array_append(set, v);
	}
	if ((v = json_object_get(body, "checks")) &&
	    (rc = record_checks(s, &in, v, now, err)) != DT_OK)
		goto out;
	if ((rc = dt_attachment_files_arg(s, who, json_object_get(body, "attachments"),
					  "attachments", &files, err)) != DT_OK ||
	    (rc = dt_attachment_link_files(s, "inspection", id, files, now, err)) != DT_OK)
		goto out;
	v = json_object_get(body, "status");
	if (v && !(json_is_string(v) && (!strcmp(json_string_value(v), "done") ||
					 !strcmp(json_string_value(v), "in_progress")))) {
		rc = dt_store_problem(s, err, "status", "enum.value", "value",
				      json_is_string(v) ? json_string_value(v) : "", "values",
				      "in_progress|done", NULL);
		goto out;
	}
	json_array_append_new(set, json_integer(id));
	dt_strbuf_adds(&sql, " WHERE id = ?");
	if ((rc = dt_sql_write(s, sql.buf, set, "inspection", err)) != DT_OK)
		goto out;
	if (v && !strcmp(json_string_value(v), "done")) {
		/* finishing: every item answered, a date and a conclusion (as now stored) */
		json_t *now_view = NULL, *codes = json_array();
		rc = inspection_view(s, id, &now_view, err);
		if (rc == DT_OK)
			rc = plan_codes(s, in.plan_id, codes, err);
		if (rc == DT_OK) {
			json_t *ch = json_object_get(now_view, "checks");
			size_t unanswered = 0, i;
			json_t *c;
			json_array_foreach(codes, i, c) unanswered +=
				!json_object_get(ch, json_string_value(c));
			struct dt_inspection_facts f = {
				in.status, !json_is_null(json_object_get(now_view, "visited_on")),
				unanswered, !json_is_null(json_object_get(now_view, "conclusion"))
			};
			size_t n0 = s->problems.n;
			rc = dt_inspection_finish_check(&s->problems, &f);
			dt_store_problems_noted(s, n0, err);
		}
		json_decref(now_view);
		json_decref(codes);
		int64_t open = rc == DT_OK ? open_findings(s, id, err) : 0;
		if (rc == DT_OK && open < 0)
			rc = DT_EDB;
		if (rc == DT_OK) {
			json_t *b = json_pack("[i, s, I]",
					      dt_inspection_publishable("done", open) ? 1 : 0, now,
					      (json_int_t)id);
			/* publishable: 一公开 once every finding is closed */
			rc = dt_sql_write(s,
					  "UPDATE inspection SET status = 'done', publishable = ?, "
					  "updated_at = ? WHERE id = ?",
					  b, "inspection", err);
			json_decref(b);
		}
		if (rc != DT_OK)
			goto out;
	}
	rc = inspection_view(s, id, &after, err);
	if (rc == DT_OK)
		rc = dt_audit_append(s, a, "inspection.record", "inspection", id, before, after,
				     err);
out:
	rc = finish(s, rc, err);
	if (rc == DT_OK && out) {
		*out = after;
		after = NULL;
	}
	json_decref(before);
	json_decref(after);
	json_decref(files);
	json_decref(set);
	dt_strbuf_release(&sql);
	return rc;
}

/* ---- findings ---- */

/* What the rules need of a finding, with its inspection's inspectors. */
struct fnd {
	int64_t id, inspection_id, org_id, region, inspector_a, inspector_b;
	enum dt_finding_status status;
	struct dt_date deadline;
};

/* The current row of @st (FINDING_COLS) as the API shows it, and into @f. */
static json_t *finding_row(struct dt_db_stmt *st, struct fnd *f)
{
	struct fnd tmp;
	if (!f)
		f = &tmp;
	f->id = dt_db_column_int64(st, 0);
	f->inspection_id = dt_db_column_int64(st, 1);
	f->org_id = dt_db_column_int64(st, 3);
	f->region = dt_db_column_int64(st, 4);
	f->inspector_a = dt_db_column_int64(st, 12);
	f->inspector_b = dt_db_column_int64(st, 13);
	f->status = DT_FINDING_OPEN;
	dt_finding_status_parse(dt_db_column_text(st, 8), &f->status);
	dt_period_date(dt_db_column_text(st, 7), &f->deadline);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(f->id));
	json_object_set_new(o, "inspection_id", json_integer(f->inspection_id));
	json_object_set_new(o, "plan_id", col_int(st, 14));
	json_object_set_new(o, "object_kind", col_text(st, 15));
	json_object_set_new(o, "object_id", col_int(st, 16));
	json_object_set_new(o, "severity", col_text(st, 2));
	json_object_set_new(o, "org_id", json_integer(f->org_id));
	json_object_set_new(o, "region", region_json(f->region));
	json_object_set_new(o, "check_code", col_text(st, 5));
	json_object_set_new(o, "description", col_text(st, 6));
	json_object_set_new(o, "deadline", col_text(st, 7));
	json_object_set_new(o, "status", col_text(st, 8));
	json_object_set_new(o, "closed_at", col_text(st, 9));
	json_object_set_new(o, "created_at", col_text(st, 10));
	json_object_set_new(o, "updated_at", col_text(st, 11));
	return o;
}

/* Add what is derived from the deadline and today (never stored, never audited). */
static void derive(json_t *o, const struct fnd *f, struct dt_date today)
{
	json_object_set_new(o, "days_left",
			    f->status == DT_FINDING_CLOSED
				    ? json_null()
				    : json_integer(dt_finding_days_left(f->deadline, today)));
	json_object_set_new(o, "overdue",
			    json_boolean(dt_finding_overdue(f->status, f->deadline, today)));
	json_object_set_new(o, "colour",
			    json_string(dt_finding_colour_name(
				    dt_finding_colour(f->status, f->deadline, today))));
}

/* Load finding @id (any scope) as stored, into @f and *@o. */
static enum dt_err load_finding(struct dt_store *s, int64_t id, struct fnd *f, json_t **o,
				struct dt_strbuf *err)
{
	struct dt_db_stmt *st =
		dt_sql_prepare(s,
			       "SELECT " FINDING_COLS " FROM finding f JOIN "
			       "inspection i ON i.id = f.inspection_id WHERE f.id = ?",
			       err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st), rc = DT_OK;
	if (r == DT_DB_ROW)
		*o = finding_row(st, f);
	else if (r == DT_DB_DONE)
		rc = dt_store_problem(s, err, NULL, "record.missing", "id", DT_I(id), "entity",
				      "finding", NULL);
	else
		rc = dt_sql_error(s, "finding", err);
	dt_db_reset(st);
	return rc;
}

/* Load finding @id as @who may see it: DT_ENOTFOUND when it may not. */
static enum dt_err load_visible(struct dt_store *s, const struct dt_account *who, int64_t id,
				struct fnd *f, json_t **o, struct dt_strbuf *err)
{
	int rc = load_finding(s, id, f, o, err);
	if (rc == DT_OK && !visible(who, f->region, f->org_id, f->inspector_a, f->inspector_b)) {
		json_decref(*o);
		*o = NULL;
		rc = dt_store_problem(s, err, NULL, "record.missing", "id", DT_I(id), "entity",
				      "finding", NULL);
	}
	return rc;
}

/* The rectifications of finding @id, oldest first, each with its files. */
static enum dt_err rectifications_json(struct dt_store *s, int64_t id, json_t *out,
				       struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT id, body, submitted_by, submitted_at, decision, reason, new_deadline, "
		"decided_by, decided_at FROM rectification WHERE finding_id = ? ORDER BY id",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(out,
				      json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
						"id", (json_int_t)dt_db_column_int64(st, 0), "body",
						col_text(st, 1), "submitted_by", col_int(st, 2),
						"submitted_at", col_text(st, 3), "decision",
						col_text(st, 4), "reason", col_text(st, 5),
						"new_deadline", col_text(st, 6), "decided_by",
						col_int(st, 7), "decided_at", col_text(st, 8)));
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "rectification", err);
	dt_db_reset(st);
	size_t i;
	json_t *v;
	json_array_foreach(out, i, v)
	{
		json_t *files = json_array();
		if (rc == DT_OK)
			rc = dt_attachment_links_json(s, "rectification",
						      json_integer_value(json_object_get(v, "id")),
						      files, err);
		json_object_set_new(v, "attachments", files);
	}
	return rc;
}

/* Finding @id in full: row, derived state, files and rectifications. */
static enum dt_err finding_full(struct dt_store *s, const struct dt_account *who, int64_t id,
				json_t **out, struct dt_strbuf *err)
{
	struct fnd f;
	json_t *o = NULL, *files = json_array(), *rects = json_array();
	int rc = load_visible(s, who, id, &f, &o, err);
	if (rc == DT_OK)
		rc = dt_attachment_links_json(s, "finding", id, files, err);
	if (rc == DT_OK)
		rc = rectifications_json(s, id, rects, err);
	if (rc == DT_OK) {
		derive(o, &f, today_of(s));
		json_object_set_new(o, "attachments", files);
		json_object_set_new(o, "rectifications", rects);
		*out = o;
		return DT_OK;
	}
	json_decref(o);
	json_decref(files);
	json_decref(rects);
	return rc;
}

enum dt_err dt_store_finding_get(struct dt_store *s, const struct dt_account *who, int64_t id,
				 json_t **out, struct dt_strbuf *err)
{
	*out = NULL;
	dt_store_problems_begin(s, NULL);
	return finding_full(s, who, id, out, err);
}

enum dt_err dt_store_finding_list(struct dt_store *s, const struct dt_account *who,
				  const struct dt_finding_filter *flt, json_t **items,
				  struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	json_t *binds = json_array();
	struct dt_date today = today_of(s);
	char td[DT_DATE_STRLEN];
	dt_date_format(today, td);
	int rc = DT_OK;
	*items = NULL;
	dt_store_problems_begin(s, NULL);
	int limit = flt && flt->limit ? flt->limit : 100;
	if (limit < 1 || limit > 1000) {
		rc = dt_store_problem(s, err, "limit", "number.range", "value", DT_I(limit), "min",
				      "1", "max", "1000", NULL);
		goto out;
	}
	dt_strbuf_adds(&sql, "SELECT " FINDING_COLS
			     " FROM finding f JOIN inspection i ON i.id = f.inspection_id "
			     "WHERE f.id > ?");
	json_array_append_new(binds, json_integer(flt ? flt->after : 0));
	if (flt && flt->status) {
		if (dt_finding_status_parse(flt->status, NULL) != DT_OK) {
			rc = dt_store_problem(s, err, "status", "enum.value", "value", flt->status,
					      "values", "open|rectifying|submitted|closed", NULL);
			goto out;
		}
		dt_strbuf_adds(&sql, " AND f.status = ?");
		json_array_append_new(binds, json_string(flt->status));
	}
	if (flt && flt->severity) {
		enum dt_finding_severity sv;
		if (dt_finding_severity_parse(flt->severity, &sv) != DT_OK) {
			rc = dt_store_problem(s, err, "severity", "enum.value", "value",
					      flt->severity, "values", "general|serious|grave",
					      NULL);
			goto out;
		}
		dt_strbuf_adds(&sql, " AND f.severity = ?");
		json_array_append_new(binds, json_string(dt_finding_severity_name(sv)));
	}
	if (flt && flt->region) {
		int lo, hi;
		dt_region_range(flt->region, &lo, &hi);
		dt_strbuf_adds(&sql, " AND f.region BETWEEN ? AND ?");
		json_array_append_new(binds, json_integer(lo));
		json_array_append_new(binds, json_integer(hi));
	}
	if (flt && flt->inspection_id) {
		dt_strbuf_adds(&sql, " AND f.inspection_id = ?");
		json_array_append_new(binds, json_integer(flt->inspection_id));
	}
	if (flt && flt->org_id) {
		dt_strbuf_adds(&sql, " AND f.org_id = ?");
		json_array_append_new(binds, json_integer(flt->org_id));
	}
	if (flt && flt->overdue) {
		/* dt_finding_overdue() in SQL: open or rectifying, deadline before today */
		dt_strbuf_adds(&sql, " AND f.status IN ('open', 'rectifying') AND f.deadline < ?");
		json_array_append_new(binds, json_string(td));
	}
	scope_sql(who, &sql, binds);
	dt_strbuf_addf(&sql, " ORDER BY f.id LIMIT %d", limit);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	dt_crud_bind_all(st, binds);
	*items = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		struct fnd f;
		json_t *o = finding_row(st, &f);
		derive(o, &f, today);
		json_array_append_new(*items, o);
	}
	if (r != DT_DB_DONE)
		rc = dt_sql_error(s, "finding", err);
	dt_db_reset(st);
out:
	if (rc != DT_OK) {
		json_decref(*items);
		*items = NULL;
	}
	json_decref(binds);
	dt_strbuf_release(&sql);
	return rc;
}

enum dt_err dt_store_finding_create(struct dt_store *s, const struct dt_actor *a,
				    const struct dt_account *who, json_t *body, json_t **out,
				    struct dt_strbuf *err)
{
	static const char *const allowed[] = { "inspection_id", "severity", "description",
					       "deadline",      "org_id",   "check_code",
					       "attachments",   NULL };
	struct insp in;
	json_t *files = NULL, *after = NULL, *args = NULL;
	int64_t id = 0;
	char now[DT_TIME_STRLEN];
	dt_store_now(s, now);
	dt_store_problems_begin(s, NULL);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	if (!json_is_object(body)) {
		rc = dt_store_problem(s, err, "body", "type.object", NULL);
		goto out;
	}
	json_t *iid = json_object_get(body, "inspection_id");
	if (!json_is_integer(iid)) {
		rc = dt_store_problem(s, err, "inspection_id",
				      iid ? "type.integer" : "field.required", NULL);
		goto out;
	}
	int64_t inspection = json_integer_value(iid);
	/* an inspection out of sight is a reference to nothing */
	rc = load_inspection(s, inspection, &in, NULL, err);
	if (rc == DT_ENOTFOUND || (rc == DT_OK && !inspection_visible(who, &in))) {
		dt_store_problems_begin(s, NULL);
		rc = dt_store_problem(s, err, "inspection_id", "ref.missing", "id",
				      DT_I(inspection), "entity", "inspection", NULL);
	}
	if (rc == DT_OK && !drawn(who, in.inspector_a, in.inspector_b))
		rc = dt_store_problem(s, err, NULL, "inspection.not_drawn_for", NULL);
	if (rc == DT_OK && !strcmp(in.status, "done"))
		rc = dt_store_problem(s, err, NULL, "inspection.already_done", NULL);
	if (rc == DT_OK)
		rc = known_fields(s, body, allowed, err);
	if (rc != DT_OK)
		goto out;

	enum dt_finding_severity sv;
	json_t *v = json_object_get(body, "severity");
	if (dt_finding_severity_parse(json_string_value(v), &sv) != DT_OK) {
		rc = v ? dt_store_problem(s, err, "severity", "enum.value", "value",
					  json_is_string(v) ? json_string_value(v) : "", "values",
					  "general|serious|grave", NULL)
		       : dt_store_problem(s, err, "severity", "field.required", NULL);
		goto out;
	}
	if ((rc = text_arg(s, json_object_get(body, "description"), "description", err)) != DT_OK)
		goto out;
	struct dt_date deadline;
	if ((rc = date_arg(s, json_object_get(body, "deadline"), "deadline", &deadline, err)) !=
	    DT_OK)
		goto out;
	size_t n0 = s->problems.n;
	rc = dt_finding_deadline_check(&s->problems, "deadline", deadline, today_of(s));
	dt_store_problems_noted(s, n0, err);
	if (rc != DT_OK)
		goto out;
	/* the responsible organisation: the inspection's, or named (a pilot task has none) */
	int64_t org = in.org_id;
	v = json_object_get(body, "org_id");
	if (v && !json_is_null(v)) {
		json_t *o = NULL;
		if (!json_is_integer(v)) {
			rc = dt_store_problem(s, err, "org_id", "type.integer", NULL);
			goto out;
		}
		if (dt_store_get(s, NULL, "organization", json_integer_value(v), 0, &o, NULL) !=
		    DT_OK) {
			rc = dt_store_problem(s, err, "org_id", "ref.missing", "id",
					      DT_I(json_integer_value(v)), "entity", "organization",
					      NULL);
			goto out;
		}
		json_decref(o);
		org = json_integer_value(v);
	}
	if (!org) {
		rc = dt_store_problem(s, err, "org_id", "finding.no_org", NULL);
		goto out;
	}
	json_t *cc = json_object_get(body, "check_code");
	if (cc && !json_is_null(cc)) {
		json_t *codes = json_array();
		rc = plan_codes(s, in.plan_id, codes, err);
		bool known = false;
		size_t i;
		json_t *c;
		json_array_foreach(codes, i, c) known |= json_is_string(cc) && json_equal(c, cc);
		json_decref(codes);
		if (rc == DT_OK && !known)
			rc = dt_store_problem(
				s, err, "check_code", "inspection.check_unknown", "value",
				json_is_string(cc) ? json_string_value(cc) : "", NULL);
		if (rc != DT_OK)
			goto out;
	} else {
		cc = json_null();
	}
	if ((rc = dt_attachment_files_arg(s, who, json_object_get(body, "attachments"),
					  "attachments", &files, err)) != DT_OK)
		goto out;
	char dl[DT_DATE_STRLEN];
	dt_date_format(deadline, dl);
	args = json_pack("[I, s, I, I, O, O, s, o, s, s]", (json_int_t)inspection,
			 dt_finding_severity_name(sv), (json_int_t)org, (json_int_t)in.region, cc,
			 json_object_get(body, "description"), dl,
			 who && who->id ? json_integer(who->id) : json_null(), now, now);
	rc = dt_sql_insert_id(
		s,
		"INSERT INTO finding (inspection_id, severity, org_id, region, check_code, "
		"description, deadline, status, created_by, created_at, updated_at) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id",
		args, "finding", &id, err);
	if (rc == DT_OK)
		rc = dt_attachment_link_files(s, "finding", id, files, now, err);
	if (rc == DT_OK && !strcmp(in.status, "planned")) {
		json_t *b = json_pack("[s, I]", now, (json_int_t)inspection);
		rc = dt_sql_write(
			s,
			"UPDATE inspection SET status = 'in_progress', updated_at = ? WHERE id = ?",
			b, "inspection", err);
		json_decref(b);
	}
	if (rc == DT_OK) {
		struct fnd f;
		rc = load_finding(s, id, &f, &after, err);
	}
	if (rc == DT_OK) {
		json_object_set(after, "attachments", files);
		rc = dt_audit_append(s, a, "finding.create", "finding", id, NULL, after, err);
	}
out:
	rc = finish(s, rc, err);
	json_decref(after);
	json_decref(files);
	json_decref(args);
	if (rc == DT_OK && out)
		rc = finding_full(s, NULL, id, out, err);
	return rc;
}

/* The finding's state change as its audit event sees it (stored fields only). */
static enum dt_err set_status(struct dt_store *s, int64_t id, enum dt_finding_status to,
			      const char *deadline, const char *now, struct dt_strbuf *err)
{
	json_t *b =
		json_pack("[s, s, s, s, I]", dt_finding_status_name(to), deadline ? deadline : "",
			  to == DT_FINDING_CLOSED ? now : "", now, (json_int_t)id);
	/* empty texts stand for "unchanged deadline" and "no closing time" */
	enum dt_err rc =
		dt_sql_write(s,
			     "UPDATE finding SET status = ?, deadline = coalesce(nullif(?, ''), "
			     "deadline), closed_at = nullif(?, ''), updated_at = ? WHERE id = ?",
			     b, "finding", err);
	json_decref(b);
	return rc;
}

enum dt_err dt_store_finding_rectify(struct dt_store *s, const struct dt_actor *a,
				     const struct dt_account *who, int64_t id,
				     enum dt_finding_event ev, json_t *body, json_t **out,
				     struct dt_strbuf *err)
{
	static const char *const allowed[] = { "body", "attachments", NULL };
	struct fnd f;
	json_t *before = NULL, *after = NULL, *files = NULL, *rect = NULL;
	char now[DT_TIME_STRLEN];
	dt_store_now(s, now);
	dt_store_problems_begin(s, NULL);
	if (ev != DT_FEV_START && ev != DT_FEV_SUBMIT)
		return dt_store_problem(s, err, NULL, "finding.unknown", "value", DT_I(ev), NULL);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = load_visible(s, who, id, &f, &before, err);
	if (rc != DT_OK)
		goto out;
	struct dt_finding_actor act = {
		.inspector = drawn(who, f.inspector_a, f.inspector_b),
		.org = who && who->scope.org_id && who->scope.org_id == f.org_id &&
		       (!strcmp(who->role, "school") || !strcmp(who->role, "enterprise")),
	};
	enum dt_finding_status to;
	size_t n0 = s->problems.n;
	rc = dt_finding_apply(f.status, ev, &act, &to, &s->problems);
	dt_store_problems_noted(s, n0, err);
	if (rc != DT_OK)
		goto out;
	if (ev == DT_FEV_SUBMIT) {
		if (!json_is_object(body)) {
			rc = dt_store_problem(s, err, "body",
					      body ? "type.object" : "field.required", NULL);
			goto out;
		}
		if ((rc = known_fields(s, body, allowed, err)) != DT_OK ||
		    (rc = text_arg(s, json_object_get(body, "body"), "body", err)) != DT_OK ||
		    (rc = dt_attachment_files_arg(s, who, json_object_get(body, "attachments"),
						  "attachments", &files, err)) != DT_OK)
			goto out;
		json_t *b = json_pack("[I, O, o, s]", (json_int_t)id, json_object_get(body, "body"),
				      who && who->id ? json_integer(who->id) : json_null(), now);
		int64_t rid = 0;
		rc = dt_sql_insert_id(s,
				      "INSERT INTO rectification (finding_id, body, submitted_by, "
				      "submitted_at) VALUES (?, ?, ?, ?) RETURNING id",
				      b, "rectification", &rid, err);
		json_decref(b);
		if (rc == DT_OK)
			rc = dt_attachment_link_files(s, "rectification", rid, files, now, err);
		if (rc == DT_OK) {
			rect = json_pack("{s:I, s:I, s:O, s:o, s:s, s:O, s:O}", "id",
					 (json_int_t)rid, "finding_id", (json_int_t)id, "body",
					 json_object_get(body, "body"), "submitted_by",
					 who && who->id ? json_integer(who->id) : json_null(),
					 "submitted_at", now, "attachments", files, "region",
					 json_object_get(before, "region"));
			rc = dt_audit_append(s, a, "rectification.submit", "rectification", rid,
					     NULL, rect, err);
		}
		if (rc != DT_OK)
			goto out;
	}
	rc = set_status(s, id, to, NULL, now, err);
	if (rc == DT_OK)
		rc = load_finding(s, id, &f, &after, err);
	if (rc == DT_OK) {
		char action[32];
		snprintf(action, sizeof(action), "finding.%s", dt_finding_event_name(ev));
		rc = dt_audit_append(s, a, action, "finding", id, before, after, err);
	}
out:
	rc = finish(s, rc, err);
	json_decref(before);
	json_decref(after);
	json_decref(files);
	json_decref(rect);
	if (rc == DT_OK && out)
		rc = finding_full(s, NULL, id, out, err);
	return rc;
}

enum dt_err dt_store_finding_decide(struct dt_store *s, const struct dt_actor *a,
				    const struct dt_account *who, int64_t id, json_t *body,
				    json_t **out, struct dt_strbuf *err)
{
	static const char *const allowed[] = { "decision", "reason", "new_deadline", NULL };
	struct fnd f;
	json_t *before = NULL, *after = NULL, *rbefore = NULL, *rafter = NULL;
	char now[DT_TIME_STRLEN], dl[DT_DATE_STRLEN] = "";
	dt_store_now(s, now);
	dt_store_problems_begin(s, NULL);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = load_visible(s, who, id, &f, &before, err);
	if (rc != DT_OK)
		goto out;
	if (!json_is_object(body)) {
		rc = dt_store_problem(s, err, "body", "type.object", NULL);
		goto out;
	}
	const char *d = json_string_value(json_object_get(body, "decision"));
	bool accept = d && !strcmp(d, "accepted");
	if (!accept && !(d && !strcmp(d, "rejected"))) {
		rc = dt_store_problem(s, err, "decision", "finding.decision", NULL);
		goto out;
	}
	enum dt_finding_event ev = accept ? DT_FEV_ACCEPT : DT_FEV_REJECT;
	struct dt_finding_actor act = { .inspector = drawn(who, f.inspector_a, f.inspector_b) };
	enum dt_finding_status to;
	size_t n0 = s->problems.n;
	rc = dt_finding_apply(f.status, ev, &act, &to, &s->problems);
	dt_store_problems_noted(s, n0, err);
	if (rc == DT_OK)
		rc = known_fields(s, body, allowed, err);
	if (rc != DT_OK)
		goto out;
	json_t *reason = json_object_get(body, "reason");
	if (!accept) {
		struct dt_date nd;
		if ((rc = text_arg(s, reason, "reason", err)) != DT_OK ||
		    (rc = date_arg(s, json_object_get(body, "new_deadline"), "new_deadline", &nd,
				   err)) != DT_OK)
			goto out;
		n0 = s->problems.n;
		rc = dt_finding_deadline_check(&s->problems, "new_deadline", nd, today_of(s));
		dt_store_problems_noted(s, n0, err);
		if (rc != DT_OK)
			goto out;
		dt_date_format(nd, dl);
	} else if (reason && !json_is_null(reason) &&
		   (rc = text_arg(s, reason, "reason", err)) != DT_OK) {
		goto out;
	}
	/* the decision is on the newest rectification, the one submitted */
	struct dt_db_stmt *st = dt_sql_prepare(
		s, "SELECT max(id) FROM rectification WHERE finding_id = ? AND decision IS NULL",
		err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	dt_db_bind_int64(st, 1, id);
	int64_t rid = dt_db_step(st) == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
	dt_db_reset(st);
	if (!rid) {
		rc = dt_store_problem(s, err, NULL, "finding.transition", "event",
				      dt_finding_event_name(ev), "status",
				      dt_finding_status_name(f.status), NULL);
		goto out;
	}
	json_t *b = json_pack("[s, O, s, o, s, I]", accept ? "accepted" : "rejected",
			      reason ? reason : json_null(), dl,
			      who && who->id ? json_integer(who->id) : json_null(), now,
			      (json_int_t)rid);
	rc = dt_sql_write(
		s,
		"UPDATE rectification SET decision = ?, reason = ?, new_deadline = nullif(?, ''), "
		"decided_by = ?, decided_at = ? WHERE id = ?",
		b, "rectification", err);
	json_decref(b);
	if (rc == DT_OK) {
		rafter = json_pack("{s:I, s:I, s:s, s:O, s:o, s:o, s:s, s:O}", "id",
				   (json_int_t)rid, "finding_id", (json_int_t)id, "decision",
				   accept ? "accepted" : "rejected", "reason",
				   reason ? reason : json_null(), "new_deadline",
				   *dl ? json_string(dl) : json_null(), "decided_by",
				   who && who->id ? json_integer(who->id) : json_null(),
				   "decided_at", now, "region", json_object_get(before, "region"));
		rc = dt_audit_append(s, a, accept ? "rectification.accept" : "rectification.reject",
				     "rectification", rid, NULL, rafter, err);
	}
	if (rc == DT_OK)
		rc = set_status(s, id, to, *dl ? dl : NULL, now, err);
	if (rc == DT_OK)
		rc = load_finding(s, id, &f, &after, err);
	if (rc == DT_OK)
		rc = dt_audit_append(s, a, accept ? "finding.accept" : "finding.reject", "finding",
				     id, before, after, err);
	/* 一公开: a done inspection whose last finding closes becomes publishable */
	if (rc == DT_OK && accept) {
		struct insp in;
		int64_t open = open_findings(s, f.inspection_id, err);
		rc = open < 0 ? DT_EDB : load_inspection(s, f.inspection_id, &in, NULL, err);
		if (rc == DT_OK && dt_inspection_publishable(in.status, open)) {
			json_t *ib = json_pack("[s, I]", now, (json_int_t)in.id);
			rc = dt_sql_write(
				s,
				"UPDATE inspection SET publishable = 1, updated_at = ? WHERE id = ?",
				ib, "inspection", err);
			json_decref(ib);
			json_t *ia = json_pack("{s:b, s:O}", "publishable", 1, "region",
					       json_object_get(before, "region"));
			if (rc == DT_OK)
				rc = dt_audit_append(s, a, "inspection.publishable", "inspection",
						     in.id, NULL, ia, err);
			json_decref(ia);
		}
	}
out:
	rc = finish(s, rc, err);
	json_decref(before);
	json_decref(after);
	json_decref(rbefore);
	json_decref(rafter);
	if (rc == DT_OK && out)
		rc = finding_full(s, NULL, id, out, err);
	return rc;
}

/* ---- evidence files ---- */

enum dt_err dt_store_attachment_put(struct dt_store *s, const struct dt_actor *a,
				    const struct dt_account *who, const unsigned char *data,
				    size_t len, const char *name, json_t **out,
				    struct dt_strbuf *err)
{
	enum dt_attachment_type t = DT_ATTACH_NONE;
	unsigned char raw[DT_ATTACHMENT_HASH_LEN];
	char hex[DT_ATTACHMENT_HEX_LEN], now[DT_TIME_STRLEN];
	struct dt_strbuf safe = DT_STRBUF_INIT;
	json_t *ev = NULL;
	dt_store_now(s, now);
	dt_store_problems_begin(s, NULL);
	size_t n0 = s->problems.n;
	int rc = dt_attachment_check(&s->problems, data, len, &t);
	dt_store_problems_noted(s, n0, err);
	if (rc != DT_OK)
		return rc;
	dt_attachment_hash(data, len, raw, hex);
	dt_attachment_name(name, t, &safe);
	rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		goto done;
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"INSERT INTO attachment (hash, mime, size, content, created_at) VALUES (?, ?, ?, ?, "
		"?) ON CONFLICT (hash) DO NOTHING",
		err);
	if (!st) {
		rc = DT_EDB;
		goto out;
	}
	dt_db_bind_blob(st, 1, raw, sizeof(raw));
	dt_db_bind_text(st, 2, dt_attachment_mime(t), -1);
	dt_db_bind_int64(st, 3, (int64_t)len);
	dt_db_bind_blob(st, 4, data, (int)len);
	dt_db_bind_text(st, 5, now, -1);
	rc = dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, "attachment", err);
	dt_db_reset(st);
	if (rc != DT_OK)
		goto out;
	if (who && who->id) {
		/* the uploader may see it and attach it; a second upload renames it */
		st = dt_sql_prepare(
			s,
			"INSERT INTO attachment_link (owner_kind, owner_id, hash, name, "
			"created_at) VALUES ('upload', ?, ?, ?, ?) ON CONFLICT "
			"(owner_kind, owner_id, hash) DO UPDATE SET name = excluded.name",
			err);
		if (!st) {
			rc = DT_EDB;
			goto out;
		}
		dt_db_bind_int64(st, 1, who->id);
		dt_db_bind_blob(st, 2, raw, sizeof(raw));
		dt_db_bind_text(st, 3, safe.buf, -1);
		dt_db_bind_text(st, 4, now, -1);
		rc = dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, "attachment_link", err);
		dt_db_reset(st);
		if (rc != DT_OK)
			goto out;
	}
	ev = json_pack("{s:s, s:s, s:I, s:s}", "hash", hex, "mime", dt_attachment_mime(t), "size",
		       (json_int_t)len, "name", safe.buf);
	rc = dt_audit_append(s, a, "attachment.upload", "attachment", 0, NULL, ev, err);
out:
	rc = finish(s, rc, err);
	if (rc == DT_OK && out) {
		*out = ev;
		ev = NULL;
	}
done:
	json_decref(ev);
	dt_strbuf_release(&safe);
	return rc;
}

/* May @who see (@kind, @owner)? */
static bool owner_visible(struct dt_store *s, const struct dt_account *who, const char *kind,
			  int64_t owner)
{
	struct fnd f;
	struct insp in;
	json_t *o = NULL;
	struct dt_strbuf e = DT_STRBUF_INIT;
	bool yes = false;
	if (!strcmp(kind, "upload")) {
		yes = who && who->id == owner;
	} else if (!strcmp(kind, "inspection")) {
		yes = load_inspection(s, owner, &in, NULL, &e) == DT_OK &&
		      inspection_visible(who, &in);
	} else if (!strcmp(kind, "case") || !strcmp(kind, "pub_item")) {
		yes = dt_publicity_owner_visible(s, who, kind, owner);
	} else if (!strcmp(kind, "finding") || !strcmp(kind, "rectification")) {
		int64_t fid = owner;
		if (kind[0] == 'r') {
			struct dt_db_stmt *st = dt_sql_prepare(
				s, "SELECT finding_id FROM rectification WHERE id = ?", NULL);
			fid = 0;
			if (st) {
				dt_db_bind_int64(st, 1, owner);
				if (dt_db_step(st) == DT_DB_ROW)
					fid = dt_db_column_int64(st, 0);
				dt_db_reset(st);
			}
		}
		yes = fid && load_finding(s, fid, &f, &o, &e) == DT_OK &&
		      visible(who, f.region, f.org_id, f.inspector_a, f.inspector_b);
	}
	json_decref(o);
	dt_strbuf_release(&e);
	return yes;
}

enum dt_err dt_store_attachment_get(struct dt_store *s, const struct dt_account *who,
				    const char *hash, struct dt_attachment_file *out,
				    struct dt_strbuf *err)
{
	unsigned char raw[DT_ATTACHMENT_HASH_LEN];
	dt_store_problems_begin(s, NULL);
	if (!dt_attachment_hash_parse(hash, raw))
		return dt_store_problem(s, err, NULL, "record.not_found", NULL);
	/* the links, read first: owner checks run statements of their own */
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT owner_kind, owner_id, name FROM attachment_link WHERE hash = ? "
		"ORDER BY owner_kind <> 'upload', created_at LIMIT 200",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_blob(st, 1, raw, sizeof(raw));
	json_t *links = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(links, json_pack("[s, I, s]", dt_db_column_text(st, 0),
						       (json_int_t)dt_db_column_int64(st, 1),
						       dt_db_column_text(st, 2)));
	dt_db_reset(st);
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "attachment_link", err);
	const char *name = NULL;
	size_t i;
	json_t *l;
	json_array_foreach(links, i, l)
	{
		if (rc != DT_OK || name)
			break;
		const char *kind = json_string_value(json_array_get(l, 0));
		if (unrestricted(who) ||
		    owner_visible(s, who, kind, json_integer_value(json_array_get(l, 1))))
			name = json_string_value(json_array_get(l, 2));
	}
	if (rc == DT_OK && !name && !(unrestricted(who) && json_array_size(links) == 0))
		rc = dt_store_problem(s, err, NULL, "record.not_found", NULL);
	if (rc == DT_OK) {
		st = dt_sql_prepare(s, "SELECT mime, content FROM attachment WHERE hash = ?", err);
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_db_bind_blob(st, 1, raw, sizeof(raw));
			if (dt_db_step(st) == DT_DB_ROW) {
				snprintf(out->mime, sizeof(out->mime), "%s",
					 dt_db_column_text(st, 0));
				dt_strbuf_add(&out->content, dt_db_column_blob(st, 1),
					      (size_t)dt_db_column_bytes(st, 1));
				dt_strbuf_adds(&out->name, name ? name : "file");
				if (!dt_strbuf_ok(&out->content))
					rc = dt_error(err, DT_ENOMEM, "out of memory");
			} else {
				rc = dt_store_problem(s, err, NULL, "record.not_found", NULL);
			}
			dt_db_reset(st);
		}
	}
	json_decref(links);
	return rc;
}

/* ---- supervision indicators ---- */

enum dt_err dt_store_supervision_indicators(struct dt_store *s, int region, int year,
					    const char *today, json_t **out, struct dt_strbuf *err)
{
	int lo = 0, hi = 999999;
	if (region)
		dt_region_range(region, &lo, &hi);
	*out = NULL;
	/* the inspections of the year's plans in the region, and the objects they could have drawn */
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT (SELECT count(*) FROM inspection i JOIN inspection_plan p ON p.id = i.plan_id "
		"WHERE p.year = ?1 AND i.region BETWEEN ?2 AND ?3), "
		"(SELECT count(*) FROM inspection i JOIN inspection_plan p ON p.id = i.plan_id "
		"WHERE p.year = ?1 AND i.region BETWEEN ?2 AND ?3 AND i.status <> 'planned'), "
		"(SELECT count(*) FROM inspection i JOIN inspection_plan p ON p.id = i.plan_id "
		"WHERE p.year = ?1 AND i.region BETWEEN ?2 AND ?3 AND i.status = 'done'), "
		"(SELECT count(*) FROM (SELECT DISTINCT i.object_kind, i.object_id FROM inspection i "
		"JOIN inspection_plan p ON p.id = i.plan_id WHERE p.year = ?1 AND i.region BETWEEN "
		"?2 AND ?3 AND i.status = 'done') x), "
		"(SELECT count(*) FROM (SELECT DISTINCT c.object_kind, c.object_id FROM "
		"plan_candidate c JOIN inspection_plan p ON p.id = c.plan_id WHERE p.year = ?1 AND "
		"c.city BETWEEN ?2 AND ?3) y)",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, year);
	dt_db_bind_int64(st, 2, lo);
	dt_db_bind_int64(st, 3, hi);
	int64_t drawn = 0, conducted = 0, done = 0, inspected = 0, candidates = 0;
	int r = dt_db_step(st);
	if (r == DT_DB_ROW) {
		drawn = dt_db_column_int64(st, 0);
		conducted = dt_db_column_int64(st, 1);
		done = dt_db_column_int64(st, 2);
		inspected = dt_db_column_int64(st, 3);
		candidates = dt_db_column_int64(st, 4);
	}
	dt_db_reset(st);
	if (r != DT_DB_ROW)
		return dt_sql_error(s, "inspection", err);
	/* findings by severity: all, closed, due (closed or past the deadline), overdue */
	st = dt_sql_prepare(
		s,
		"SELECT f.severity, count(*), "
		"sum(CASE WHEN f.status = 'closed' THEN 1 ELSE 0 END), "
		"sum(CASE WHEN f.status = 'closed' OR f.deadline < ?4 THEN 1 ELSE 0 END), "
		"sum(CASE WHEN f.status IN ('open', 'rectifying') AND f.deadline < ?4 THEN 1 ELSE 0 "
		"END) FROM finding f JOIN inspection i ON i.id = f.inspection_id JOIN "
		"inspection_plan p ON p.id = i.plan_id WHERE p.year = ?1 AND f.region BETWEEN ?2 "
		"AND ?3 GROUP BY f.severity ORDER BY f.severity",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, year);
	dt_db_bind_int64(st, 2, lo);
	dt_db_bind_int64(st, 3, hi);
	dt_db_bind_text(st, 4, today, -1);
	json_t *by = json_pack("{s:i, s:i, s:i}", "general", 0, "serious", 0, "grave", 0);
	int64_t total = 0, closed = 0, due = 0, overdue = 0;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		const char *sv = dt_db_column_text(st, 0);
		if (sv)
			json_object_set_new(by, sv, json_integer(dt_db_column_int64(st, 1)));
		total += dt_db_column_int64(st, 1);
		closed += dt_db_column_int64(st, 2);
		due += dt_db_column_int64(st, 3);
		overdue += dt_db_column_int64(st, 4);
	}
	dt_db_reset(st);
	if (r != DT_DB_DONE) {
		json_decref(by);
		return dt_sql_error(s, "finding", err);
	}
	/* a share is null where its denominator is 0: nothing to measure, not 0 % */
	json_t *per = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(by, k, v) json_object_set_new(
		per, k,
		conducted ? json_real((double)json_integer_value(v) / (double)conducted)
			  : json_null());
	json_object_set_new(per, "total",
			    conducted ? json_real((double)total / (double)conducted) : json_null());
	char reg[16];
	snprintf(reg, sizeof(reg), "%06d", region);
	*out = json_pack(
		"{s:s, s:i, s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I}, "
		"s:o, s:I}",
		"region", reg, "year", year, "inspections", "drawn", (json_int_t)drawn, "conducted",
		(json_int_t)conducted, "done", (json_int_t)done, "objects_inspected",
		(json_int_t)inspected, "objects_eligible", (json_int_t)candidates, "coverage",
		candidates ? json_real((double)inspected / (double)candidates) : json_null(),
		"findings_by_severity", by, "findings_per_inspection", per, "findings", "total",
		(json_int_t)total, "closed", (json_int_t)closed, "due", (json_int_t)due, "overdue",
		(json_int_t)overdue, "closure_rate",
		due ? json_real((double)closed / (double)due) : json_null(), "overdue_findings",
		(json_int_t)overdue);
	return DT_OK;
}
