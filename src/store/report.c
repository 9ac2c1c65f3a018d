/*
 * report.c - integrity checks and named read-only queries.
 *
 * `dualtrack check` runs dt_store_check(): schema version, SQLite's own
 * integrity check and foreign-key check (PostgreSQL enforces both itself and
 * has no such statements: there the check says so), the audit chain, the records against
 * their last audit events (coverage.c), and the indicator aggregates.  dt_store_report()
 * answers a small set of named summary queries for the CLI; dashboards
 * proper belong to the engine's indicators.
 */
#include <string.h>

#include "domain/region.h"
#include "store/store_internal.h"
#include "core/banned.h"

enum dt_err dt_store_check(struct dt_store *s, struct dt_strbuf *report, struct dt_strbuf *err)
{
	int rc = DT_OK, bad = 0;
	dt_strbuf_addf(report, "schema version: %d\n", dt_store_schema_version(s));

	if (dt_db_dialect(s->db) == DT_DB_PGSQL) {
		dt_strbuf_adds(report, "integrity: ok (kept by PostgreSQL)\n"
				       "foreign keys: ok (enforced by PostgreSQL)\n");
		goto audit;
	}
	struct dt_db_stmt *st = dt_sql_prepare(s, "PRAGMA integrity_check", err);
	if (!st)
		return DT_EDB;
	int r = dt_db_step(st);
	const char *res = r == DT_DB_ROW ? dt_db_column_text(st, 0) : "no answer";
	dt_strbuf_addf(report, "integrity: %s\n", res);
	if (strcmp(res, "ok"))
		bad++;
	dt_db_reset(st);

	st = dt_sql_prepare(s, "PRAGMA foreign_key_check", err);
	if (!st)
		return DT_EDB;
	int fk = 0;
	while (dt_db_step(st) == DT_DB_ROW) {
		if (fk++ < 10)
			dt_strbuf_addf(report, "foreign key: %s row %lld refers to a missing %s\n",
				       dt_db_column_text(st, 0),
				       (long long)dt_db_column_int64(st, 1),
				       dt_db_column_text(st, 2));
	}
	dt_db_reset(st);
	dt_strbuf_addf(report, "foreign keys: %s", fk ? "" : "ok\n");
	if (fk) {
		dt_strbuf_addf(report, "%d broken references\n", fk);
		bad++;
	}

audit:;
	int64_t n = 0;
	struct dt_strbuf why = DT_STRBUF_INIT;
	if (dt_store_audit_verify(s, &n, &why) == DT_OK) {
		dt_strbuf_addf(report, "audit chain: ok (%lld events)\n", (long long)n);
	} else {
		dt_strbuf_addf(report, "audit chain: %s\n", why.buf);
		bad++;
	}
	dt_strbuf_release(&why);

	/* Every audited record against what its last audit event says it holds. */
	int64_t found = 0, records = 0;
	struct dt_strbuf lines = DT_STRBUF_INIT;
	if (dt_store_records_check(s, &lines, 50, &found, &records, &why) != DT_OK) {
		dt_strbuf_addf(report, "records: %s\n", why.buf);
		bad++;
	} else if (found) {
		dt_strbuf_addf(report,
			       "records: %lld differ%s from the audit trail (edited behind "
			       "the application's back):\n%s",
			       (long long)found, found == 1 ? "s" : "", lines.buf);
		bad++;
	} else {
		dt_strbuf_addf(report, "records: ok (%lld match their last audit event)\n",
			       (long long)records);
	}
	dt_strbuf_release(&lines);
	dt_strbuf_release(&why);

