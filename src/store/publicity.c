/*
 * publicity.c - good-practice cases, news, notices and policy documents in
 * the database, their search, and the portal's reads (publicity.h).
 *
 * Scope: a case is its author's (an organisation, or a city's own when
 * org_id is NULL) and its region's; an item is its region's (NULL: the
 * nation's).  Who may read what unpublished is in_scope() below, and in SQL
 * scope_sql(); published content is read by every signed-in account and,
 * through dt_store_pub_*, by the portal.  What may be done is
 * domain/publicity.c's rule; here only the facts it needs are found.
 */
#include "core/common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/markdown.h"
#include "core/utf8.h"
#include "domain/attachment.h"
#include "domain/indicator.h"
#include "domain/publicity.h"
#include "domain/region.h"
#include "store/publicity.h"
#include "store/store_internal.h"
#include "core/banned.h"

#define CASE_COLS                                                                                 \
	"c.id, c.region, c.org_id, c.status, c.featured, c.version, c.title, c.summary, c.body, " \
	"c.occupations, c.industry, c.indicators, c.images, c.frozen, c.created_at, "             \
	"c.updated_at, c.published_at, "                                                          \
	"(SELECT r.name_zh FROM region r WHERE r.id = c.region), "                                \
	"(SELECT o.name FROM organization o WHERE o.id = c.org_id)"

#define ITEM_COLS                                                                                 \
	"i.id, i.kind, i.region, i.status, i.title, i.summary, i.body, i.doc_no, i.attachments, " \
	"i.created_at, i.updated_at, i.published_at, "                                            \
	"(SELECT r.name_zh FROM region r WHERE r.id = i.region)"

/* What the rule needs of a case or an item. */
struct rec {
	int64_t id, region, org_id;
	int status; /* enum dt_case_status (items: draft, published, withdrawn) */
	bool featured;
	int64_t version;
};

/* ---- small helpers ---- */

static json_t *col_text(struct dt_db_stmt *st, int i)
{
	const char *t = dt_db_column_text(st, i);
	return t ? json_string(t) : json_null();
}

/* A JSON column (arrays and objects kept as text); null when absent or broken. */
static json_t *col_json(struct dt_db_stmt *st, int i)
{
	const char *t = dt_db_column_text(st, i);
	json_t *v = t ? json_loads(t, JSON_DECODE_ANY, NULL) : NULL;
	return v ? v : json_null();
}

static json_t *region_json(struct dt_db_stmt *st, int i)
{
	if (dt_db_column_type(st, i) == DT_DB_NULL)
		return json_null();
	char b[16];
	snprintf(b, sizeof(b), "%06lld", (long long)dt_db_column_int64(st, i));
	return json_string(b);
}

static bool unrestricted(const struct dt_account *who)
{
	return !who || (!strcmp(who->role, "admin") && !who->scope.region && !who->scope.org_id &&
			!who->scope.trainee_id);
}

static enum dt_pub_role role_of(const struct dt_account *who)
{
	return who ? dt_pub_role_of(who->role) : DT_PR_ADMIN;
}

static bool official(const struct dt_account *who)
{
	enum dt_pub_role r = role_of(who);
	return r == DT_PR_NATIONAL || r == DT_PR_PROVINCE || r == DT_PR_CITY;
}

/*
 * Is a record of @region (0: the nation's) and @org (0: none) within
 * @who's scope?  An organisation's accounts: their organisation's cases;
 * officials: their region and below (the nation's items: national only);
 * trainees and inspectors: nothing.
 */
static bool in_scope(const struct dt_account *who, int64_t region, int64_t org)
{
	if (unrestricted(who))
		return true;
	enum dt_pub_role r = role_of(who);
	if (r == DT_PR_SCHOOL || r == DT_PR_ENTERPRISE)
		return who->scope.org_id && org == who->scope.org_id;
	if (!official(who))
		return false;
	if (!who->scope.region)
		return true; /* the nation's officials: everything */
	return region && dt_region_contains(who->scope.region, (int)region);
}

/* " AND (...)" for a list (alias @t): published, or in_scope() in SQL. */
static void scope_sql(const struct dt_account *who, const char *t, bool has_org,
		      struct dt_strbuf *sql, json_t *binds)
{
	if (unrestricted(who))
		return;
	dt_strbuf_addf(sql, " AND (%s.status = 'published'", t);
	enum dt_pub_role r = role_of(who);
	if ((r == DT_PR_SCHOOL || r == DT_PR_ENTERPRISE) && has_org && who->scope.org_id) {
		dt_strbuf_addf(sql, " OR %s.org_id = ?", t);
		json_array_append_new(binds, json_integer(who->scope.org_id));
	} else if (official(who) && !who->scope.region) {
		dt_strbuf_adds(sql, " OR 1 = 1");
	} else if (official(who)) {
		int lo, hi;
		dt_region_range(who->scope.region, &lo, &hi);
		dt_strbuf_addf(sql, " OR %s.region BETWEEN ? AND ?", t);
		json_array_append_new(binds, json_integer(lo));
		json_array_append_new(binds, json_integer(hi));
	}
	dt_strbuf_adds(sql, ")");
}

/* One integer from @sql with @binds (-1 when no row). */
static int64_t one_int(struct dt_store *s, const char *sql, json_t *binds, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return -1;
	dt_crud_bind_all(st, binds);
	int64_t n = dt_db_step(st) == DT_DB_ROW ? dt_db_column_int64(st, 0) : -1;
	dt_db_reset(st);
	return n;
}

static enum dt_err missing(struct dt_store *s, int64_t id, const char *entity,
			   struct dt_strbuf *err)
{
	dt_store_problems_begin(s, NULL);
	return dt_store_problem(s, err, NULL, "record.missing", "id", DT_I(id), "entity", entity,
				NULL);
}

/*
 * The publication generation is the portal's (portal_state, migration 016):
 * migration 017's triggers bump it when a case or item is published,
 * withdrawn from published, featured or unfeatured, in that transaction.
 */
enum dt_err dt_store_pub_generation(struct dt_store *s, int64_t *gen, struct dt_strbuf *err)
{
	return dt_store_portal_generation(s, gen, err);
}

/* Render @md into @o's "html" (image sources under @prefix; NULL: the API's). */
static void add_html(json_t *o, const char *md, const char *prefix)
{
	struct dt_strbuf h = DT_STRBUF_INIT;
	if (dt_markdown_html_files(md ? md : "", md ? strlen(md) : 0, prefix, &h) == DT_OK)
		json_object_set_new(o, "html", json_string(h.buf));
	else
		json_object_set_new(o, "html", json_string(""));
	dt_strbuf_release(&h);
}

/* Replace (@kind, @id)'s file links by @files ([{hash, name}], checked). */
static enum dt_err relink(struct dt_store *s, const char *kind, int64_t id, json_t *files,
			  const char *now, struct dt_strbuf *err)
{
	json_t *b = json_pack("[s, I]", kind, (json_int_t)id);
	enum dt_err rc =
		dt_sql_write(s, "DELETE FROM attachment_link WHERE owner_kind = ? AND owner_id = ?",
			     b, "attachment_link", err);
	json_decref(b);
	return rc == DT_OK ? dt_attachment_link_files(s, kind, id, files, now, err) : rc;
}

/* ---- cases: reading ---- */

