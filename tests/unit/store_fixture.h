/*
 * store_fixture.h - a fresh store per test, shared by the store, audit and
 * reference-data tests.
 *
 * fx_setup() pins "today" (DUALTRACK_TODAY=2026-11-26), makes a temporary
 * directory, opens a new database there with a fixed master key and loads
 * the built-in regions and occupations; fx_teardown() closes it and removes
 * the files.  The helpers build valid national IDs and credit codes, create
 * records asserting success, count rows and audit events through a separate
 * connection of the driver, not the store (the way an outsider would look at
 * the database), and check field errors.  Everything is static: each
 * test_*.c is built alone.
 *
 * With DUALTRACK_TEST_BACKEND=pgsql and DUALTRACK_TEST_PG set to a
 * PostgreSQL server's base URI ("postgresql://user@127.0.0.1:PORT", as
 * scripts/pgtmp.sh prints it), each test gets a fresh PostgreSQL database on
 * that server instead of a file, dropped at teardown: the same tests, the
 * other backend.
 */
#ifndef DT_STORE_FIXTURE_H
#define DT_STORE_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "core/common.h"
#include "core/date.h"
#include "core/embedded.h"
#include "core/secret.h"
#include "domain/natid.h"
#include "domain/uscc.h"
#include "io/refdata.h"
#include "store/db.h"
#include "store/store.h"
#include "store/store_internal.h"
#include "core/banned.h"

#define FX_TODAY "2026-11-26"

struct fx {
	char dir[64];
	char path[512];  /* the database file, or its PostgreSQL URI */
	char pgname[64]; /* the PostgreSQL database's name ("" on SQLite) */
	struct dt_keys keys;
	struct dt_store *s;
	struct dt_strbuf err;
	struct dt_actor actor;
	int serial; /* for unique credit codes and IDs */
};

static inline void fx_master(unsigned char m[32], int seed)
{
	for (int i = 0; i < 32; i++)
		m[i] = (unsigned char)(seed * 17 + i * 5 + 1);
}

static inline void fx_env(void)
{
	setenv("DUALTRACK_TODAY", FX_TODAY, 1);
	setenv("DUALTRACK_LOG_LEVEL", "error", 1);
}

/* The PostgreSQL server the tests use, or NULL for SQLite files. */
static inline const char *fx_pg(void)
{
	const char *pg = getenv("DUALTRACK_TEST_PG"), *b = getenv("DUALTRACK_TEST_BACKEND");
	return pg && *pg && b && !strcmp(b, "pgsql") ? pg : NULL;
}

/* Run @sql on the server's maintenance database. */
static inline void fx_pg_admin(const char *sql)
{
	char uri[512];
	struct dt_db *db = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	snprintf(uri, sizeof(uri), "%s/postgres", fx_pg());
	if (dt_db_open(&db, uri, 0, &err) == DT_OK)
		dt_db_exec(db, sql, &err);
	dt_db_close(db);
	dt_strbuf_release(&err);
}

/* Remove the database and its WAL files, then the directory. */
static inline void fx_remove_files(struct fx *f)
{
	if (f->pgname[0]) {
		char sql[160];
		snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS \"%s\" WITH (FORCE)",
			 f->pgname);
		fx_pg_admin(sql);
		rmdir(f->dir);
		return;
	}
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(suffix); i++) {
		char p[sizeof(f->path) + 16];
		snprintf(p, sizeof(p), "%s%s", f->path, suffix[i]);
		unlink(p);
	}
	rmdir(f->dir);
}

/* A fresh, empty directory and database path; no store opened. */
static inline struct fx *fx_new(void)
{
	fx_env();
	if (dt_secret_init() != DT_OK)
		return NULL;
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	snprintf(f->dir, sizeof(f->dir), "/tmp/dt_test_store.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return NULL;
	}
	snprintf(f->path, sizeof(f->path), "%s/dualtrack.db", f->dir);
	if (fx_pg()) {
		static int n;
		snprintf(f->pgname, sizeof(f->pgname), "dt_unit_%d_%d", (int)getpid(), ++n);
		snprintf(f->path, sizeof(f->path), "%s/%s", fx_pg(), f->pgname);
	}
	unsigned char m[32];
	fx_master(m, 1);
	dt_keys_from_master(m, &f->keys);
	dt_strbuf_init(&f->err, 0);
	f->actor.login = "test:unit";
	f->actor.request_id = NULL;
	return f;
}

