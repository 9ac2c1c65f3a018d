/*
 * crud.c - create, read, update and delete for every entity.
 *
 * The entity table (domain/entity.h) drives it all: input JSON is checked
 * field by field by the domain's one validator (domain/field.h: type, range,
 * domain check; the store answers whether a region or a referenced record
 * exists), every fault is collected as a problem {field, code, args}, the entity's rules (rules.c) add derived columns, and the
 * SQL is built from the fields.  Output objects carry every field, the
 * region code as a string, and personal identity numbers masked unless the
 * caller asks for DT_READ_UNMASK.  What leaves the store through its public
 * reads is then coarsened for a reader without pii:read (dt_crud_coarsen);
 * the store's own reads (the audit trail, the rules) see records as stored.
 *
 * Listing and counting are in list.c, the coarsening in coarsen.c; the
 * helpers they share with this file are declared in store_internal.h.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/num.h"
#include "core/utf8.h"
#include "domain/field.h"
#include "domain/natid.h"
#include "domain/region.h"
#include "store/store_internal.h"
#include "core/banned.h"

const struct dt_entity *dt_crud_find_entity(const char *name, struct dt_strbuf *err)
{
	const struct dt_entity *e = dt_entity_find(name);
	if (!e)
		dt_error(err, DT_EINVAL, "unknown kind of record '%s'", name);
	return e;
}

int64_t dt_crud_enum_index(const char *values, const char *v)
{
	size_t n = strlen(v);
	int64_t k = 0;
	for (const char *p = values; p && *p; k++) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && !strncmp(p, v, n))
			return k;
		if (!bar)
			break;
		p = bar + 1;
	}
	return -1;
}

bool dt_crud_enum_has(const char *values, const char *v)
{
	return dt_crud_enum_index(values, v) >= 0;
}

/* ---- input: every value through the domain's validator (domain/field.h) ---- */

/* A JSON value as the validator reads it; strings are not copied. */
static void json_value(json_t *v, struct dt_value *out)
{
	memset(out, 0, sizeof(*out));
	switch (json_typeof(v)) {
	case JSON_STRING:
		out->type = DT_V_TEXT;
		out->text = json_string_value(v);
		out->len = json_string_length(v);
		break;
	case JSON_INTEGER:
		out->type = DT_V_INT;
		out->i = json_integer_value(v);
		break;
	case JSON_REAL:
		out->type = DT_V_REAL;
		out->d = json_real_value(v);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		out->type = DT_V_BOOL;
		out->b = json_is_true(v);
		break;
	case JSON_NULL: out->type = DT_V_NULL; break;
	default: out->type = DT_V_OTHER; break;
	}
}

/* What the validator asks the database, for one write (struct dt_field_facts). */
struct facts {
	struct dt_store *s;
	const struct dt_actor *a;
	json_t *refs; /* field name -> the referred row, for the entity's rules */
	json_t *row;  /* the last row found */
};

static bool region_exists(void *ctx, int code)
{
	struct facts *fx = ctx;
	struct dt_db_stmt *st = dt_sql_prepare(fx->s, "SELECT 1 FROM region WHERE id = ?", NULL);
	if (!st)
		return false;
	dt_db_bind_int64(st, 1, code);
	int r = dt_db_step(st);
	dt_db_reset(st);
	return r == DT_DB_ROW;
}

static bool ref_find(void *ctx, const struct dt_field *f, int64_t id, const char **kind)
{
	struct facts *fx = ctx;
	const struct dt_entity *te = dt_entity_find(f->ref);
	json_t *row = NULL, *seen = NULL;
	json_decref(fx->row);
	fx->row = NULL;
	if (dt_sql_row(fx->s, te->table, id, &row, NULL) != DT_OK ||
	    /* A record outside the writer's scope is, to the writer, no record. */
	    (fx->a->scope && !(f->flags & DT_FF_OPENREF) &&
	     dt_crud_get(fx->s, te, fx->a->scope, id, 0, &seen, NULL) != DT_OK)) {
		json_decref(row);
		return false;
	}
	json_decref(seen);
	fx->row = row;
	*kind = json_string_value(json_object_get(row, "kind"));
	return true;
}

enum dt_err dt_crud_text_check(const struct dt_field *f, const char *str, size_t len,
			       struct dt_strbuf *msg)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	enum dt_err rc = dt_field_text(f, str, len, &ps, f->name);
	if (rc != DT_OK && ps.n)
		dt_problem_render(&ps.v[0], DT_LANG_EN, false, msg);
	dt_problems_release(&ps);
	return rc;
}

/*
 * Check and normalise one input value for @f into *@out (a new reference;
 * json null for a cleared optional field).  A fault is recorded as a
 * problem about @f in the store's problems.
 */
static enum dt_err convert(struct facts *fx, const struct dt_field *f, json_t *v, json_t **out,
			   struct dt_strbuf *err)
{
	struct dt_field_facts facts = { fx, region_exists, ref_find };
	struct dt_value in, val;
	struct dt_strbuf norm = DT_STRBUF_INIT;
	*out = NULL;
	json_value(v, &in);
	enum dt_err rc = dt_field_check(f, &in, &facts, &val, &norm, &fx->s->problems, f->name);
	if (rc != DT_OK) {
		dt_store_problem_err(fx->s, err);
		goto out;
	}
	switch (val.type) {
	case DT_V_NULL: *out = json_null(); break;
	case DT_V_TEXT: *out = json_stringn(val.text, val.len); break;
	case DT_V_INT: *out = json_integer(val.i); break;
	case DT_V_REAL: *out = json_real(val.d); break;
	case DT_V_BOOL: *out = json_boolean(val.b); break;
	case DT_V_OTHER: rc = DT_EINTERNAL; goto out;
	}
	if (f->type == DT_F_REF && fx->row) {
		json_object_set_new(fx->refs, f->name, fx->row);
		fx->row = NULL;
	}
out:
	json_decref(fx->row);
	fx->row = NULL;
	dt_strbuf_release(&norm);
	return rc;
}

/*
 * Check every field of @in into @row (normalised values keyed by column).
 * Returns DT_EINVAL with field problems recorded when anything is wrong.
 */
static int check_input(struct dt_store *s, const struct dt_actor *a, const struct dt_entity *e,
		       json_t *in, bool create, json_t *row, json_t *refs, struct dt_strbuf *err)
{
	if (!json_is_object(in))
		return dt_store_problem(s, err, "body", "type.object", NULL);
	struct facts fx = { s, a, refs, NULL };
	const char *key;
	json_t *v;
	json_object_foreach(in, key, v)
	{
		const struct dt_field *f = dt_entity_field(e, key);
		if (!f) {
			dt_store_problem(s, err, key, "field.unknown", "entity", e->name, NULL);
			continue;
		}
		if (f->flags & DT_FF_SYSTEM) {
			if (create || !json_is_null(v))
				dt_store_problem(s, err, key, "field.system", NULL);
			continue;
		}
		if (!create && (f->flags & DT_FF_IMMUTABLE)) {
			dt_store_problem(s, err, key, "field.immutable", NULL);
			continue;
		}
		json_t *out = NULL;
		if (convert(&fx, f, v, &out, err) == DT_OK)
			json_object_set_new(row, key, out);
	}
	if (create) {
		for (size_t i = 0; i < e->nfields; i++) {
			const struct dt_field *f = &e->fields[i];
			if ((f->flags & DT_FF_REQUIRED) && !json_object_get(in, f->name))
				dt_store_problem(s, err, f->name, "field.required", NULL);
		}
	}
	return dt_ferr_count(s) ? DT_EINVAL : DT_OK;
}