/* The current row of @st (CASE_COLS) as an object; @rec filled. */
static json_t *case_row(struct dt_db_stmt *st, struct rec *rec, bool full)
{
	enum dt_case_status cs = DT_CASE_DRAFT;
	dt_case_status_parse(dt_db_column_text(st, 3), &cs);
	rec->id = dt_db_column_int64(st, 0);
	rec->region = dt_db_column_int64(st, 1);
	rec->org_id = dt_db_column_int64(st, 2);
	rec->status = cs;
	rec->featured = dt_db_column_int64(st, 4) != 0;
	rec->version = dt_db_column_int64(st, 5);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(rec->id));
	json_object_set_new(o, "region", region_json(st, 1));
	json_object_set_new(o, "region_name", col_text(st, 17));
	json_object_set_new(o, "org_id", rec->org_id ? json_integer(rec->org_id) : json_null());
	json_object_set_new(o, "org_name", col_text(st, 18));
	json_object_set_new(o, "status", col_text(st, 3));
	json_object_set_new(o, "featured", json_boolean(rec->featured));
	json_object_set_new(o, "version", json_integer(rec->version));
	json_object_set_new(o, "title", col_text(st, 6));
	json_object_set_new(o, "summary", col_text(st, 7));
	json_object_set_new(o, "occupations", col_json(st, 9));
	json_object_set_new(o, "industry", col_text(st, 10));
	json_object_set_new(o, "indicators", col_json(st, 11));
	json_t *images = col_json(st, 12);
	json_t *first = json_object_get(json_array_get(images, 0), "hash");
	json_object_set_new(o, "cover", first ? json_incref(first) : json_null());
	if (full) {
		json_object_set_new(o, "body", col_text(st, 8));
		json_object_set_new(o, "images", json_incref(images));
		json_object_set_new(o, "frozen", col_json(st, 13));
		json_object_set_new(o, "created_at", col_text(st, 14));
	}
	json_decref(images);
	json_object_set_new(o, "updated_at", col_text(st, 15));
	json_object_set_new(o, "published_at", col_text(st, 16));
	return o;
}

/* A row of pub_case or pub_item read by @row; the statement's one parameter is the id. */
typedef json_t *row_fn(struct dt_db_stmt *st, struct rec *rec, bool full);

/*
 * Load the record @id that @sql selects (any state, no scope) as @row reads
 * it: DT_ENOTFOUND ("record.missing", named @what) if none.
 */
static enum dt_err load_one(struct dt_store *s, const char *sql, row_fn *row, const char *what,
			    const char *table, int64_t id, struct rec *rec, json_t **o,
			    struct dt_strbuf *err)
{
	*rec = (struct rec){ 0 };
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r = dt_db_step(st), rc = DT_OK;
	if (r == DT_DB_ROW) {
		json_t *got = row(st, rec, true);
		if (o)
			*o = got;
		else
			json_decref(got);
	} else if (r == DT_DB_DONE) {
		rc = missing(s, id, what, err);
	} else {
		rc = dt_sql_error(s, table, err);
	}
	dt_db_reset(st);
	return rc;
}

/* Load case @id (any state, no scope): DT_ENOTFOUND ("record.missing") if none. */
static enum dt_err load_case(struct dt_store *s, int64_t id, struct rec *rec, json_t **o,
			     struct dt_strbuf *err)
{
	return load_one(s, "SELECT " CASE_COLS " FROM pub_case c WHERE c.id = ?", case_row, "case",
			"pub_case", id, rec, o, err);
}

static bool case_visible(const struct dt_account *who, const struct rec *c)
{
	return c->status == DT_CASE_PUBLISHED || in_scope(who, c->region, c->org_id);
}

/* As load_case, and out of @who's sight is missing. */
static enum dt_err load_visible_case(struct dt_store *s, const struct dt_account *who, int64_t id,
				     struct rec *rec, json_t **o, struct dt_strbuf *err)
{
	json_t *row = NULL;
	int rc = load_case(s, id, rec, &row, err);
	if (rc == DT_OK && !case_visible(who, rec)) {
		json_decref(row);
		row = NULL;
		rc = missing(s, id, "case", err);
	}
	if (o)
		*o = row;
	else
		json_decref(row);
	return rc;
}

/* The steps @who may take on @c now, as names. */
static json_t *may_json(const struct dt_account *who, const struct rec *c)
{
	json_t *a = json_array();
	bool scope = in_scope(who, c->region, c->org_id);
	for (int st = 0; st < DT_CS_NSTEP; st++) {
		enum dt_case_status to;
		if (st == DT_CS_FEATURE && c->featured)
			continue;
		if (st == DT_CS_UNFEATURE && !c->featured)
			continue;
		if (dt_case_apply((enum dt_case_status)c->status, (enum dt_case_step)st,
				  role_of(who), scope, &to, NULL) == DT_OK)
			json_array_append_new(
				a, json_string(dt_case_step_name((enum dt_case_step)st)));
	}
	return a;
}

static enum dt_err history_json(struct dt_store *s, int64_t id, json_t *out, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT id, version, step, body, author, role, created_at FROM pub_case_comment "
		"WHERE case_id = ? ORDER BY id",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(out,
				      json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o}", "id",
						(json_int_t)dt_db_column_int64(st, 0), "version",
						(json_int_t)dt_db_column_int64(st, 1), "step",
						col_text(st, 2), "comment", col_text(st, 3),
						"author", col_text(st, 4), "role", col_text(st, 5),
						"at", col_text(st, 6)));
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "pub_case_comment", err);
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_store_case_get(struct dt_store *s, const struct dt_account *who, int64_t id,
			      json_t **out, struct dt_strbuf *err)
{
	struct rec c;
	json_t *o = NULL;
	*out = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = load_visible_case(s, who, id, &c, &o, err);
	if (rc != DT_OK)
		return rc;
	add_html(o, json_string_value(json_object_get(o, "body")), NULL);
	json_t *hist = json_array();
	rc = history_json(s, id, hist, err);
	json_object_set_new(o, "history", hist);
	json_object_set_new(o, "may", may_json(who, &c));
	if (rc == DT_OK)
		*out = o;
	else
		json_decref(o);
	return rc;
}

enum dt_err dt_store_case_versions(struct dt_store *s, const struct dt_account *who, int64_t id,
				   json_t **items, struct dt_strbuf *err)
{
	struct rec c;
	*items = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = load_visible_case(s, who, id, &c, NULL, err);
	if (rc != DT_OK)
		return rc;
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT version, title, summary, body, occupations, industry, indicators, images, "
		"author, created_at FROM pub_case_version WHERE case_id = ? ORDER BY version",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, id);
	json_t *a = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(
			a,
			json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "version",
				  (json_int_t)dt_db_column_int64(st, 0), "title", col_text(st, 1),
				  "summary", col_text(st, 2), "body", col_text(st, 3),
				  "occupations", col_json(st, 4), "industry", col_text(st, 5),
				  "indicators", col_json(st, 6), "images", col_json(st, 7),
				  "author", col_text(st, 8), "created_at", col_text(st, 9)));
	rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "pub_case_version", err);
	dt_db_reset(st);
	if (rc == DT_OK)
		*items = a;
	else
		json_decref(a);
	return rc;
}

static int page_limit(const struct dt_pub_filter *f)
{
	int n = f && f->limit > 0 ? f->limit : 20;
	return n > DT_PUB_PAGE_MAX ? DT_PUB_PAGE_MAX : n;
}

/* The WHERE of a case list after "WHERE 1 = 1": @flt's filters. */
static void case_filters(const struct dt_pub_filter *flt, bool published_only,
			 struct dt_strbuf *sql, json_t *binds)
{
	if (published_only)
		dt_strbuf_adds(sql, " AND c.status = 'published'");
	if (!flt)
		return;
	if (flt->region) {
		int lo, hi;
		dt_region_range(flt->region, &lo, &hi);
		dt_strbuf_adds(sql, " AND c.region BETWEEN ? AND ?");
		json_array_append_new(binds, json_integer(lo));
		json_array_append_new(binds, json_integer(hi));
	}
	if (flt->occupation) {
		/* the codes are a JSON array of strings: match one whole, quoted */
		struct dt_strbuf pat = DT_STRBUF_INIT;
		dt_strbuf_adds(&pat, "%");
		dt_crud_json_string(&pat, flt->occupation, strlen(flt->occupation));
		dt_strbuf_adds(&pat, "%");
		dt_strbuf_adds(sql, " AND c.occupations LIKE ?");
		json_array_append_new(binds, json_string(pat.buf));
		dt_strbuf_release(&pat);
	}
	if (flt->industry) {
		dt_strbuf_adds(sql, " AND c.industry = ?");
		json_array_append_new(binds, json_string(flt->industry));
	}
	if (flt->status && !published_only) {
		dt_strbuf_adds(sql, " AND c.status = ?");
		json_array_append_new(binds, json_string(flt->status));
	}
}

/*
 * One page (@flt's limit and offset) of the rows "SELECT @cols@where" in
 * @order, each made by @row, into *@items; *@total (when not NULL) all of
 * them.
 */