static inline void fx_free(struct fx *f)
{
	if (!f)
		return;
	dt_store_close(f->s);
	fx_remove_files(f);
	dt_strbuf_release(&f->err);
	dt_keys_clear(&f->keys);
	free(f);
}

/* A fresh database with regions (and occupations when @occ) loaded. */
static inline struct fx *fx_open(bool occ)
{
	struct fx *f = fx_new();
	if (!f)
		return NULL;
	struct dt_refdata_stats st;
	if (dt_store_open(&f->s, f->path, &f->keys, DT_STORE_CREATE, &f->err) != DT_OK ||
	    dt_refdata_load_builtin(f->s, &f->actor, DT_REF_REGIONS, &st, &f->err) != DT_OK ||
	    (occ &&
	     dt_refdata_load_builtin(f->s, &f->actor, DT_REF_OCCUPATIONS, &st, &f->err) != DT_OK)) {
		fprintf(stderr, "fixture: %s\n", f->err.buf);
		fx_free(f);
		return NULL;
	}
	return f;
}

static inline int fx_setup(void **state)
{
	struct fx *f = fx_open(true);
	*state = f;
	return f ? 0 : -1;
}

/* Regions only: the reference-data tests load occupations themselves. */
static inline int fx_setup_regions(void **state)
{
	struct fx *f = fx_open(false);
	*state = f;
	return f ? 0 : -1;
}

/* Nothing loaded and nothing opened. */
static inline int fx_setup_empty(void **state)
{
	struct fx *f = fx_new();
	*state = f;
	return f ? 0 : -1;
}

static inline int fx_teardown(void **state)
{
	fx_free(*state);
	*state = NULL;
	return 0;
}

/* ---- an outsider's view of the file ---- */

/* Is the test running on PostgreSQL? */
static inline bool fx_is_pg(const struct fx *f)
{
	return f->pgname[0] != 0;
}

/* A separate read-write connection to the database (not the store's). */
static inline struct dt_db *fx_raw(struct fx *f)
{
	struct dt_db *db = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_db_open(&db, f->path, 0, &err) != DT_OK)
		fail_msg("open %s: %s", f->path, err.buf);
	dt_strbuf_release(&err);
	dt_db_busy_timeout(db, 5000);
	return db;
}

/* Prepare @sql on @db, failing the test with the reason if it cannot be. */
static inline struct dt_db_stmt *fx_prepare(struct dt_db *db, const char *sql)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_db_stmt *st = dt_db_prepare(db, sql, &err);
	if (!st)
		fail_msg("prepare %s: %s", sql, err.buf);
	dt_strbuf_release(&err);
	return st;
}

/* The integer result of @sql through a separate connection. */
/*
 * How many migrations of the store's dialect come before migration
 * @number: the schema version to set so that @number and those after it
 * run again (the version counts the migrations applied, in order).
 */
static inline int fx_migrations_before(const struct fx *f, int number)
{
	const char *dir = fx_is_pg(f) ? "src/store/migrations/pgsql/" : "src/store/migrations/";
	size_t n = strlen(dir);
	int count = 0;
	for (const struct dt_embedded *m = dt_embedded; m->path; m++)
		count += !strncmp(m->path, dir, n) && !strchr(m->path + n, '/') &&
			 strtol(m->path + n, NULL, 10) < number;
	return count;
}

static inline int64_t fx_sql_int(struct fx *f, const char *sql)
{
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = fx_prepare(db, sql);
	if (dt_db_step(st) != DT_DB_ROW)
		fail_msg("%s: no row (%s)", sql, dt_db_errmsg(db));
	int64_t n = dt_db_column_int64(st, 0);
	dt_db_finalize(st);
	dt_db_close(db);
	return n;
}

/* Run @sql (a write) through a separate connection; asserts success. */
static inline void fx_sql_exec(struct fx *f, const char *sql)
{
	struct dt_db *db = fx_raw(f);
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_db_exec(db, sql, &err) != DT_OK)
		fail_msg("exec %s: %s", sql, err.buf);
	dt_strbuf_release(&err);
	dt_db_close(db);
}