/* ---- reading ---- */

/*
 * The fields stored NULL where they can be derived (DT_FF_DERIVED) and the
 * expression that reads them.  record_entry.signed_by (migration 026): a
 * sign-off by a mentor stores NULL, the mentor's name being derived from
 * signed_mentor_id; one by a delegate (no mentor) stores NULL when it is the
 * login of signed_account_id; anything else (a CLI's "cli:..." login, a name
 * frozen before a rename) is stored and read as it is.  The subqueries name
 * the outer row's columns unqualified: neither mentor nor account has a
 * column of those names, so they resolve to the record_entry of any query
 * (with or without an alias).  Exactness on writes: signoff.c's
 * dt_signoff_stored_by() and dt_signoff_freeze_names().
 */
static const struct {
	const char *entity, *field, *sql;
} derived[] = {
	{ "record_entry", "signed_by",
	  "COALESCE(signed_by, (SELECT name FROM mentor WHERE mentor.id = signed_mentor_id), "
	  "(SELECT login FROM account WHERE account.id = signed_account_id))" },
};

const char *dt_crud_field_sql(const struct dt_entity *e, const struct dt_field *f)
{
	if (f->flags & DT_FF_DERIVED)
		for (size_t i = 0; i < DT_ARRAY_SIZE(derived); i++)
			if (!strcmp(derived[i].entity, e->name) &&
			    !strcmp(derived[i].field, f->name))
				return derived[i].sql;
	return f->name;
}

void dt_crud_select_list(const struct dt_entity *e, struct dt_strbuf *sql)
{
	dt_strbuf_adds(sql, "SELECT ");
	for (size_t i = 0; i < e->nfields; i++) {
		const struct dt_field *f = &e->fields[i];
		const char *expr = dt_crud_field_sql(e, f);
		if (i)
			dt_strbuf_adds(sql, ", ");
		if (expr != f->name)
			dt_strbuf_addf(sql, "%s AS ", expr);
		dt_strbuf_adds(sql, f->name);
		if (f->flags & DT_FF_PII) {
			dt_strbuf_adds(sql, ", ");
			dt_strbuf_adds(sql, f->name);
			dt_strbuf_adds(sql, "_enc");
		}
	}
	dt_strbuf_adds(sql, " FROM ");
	dt_strbuf_adds(sql, e->table);
}

json_t *dt_crud_stored(const struct dt_field *f, json_t *v)
{
	int64_t n;
	unsigned fl = f ? f->flags : 0;
	const char *t = json_string_value(v);
	if ((fl & DT_FF_MS) && t && dt_time_to_ms(t, &n))
		return json_integer(n);
	if ((fl & DT_FF_DAYNUM) && t && dt_date_text_to_num(t, &n))
		return json_integer(n);
	if ((fl & DT_FF_CODE) && t && (n = dt_crud_enum_index(f->values, t)) >= 0)
		return json_integer(n);
	if ((fl & DT_FF_CENTI) && json_is_number(v) && dt_num_centi(json_number_value(v), &n))
		return json_integer(n);
	return json_incref(v); /* refused by the column if it is not what it stores */
}

void dt_crud_bind_ms(struct dt_db_stmt *st, int i, const char *iso)
{
	int64_t ms;
	if (dt_time_to_ms(iso, &ms))
		dt_db_bind_int64(st, i, ms);
	else
		dt_db_bind_text(st, i, iso, -1); /* refused by the column: not an instant */
}

const char *dt_crud_column_text(const struct dt_field *f, struct dt_db_stmt *st, int i,
				char buf[DT_CRUD_TEXT])
{
	unsigned fl = f ? f->flags : 0;
	if (dt_db_column_type(st, i) != DT_DB_INTEGER ||
	    !(fl & (DT_FF_MS | DT_FF_DAYNUM | DT_FF_CODE)))
		return dt_db_column_text(st, i);
	int64_t n = dt_db_column_int64(st, i);
	if (fl & DT_FF_MS) {
		dt_time_from_ms(n, buf);
	} else if (fl & DT_FF_DAYNUM) {
		if (!dt_date_num_to_text(n, buf))
			snprintf(buf, DT_CRUD_TEXT, "%lld", (long long)n); /* no date: as it is */
	} else {
		/* the n-th word of the values (the whole code when there is none) */
		const char *p = f->values ? f->values : "";
		for (int64_t k = 0; k < n && p; k++) {
			p = strchr(p, '|');
			if (p)
				p++;
		}
		size_t len = p ? strcspn(p, "|") : 0;
		if (!p || n < 0 || len >= DT_CRUD_TEXT)
			snprintf(buf, DT_CRUD_TEXT, "%lld", (long long)n);
		else
			snprintf(buf, DT_CRUD_TEXT, "%.*s", (int)len, p);
	}
	return buf;
}

double dt_crud_column_real(const struct dt_field *f, struct dt_db_stmt *st, int i)
{
	if (f && (f->flags & DT_FF_CENTI) && dt_db_column_type(st, i) == DT_DB_INTEGER)
		return (double)dt_db_column_int64(st, i) / 100;
	return dt_db_column_double(st, i);
}

/* Bind @e's field @key to @v at @i, as the column stores it (dt_crud_stored). */
static void bind_field(struct dt_db_stmt *st, int i, const struct dt_entity *e, const char *key,
		       json_t *v)
{
	json_t *sv = dt_crud_stored(dt_entity_field(e, key), v);
	dt_sql_bind_json(st, i, sv);
	json_decref(sv);
}

/* The current row of @st (laid out by dt_crud_select_list) as an API object. */
int dt_crud_row_to_json(struct dt_store *s, const struct dt_entity *e, struct dt_db_stmt *st,
			unsigned flags, json_t **out, struct dt_strbuf *err)
{
	json_t *o = json_object();
	int col = 0;
	for (size_t i = 0; i < e->nfields; i++, col++) {
		const struct dt_field *f = &e->fields[i];
		json_t *v;
		if (dt_db_column_type(st, col) == DT_DB_NULL) {
			v = json_null();
		} else {
			switch (f->type) {
			case DT_F_INT:
			case DT_F_REF: v = json_integer(dt_db_column_int64(st, col)); break;
			case DT_F_REAL: v = json_real(dt_crud_column_real(f, st, col)); break;
			case DT_F_BOOL: v = json_boolean(dt_db_column_int(st, col)); break;
			case DT_F_REGION: {
				char buf[16];
				snprintf(buf, sizeof(buf), "%06d", dt_db_column_int(st, col));
				v = json_string(buf);
				break;
			}
			default: {
				char t[DT_CRUD_TEXT];
				v = json_string(dt_crud_column_text(f, st, col, t));
				break;
			}
			}
		}
		if (f->flags & DT_FF_PII) {
			col++;
			if ((flags & DT_READ_UNMASK) && dt_db_column_type(st, col) == DT_DB_BLOB) {
				if (!s->have_keys) {
					json_decref(v);
					json_decref(o);
					return dt_error(err, DT_ECRYPTO,
							"no key file: cannot show %s", f->name);
				}
				const unsigned char *blob = dt_db_column_blob(st, col);
				int len = dt_db_column_bytes(st, col);
				char plain[256];
				if (len <= DT_SEAL_OVERHEAD ||
				    len - DT_SEAL_OVERHEAD >= (int)sizeof(plain) ||
				    dt_secret_open(&s->keys, blob, (size_t)len, plain) != DT_OK) {
					json_decref(v);
					json_decref(o);
					return dt_error(
						err, DT_ECRYPTO,
						"%s %s: cannot decrypt %s (wrong key or damaged data)",
						e->name, dt_db_column_text(st, 0), f->name);
				}
				plain[len - DT_SEAL_OVERHEAD] = '\0';
				json_decref(v);
				v = json_string(plain);
				sodium_memzero(plain, sizeof(plain));
			}
		}
		json_object_set_new(o, f->name, v);
	}
	*out = o;
	return DT_OK;
}