static enum dt_err page_of(struct dt_store *s, const char *cols, const char *where,
			   const char *order, json_t *binds, const struct dt_pub_filter *flt,
			   json_t *(*row)(struct dt_db_stmt *st, struct rec *rec, bool full),
			   const char *table, json_t **items, int64_t *total, struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	dt_strbuf_addf(&sql, "SELECT count(*)%s", where);
	int64_t n = one_int(s, sql.buf, binds, err);
	if (n < 0) {
		dt_strbuf_release(&sql);
		return DT_EDB;
	}
	if (total)
		*total = n;
	dt_strbuf_reset(&sql);
	dt_strbuf_addf(&sql, "SELECT %s%s ORDER BY %s LIMIT %d OFFSET %d", cols, where, order,
		       page_limit(flt), flt && flt->offset > 0 ? flt->offset : 0);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	dt_strbuf_release(&sql);
	if (!st)
		return DT_EDB;
	dt_crud_bind_all(st, binds);
	json_t *a = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		struct rec x;
		json_array_append_new(a, row(st, &x, false));
	}
	enum dt_err rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, table, err);
	dt_db_reset(st);
	if (rc == DT_OK)
		*items = a;
	else
		json_decref(a);
	return rc;
}

/* A list of cases: @who's (NULL and @published_only: the public's). */
static enum dt_err case_list(struct dt_store *s, const struct dt_account *who, bool published_only,
			     const struct dt_pub_filter *flt, json_t **items, int64_t *total,
			     struct dt_strbuf *err)
{
	struct dt_strbuf where = DT_STRBUF_INIT;
	json_t *binds = json_array();
	*items = NULL;
	dt_strbuf_adds(&where, " FROM pub_case c WHERE 1 = 1");
	if (!published_only)
		scope_sql(who, "c", true, &where, binds);
	case_filters(flt, published_only, &where, binds);
	enum dt_err rc =
		page_of(s, CASE_COLS, where.buf,
			"c.featured DESC, coalesce(c.published_at, c.updated_at) DESC, c.id DESC",
			binds, flt, case_row, "pub_case", items, total, err);
	json_decref(binds);
	dt_strbuf_release(&where);
	return rc;
}

enum dt_err dt_store_case_list(struct dt_store *s, const struct dt_account *who,
			       const struct dt_pub_filter *flt, json_t **items, int64_t *total,
			       struct dt_strbuf *err)
{
	return case_list(s, who, false, flt, items, total, err);
}

/* ---- cases: writing ---- */

/* @v as compact JSON text, a new JSON string (for the TEXT columns of lists). */
static json_t *dumped(json_t *v)
{
	char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	json_t *r = json_string(t ? t : "[]");
	free(t);
	return r;
}

/* Refuse members of @body not in @allowed (NULL-ended). */
static enum dt_err known_fields(struct dt_store *s, json_t *body, const char *const *allowed,
				const char *entity, struct dt_strbuf *err)
{
	const char *k;
	json_t *v;
	json_object_foreach(body, k, v)
	{
		bool ok = false;
		for (size_t i = 0; allowed[i] && !ok; i++)
			ok = !strcmp(k, allowed[i]);
		if (!ok)
			return dt_store_problem(s, err, k, "field.unknown", "entity", entity, NULL);
	}
	return DT_OK;
}

static enum dt_err text_field(struct dt_store *s, json_t *body, const char *field, size_t max,
			      bool required, struct dt_strbuf *err)
{
	json_t *v = json_object_get(body, field);
	if (!required && (!v || json_is_null(v)))
		return DT_OK;
	if (v && !json_is_string(v))
		return dt_store_problem(s, err, field, "type.string", NULL);
	size_t n0 = s->problems.n;
	enum dt_err rc = dt_pub_text_check(&s->problems, field, json_string_value(v), max);
	dt_store_problems_noted(s, n0, err);
	return rc;
}

/*
 * A list of codes on @field: an array of at most DT_PUB_LIST_MAX strings,
 * each an indicator (@indicators) or an occupation in the table.
 */
static enum dt_err codes_field(struct dt_store *s, json_t *v, const char *field, bool indicators,
			       struct dt_strbuf *err)
{
	if (!json_is_array(v))
		return dt_store_problem(s, err, field, "type.array", NULL);
	if (json_array_size(v) > DT_PUB_LIST_MAX)
		return dt_store_problem(s, err, field, "attachment.too_many", "max",
					DT_I(DT_PUB_LIST_MAX), NULL);
	size_t i;
	json_t *c;
	json_array_foreach(v, i, c)
	{
		char f[64];
		snprintf(f, sizeof(f), "%s[%zu]", field, i);
		const char *code = json_string_value(c);
		if (!code)
			return dt_store_problem(s, err, f, "type.string", NULL);
		bool ok;
		if (indicators) {
			ok = dt_indicator_find(code) != NULL;
		} else {
			json_t *b = json_pack("[s]", code);
			ok = one_int(s, "SELECT 1 FROM occupation WHERE code = ?", b, err) == 1;
			json_decref(b);
		}
		if (!ok)
			return dt_store_problem(s, err, f,
						indicators ? "publicity.indicator_unknown"
							   : "publicity.occupation_unknown",
						"value", code, NULL);
	}
	return DT_OK;
}

/* Every "/api/v1/attachments/<hash>" of @md must be one of @files. */
static enum dt_err body_images(struct dt_store *s, const char *md, json_t *files,
			       struct dt_strbuf *err)
{
	const char *pre = DT_MARKDOWN_FILE_PREFIX;
	size_t n = strlen(pre);
	for (const char *p = md ? strstr(md, pre) : NULL; p; p = strstr(p + n, pre)) {
		char url[128], hash[65];
		snprintf(url, sizeof(url), "%.*s", (int)(n + 64), p);
		if (!dt_markdown_file_url(url, hash))
			continue;
		bool found = false;
		size_t i;
		json_t *f;
		json_array_foreach(files, i, f) found |=
			!strcmp(json_string_value(json_object_get(f, "hash")), hash);
		if (!found)
			return dt_store_problem(s, err, "body", "publicity.image_not_linked",
						"value", hash, NULL);
	}
	return DT_OK;
}

/* Keep version @c->version of case @c->id as it now is. */
static enum dt_err keep_version(struct dt_store *s, const struct dt_actor *a, int64_t id,
				const char *now, struct dt_strbuf *err)
{
	json_t *b = json_pack("[s, s, I]", a && a->login ? a->login : "?", now, (json_int_t)id);
	int rc = dt_sql_write(
		s,
		"INSERT INTO pub_case_version (case_id, version, title, summary, body, "
		"occupations, industry, indicators, images, author, created_at) SELECT id, "
		"version, title, summary, body, occupations, industry, indicators, images, ?, ? "
		"FROM pub_case WHERE id = ?",
		b, "pub_case_version", err);
	json_decref(b);
	return rc;
}