static inline int64_t fx_audit_count(struct fx *f)
{
	return fx_sql_int(f, "SELECT count(*) FROM audit");
}

/*
 * The before and after of audit event @id as text, whatever its format
 * (dt_audit_column_texts: packed ones unpacked), malloc'd or NULL; whether
 * it is packed into *@packed (may be NULL).  Fails the test when a payload
 * does not unpack.
 */
static inline void fx_audit_texts(struct fx *f, int64_t id, char **before, char **after,
				  bool *packed)
{
	int64_t from = fx_sql_int(f, "SELECT coalesce((SELECT CAST(value AS BIGINT) FROM meta "
				     "WHERE key = 'audit_v5_from'), 9223372036854775807)");
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT id, before, after, packed FROM audit WHERE id = %lld",
		 (long long)id);
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = fx_prepare(db, sql);
	assert_int_equal(dt_db_step(st), DT_DB_ROW);
	if (packed)
		*packed = dt_db_column_type(st, 3) != DT_DB_NULL;
	if (!dt_audit_column_texts(st, from, 0, 1, 2, 3, before, after))
		fail_msg("audit event %lld does not unpack", (long long)id);
	dt_db_finalize(st);
	dt_db_close(db);
}

/* How many audit events matching @where (SQL) hold @needle in their before or after. */
static inline int64_t fx_audit_grep(struct fx *f, const char *where, const char *needle)
{
	int64_t from = fx_sql_int(f, "SELECT coalesce((SELECT CAST(value AS BIGINT) FROM meta "
				     "WHERE key = 'audit_v5_from'), 9223372036854775807)");
	char sql[512];
	snprintf(sql, sizeof(sql), "SELECT id, before, after, packed FROM audit WHERE %s", where);
	struct dt_db *db = fx_raw(f);
	struct dt_db_stmt *st = fx_prepare(db, sql);
	int64_t n = 0;
	while (dt_db_step(st) == DT_DB_ROW) {
		char *b, *a;
		if (!dt_audit_column_texts(st, from, 0, 1, 2, 3, &b, &a))
			fail_msg("audit event %lld does not unpack",
				 (long long)dt_db_column_int64(st, 0));
		n += (b && strstr(b, needle)) || (a && strstr(a, needle));
		free(b);
		free(a);
	}
	dt_db_finalize(st);
	dt_db_close(db);
	return n;
}

static inline int64_t fx_rows(struct fx *f, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
	return fx_sql_int(f, sql);
}

/* Every table's row count and the audit count: what "nothing changed" compares. */
#define FX_NTABLES 13
static const char *const fx_tables[FX_NTABLES] = {
	"region", "occupation", "pilot",    "organization", "programme",  "partnership", "demand",
	"place",  "trainee",    "contract", "record_entry", "assessment", "outcome",
};
struct fx_snap {
	int64_t rows[FX_NTABLES];
	int64_t audit;
	unsigned char digest[32]; /* BLAKE2b over every row of every table */
};

static inline struct fx_snap fx_snapshot(struct fx *f)
{
	struct fx_snap sn;
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, sizeof(sn.digest));
	struct dt_db *db = fx_raw(f);
	for (int i = 0; i <= FX_NTABLES; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql), "SELECT * FROM %s ORDER BY id",
			 i < FX_NTABLES ? fx_tables[i] : "audit");
		struct dt_db_stmt *st = fx_prepare(db, sql);
		int64_t n = 0;
		while (dt_db_step(st) == DT_DB_ROW) {
			n++;
			for (int c = 0; c < dt_db_column_count(st); c++) {
				unsigned char t = (unsigned char)dt_db_column_type(st, c);
				const char *txt = t == DT_DB_BLOB ? NULL : dt_db_column_text(st, c);
				const void *b = t == DT_DB_BLOB ? dt_db_column_blob(st, c) : txt;
				int len = t == DT_DB_BLOB ? dt_db_column_bytes(st, c)
					  : txt           ? (int)strlen(txt)
							  : 0;
				crypto_generichash_update(&h, &t, 1);
				crypto_generichash_update(&h, (const unsigned char *)&len,
							  sizeof(len));
				if (b)
					crypto_generichash_update(&h, b, (size_t)len);
			}
		}
		dt_db_finalize(st);
		if (i < FX_NTABLES)
			sn.rows[i] = n;
		else
			sn.audit = n;
	}
	dt_db_close(db);
	crypto_generichash_final(&h, sn.digest, sizeof(sn.digest));
	return sn;
}