void dt_crud_bind_all(struct dt_db_stmt *st, json_t *binds)
{
	size_t i;
	json_t *v;
	json_array_foreach(binds, i, v) dt_sql_bind_json(st, (int)i + 1, v);
}

enum dt_err dt_sql_write(struct dt_store *s, const char *sql, json_t *binds, const char *what,
			 struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return DT_EDB;
	dt_crud_bind_all(st, binds);
	int rc = dt_db_step(st) == DT_DB_DONE ? DT_OK : dt_sql_error(s, what, err);
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_sql_rows_json(struct dt_store *s, struct dt_db_stmt *st, const char *what,
			     json_t **out, struct dt_strbuf *err)
{
	json_t *arr = json_array();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		json_t *o = json_object();
		for (int i = 0; i < dt_db_column_count(st); i++) {
			const char *col = dt_db_column_name(st, i);
			switch (dt_db_column_type(st, i)) {
			case DT_DB_INTEGER:
				json_object_set_new(o, col,
						    json_integer(dt_db_column_int64(st, i)));
				break;
			case DT_DB_FLOAT:
				json_object_set_new(o, col, json_real(dt_db_column_double(st, i)));
				break;
			case DT_DB_TEXT:
				json_object_set_new(o, col, json_string(dt_db_column_text(st, i)));
				break;
			default: json_object_set_new(o, col, json_null()); break;
			}
		}
		json_array_append_new(arr, o);
	}
	dt_db_reset(st);
	if (r != DT_DB_DONE) {
		json_decref(arr);
		return dt_sql_error(s, what, err);
	}
	*out = arr;
	return DT_OK;
}

enum dt_err dt_sql_insert_id(struct dt_store *s, const char *sql, json_t *binds, const char *what,
			     int64_t *id, struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return DT_EDB;
	dt_crud_bind_all(st, binds);
	int rc = DT_OK;
	if (dt_db_step(st) == DT_DB_ROW)
		*id = dt_db_column_int64(st, 0);
	else
		rc = dt_sql_error(s, what, err);
	dt_db_reset(st);
	return rc;
}

/* Append @sql and bind @v once per '?' in it. */
static void cond(struct dt_strbuf *sql, json_t *binds, const char *text, json_int_t v)
{
	dt_strbuf_adds(sql, text);
	for (const char *p = text; *p; p++)
		if (*p == '?')
			json_array_append_new(binds, json_integer(v));
}

/*
 * The party rules of DT_SCOPE_PARTY entities: what an organisation (a school
 * or an enterprise) and what a trainee reads and changes of each kind, as a
 * condition in which every '?' is the organisation's or the trainee's id;
 * NULL: nothing.  A kind missing here is nothing to them (fail closed), and
 * dt_crud_scope_rules_check() refuses a table that misses one.
 *
 * An organisation reads its own records, the contracts it is party to and
 * what hangs off them, the trainees it registered or trains, its partners
 * (the schools or enterprises it has a partnership or a contract with, and
 * their programmes), and the public bodies (assessment bodies, departments);
 * it changes only what is its own or its contracts'.  A trainee reads its
 * own record, contracts and what hangs off them, and the two parties and the
 * programme of its contracts; it changes only its own contracts' records.
 * Alerts are read by their subject: an organisation reads those about itself,
 * its contracts and the findings it rectifies, a trainee those about its own
 * contracts, and neither changes one.  This table is the one rule of who reads
 * an alert: the lists, the single read and the alert's notification
 * recipients (notify.c, through dt_crud_get) all ask it.
 */
struct party_rule {
	const char *entity;
	const char *read;
	const char *write;
};

#define CONTRACT_OF_ORG \
	" AND contract_id IN (SELECT id FROM contract WHERE enterprise_id = ? OR school_id = ?)"
#define CONTRACT_OF_TRAINEE " AND contract_id IN (SELECT id FROM contract WHERE trainee_id = ?)"

static const struct party_rule org_rules[] = {
	{ "organization",
	  " AND (id = ? OR kind IN ('assessment_body', 'government')"
	  " OR id IN (SELECT school_id FROM partnership WHERE enterprise_id = ?)"
	  " OR id IN (SELECT enterprise_id FROM partnership WHERE school_id = ?)"
	  " OR id IN (SELECT school_id FROM contract WHERE enterprise_id = ?)"
	  " OR id IN (SELECT enterprise_id FROM contract WHERE school_id = ?))",
	  " AND id = ?" },
	{ "programme",
	  " AND (school_id = ? OR id IN (SELECT programme_id FROM place WHERE enterprise_id = ?)"
	  " OR school_id IN (SELECT school_id FROM partnership WHERE enterprise_id = ?)"
	  " OR id IN (SELECT programme_id FROM contract WHERE enterprise_id = ?))",
	  " AND school_id = ?" },
	{ "partnership", " AND (enterprise_id = ? OR school_id = ?)",
	  " AND (enterprise_id = ? OR school_id = ?)" },
	{ "demand", " AND enterprise_id = ?", " AND enterprise_id = ?" },
	{ "place",
	  " AND (enterprise_id = ? OR programme_id IN (SELECT id FROM programme WHERE school_id = ?))",
	  " AND enterprise_id = ?" },
	{ "trainee",
	  " AND (registered_by = ? OR id IN (SELECT trainee_id FROM contract"
	  " WHERE enterprise_id = ? OR school_id = ?))",
	  " AND (registered_by = ? OR id IN (SELECT trainee_id FROM contract"
	  " WHERE enterprise_id = ? OR school_id = ?))" },
	{ "contract", " AND (enterprise_id = ? OR school_id = ?)",
	  " AND (enterprise_id = ? OR school_id = ?)" },
	/* its own mentors, and its partners' (a contract names the other party's mentor) */
	{ "mentor",
	  " AND (organization_id = ?"
	  " OR organization_id IN (SELECT school_id FROM partnership WHERE enterprise_id = ?)"
	  " OR organization_id IN (SELECT enterprise_id FROM partnership WHERE school_id = ?)"
	  " OR organization_id IN (SELECT school_id FROM contract WHERE enterprise_id = ?)"
	  " OR organization_id IN (SELECT enterprise_id FROM contract WHERE school_id = ?))",
	  " AND organization_id = ?" },
	{ "record_entry", CONTRACT_OF_ORG, CONTRACT_OF_ORG },
	{ "assessment", CONTRACT_OF_ORG, CONTRACT_OF_ORG },
	{ "outcome", CONTRACT_OF_ORG, CONTRACT_OF_ORG },
	/* alerts about it, about a contract it is party to, or about a finding it must
	 * rectify: read only (officials and inspectors acknowledge and resolve them) */
	{ "alert",
	  " AND ((subject_kind = 'organization' AND subject_id = ?)"
	  " OR (subject_kind = 'contract' AND subject_id IN"
	  " (SELECT id FROM contract WHERE enterprise_id = ? OR school_id = ?))"
	  " OR (subject_kind = 'finding' AND subject_id IN"
	  " (SELECT id FROM finding WHERE org_id = ?)))",
	  NULL },
};