static enum dt_err add_history(struct dt_store *s, const struct dt_actor *a,
			       const struct dt_account *who, int64_t id, int64_t version,
			       const char *step, const char *comment, const char *now,
			       struct dt_strbuf *err)
{
	json_t *b =
		json_pack("[I, I, s, s?, s, s, s]", (json_int_t)id, (json_int_t)version, step,
			  comment, a && a->login ? a->login : "?", who ? who->role : "admin", now);
	int rc = dt_sql_write(
		s,
		"INSERT INTO pub_case_comment (case_id, version, step, body, author, role, "
		"created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		b, "pub_case_comment", err);
	json_decref(b);
	return rc;
}

/*
 * The content fields of @body checked into @set (column -> value, JSON) and
 * the files into *@files; @create: title, summary and body required.
 */
static enum dt_err case_content(struct dt_store *s, const struct dt_account *who, json_t *body,
				bool create, json_t *set, json_t **files, struct dt_strbuf *err)
{
	int rc;
	*files = NULL;
	if ((rc = text_field(s, body, "title", DT_PUB_TITLE_MAX, create, err)) != DT_OK ||
	    (rc = text_field(s, body, "summary", DT_PUB_SUMMARY_MAX, create, err)) != DT_OK ||
	    (rc = text_field(s, body, "body", DT_PUB_BODY_MAX, create, err)) != DT_OK ||
	    (rc = text_field(s, body, "industry", DT_PUB_TITLE_MAX, false, err)) != DT_OK)
		return rc;
	for (const char *const *f =
		     (const char *const[]){ "title", "summary", "body", "industry", NULL };
	     *f; f++) {
		json_t *v = json_object_get(body, *f);
		if (v)
			json_object_set(set, *f, v);
	}
	json_t *v = json_object_get(body, "occupations");
	if (v) {
		if ((rc = codes_field(s, v, "occupations", false, err)) != DT_OK)
			return rc;
		json_object_set_new(set, "occupations", dumped(v));
	}
	v = json_object_get(body, "indicators");
	if (v) {
		if ((rc = codes_field(s, v, "indicators", true, err)) != DT_OK)
			return rc;
		json_object_set_new(set, "indicators", dumped(v));
	}
	v = json_object_get(body, "images");
	if (v || create) {
		if ((rc = dt_attachment_files_arg(s, who, v, "images", files, err)) != DT_OK)
			return rc;
		json_object_set_new(set, "images", dumped(*files));
	}
	return DT_OK;
}

/* UPDATE @table SET <@set's columns>, updated_at = @now WHERE id = @id. */
static enum dt_err update_cols(struct dt_store *s, const char *table, int64_t id, json_t *set,
			       const char *now, struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	json_t *binds = json_array();
	const char *k;
	json_t *v;
	dt_strbuf_addf(&sql, "UPDATE %s SET ", table);
	json_object_foreach(set, k, v)
	{
		dt_strbuf_addf(&sql, "%s = ?, ", k); /* k: one of our own column names */
		json_array_append(binds, v);
	}
	dt_strbuf_adds(&sql, "updated_at = ? WHERE id = ?");
	json_array_append_new(binds, json_string(now));
	json_array_append_new(binds, json_integer(id));
	int rc = dt_sql_write(s, sql.buf, binds, table, err);
	json_decref(binds);
	dt_strbuf_release(&sql);
	return rc;
}

/* Is @r a region of the table? */
static bool region_exists(struct dt_store *s, int64_t r, struct dt_strbuf *err)
{
	json_t *b = json_pack("[I]", (json_int_t)r);
	bool yes = one_int(s, "SELECT 1 FROM region WHERE id = ?", b, err) == 1;
	json_decref(b);
	return yes;
}

/* A region argument on "region" (6 digits, text or number) into *@out. */
static enum dt_err region_arg(struct dt_store *s, json_t *v, int64_t *out, struct dt_strbuf *err)
{
	int code = 0;
	if (json_is_integer(v)) {
		code = (int)json_integer_value(v);
	} else if (json_is_string(v)) {
		size_t n0 = s->problems.n;
		int rc = dt_region_code_parse(json_string_value(v), &code, &s->problems, "region");
		dt_store_problems_noted(s, n0, err);
		if (rc != DT_OK)
			return rc;
	} else {
		return dt_store_problem(s, err, "region", v ? "type.string" : "field.required",
					NULL);
	}
	if (!region_exists(s, code, err))
		return dt_store_problem(s, err, "region", "ref.missing", "id", DT_I(code), "entity",
					"region", NULL);
	*out = code;
	return DT_OK;
}

enum dt_err dt_store_case_create(struct dt_store *s, const struct dt_actor *a,
				 const struct dt_account *who, json_t *body, json_t **out,
				 struct dt_strbuf *err)
{
	static const char *const allowed[] = { "title",    "summary",    "body",   "occupations",
					       "industry", "indicators", "images", "region",
					       "org_id",   NULL };
	json_t *set = json_object(), *files = NULL, *after = NULL;
	int64_t id = 0, region = 0, org = 0;
	char now[DT_TIME_STRLEN];
	dt_store_now(s, now);
	if (out)
		*out = NULL;
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
	if ((rc = known_fields(s, body, allowed, "case", err)) != DT_OK)
		goto out;
	enum dt_pub_role role = role_of(who);
	/* whose case: the writer's organisation, the city's region, or as given (unrestricted) */
	if (role == DT_PR_SCHOOL || role == DT_PR_ENTERPRISE) {
		json_t *o = NULL;
		org = who->scope.org_id;
		if (org && dt_store_get(s, NULL, "organization", org, 0, &o, NULL) == DT_OK) {
			json_t *r = json_object_get(o, "region");
			region = json_is_string(r) ? strtoll(json_string_value(r), NULL, 10)
						   : json_integer_value(r);
		}
		json_decref(o);
	} else if (role == DT_PR_CITY || unrestricted(who)) {
		json_t *r = json_object_get(body, "region");
		if (r || !who) {
			if ((rc = region_arg(s, r, &region, err)) != DT_OK)
				goto out;
		} else {
			region = who->scope.region;
		}
		json_t *og = json_object_get(body, "org_id");
		if (unrestricted(who) && json_is_integer(og)) {
			json_t *o = NULL;
			org = json_integer_value(og);
			if (dt_store_get(s, NULL, "organization", org, 0, &o, NULL) != DT_OK) {
				rc = dt_store_problem(s, err, "org_id", "ref.missing", "id",
						      DT_I(org), "entity", "organization", NULL);
				goto out;
			}
			json_decref(o);
		}
	}
	enum dt_case_status to;
	size_t n0 = s->problems.n;
	rc = dt_case_apply(DT_CASE_DRAFT, DT_CS_EDIT, unrestricted(who) ? DT_PR_SCHOOL : role,
			   region && in_scope(who, region, org), &to, &s->problems);
	dt_store_problems_noted(s, n0, err);
	if (rc != DT_OK)
		goto out;
	if ((rc = case_content(s, who, body, true, set, &files, err)) != DT_OK)
		goto out;
	if ((rc = body_images(s, json_string_value(json_object_get(body, "body")), files, err)) !=
	    DT_OK)
		goto out;
	for (const char *const *f = (const char *const[]){ "occupations", "indicators", NULL }; *f;
	     f++)
		if (!json_object_get(set, *f))
			json_object_set_new(set, *f, json_string("[]"));
	json_t *b = json_pack("[I, o, s, s, s, O, s?, O, O, o, s, s]", (json_int_t)region,
			      org ? json_integer(org) : json_null(),
			      json_string_value(json_object_get(set, "title")),
			      json_string_value(json_object_get(set, "summary")),
			      json_string_value(json_object_get(set, "body")),
			      json_object_get(set, "occupations"),
			      json_string_value(json_object_get(set, "industry")),
			      json_object_get(set, "indicators"), json_object_get(set, "images"),
			      who && who->id ? json_integer(who->id) : json_null(), now, now);
	rc = dt_sql_insert_id(
		s,
		"INSERT INTO pub_case (region, org_id, status, featured, version, title, "
		"summary, body, occupations, industry, indicators, images, created_by, "
		"created_at, updated_at) VALUES (?, ?, 'draft', 0, 1, ?, ?, ?, ?, ?, ?, ?, ?, "
		"?, ?) RETURNING id",
		b, "pub_case", &id, err);
	json_decref(b);
	if (rc == DT_OK)
		rc = keep_version(s, a, id, now, err);
	if (rc == DT_OK)
		rc = relink(s, "case", id, files, now, err);
	if (rc == DT_OK) {
		struct rec c;
		rc = load_case(s, id, &c, &after, err);
	}
	if (rc == DT_OK)
		rc = dt_audit_append(s, a, "case.create", "case", id, NULL, after, err);
out:
	rc = dt_tx_end(s, rc, err);
	json_decref(set);
	json_decref(files);
	json_decref(after);
	if (rc == DT_OK && out)
		rc = dt_store_case_get(s, who, id, out, err);
	return rc;
}

enum dt_err dt_store_case_update(struct dt_store *s, const struct dt_actor *a,
				 const struct dt_account *who, int64_t id, json_t *body,
				 json_t **out, struct dt_strbuf *err)
{
	static const char *const allowed[] = { "title",    "summary",    "body",   "occupations",
					       "industry", "indicators", "images", NULL };
	json_t *set = json_object(), *files = NULL, *before = NULL, *after = NULL;
	struct rec c;
	char now[DT_TIME_STRLEN];
	dt_store_now(s, now);
	if (out)
		*out = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK) {
		json_decref(set);
		return rc;
	}
	if ((rc = load_visible_case(s, who, id, &c, &before, err)) != DT_OK)
		goto out;
	enum dt_case_status to;
	size_t n0 = s->problems.n;
	rc = dt_case_apply((enum dt_case_status)c.status, DT_CS_EDIT,
			   unrestricted(who) ? DT_PR_SCHOOL : role_of(who),
			   in_scope(who, c.region, c.org_id), &to, &s->problems);
	dt_store_problems_noted(s, n0, err);
	if (rc != DT_OK)
		goto out;
	if (!json_is_object(body)) {
		rc = dt_store_problem(s, err, "body", "type.object", NULL);
		goto out;
	}
	if ((rc = known_fields(s, body, allowed, "case", err)) != DT_OK ||
	    (rc = case_content(s, who, body, false, set, &files, err)) != DT_OK)
		goto out;
	json_t *md = json_object_get(body, "body") ?: json_object_get(before, "body");
	if ((rc = body_images(s, json_string_value(md), files ?: json_object_get(before, "images"),
			      err)) != DT_OK)
		goto out;
	json_object_set_new(set, "status", json_string(dt_case_status_name(to)));
	json_object_set_new(set, "version", json_integer(c.version + 1));
	rc = update_cols(s, "pub_case", id, set, now, err);
	if (rc == DT_OK)
		rc = keep_version(s, a, id, now, err);
	if (rc == DT_OK && files)
		rc = relink(s, "case", id, files, now, err);
	if (rc == DT_OK)
		rc = add_history(s, a, who, id, c.version + 1, "edit", NULL, now, err);
	if (rc == DT_OK)
		rc = load_case(s, id, &c, &after, err);
	if (rc == DT_OK) {
		json_t *db = NULL, *da = NULL;
		dt_audit_diff(before, after, &db, &da);
		rc = dt_audit_append(s, a, "case.update", "case", id, db, da, err);
		json_decref(db);
		json_decref(da);
	}
out:
	rc = dt_tx_end(s, rc, err);
	json_decref(set);
	json_decref(files);
	json_decref(before);
	json_decref(after);
	if (rc == DT_OK && out)
		rc = dt_store_case_get(s, who, id, out, err);
	return rc;
}