	/* The maintained indicator aggregates against a rebuild from the facts. */
	int64_t differ = 0;
	json_t *sample = NULL;
	dt_strbuf_init(&why, 0);
	if (dt_store_indicators_verify(s, &differ, &sample, &why) != DT_OK) {
		dt_strbuf_addf(report, "indicator aggregates: %s\n", why.buf);
		bad++;
	} else if (differ) {
		dt_strbuf_addf(report,
			       "indicator aggregates: %lld rows differ from a rebuild "
			       "(`dualtrack indicators --rebuild` repairs them)\n",
			       (long long)differ);
		bad++;
	} else {
		dt_strbuf_adds(report, "indicator aggregates: ok (equal to a rebuild)\n");
	}
	json_decref(sample);
	dt_strbuf_release(&why);
	if (bad)
		rc = dt_error(err, DT_ECORRUPT, "%d check%s failed", bad, bad > 1 ? "s" : "");
	return rc;
}

/*
 * "summary": one row per pilot with its counts.  record_entry's hours are
 * hundredths and its site a code (migration 020: 0 company, 1 school); the
 * sums are shown in hours, as numbers (0 where there is no entry).  The region range of a pilot
 * is computed in SQL from its level (province: 4 trailing digits, city: 2).
 * Everything counts where the training happens (the enterprise's region;
 * an entry's region is its contract's, found through the contract's index):
 * trainees are those with a contract there, whatever their home region.
 */
static const char summary_sql[] =
	"WITH p AS (SELECT pilot.id, pilot.region AS code, r.name_zh, r.name_en, r.level, "
	"  pilot.region AS lo, pilot.region + CASE r.level WHEN 1 THEN 9999 WHEN 2 THEN 99 ELSE 0 END AS hi "
	"  FROM pilot JOIN region r ON r.id = pilot.region) "
	"SELECT p.code, p.name_zh, p.name_en, p.level, "
	" (SELECT count(*) FROM organization o WHERE o.kind = 'enterprise' AND o.region BETWEEN p.lo AND p.hi) AS enterprises, "
	" (SELECT count(*) FROM organization o WHERE o.kind = 'school' AND o.region BETWEEN p.lo AND p.hi) AS schools, "
	" (SELECT count(DISTINCT c.trainee_id) FROM contract c WHERE c.region BETWEEN p.lo AND p.hi) AS trainees, "
	" (SELECT count(*) FROM contract c WHERE c.region BETWEEN p.lo AND p.hi) AS contracts, "
	" (SELECT count(*) FROM contract c WHERE c.status = 'active' AND c.region BETWEEN p.lo AND p.hi) AS active, "
	" (SELECT count(*) FROM contract c WHERE c.status = 'completed' AND c.region BETWEEN p.lo AND p.hi) AS completed, "
	" (SELECT count(*) FROM contract c WHERE c.status = 'dissolved' AND c.region BETWEEN p.lo AND p.hi) AS dissolved, "
	" (SELECT coalesce(CAST(sum(hours) AS DOUBLE PRECISION) / 100, 0) FROM record_entry e JOIN contract c ON c.id = e.contract_id WHERE e.site = 0 AND e.signed_at IS NOT NULL AND c.region BETWEEN p.lo AND p.hi) AS company_hours, "
	" (SELECT coalesce(CAST(sum(hours) AS DOUBLE PRECISION) / 100, 0) FROM record_entry e JOIN contract c ON c.id = e.contract_id WHERE e.signed_at IS NOT NULL AND c.region BETWEEN p.lo AND p.hi) AS signed_hours "
	"FROM p WHERE (?1 = 0 OR p.code BETWEEN ?2 AND ?3) ORDER BY p.code";

enum dt_err dt_store_report(struct dt_store *s, const char *name, const struct dt_scope *scope,
			    json_t **out, struct dt_strbuf *err)
{
	if (strcmp(name, "summary"))
		return dt_error(err, DT_EINVAL, "no report named '%s' (try: summary)", name);
	struct dt_db_stmt *st = dt_sql_prepare(s, summary_sql, err);
	if (!st)
		return DT_EDB;
	int lo = 0, hi = 0;
	if (scope && scope->region)
		dt_region_range(scope->region, &lo, &hi);
	dt_db_bind_int64(st, 1, scope ? scope->region : 0);
	dt_db_bind_int64(st, 2, lo);
	dt_db_bind_int64(st, 3, hi);
	return dt_sql_rows_json(s, st, "summary", out, err);
}