static const struct party_rule trainee_rules[] = {
	{ "organization",
	  " AND (id IN (SELECT enterprise_id FROM contract WHERE trainee_id = ?)"
	  " OR id IN (SELECT school_id FROM contract WHERE trainee_id = ?))",
	  NULL },
	{ "programme", " AND id IN (SELECT programme_id FROM contract WHERE trainee_id = ?)",
	  NULL },
	{ "partnership", NULL, NULL },
	{ "demand", NULL, NULL },
	{ "place", NULL, NULL },
	{ "trainee", " AND id = ?", " AND id = ?" },
	{ "contract", " AND trainee_id = ?", " AND trainee_id = ?" },
	{ "mentor",
	  " AND (id IN (SELECT company_mentor_id FROM contract WHERE trainee_id = ?)"
	  " OR id IN (SELECT school_mentor_id FROM contract WHERE trainee_id = ?))",
	  NULL },
	{ "record_entry", CONTRACT_OF_TRAINEE, CONTRACT_OF_TRAINEE },
	{ "assessment", CONTRACT_OF_TRAINEE, CONTRACT_OF_TRAINEE },
	{ "outcome", CONTRACT_OF_TRAINEE, CONTRACT_OF_TRAINEE },
	/* alerts about its own contracts (a stipend below the minimum wage, a record
	 * book off track): read only */
	{ "alert",
	  " AND subject_kind = 'contract' AND subject_id IN"
	  " (SELECT id FROM contract WHERE trainee_id = ?)",
	  NULL },
};

/*
 * An assessment body's staff (store.h: assessor_region) record assessments
 * for the contracts of its region: every '?' is the body's id, every '@'
 * the region's range ("BETWEEN lo AND hi").  It reads the contracts in force
 * or completed in its region (whom it may assess; the names of their parties
 * come through GET /contracts/{id}/parties, not from the trainee records),
 * the assessments its body recorded, its own organisation and the public
 * bodies; it changes only its body's assessments of contracts in its region.
 * Nothing else: not the trainees (personal data), record books, outcomes,
 * programmes, mentors or alerts.  Which assessor a new assessment names is
 * forced to the body (rules.c).
 */
static const struct party_rule assessor_rules[] = {
	{ "organization", " AND (id = ? OR kind IN ('assessment_body', 'government'))", NULL },
	{ "programme", NULL, NULL },
	{ "partnership", NULL, NULL },
	{ "demand", NULL, NULL },
	{ "place", NULL, NULL },
	{ "trainee", NULL, NULL },
	{ "contract", " AND region @ AND status IN ('active', 'completed')", NULL },
	{ "mentor", NULL, NULL },
	{ "record_entry", NULL, NULL },
	{ "assessment", " AND assessor_id = ?", " AND assessor_id = ? AND region @" },
	{ "outcome", NULL, NULL },
	{ "alert", NULL, NULL },
};

static const struct party_rule *party_rule(const struct party_rule *t, size_t n, const char *entity)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(t[i].entity, entity))
			return &t[i];
	return NULL;
}

/* The condition of party @id under rule table @t (@n rules) for @e: nothing when there is none. */
static void party_scope(const struct party_rule *t, size_t n, const struct dt_entity *e, bool write,
			json_int_t id, struct dt_strbuf *sql, json_t *binds)
{
	const struct party_rule *r = e->scope == DT_SCOPE_PARTY ? party_rule(t, n, e->name) : NULL;
	const char *text = r ? (write ? r->write : r->read) : NULL;
	if (text)
		cond(sql, binds, text, id);
	else
		dt_strbuf_adds(sql, " AND 1 = 0");
}

/* The assessor rule of @e for @scope (assessor_rules: '?' the body, '@' its region's range). */
static void assessor_scope(const struct dt_entity *e, const struct dt_scope *scope, bool write,
			   struct dt_strbuf *sql, json_t *binds)
{
	const struct party_rule *r =
		e->scope == DT_SCOPE_PARTY
			? party_rule(assessor_rules, DT_ARRAY_SIZE(assessor_rules), e->name)
			: NULL;
	const char *text = r ? (write ? r->write : r->read) : NULL;
	if (!text) {
		dt_strbuf_adds(sql, " AND 1 = 0");
		return;
	}
	int lo, hi;
	dt_region_range(scope->assessor_region, &lo, &hi);
	for (const char *p = text; *p; p++) {
		if (*p == '?') {
			dt_strbuf_addch(sql, '?');
			json_array_append_new(binds, json_integer(scope->org_id));
		} else if (*p == '@') {
			dt_strbuf_adds(sql, "BETWEEN ? AND ?");
			json_array_append_new(binds, json_integer(lo));
			json_array_append_new(binds, json_integer(hi));
		} else {
			dt_strbuf_addch(sql, *p);
		}
	}
}

void dt_crud_scope_sql(const struct dt_entity *e, const struct dt_scope *scope, bool write,
		       struct dt_strbuf *sql, json_t *binds)
{
	if (!scope)
		return;
	switch (e->scope) {
	case DT_SCOPE_PUBLIC:
		/* reference data: read by all, changed by unscoped callers only */
		if (write)
			dt_strbuf_adds(sql, " AND 1 = 0");
		return;
	case DT_SCOPE_GOV:
	case DT_SCOPE_AREA:
	case DT_SCOPE_PARTY: break;
	default:
		dt_strbuf_adds(sql, " AND 1 = 0"); /* no rule: nothing for a scoped caller */
		return;
	}
	if (scope->region) {
		int lo, hi;
		dt_region_range(scope->region, &lo, &hi);
		if (e->scope == DT_SCOPE_AREA && !write) {
			/* What is in force here: the national default, the province's and the
			 * city's above the region, and everything within it. */
			dt_strbuf_adds(
				sql,
				" AND (region IS NULL OR region BETWEEN ? AND ? OR region IN (?, ?))");
			json_array_append_new(binds, json_integer(lo));
			json_array_append_new(binds, json_integer(hi));
			json_array_append_new(binds,
					      json_integer(scope->region - scope->region % 10000));
			json_array_append_new(binds,
					      json_integer(scope->region - scope->region % 100));
		} else {
			dt_strbuf_adds(sql, " AND region BETWEEN ? AND ?");
			json_array_append_new(binds, json_integer(lo));
			json_array_append_new(binds, json_integer(hi));
		}
	}
	if (scope->assessor_region) {
		assessor_scope(e, scope, write, sql, binds);
		return;
	}
	/* published figures (minimum wages): read by schools and enterprises, whatever the region */
	if (scope->org_id && !write && e->scope == DT_SCOPE_AREA && (e->flags & DT_EF_PARTY_READ))
		return;
	if (scope->org_id)
		party_scope(org_rules, DT_ARRAY_SIZE(org_rules), e, write, scope->org_id, sql,
			    binds);
	if (scope->trainee_id)
		party_scope(trainee_rules, DT_ARRAY_SIZE(trainee_rules), e, write,
			    scope->trainee_id, sql, binds);
}