/* For an unrestricted caller (CLI, demo): the step by whichever role may take it. */
static enum dt_err apply_any(struct dt_store *s, const struct dt_account *who, const struct rec *c,
			     enum dt_case_step step, enum dt_case_status *to, struct dt_strbuf *err)
{
	size_t n0 = s->problems.n;
	int rc;
	if (!unrestricted(who)) {
		rc = dt_case_apply((enum dt_case_status)c->status, step, role_of(who),
				   in_scope(who, c->region, c->org_id), to, &s->problems);
	} else {
		rc = DT_EDENIED;
		for (int r = 0; r < DT_PR_NROLE && rc != DT_OK; r++)
			rc = dt_case_apply((enum dt_case_status)c->status, step,
					   (enum dt_pub_role)r, true, to, NULL);
		if (rc != DT_OK)
			rc = dt_case_apply((enum dt_case_status)c->status, step,
					   step == DT_CS_SEND_BACK ? DT_PR_PROVINCE
					   : step == DT_CS_FEATURE || step == DT_CS_UNFEATURE
						   ? DT_PR_NATIONAL
						   : DT_PR_SCHOOL,
					   true, to, &s->problems);
	}
	dt_store_problems_noted(s, n0, err);
	return rc;
}

enum dt_err dt_store_case_step(struct dt_store *s, const struct dt_actor *a,
			       const struct dt_account *who, int64_t id, enum dt_case_step step,
			       const char *comment, json_t *frozen, json_t **out,
			       struct dt_strbuf *err)
{
	json_t *before = NULL, *after = NULL, *set = json_object();
	struct rec c;
	char now[DT_TIME_STRLEN];
	dt_store_now(s, now);
	if (out)
		*out = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		goto done;
	if ((rc = load_visible_case(s, who, id, &c, &before, err)) != DT_OK)
		goto out;
	if (step == DT_CS_EDIT) {
		rc = dt_store_problem(s, err, NULL, "publicity.step", "step", "edit", NULL);
		goto out;
	}
	enum dt_case_status to;
	if ((rc = apply_any(s, who, &c, step, &to, err)) != DT_OK)
		goto out;
	if ((step == DT_CS_FEATURE && c.featured) || (step == DT_CS_UNFEATURE && !c.featured)) {
		rc = dt_store_problem(s, err, NULL, "publicity.transition", "step",
				      dt_case_step_name(step), "status",
				      c.featured ? "featured" : "published", NULL);
		goto out;
	}
	bool need = step == DT_CS_SEND_BACK || step == DT_CS_COMMENT;
	if (comment || need) {
		size_t n0 = s->problems.n;
		rc = dt_pub_text_check(&s->problems, "comment", comment, DT_PUB_SUMMARY_MAX);
		dt_store_problems_noted(s, n0, err);
		if (rc != DT_OK) {
			if (need && !comment) {
				dt_store_problems_begin(s, NULL);
				rc = dt_store_problem(s, err, "comment",
						      "publicity.comment_required", NULL);
			}
			goto out;
		}
	}
	if (step != DT_CS_COMMENT) {
		json_object_set_new(set, "status", json_string(dt_case_status_name(to)));
		if (step == DT_CS_FEATURE || step == DT_CS_UNFEATURE)
			json_object_set_new(set, "featured", json_integer(step == DT_CS_FEATURE));
		if (step == DT_CS_WITHDRAW)
			json_object_set_new(set, "featured", json_integer(0));
		if (step == DT_CS_PUBLISH) {
			json_object_set_new(set, "published_at", json_string(now));
			json_object_set_new(set, "frozen", frozen ? dumped(frozen) : json_null());
		}
		rc = update_cols(s, "pub_case", id, set, now, err);
	}
	if (rc == DT_OK)
		rc = add_history(s, a, who, id, c.version, dt_case_step_name(step), comment, now,
				 err);
	if (rc == DT_OK)
		rc = load_case(s, id, &c, &after, err);
	if (rc == DT_OK) {
		json_t *db = NULL, *da = NULL;
		char action[40];
		dt_audit_diff(before, after, &db, &da);
		if (comment)
			json_object_set_new(da, "comment", json_string(comment));
		snprintf(action, sizeof(action), "case.%s", dt_case_step_name(step));
		rc = dt_audit_append(s, a, action, "case", id, db, da, err);
		json_decref(db);
		json_decref(da);
	}
out:
	rc = dt_tx_end(s, rc, err);
done:
	json_decref(frozen);
	json_decref(set);
	json_decref(before);
	json_decref(after);
	if (rc == DT_OK && out)
		rc = dt_store_case_get(s, who, id, out, err);
	return rc;
}

/* ---- news, notices, policy documents ---- */

static json_t *item_row(struct dt_db_stmt *st, struct rec *rec, bool full)
{
	enum dt_case_status cs = DT_CASE_DRAFT;
	dt_case_status_parse(dt_db_column_text(st, 3), &cs);
	rec->id = dt_db_column_int64(st, 0);
	rec->region = dt_db_column_int64(st, 2);
	rec->org_id = 0;
	rec->status = cs;
	rec->featured = false;
	rec->version = 0;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(rec->id));
	json_object_set_new(o, "kind", col_text(st, 1));
	json_object_set_new(o, "region", region_json(st, 2));
	json_object_set_new(o, "region_name", col_text(st, 12));
	json_object_set_new(o, "status", col_text(st, 3));
	json_object_set_new(o, "title", col_text(st, 4));
	json_object_set_new(o, "summary", col_text(st, 5));
	json_object_set_new(o, "doc_no", col_text(st, 7));
	if (full) {
		json_object_set_new(o, "body", col_text(st, 6));
		json_object_set_new(o, "created_at", col_text(st, 9));
	}
	json_object_set_new(o, "updated_at", col_text(st, 10));
	json_object_set_new(o, "published_at", col_text(st, 11));
	return o;
}

static enum dt_err load_item(struct dt_store *s, int64_t id, struct rec *rec, json_t **o,
			     struct dt_strbuf *err)
{
	return load_one(s, "SELECT " ITEM_COLS " FROM pub_item i WHERE i.id = ?", item_row,
			"pub_item", "pub_item", id, rec, o, err);
}

/* An item not published is seen by the officials whose region holds it. */
static bool item_visible(const struct dt_account *who, const struct rec *r)
{
	return r->status == DT_CASE_PUBLISHED ||
	       (unrestricted(who) || (official(who) && in_scope(who, r->region, 0)));
}