static inline void fx_assert_unchanged(struct fx *f, const struct fx_snap *before)
{
	struct fx_snap now = fx_snapshot(f);
	for (int i = 0; i < FX_NTABLES; i++)
		if (now.rows[i] != before->rows[i])
			fail_msg("table %s: %lld rows, was %lld", fx_tables[i],
				 (long long)now.rows[i], (long long)before->rows[i]);
	assert_int_equal(now.audit, before->audit);
	assert_memory_equal(now.digest, before->digest, sizeof(now.digest));
}

/* ---- field errors ---- */

/* True if the last failed write recorded an error on @field. */
static inline bool fx_has_ferr(struct fx *f, const char *field)
{
	json_t *errs = dt_store_field_errors(f->s);
	size_t i;
	json_t *e;
	json_array_foreach(errs, i, e)
	{
		const char *name = json_string_value(json_object_get(e, "field"));
		if (name && !strcmp(name, field))
			return true;
	}
	return false;
}

#define fx_assert_ferr(f, field)                                                               \
	do {                                                                                   \
		if (!fx_has_ferr((f), (field))) {                                              \
			char *dump_ = json_dumps(dt_store_field_errors((f)->s), JSON_COMPACT); \
			fail_msg("no field error on %s: %s (err: %s)", (field), dump_,         \
				 (f)->err.buf);                                                \
		}                                                                              \
	} while (0)

/* ---- valid identifiers ---- */

/* A valid national ID: issued in @region6, born @birth8 (YYYYMMDD), sequence @seq. */
static inline void fx_natid(char out[DT_NATID_LEN + 1], const char *region6, const char *birth8,
			    int seq)
{
	snprintf(out, DT_NATID_LEN + 1, "%.6s%.8s%03d", region6, birth8, seq % 1000);
	out[17] = dt_natid_check_char(out);
	out[18] = '\0';
}

/* A valid credit code for an organisation in @region, distinct per @serial. */
static inline void fx_uscc(char out[DT_USCC_LEN + 1], int region, int serial)
{
	char body[16];
	snprintf(body, sizeof(body), "%08d", 10000000 + serial % 80000000);
	snprintf(out, DT_USCC_LEN + 1, "91%06d%.8s", region, body);
	out[16] = dt_orgcode_check_char(out + 8);
	out[17] = dt_uscc_check_char(out);
	out[18] = '\0';
}

/* ---- creating records ---- */

/* Create from @in (stolen); assert success; return the new id.  *@out if given. */
static inline int64_t fx_create_out(struct fx *f, const char *entity, json_t *in, json_t **out)
{
	json_t *o = NULL;
	assert_non_null(in);
	int rc = dt_store_create(f->s, &f->actor, entity, in, &o, &f->err);
	if (rc != DT_OK) {
		char *dump = json_dumps(in, JSON_COMPACT);
		fail_msg("create %s %s: %s (%d)", entity, dump, f->err.buf, rc);
	}
	json_decref(in);
	int64_t id = json_integer_value(json_object_get(o, "id"));
	assert_true(id > 0);
	if (out)
		*out = o;
	else
		json_decref(o);
	return id;
}

static inline int64_t fx_create(struct fx *f, const char *entity, json_t *in)
{
	return fx_create_out(f, entity, in, NULL);
}

/* Create from @in (stolen); expect @want; return the store's code. */
static inline int fx_create_rc(struct fx *f, const char *entity, json_t *in)
{
	json_t *o = NULL;
	assert_non_null(in);
	dt_strbuf_reset(&f->err);
	int rc = dt_store_create(f->s, &f->actor, entity, in, &o, &f->err);
	json_decref(in);
	json_decref(o);
	return rc;
}