enum dt_err dt_crud_scope_rules_check(struct dt_strbuf *why)
{
	static const struct {
		const struct party_rule *t;
		size_t n;
		const char *who;
	} tables[] = {
		{ org_rules, DT_ARRAY_SIZE(org_rules), "organisation" },
		{ trainee_rules, DT_ARRAY_SIZE(trainee_rules), "trainee" },
		{ assessor_rules, DT_ARRAY_SIZE(assessor_rules), "assessor" },
	};
	int rc = DT_OK;
	for (const struct dt_entity *e = dt_entities; e->name; e++) {
		if (e->scope == DT_SCOPE_UNSET)
			rc = dt_error(why, DT_EINTERNAL, "entity %s has no scope rule", e->name);
		for (size_t k = 0; k < DT_ARRAY_SIZE(tables); k++) {
			bool listed = party_rule(tables[k].t, tables[k].n, e->name) != NULL;
			if (e->scope == DT_SCOPE_PARTY && !listed)
				rc = dt_error(why, DT_EINTERNAL, "entity %s has no %s rule",
					      e->name, tables[k].who);
		}
	}
	for (size_t k = 0; k < DT_ARRAY_SIZE(tables); k++) {
		for (size_t i = 0; i < tables[k].n; i++) {
			const struct party_rule *r = &tables[k].t[i];
			const struct dt_entity *e = dt_entity_find(r->entity);
			if (!e || e->scope != DT_SCOPE_PARTY)
				rc = dt_error(why, DT_EINTERNAL,
					      "%s rule for %s, which is not a party kind",
					      tables[k].who, r->entity);
			else if (r->write && !r->read)
				rc = dt_error(why, DT_EINTERNAL,
					      "%s may change %s records it cannot read",
					      tables[k].who, r->entity);
		}
	}
	return rc;
}

/*
 * A JSON string literal of the @n bytes at @t, written as jansson writes it
 * (JSON_COMPACT, UTF-8 kept): the records check compares this text with the
 * audit events' bytes.
 */
void dt_crud_json_string(struct dt_strbuf *sb, const char *t, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	dt_strbuf_addch(sb, '"');
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)t[i];
		if (ch >= 0x20 && ch != '"' && ch != '\\')
			continue;
		dt_strbuf_add(sb, t + run, i - run);
		run = i + 1;
		switch (ch) {
		case '"': dt_strbuf_adds(sb, "\\\""); break;
		case '\\': dt_strbuf_adds(sb, "\\\\"); break;
		case '\b': dt_strbuf_adds(sb, "\\b"); break;
		case '\f': dt_strbuf_adds(sb, "\\f"); break;
		case '\n': dt_strbuf_adds(sb, "\\n"); break;
		case '\r': dt_strbuf_adds(sb, "\\r"); break;
		case '\t': dt_strbuf_adds(sb, "\\t"); break;
		default: {
			char u[7] = { '\\', 'u', '0', '0', hex[ch >> 4], hex[ch & 15], 0 };
			dt_strbuf_adds(sb, u);
		}
		}
	}
	dt_strbuf_add(sb, t + run, n - run);
	dt_strbuf_addch(sb, '"');
}

/*
 * The current row of @st as API JSON text, straight into @out: the same
 * object dt_crud_row_to_json() builds (masked personal fields, regions as strings),
 * without building it.  The hot read path of the server uses this.
 */
static void row_to_text(const struct dt_entity *e, struct dt_db_stmt *st, struct dt_strbuf *out)
{
	int col = 0;
	/* room for a typical record at once, not a realloc per doubling */
	dt_strbuf_grow(out, 512);
	dt_strbuf_addch(out, '{');
	for (size_t i = 0; i < e->nfields; i++, col++) {
		const struct dt_field *f = &e->fields[i];
		/* field names are identifiers: nothing in them to escape */
		if (i)
			dt_strbuf_add(out, ",\"", 2);
		else
			dt_strbuf_addch(out, '"');
		dt_strbuf_adds(out, f->name);
		dt_strbuf_add(out, "\":", 2);
		if (dt_db_column_type(st, col) == DT_DB_NULL) {
			dt_strbuf_add(out, "null", 4);
		} else {
			switch (f->type) {
			case DT_F_INT:
			case DT_F_REF:
				dt_strbuf_addint(out, (long long)dt_db_column_int64(st, col), 0);
				break;
			case DT_F_REAL: {
				char num[40];
				snprintf(num, sizeof(num), "%.12g",
					 dt_crud_column_real(f, st, col));
				dt_strbuf_adds(out, num);
				if (!strpbrk(num, ".eE"))
					dt_strbuf_adds(out, ".0"); /* as jansson writes reals */
				break;
			}
			case DT_F_BOOL:
				dt_strbuf_adds(out, dt_db_column_int(st, col) ? "true" : "false");
				break;
			case DT_F_REGION:
				dt_strbuf_addch(out, '"');
				dt_strbuf_addint(out, dt_db_column_int(st, col), 6);
				dt_strbuf_addch(out, '"');
				break;
			default:
				if (dt_db_column_type(st, col) == DT_DB_INTEGER) {
					/* stored as an integer (DT_FF_MS, DT_FF_DAYNUM, DT_FF_CODE) */
					char t[DT_CRUD_TEXT];
					const char *v = dt_crud_column_text(f, st, col, t);
					dt_crud_json_string(out, v, strlen(v));
				} else {
					dt_crud_json_string(out, dt_db_column_text(st, col),
							    (size_t)dt_db_column_bytes(st, col));
				}
				break;
			}
		}
		if (f->flags & DT_FF_PII)
			col++; /* the ciphertext column: never in text output */
	}
	dt_strbuf_addch(out, '}');
}

/*
 * The statement that reads one row of @e by @id within @scope, bound (*@out,
 * the cache's), or DT_EDB.
 */
static int get_bound(struct dt_store *s, const struct dt_entity *e, const struct dt_scope *scope,
		     int64_t id, unsigned flags, struct dt_db_stmt **out, struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	json_t *binds = NULL;
	int rc = DT_OK;
	*out = NULL;
	/* The SQL text depends only on the entity, which parts of the scope are set and
	 * whether it is read or changed. */
	unsigned shape = scope ? (scope->region ? 1u : 0u) | (scope->org_id ? 2u : 0u) |
					 (scope->trainee_id ? 4u : 0u) |
					 (scope->assessor_region ? 16u : 0u)
			       : 0u;
	if (shape && (flags & DT_READ_WRITABLE))
		shape |= 8u;
	struct dt_get_memo *m =
		&s->get_memo[((size_t)(e - dt_entities) * 32 + shape) % DT_GET_MEMO];
	struct dt_db_stmt *st = NULL;
	/* the scope's values to bind after the id (its text goes to sql, unused on a memo hit) */
	if (shape) {
		binds = json_array();
		dt_crud_scope_sql(e, scope, flags & DT_READ_WRITABLE, &sql, binds);
	}
	if (m->st && m->e == e && m->shape == shape && m->gen == s->stmt_gen) {
		st = m->st;
		dt_db_reset(st); /* every parameter is bound below: no need to clear them */
	} else {
		struct dt_strbuf where = DT_STRBUF_INIT;
		dt_strbuf_adds(&where, sql.buf);
		dt_strbuf_reset(&sql);
		dt_crud_select_list(e, &sql);
		dt_strbuf_adds(&sql, " WHERE id = ?");
		dt_strbuf_adds(&sql, where.buf);
		dt_strbuf_release(&where);
		st = dt_sql_prepare(s, sql.buf, err);
		if (!st) {
			rc = DT_EDB;
			goto out;
		}
		*m = (struct dt_get_memo){ e, shape, s->stmt_gen, st };
	}
	dt_db_bind_int64(st, 1, id);
	if (binds) {
		size_t i;
		json_t *v;
		json_array_foreach(binds, i, v) dt_sql_bind_json(st, (int)i + 2, v);
	}
	*out = st;
out:
	dt_strbuf_release(&sql);
	json_decref(binds);
	return rc;
}