static enum dt_err load_visible_item(struct dt_store *s, const struct dt_account *who, int64_t id,
				     struct rec *rec, json_t **o, struct dt_strbuf *err)
{
	json_t *row = NULL;
	int rc = load_item(s, id, rec, &row, err);
	if (rc == DT_OK && !item_visible(who, rec)) {
		json_decref(row);
		row = NULL;
		rc = missing(s, id, "pub_item", err);
	}
	if (o)
		*o = row;
	else
		json_decref(row);
	return rc;
}

/* "html" and "attachments" of item @o (@id). */
static enum dt_err item_extras(struct dt_store *s, int64_t id, json_t *o, const char *prefix,
			       struct dt_strbuf *err)
{
	add_html(o, json_string_value(json_object_get(o, "body")), prefix);
	json_t *files = json_array();
	int rc = dt_attachment_links_json(s, "pub_item", id, files, err);
	json_object_set_new(o, "attachments", files);
	return rc;
}

enum dt_err dt_store_item_get(struct dt_store *s, const struct dt_account *who, int64_t id,
			      json_t **out, struct dt_strbuf *err)
{
	struct rec r;
	json_t *o = NULL;
	*out = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = load_visible_item(s, who, id, &r, &o, err);
	if (rc == DT_OK)
		rc = item_extras(s, id, o, NULL, err);
	if (rc == DT_OK) {
		json_t *may = json_array();
		bool w = unrestricted(who) || dt_item_may(role_of(who), in_scope(who, r.region, 0));
		if (w && r.status != DT_CASE_PUBLISHED)
			json_array_append_new(may, json_string("edit"));
		if (w && r.status == DT_CASE_DRAFT)
			json_array_append_new(may, json_string("publish"));
		if (w && r.status == DT_CASE_PUBLISHED)
			json_array_append_new(may, json_string("withdraw"));
		json_object_set_new(o, "may", may);
		*out = o;
		o = NULL;
	}
	json_decref(o);
	return rc;
}

/* The item fields of @body into @set; @create: kind, title and body required. */
static enum dt_err item_content(struct dt_store *s, const struct dt_account *who, json_t *body,
				bool create, json_t *set, json_t **files, struct dt_strbuf *err)
{
	int rc;
	*files = NULL;
	if ((rc = text_field(s, body, "title", DT_PUB_TITLE_MAX, create, err)) != DT_OK ||
	    (rc = text_field(s, body, "summary", DT_PUB_SUMMARY_MAX, false, err)) != DT_OK ||
	    (rc = text_field(s, body, "body", DT_PUB_BODY_MAX, create, err)) != DT_OK ||
	    (rc = text_field(s, body, "doc_no", 100, false, err)) != DT_OK)
		return rc;
	for (const char *const *f =
		     (const char *const[]){ "title", "summary", "body", "doc_no", NULL };
	     *f; f++) {
		json_t *v = json_object_get(body, *f);
		if (v)
			json_object_set(set, *f, v);
	}
	json_t *v = json_object_get(body, "attachments");
	if (v || create) {
		if ((rc = dt_attachment_files_arg(s, who, v, "attachments", files, err)) != DT_OK)
			return rc;
		json_object_set_new(set, "attachments", dumped(*files));
	}
	return DT_OK;
}

enum dt_err dt_store_item_create(struct dt_store *s, const struct dt_actor *a,
				 const struct dt_account *who, json_t *body, json_t **out,
				 struct dt_strbuf *err)
{
	static const char *const allowed[] = { "kind",   "title",  "summary",     "body",
					       "doc_no", "region", "attachments", NULL };
	json_t *set = json_object(), *files = NULL, *after = NULL;
	int64_t id = 0, region = 0;
	char now[DT_TIME_STRLEN];
	dt_store_now(s, now);
	if (out)
		*out = NULL;
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
	if ((rc = known_fields(s, body, allowed, "pub_item", err)) != DT_OK)
		goto out;
	enum dt_item_kind kind;
	json_t *k = json_object_get(body, "kind");
	if (dt_item_kind_parse(json_string_value(k), &kind) != DT_OK) {
		rc = dt_store_problem(s, err, "kind", k ? "publicity.kind" : "field.required",
				      NULL);
		goto out;
	}
	json_t *r = json_object_get(body, "region");
	if (r && !json_is_null(r)) {
		if ((rc = region_arg(s, r, &region, err)) != DT_OK)
			goto out;
	} else if (who) {
		region = who->scope.region;
	}
	if (!unrestricted(who) && !dt_item_may(role_of(who), in_scope(who, region, 0))) {
		rc = dt_store_problem(s, err, NULL, "publicity.item_not_allowed", NULL);
		goto out;
	}
	if ((rc = item_content(s, who, body, true, set, &files, err)) != DT_OK)
		goto out;
	json_t *b = json_pack("[s, o, s, s?, s, s?, O, o, s, s]", dt_item_kind_name(kind),
			      region ? json_integer(region) : json_null(),
			      json_string_value(json_object_get(set, "title")),
			      json_string_value(json_object_get(set, "summary")),
			      json_string_value(json_object_get(set, "body")),
			      json_string_value(json_object_get(set, "doc_no")),
			      json_object_get(set, "attachments"),
			      who && who->id ? json_integer(who->id) : json_null(), now, now);
	rc = dt_sql_insert_id(
		s,
		"INSERT INTO pub_item (kind, region, status, title, summary, body, doc_no, "
		"attachments, created_by, created_at, updated_at) VALUES (?, ?, 'draft', ?, "
		"?, ?, ?, ?, ?, ?, ?) RETURNING id",
		b, "pub_item", &id, err);
	json_decref(b);
	if (rc == DT_OK)
		rc = relink(s, "pub_item", id, files, now, err);
	if (rc == DT_OK) {
		struct rec x;
		rc = load_item(s, id, &x, &after, err);
	}
	if (rc == DT_OK)
		rc = dt_audit_append(s, a, "pub_item.create", "pub_item", id, NULL, after, err);
out:
	rc = dt_tx_end(s, rc, err);
	json_decref(set);
	json_decref(files);
	json_decref(after);
	if (rc == DT_OK && out)
		rc = dt_store_item_get(s, who, id, out, err);
	return rc;
}

/* Load item @id for a write by @who: visible, and @who an official of its region. */
static enum dt_err item_for_write(struct dt_store *s, const struct dt_account *who, int64_t id,
				  struct rec *r, json_t **o, struct dt_strbuf *err)
{
	int rc = load_visible_item(s, who, id, r, o, err);
	if (rc == DT_OK && !unrestricted(who) &&
	    !dt_item_may(role_of(who), in_scope(who, r->region, 0)))
		rc = dt_store_problem(s, err, NULL, "publicity.item_not_allowed", NULL);
	return rc;
}

enum dt_err dt_store_item_update(struct dt_store *s, const struct dt_actor *a,
				 const struct dt_account *who, int64_t id, json_t *body,
				 json_t **out, struct dt_strbuf *err)
{
	static const char *const allowed[] = { "title",  "summary",     "body",
					       "doc_no", "attachments", NULL };
	json_t *set = json_object(), *files = NULL, *before = NULL, *after = NULL;
	struct rec r;
	char now[DT_TIME_STRLEN];
	dt_store_now(s, now);
	if (out)
		*out = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK) {
		json_decref(set);
		return rc;
	}
	if ((rc = item_for_write(s, who, id, &r, &before, err)) != DT_OK)
		goto out;
	if (r.status == DT_CASE_PUBLISHED) {
		rc = dt_store_problem(s, err, NULL, "publicity.transition", "step", "edit",
				      "status", "published", NULL);
		goto out;
	}
	if (!json_is_object(body)) {
		rc = dt_store_problem(s, err, "body", "type.object", NULL);
		goto out;
	}
	if ((rc = known_fields(s, body, allowed, "pub_item", err)) != DT_OK ||
	    (rc = item_content(s, who, body, false, set, &files, err)) != DT_OK)
		goto out;
	json_object_set_new(set, "status", json_string("draft"));
	rc = update_cols(s, "pub_item", id, set, now, err);
	if (rc == DT_OK && files)
		rc = relink(s, "pub_item", id, files, now, err);
	if (rc == DT_OK)
		rc = load_item(s, id, &r, &after, err);
	if (rc == DT_OK) {
		json_t *db = NULL, *da = NULL;
		dt_audit_diff(before, after, &db, &da);
		rc = dt_audit_append(s, a, "pub_item.update", "pub_item", id, db, da, err);
		json_decref(db);
		json_decref(da);
	}