static inline int64_t fx_org(struct fx *f, const char *kind, int region, const char *name)
{
	char uscc[DT_USCC_LEN + 1];
	fx_uscc(uscc, region, ++f->serial);
	char reg[8];
	snprintf(reg, sizeof(reg), "%06d", region);
	return fx_create(f, "organization",
			 json_pack("{s:s, s:s, s:s, s:s}", "kind", kind, "uscc", uscc, "name", name,
				   "region", reg));
}

static inline int64_t fx_occupation_id(struct fx *f, const char *code)
{
	int64_t id = 0;
	assert_int_equal(dt_store_occupation_by_code(f->s, code, &id, &f->err), DT_OK);
	return id;
}

static inline int64_t fx_programme(struct fx *f, int64_t school, const char *code)
{
	return fx_create(f, "programme",
			 json_pack("{s:s, s:s, s:I, s:I, s:i, s:i, s:i, s:i}", "code", code, "name",
				   "Warehouse keeping", "school_id", (json_int_t)school,
				   "occupation_id", (json_int_t)fx_occupation_id(f, "4-02-06-01"),
				   "level", 4, "duration_months", 36, "company_hours", 2400,
				   "school_hours", 1200));
}

/* An adult trainee (born 2005) registered in @region with a fresh ID. */
static inline int64_t fx_trainee(struct fx *f, const char *region, char natid[DT_NATID_LEN + 1])
{
	char local[DT_NATID_LEN + 1];
	char *id = natid ? natid : local;
	fx_natid(id, "210102", "20050315", ++f->serial);
	return fx_create(
		f, "trainee",
		json_pack("{s:s, s:s, s:s}", "national_id", id, "name", "张三", "region", region));
}

/* The parties of a contract, all in Shenyang. */
struct fx_world {
	int64_t ent, sch, prog, trainee;
};

static inline struct fx_world fx_world(struct fx *f)
{
	struct fx_world w;
	w.ent = fx_org(f, "enterprise", 210102, "沈阳机床");
	w.sch = fx_org(f, "school", 210103, "沈阳职业技术学院");
	char code[32];
	snprintf(code, sizeof(code), "P-%d", ++f->serial);
	w.prog = fx_programme(f, w.sch, code);
	w.trainee = fx_trainee(f, "210102", NULL);
	return w;
}

/* Contract input for @w (new reference). */
static inline json_t *fx_contract_in(const struct fx_world *w, const char *start, const char *end)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:i, s:s, s:s}", "trainee_id",
			 (json_int_t)w->trainee, "enterprise_id", (json_int_t)w->ent, "school_id",
			 (json_int_t)w->sch, "programme_id", (json_int_t)w->prog, "company_mentor",
			 "李师傅", "school_mentor", "王老师", "stipend_monthly", 2500, "start_date",
			 start, "end_date", end);
}

/* A contract action with @args (stolen, may be NULL). */
static inline int fx_act(struct fx *f, int64_t id, enum dt_contract_event ev, enum dt_party party,
			 json_t *args, json_t **out)
{
	dt_strbuf_reset(&f->err);
	int rc = dt_store_contract_act(f->s, &f->actor, NULL, id, ev, party, args, out, &f->err);
	json_decref(args);
	return rc;
}

/* A contract of @w taken to active (started 2025-09-01, ends 2028-08-31). */
static inline int64_t fx_active_contract(struct fx *f, const struct fx_world *w)
{
	int64_t id = fx_create(f, "contract", fx_contract_in(w, "2025-09-01", "2028-08-31"));
	assert_int_equal(fx_act(f, id, DT_CEV_SUBMIT, 0, NULL, NULL), DT_OK);
	for (int p = 0; p < DT_PARTY_N; p++)
		assert_int_equal(fx_act(f, id, DT_CEV_APPROVE, (enum dt_party)p, NULL, NULL),
				 DT_OK);
	if (fx_act(f, id, DT_CEV_ACTIVATE, 0, NULL, NULL) != DT_OK)
		fail_msg("activate: %s", f->err.buf);
	return id;
}

/* A string field of @o. */
static inline const char *fx_str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static inline int64_t fx_int(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

#endif