/* One row of @e by id within @scope, as a JSON object (*@out) or as text appended to @text. */
static int crud_get_any(struct dt_store *s, const struct dt_entity *e, const struct dt_scope *scope,
			int64_t id, unsigned flags, json_t **out, struct dt_strbuf *text,
			struct dt_strbuf *err)
{
	struct dt_db_stmt *st = NULL;
	int rc = get_bound(s, e, scope, id, flags, &st, err);
	if (rc != DT_OK)
		return rc;
	int r = dt_db_step(st);
	if (r == DT_DB_ROW && text)
		row_to_text(e, st, text);
	else if (r == DT_DB_ROW)
		rc = dt_crud_row_to_json(s, e, st, flags, out, err);
	else if (r == DT_DB_DONE)
		rc = dt_error(err, DT_ENOTFOUND, "%s %lld not found", e->name, (long long)id);
	else
		rc = dt_sql_error(s, e->name, err);
	dt_db_reset(st);
	return rc;
}

enum dt_err dt_crud_get(struct dt_store *s, const struct dt_entity *e, const struct dt_scope *scope,
			int64_t id, unsigned flags, json_t **out, struct dt_strbuf *err)
{
	return crud_get_any(s, e, scope, id, flags, out, NULL, err);
}

enum dt_err dt_crud_writable(struct dt_store *s, const struct dt_entity *e,
			     const struct dt_scope *scope, int64_t id, struct dt_strbuf *err)
{
	if (!scope)
		return DT_OK;
	json_t *o = NULL;
	int rc = crud_get_any(s, e, scope, id, DT_READ_WRITABLE, &o, NULL, err);
	json_decref(o);
	if (rc == DT_ENOTFOUND)
		rc = dt_store_problem(s, err, NULL, "record.not_yours", NULL);
	return rc;
}

enum dt_err dt_store_get_text(struct dt_store *s, const struct dt_scope *scope, const char *entity,
			      int64_t id, struct dt_strbuf *out, struct dt_strbuf *err)
{
	const struct dt_entity *e = dt_crud_find_entity(entity, err);
	if (!e)
		return DT_EINVAL;
	if (s->viewer.pii || !dt_crud_has_coarse_fields(e))
		return crud_get_any(s, e, scope, id, 0, NULL, out, err);
	/* To be coarsened: by way of the object (only trainees take this way). */
	json_t *o = NULL;
	int rc = dt_crud_get(s, e, scope, id, 0, &o, err);
	if (rc == DT_OK) {
		dt_crud_coarsen(s, e, o);
		char *t = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12));
		if (t)
			dt_strbuf_adds(out, t);
		else
			rc = dt_error(err, DT_ENOMEM, "out of memory");
		free(t);
	}
	json_decref(o);
	return rc;
}

bool dt_store_get_text_can_send(struct dt_store *s, const char *entity)
{
	const struct dt_entity *e = dt_entity_find(entity);
	return e && dt_db_can_send(s->db) && s->nsent < DT_SENT_MAX && e->nfields &&
	       !strcmp(e->fields[0].name, "id") && (s->viewer.pii || !dt_crud_has_coarse_fields(e));
}

enum dt_err dt_store_get_text_send(struct dt_store *s, const struct dt_scope *scope,
				   const char *entity, int64_t id, struct dt_strbuf *err)
{
	const struct dt_entity *e = dt_crud_find_entity(entity, err);
	if (!e)
		return DT_EINVAL;
	if (!dt_store_get_text_can_send(s, entity))
		return dt_error(err, DT_EINTERNAL, "internal error: %s %lld cannot be sent",
				e->name, (long long)id);
	struct dt_sent_get *g = &s->sent[(s->sent_head + s->nsent++) % DT_SENT_MAX];
	g->e = e;
	g->id = id;
	g->scoped = scope != NULL;
	g->scope = scope ? *scope : (struct dt_scope){ 0 };
	g->fetched = false;
	g->rc = DT_OK;
	if (!g->text.max)
		dt_strbuf_init(&g->text, 0); /* the slot's first use */
	dt_strbuf_reset(&g->text);
	return DT_OK;
}

/* Whether queued reads @a and @b go in one query: the same entity and scope. */
static bool same_query(const struct dt_sent_get *a, const struct dt_sent_get *b)
{
	return a->e == b->e && a->scoped == b->scoped && a->scope.region == b->scope.region &&
	       a->scope.org_id == b->scope.org_id && a->scope.trainee_id == b->scope.trainee_id &&
	       a->scope.assessor_region == b->scope.assessor_region;
}

/*
 * The statement that reads the rows of @e whose id is in a bound array
 * (parameter 1, "{1,2,3}"), within @scope, with the scope's values bound
 * after it (the cache's), or NULL with @err set.
 */
static struct dt_db_stmt *any_bound(struct dt_store *s, const struct dt_sent_get *g,
				    const char *ids, struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT, where = DT_STRBUF_INIT;
	json_t *binds = json_array();
	const struct dt_scope *scope = g->scoped ? &g->scope : NULL;
	dt_crud_scope_sql(g->e, scope, false, &where, binds);
	dt_crud_select_list(g->e, &sql);
	dt_strbuf_adds(&sql, " WHERE id = ANY(CAST(? AS bigint[]))");
	dt_strbuf_adds(&sql, where.buf);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	if (st) {
		size_t i;
		json_t *v;
		dt_db_bind_text_copy(st, 1, ids, -1);
		json_array_foreach(binds, i, v) dt_sql_bind_json(st, (int)i + 2, v);
	}
	dt_strbuf_release(&sql);
	dt_strbuf_release(&where);
	json_decref(binds);
	return st;
}

/*
 * Fetch every queued read not yet fetched: the reads of one entity and
 * scope in one query for all their ids, every query sent before the first
 * answer is read, so that all of them share one round trip.
 */