out:
	rc = dt_tx_end(s, rc, err);
	json_decref(set);
	json_decref(files);
	json_decref(before);
	json_decref(after);
	if (rc == DT_OK && out)
		rc = dt_store_item_get(s, who, id, out, err);
	return rc;
}

enum dt_err dt_store_item_step(struct dt_store *s, const struct dt_actor *a,
			       const struct dt_account *who, int64_t id, enum dt_case_step step,
			       json_t **out, struct dt_strbuf *err)
{
	json_t *before = NULL, *after = NULL;
	struct rec r;
	char now[DT_TIME_STRLEN];
	dt_store_now(s, now);
	if (out)
		*out = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	if ((rc = item_for_write(s, who, id, &r, &before, err)) != DT_OK)
		goto out;
	enum dt_case_status from = (enum dt_case_status)r.status;
	if (step != DT_CS_PUBLISH && step != DT_CS_WITHDRAW) {
		rc = dt_store_problem(s, err, NULL, "publicity.step", "step",
				      dt_case_step_name(step) ?: "", NULL);
		goto out;
	}
	if ((step == DT_CS_PUBLISH && from != DT_CASE_DRAFT) ||
	    (step == DT_CS_WITHDRAW && from != DT_CASE_PUBLISHED)) {
		rc = dt_store_problem(s, err, NULL, "publicity.transition", "step",
				      dt_case_step_name(step), "status", dt_case_status_name(from),
				      NULL);
		goto out;
	}
	json_t *b = step == DT_CS_PUBLISH
			    ? json_pack("[s, s, s, I]", "published", now, now, (json_int_t)id)
			    : json_pack("[s, n, s, I]", "withdrawn", now, (json_int_t)id);
	rc = dt_sql_write(
		s,
		step == DT_CS_PUBLISH
			? "UPDATE pub_item SET status = ?, published_at = ?, updated_at = ? WHERE id = ?"
			: "UPDATE pub_item SET status = ?, published_at = ?, updated_at = ? WHERE id = ?",
		b, "pub_item", err);
	json_decref(b);
	if (rc == DT_OK)
		rc = load_item(s, id, &r, &after, err);
	if (rc == DT_OK) {
		json_t *db = NULL, *da = NULL;
		char action[40];
		dt_audit_diff(before, after, &db, &da);
		snprintf(action, sizeof(action), "pub_item.%s", dt_case_step_name(step));
		rc = dt_audit_append(s, a, action, "pub_item", id, db, da, err);
		json_decref(db);
		json_decref(da);
	}
out:
	rc = dt_tx_end(s, rc, err);
	json_decref(before);
	json_decref(after);
	if (rc == DT_OK && out)
		rc = dt_store_item_get(s, who, id, out, err);
	return rc;
}

/* A list of items: @who's, or (@published_only) the public's. */
static enum dt_err item_list(struct dt_store *s, const struct dt_account *who, bool published_only,
			     const struct dt_pub_filter *flt, json_t **items, int64_t *total,
			     struct dt_strbuf *err)
{
	struct dt_strbuf where = DT_STRBUF_INIT;
	json_t *binds = json_array();
	*items = NULL;
	dt_strbuf_adds(&where, " FROM pub_item i WHERE 1 = 1");
	if (published_only) {
		dt_strbuf_adds(&where, " AND i.status = 'published'");
	} else if (!unrestricted(who)) {
		/* the unpublished of an official's region (the nation's: national only) */
		dt_strbuf_adds(&where, " AND (i.status = 'published'");
		if (official(who) && !who->scope.region) {
			dt_strbuf_adds(&where, " OR 1 = 1");
		} else if (official(who)) {
			int lo, hi;
			dt_region_range(who->scope.region, &lo, &hi);
			dt_strbuf_adds(&where, " OR i.region BETWEEN ? AND ?");
			json_array_append_new(binds, json_integer(lo));
			json_array_append_new(binds, json_integer(hi));
		}
		dt_strbuf_adds(&where, ")");
	}
	if (flt && flt->kind && !strcmp(flt->kind, "news,notice")) {
		dt_strbuf_adds(&where, " AND i.kind IN ('news', 'notice')");
	} else if (flt && flt->kind) {
		dt_strbuf_adds(&where, " AND i.kind = ?");
		json_array_append_new(binds, json_string(flt->kind));
	}
	if (flt && flt->status && !published_only) {
		dt_strbuf_adds(&where, " AND i.status = ?");
		json_array_append_new(binds, json_string(flt->status));
	}
	if (flt && flt->region) {
		/* its own and those below; for the public also those above and the nation's */
		int lo, hi;
		dt_region_range(flt->region, &lo, &hi);
		dt_strbuf_adds(&where, " AND (i.region BETWEEN ? AND ?");
		json_array_append_new(binds, json_integer(lo));
		json_array_append_new(binds, json_integer(hi));
		if (published_only) {
			dt_strbuf_adds(&where,
				       " OR i.region IS NULL OR i.region = ? OR i.region = ?");
			json_array_append_new(binds,
					      json_integer(dt_region_ancestor(flt->region, 1)));
			json_array_append_new(binds,
					      json_integer(dt_region_ancestor(flt->region, 2)));
		}
		dt_strbuf_adds(&where, ")");
	}
	enum dt_err rc = page_of(s, ITEM_COLS, where.buf,
				 "coalesce(i.published_at, i.updated_at) DESC, i.id DESC", binds,
				 flt, item_row, "pub_item", items, total, err);
	json_decref(binds);
	dt_strbuf_release(&where);
	return rc;
}

enum dt_err dt_store_item_list(struct dt_store *s, const struct dt_account *who,
			       const struct dt_pub_filter *flt, json_t **items, int64_t *total,
			       struct dt_strbuf *err)
{
	return item_list(s, who, false, flt, items, total, err);
}

/* ---- search ---- */

/*
 * A search hit's "excerpt": the words of record @o's text (its Markdown
 * without markup) around the first place @q occurs, when it occurs there;
 * a hit on the title or the summary alone (shown anyway) has none.
 */
static void excerpt(json_t *hit, json_t *o, const char *q)
{
	const char *body = json_string_value(json_object_get(o, "body"));
	struct dt_strbuf text = DT_STRBUF_INIT, ex = DT_STRBUF_INIT;
	if (body && dt_markdown_text(body, strlen(body), &text) == DT_OK &&
	    dt_utf8_find(text.buf, q)) {
		dt_utf8_excerpt(&ex, text.buf, q, 40, 80);
		if (dt_strbuf_ok(&ex))
			json_object_set_new(hit, "excerpt", json_string(ex.buf));
	}
	dt_strbuf_release(&text);
	dt_strbuf_release(&ex);
}