static void fetch_sent(struct dt_store *s)
{
	struct dt_db_stmt *sts[DT_SENT_MAX];
	size_t lead[DT_SENT_MAX], ng = 0;
	bool grouped[DT_SENT_MAX] = { false };
	struct dt_strbuf ids = DT_STRBUF_INIT, err = DT_STRBUF_INIT, row = DT_STRBUF_INIT;
	/* 1. Send a query per group (the queue's k-th read is at sent[(head + k) % MAX]). */
	for (size_t k = 0; k < s->nsent; k++) {
		struct dt_sent_get *g = &s->sent[(s->sent_head + k) % DT_SENT_MAX];
		if (g->fetched || grouped[k])
			continue;
		dt_strbuf_reset(&ids);
		dt_strbuf_addch(&ids, '{');
		for (size_t j = k; j < s->nsent; j++) {
			struct dt_sent_get *h = &s->sent[(s->sent_head + j) % DT_SENT_MAX];
			if (h->fetched || grouped[j] || !same_query(g, h))
				continue;
			grouped[j] = true;
			if (ids.len > 1)
				dt_strbuf_addch(&ids, ',');
			dt_strbuf_addint(&ids, (long long)h->id, 0);
		}
		dt_strbuf_addch(&ids, '}');
		dt_strbuf_reset(&err);
		struct dt_db_stmt *st = any_bound(s, g, ids.buf, &err);
		if (st && dt_db_send(st, &err) != DT_OK) {
			dt_db_reset(st);
			st = NULL;
		}
		if (st)
			dt_db_reset(st);
		if (!st) {
			/* every read of the group fails with the database's message */
			for (size_t j = k; j < s->nsent; j++) {
				struct dt_sent_get *h = &s->sent[(s->sent_head + j) % DT_SENT_MAX];
				if (!h->fetched && same_query(g, h)) {
					h->fetched = true;
					h->rc = DT_EDB;
					dt_strbuf_reset(&h->text);
					dt_strbuf_adds(&h->text, err.buf);
				}
			}
			continue;
		}
		sts[ng] = st;
		lead[ng++] = k;
	}
	/* 2. Read the answers in the order sent; each row goes to every read of its id. */
	for (size_t q = 0; q < ng; q++) {
		struct dt_sent_get *g = &s->sent[(s->sent_head + lead[q]) % DT_SENT_MAX];
		int r = dt_db_receive(sts[q]); /* the first row; dt_db_step() the next */
		for (; r == DT_DB_ROW; r = dt_db_step(sts[q])) {
			int64_t id = dt_db_column_int64(sts[q], 0);
			dt_strbuf_reset(&row);
			row_to_text(g->e, sts[q], &row);
			for (size_t j = lead[q]; j < s->nsent; j++) {
				struct dt_sent_get *h = &s->sent[(s->sent_head + j) % DT_SENT_MAX];
				if (!h->fetched && h->id == id && same_query(g, h)) {
					dt_strbuf_reset(&h->text);
					dt_strbuf_add(&h->text, row.buf, row.len);
					h->rc = DT_OK;
					h->fetched = true;
				}
			}
		}
		dt_strbuf_reset(&err);
		if (r != DT_DB_DONE)
			dt_sql_error(s, g->e->name, &err);
		for (size_t j = lead[q]; j < s->nsent; j++) {
			struct dt_sent_get *h = &s->sent[(s->sent_head + j) % DT_SENT_MAX];
			if (!h->fetched && same_query(g, h)) {
				h->fetched = true;
				h->rc = r == DT_DB_DONE ? DT_ENOTFOUND : DT_EDB;
				dt_strbuf_reset(&h->text);
				dt_strbuf_adds(&h->text, err.buf);
			}
		}
		dt_db_reset(sts[q]);
	}
	dt_strbuf_release(&ids);
	dt_strbuf_release(&err);
	dt_strbuf_release(&row);
}

enum dt_err dt_store_get_text_receive(struct dt_store *s, struct dt_strbuf *out,
				      struct dt_strbuf *err)
{
	if (!s->nsent)
		return dt_error(err, DT_EINTERNAL, "internal error: no read was sent");
	struct dt_sent_get *g = &s->sent[s->sent_head];
	if (!g->fetched)
		fetch_sent(s);
	s->sent_head = (s->sent_head + 1) % DT_SENT_MAX;
	s->nsent--;
	g->fetched = false;
	if (g->rc == DT_OK) {
		dt_strbuf_add(out, g->text.buf, g->text.len);
		return DT_OK;
	}
	if (g->rc == DT_ENOTFOUND)
		return dt_error(err, DT_ENOTFOUND, "%s %lld not found", g->e->name,
				(long long)g->id);
	return dt_error(err, DT_EDB, "%s", g->text.buf);
}

enum dt_err dt_store_get(struct dt_store *s, const struct dt_scope *scope, const char *entity,
			 int64_t id, unsigned flags, json_t **out, struct dt_strbuf *err)
{
	const struct dt_entity *e = dt_crud_find_entity(entity, err);
	if (!e)
		return DT_EINVAL;
	int rc = dt_crud_get(s, e, scope, id, flags, out, err);
	if (rc == DT_OK)
		dt_crud_coarsen(s, e, *out);
	return rc;
}

/* ---- writing ---- */

static int insert_row(struct dt_store *s, const struct dt_entity *e, json_t *row,
		      struct dt_blobs *blobs, int64_t *id, struct dt_strbuf *err)
{
	struct dt_strbuf sql = DT_STRBUF_INIT, vals = DT_STRBUF_INIT;
	const char *key;
	json_t *v;
	int n = 0;
	dt_strbuf_addf(&sql, "INSERT INTO %s(", e->table);
	json_object_foreach(row, key, v)
	{
		dt_strbuf_addf(&sql, "%s%s", n ? ", " : "", key);
		dt_strbuf_adds(&vals, n++ ? ", ?" : "?");
	}
	for (int i = 0; i < blobs->n; i++) {
		dt_strbuf_addf(&sql, ", %s", blobs->b[i].col);
		dt_strbuf_adds(&vals, ", ?");
	}
	dt_strbuf_addf(&sql, ") VALUES (%s) RETURNING id", vals.buf);
	dt_strbuf_release(&vals);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
	dt_strbuf_release(&sql);
	if (!st)
		return DT_EDB;
	n = 1;
	json_object_foreach(row, key, v) bind_field(st, n++, e, key, v);
	for (int i = 0; i < blobs->n; i++)
		dt_db_bind_blob(st, n++, blobs->b[i].data, (int)blobs->b[i].len);
	int r = dt_db_step(st);
	if (r == DT_DB_ROW)
		*id = dt_db_column_int64(st, 0);
	int rc = r == DT_DB_ROW ? DT_OK : dt_sql_error(s, e->name, err);
	dt_db_reset(st);
	return rc;
}

static void blobs_free(struct dt_blobs *b)
{
	for (int i = 0; i < b->n; i++)
		free(b->b[i].data);
	b->n = 0;
}

static void stamp(json_t *row, bool create)
{
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	if (create)
		json_object_set_new(row, "created_at", json_string(now));
	json_object_set_new(row, "updated_at", json_string(now));
}

static void audit_action(char *buf, size_t n, const struct dt_entity *e, const char *verb)
{
	snprintf(buf, n, "%s.%s", e->name, verb);
}

/*
 * Start a write on @entity: the store's problems are reset and named by its
 * fields.  NULL with the problem recorded (record.kind_unknown,
 * record.system_only) and its kind in *@rc when it cannot be written.
 */
static const struct dt_entity *write_begin(struct dt_store *s, const char *entity,
					   struct dt_strbuf *err, enum dt_err *rc)
{
	dt_store_problems_begin(s, NULL);
	const struct dt_entity *e = dt_entity_find(entity);
	if (!e) {
		*rc = dt_store_problem(s, err, NULL, "record.kind_unknown", "kind", entity, NULL);
		return NULL;
	}
	dt_problems_entity(&s->problems, e->name);
	if (e->flags & DT_EF_SYSTEM) {
		*rc = dt_store_problem(s, err, NULL, "record.system_only", NULL);
		return NULL;
	}
	return e;
}

/*
 * Record what a failed look-up of the record to change means to the
 * caller: record.not_found or record.not_yours (the text in @err stays).
 */
static enum dt_err lookup_problem(struct dt_store *s, enum dt_err rc)
{
	if (rc == DT_ENOTFOUND)
		dt_problem_add(&s->problems, NULL, "record.not_found", NULL);
	else if (rc == DT_EDENIED)
		dt_problem_add(&s->problems, NULL, "record.not_yours", NULL);
	return rc;
}

enum dt_err dt_store_create(struct dt_store *s, const struct dt_actor *a, const char *entity,
			    json_t *in, json_t **out, struct dt_strbuf *err)
{
	enum dt_err wrc = DT_OK;
	const struct dt_entity *e = write_begin(s, entity, err, &wrc);
	if (!e)
		return wrc;
	json_t *row = json_object(), *refs = json_object(), *obj = NULL;
	struct dt_blobs blobs = { .n = 0 };
	int64_t id = 0;
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		goto out;
	rc = check_input(s, a, e, in, true, row, refs, err);
	if (rc == DT_OK)
		rc = dt_rules_apply(s, a, e, row, NULL, refs, &blobs, err);
	if (rc == DT_OK) {
		stamp(row, true);
		rc = insert_row(s, e, row, &blobs, &id, err);
	}
	if (rc == DT_OK)
		rc = dt_crud_get(s, e, NULL, id, 0, &obj, err);
	if (rc == DT_OK) {
		char action[64];
		audit_action(action, sizeof(action), e, "create");
		rc = dt_audit_append(s, a, action, e->name, id, NULL, obj, err);
	}
	if (rc == DT_OK && !strcmp(e->name, "record_entry"))
		rc = dt_notify_record_entry(s, obj, err);
	rc = dt_tx_end(s, rc, err);
out:
	blobs_free(&blobs);
	json_decref(row);
	json_decref(refs);
	if (rc == DT_OK && out) {
		dt_crud_coarsen(s, e, obj); /* the audit event has it as stored */
		*out = obj;
	} else {
		json_decref(obj);
	}
	return rc;
}

enum dt_err dt_store_update(struct dt_store *s, const struct dt_actor *a,
			    const struct dt_scope *scope, const char *entity, int64_t id,
			    json_t *patch, json_t **out, struct dt_strbuf *err)
{
	enum dt_err wrc = DT_OK;
	const struct dt_entity *e = write_begin(s, entity, err, &wrc);
	if (!e)
		return wrc;
	json_t *changes = json_object(), *refs = json_object(), *raw = NULL, *before = NULL,
	       *after = NULL;
	struct dt_blobs blobs = { .n = 0 };
	struct dt_strbuf sql = DT_STRBUF_INIT;
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		goto out;
	rc = dt_crud_get(s, e, scope, id, 0, &before, err);
	if (rc == DT_OK)
		rc = dt_crud_writable(s, e, scope, id, err);
	lookup_problem(s, rc);
	if (rc == DT_OK)
		rc = dt_sql_row(s, e->table, id, &raw, err);
	if (rc == DT_OK)
		rc = check_input(s, a, e, patch, false, changes, refs, err);
	if (rc == DT_OK) {
		/* The rules see the whole row as it will be. */
		json_t *merged = json_deep_copy(raw);
		json_object_update(merged, changes);
		rc = dt_rules_apply(s, a, e, merged, raw, refs, &blobs, err);
		/*
		 * Keep what differs from the stored row: what the patch changed
		 * and what the rules derived.  A value given again unchanged is
		 * no change.
		 */
		const char *key;
		json_t *v;
		json_object_clear(changes);
		json_object_foreach(merged, key, v)
		{
			if (!json_equal(v, json_object_get(raw, key)))
				json_object_set(changes, key, v);
		}
		json_decref(merged);
	}
	if (rc == DT_OK && json_object_size(changes) == 0 && blobs.n == 0) {
		after = json_incref(before);
		goto commit; /* nothing to change: no write, no event */
	}
	if (rc == DT_OK) {
		stamp(changes, false);
		dt_strbuf_addf(&sql, "UPDATE %s SET ", e->table);
		const char *key;
		json_t *v;
		int n = 0;
		json_object_foreach(changes, key, v)
			dt_strbuf_addf(&sql, "%s%s = ?", n++ ? ", " : "", key);
		for (int i = 0; i < blobs.n; i++)
			dt_strbuf_addf(&sql, ", %s = ?", blobs.b[i].col);
		dt_strbuf_adds(&sql, " WHERE id = ?");
		struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
		if (!st) {
			rc = DT_EDB;
		} else {
			n = 1;
			json_object_foreach(changes, key, v) bind_field(st, n++, e, key, v);
			for (int i = 0; i < blobs.n; i++)
				dt_db_bind_blob(st, n++, blobs.b[i].data, (int)blobs.b[i].len);
			dt_db_bind_int64(st, n, id);
			if (dt_db_step(st) != DT_DB_DONE)
				rc = dt_sql_error(s, e->name, err);
			dt_db_reset(st);
		}
	}
	if (rc == DT_OK && json_object_get(changes, "region"))
		rc = dt_rules_region_moved(
			s, e, id, (int)json_integer_value(json_object_get(changes, "region")), err);
	if (rc == DT_OK)
		rc = dt_crud_get(s, e, NULL, id, 0, &after, err);
	if (rc == DT_OK) {
		char action[64];
		audit_action(action, sizeof(action), e, "update");
		rc = dt_audit_append(s, a, action, e->name, id, before, after, err);
	}
commit:
	rc = dt_tx_end(s, rc, err);
out:
	blobs_free(&blobs);
	dt_strbuf_release(&sql);
	json_decref(changes);
	json_decref(refs);
	json_decref(raw);
	json_decref(before);
	if (rc == DT_OK && out) {
		dt_crud_coarsen(s, e, after);
		*out = after;
	} else {
		json_decref(after);
	}
	return rc;
}

enum dt_err dt_store_delete(struct dt_store *s, const struct dt_actor *a,
			    const struct dt_scope *scope, const char *entity, int64_t id,
			    struct dt_strbuf *err)
{
	enum dt_err wrc = DT_OK;
	const struct dt_entity *e = write_begin(s, entity, err, &wrc);
	if (!e)
		return wrc;
	if (!(e->flags & DT_EF_DELETE))
		return dt_store_problem(s, err, NULL, "record.no_delete", NULL);
	json_t *before = NULL, *raw = NULL;
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	rc = dt_crud_get(s, e, scope, id, 0, &before, err);
	if (rc == DT_OK)
		rc = dt_crud_writable(s, e, scope, id, err);
	lookup_problem(s, rc);
	if (rc == DT_OK)
		rc = dt_sql_row(s, e->table, id, &raw, err);
	if (rc == DT_OK)
		rc = dt_rules_delete(s, e, raw, err);
	if (rc == DT_OK) {
		struct dt_strbuf sql = DT_STRBUF_INIT;
		dt_strbuf_addf(&sql, "DELETE FROM %s WHERE id = ?", e->table);
		struct dt_db_stmt *st = dt_sql_prepare(s, sql.buf, err);
		dt_strbuf_release(&sql);
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_db_bind_int64(st, 1, id);
			if (dt_db_step(st) != DT_DB_DONE) {
				if (dt_db_errclass(s->db) == DT_DBE_FOREIGN_KEY)
					rc = dt_store_problem(s, err, NULL, "record.in_use", NULL);
				else
					rc = dt_sql_error(s, e->name, err);
			}
			dt_db_reset(st);
		}
	}
	if (rc == DT_OK) {
		char action[64];
		audit_action(action, sizeof(action), e, "delete");
		rc = dt_audit_append(s, a, action, e->name, id, before, NULL, err);
	}
	rc = dt_tx_end(s, rc, err);
	json_decref(before);
	json_decref(raw);
	return rc;
}