enum dt_err dt_store_publicity_search(struct dt_store *s, const struct dt_account *who,
				      bool published_only, const char *q, int limit, json_t **items,
				      struct dt_strbuf *err)
{
	*items = NULL;
	dt_store_problems_begin(s, NULL);
	if (!q || !*q || !dt_utf8_valid(q, strlen(q), NULL))
		return dt_store_problem(s, err, "q", q && *q ? "text.utf8" : "field.required",
					NULL);
	if (limit <= 0 || limit > DT_PUB_PAGE_MAX)
		limit = DT_PUB_PAGE_MAX;
	size_t chars = 0;
	for (const char *p = q; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	bool pg = dt_db_dialect(s->db) == DT_DB_PGSQL;
	struct dt_strbuf pat = DT_STRBUF_INIT;
	const char *sql;
	if (!pg && chars >= 3) {
		/* one FTS5 phrase: the query quoted, its quotes doubled */
		dt_strbuf_addch(&pat, '"');
		for (const char *p = q; *p; p++) {
			if (*p == '"')
				dt_strbuf_addch(&pat, '"');
			dt_strbuf_addch(&pat, *p);
		}
		dt_strbuf_addch(&pat, '"');
		sql = "SELECT rowid FROM pub_fts WHERE pub_fts MATCH ? ORDER BY rank LIMIT 1000";
	} else {
		dt_strbuf_addch(&pat, '%');
		for (const char *p = q; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				dt_strbuf_addch(&pat, '\\');
			dt_strbuf_addch(&pat, *p);
		}
		dt_strbuf_addch(&pat, '%');
		sql = pg ? "SELECT rowid FROM pub_fts WHERE (title || ' ' || body) ILIKE ? ESCAPE "
			   "'\\' LIMIT 1000"
			 : "SELECT rowid FROM pub_fts WHERE title LIKE ?1 ESCAPE '\\' OR body LIKE "
			   "?1 ESCAPE '\\' LIMIT 1000";
	}
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st) {
		dt_strbuf_release(&pat);
		return DT_EDB;
	}
	dt_db_bind_text(st, 1, pat.buf, -1);
	json_t *ids = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_array_append_new(ids, json_integer(dt_db_column_int64(st, 0)));
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "pub_fts", err);
	dt_db_reset(st);
	dt_strbuf_release(&pat);
	/* the hits in sight, published first (in the index's order), then the rest */
	json_t *pub = json_array(), *other = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(ids, i, v)
	{
		if (rc != DT_OK || json_array_size(pub) >= (size_t)limit)
			break;
		int64_t rid = json_integer_value(v), id = rid / 2;
		struct rec x;
		json_t *o = NULL;
		struct dt_strbuf e = DT_STRBUF_INIT;
		size_t n0 = s->problems.n;
		int lrc = rid % 2 ? load_item(s, id, &x, &o, &e) : load_case(s, id, &x, &o, &e);
		s->problems.n = n0 > s->problems.n ? s->problems.n : n0;
		dt_strbuf_release(&e);
		if (lrc == DT_EDB) {
			rc = DT_EDB;
			json_decref(o);
			break;
		}
		bool seen = lrc == DT_OK && (published_only ? x.status == DT_CASE_PUBLISHED
							    : (rid % 2 ? item_visible(who, &x)
								       : case_visible(who, &x)));
		if (!seen) {
			json_decref(o);
			continue;
		}
		json_t *hit = json_pack(
			"{s:o, s:I, s:O, s:O, s:O, s:O, s:O}", "type",
			rid % 2 ? json_incref(json_object_get(o, "kind")) : json_string("case"),
			"id", (json_int_t)id, "title", json_object_get(o, "title"), "summary",
			json_object_get(o, "summary"), "region", json_object_get(o, "region"),
			"status", json_object_get(o, "status"), "published_at",
			json_object_get(o, "published_at"));
		excerpt(hit, o, q);
		json_array_append_new(x.status == DT_CASE_PUBLISHED ? pub : other, hit);
		json_decref(o);
	}
	json_decref(ids);
	json_array_foreach(other, i, v)
	{
		if (json_array_size(pub) >= (size_t)limit)
			break;
		json_array_append(pub, v);
	}
	json_decref(other);
	if (rc == DT_OK)
		*items = pub;
	else
		json_decref(pub);
	dt_store_problems_begin(s, NULL);
	return rc;
}

/* ---- the portal's reads ---- */

enum dt_err dt_store_pub_cases(struct dt_store *s, const struct dt_pub_filter *flt, json_t **items,
			       int64_t *total, struct dt_strbuf *err)
{
	dt_store_problems_begin(s, NULL);
	return case_list(s, NULL, true, flt, items, total, err);
}

/*
 * Published case (@is_case) or item @id for the portal: with "html" and its
 * files ("images" of a case, "attachments" of an item), without the
 * workflow; any other reads as missing.
 */
static enum dt_err pub_one(struct dt_store *s, bool is_case, int64_t id, const char *file_prefix,
			   json_t **out, struct dt_strbuf *err)
{
	const char *kind = is_case ? "case" : "pub_item";
	struct rec r;
	json_t *o = NULL;
	*out = NULL;
	dt_store_problems_begin(s, NULL);
	int rc = is_case ? load_case(s, id, &r, &o, err) : load_item(s, id, &r, &o, err);
	if (rc == DT_OK && r.status != DT_CASE_PUBLISHED) {
		json_decref(o);
		o = NULL;
		rc = missing(s, id, kind, err);
	}
	if (rc != DT_OK)
		return rc;
	add_html(o, json_string_value(json_object_get(o, "body")), file_prefix);
	json_t *files = json_array();
	rc = dt_attachment_links_json(s, kind, id, files, err);
	json_object_set_new(o, is_case ? "images" : "attachments", files);
	/* the portal shows no ids of accounts, no workflow */
	json_object_del(o, "status");
	json_object_del(o, "version");
	if (rc == DT_OK)
		*out = o;
	else
		json_decref(o);
	return rc;
}

enum dt_err dt_store_pub_case(struct dt_store *s, int64_t id, const char *file_prefix, json_t **out,
			      struct dt_strbuf *err)
{
	return pub_one(s, true, id, file_prefix, out, err);
}

enum dt_err dt_store_pub_items(struct dt_store *s, const struct dt_pub_filter *flt, json_t **items,
			       int64_t *total, struct dt_strbuf *err)
{
	dt_store_problems_begin(s, NULL);
	return item_list(s, NULL, true, flt, items, total, err);
}

enum dt_err dt_store_pub_item(struct dt_store *s, int64_t id, const char *file_prefix, json_t **out,
			      struct dt_strbuf *err)
{
	return pub_one(s, false, id, file_prefix, out, err);
}

enum dt_err dt_store_pub_search(struct dt_store *s, const char *q, int limit, json_t **items,
				struct dt_strbuf *err)
{
	enum dt_err rc = dt_store_publicity_search(s, NULL, true, q, limit, items, err);
	size_t i;
	json_t *v;
	if (rc == DT_OK)
		json_array_foreach(*items, i, v) json_object_del(v, "status");
	return rc;
}

enum dt_err dt_store_pub_file(struct dt_store *s, const char *hash, struct dt_attachment_file *out,
			      struct dt_strbuf *err)
{
	unsigned char raw[DT_ATTACHMENT_HASH_LEN];
	dt_store_problems_begin(s, NULL);
	if (!hash || !dt_attachment_hash_parse(hash, raw))
		return dt_store_problem(s, err, NULL, "record.not_found", NULL);
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT a.mime, a.content, l.name FROM attachment_link l JOIN attachment a ON "
		"a.hash = l.hash WHERE l.hash = ? AND ((l.owner_kind = 'case' AND EXISTS (SELECT 1 "
		"FROM pub_case c WHERE c.id = l.owner_id AND c.status = 'published')) OR "
		"(l.owner_kind = 'pub_item' AND EXISTS (SELECT 1 FROM pub_item i WHERE i.id = "
		"l.owner_id AND i.status = 'published'))) LIMIT 1",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_blob(st, 1, raw, sizeof(raw));
	int r = dt_db_step(st), rc = DT_OK;
	if (r == DT_DB_ROW) {
		snprintf(out->mime, sizeof(out->mime), "%s", dt_db_column_text(st, 0));
		dt_strbuf_add(&out->content, dt_db_column_blob(st, 1),
			      (size_t)dt_db_column_bytes(st, 1));
		dt_strbuf_adds(&out->name, dt_db_column_text(st, 2));
		if (!dt_strbuf_ok(&out->content))
			rc = dt_error(err, DT_ENOMEM, "out of memory");
	} else if (r == DT_DB_DONE) {
		rc = dt_store_problem(s, err, NULL, "record.not_found", NULL);
	} else {
		rc = dt_sql_error(s, "attachment", err);
	}
	dt_db_reset(st);
	return rc;
}

bool dt_publicity_owner_visible(struct dt_store *s, const struct dt_account *who, const char *kind,
				int64_t owner)
{
	struct rec r;
	struct dt_strbuf e = DT_STRBUF_INIT;
	size_t n0 = s->problems.n;
	bool yes;
	if (!strcmp(kind, "case"))
		yes = load_case(s, owner, &r, NULL, &e) == DT_OK && case_visible(who, &r);
	else
		yes = load_item(s, owner, &r, NULL, &e) == DT_OK && item_visible(who, &r);
	if (s->problems.n > n0)
		s->problems.n = n0;
	dt_strbuf_release(&e);
	return yes;
}
