/*
 * monitor.c - the store side of monitoring: effective targets, settings
 * (weights and alert thresholds), and alerts (raise, acknowledge, resolve).
 * The rules (who sets which targets, which alert may be acknowledged or
 * resolved) are domain/plan.c's.
 */
#include <stdio.h>
#include <string.h>

#include "core/date.h"
#include "domain/field.h"
#include "domain/plan.h"
#include "store/store_internal.h"
#include "core/banned.h"

enum dt_err dt_store_targets_effective(struct dt_store *s, int region, int year, json_t **out,
				       struct dt_strbuf *err)
{
	/* The national default, then the province's, then the city's: the most specific wins. */
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT id, indicator, region, baseline, value FROM target WHERE year = ?1 AND "
		"(region IS NULL OR region IN (SELECT anc FROM region_up WHERE region = ?2 AND anc != 0)) "
		"ORDER BY coalesce(region, 0)",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, year);
	dt_db_bind_int64(st, 2, region);
	json_t *o = json_object();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		int reg = dt_db_column_type(st, 2) == DT_DB_NULL ? 0 : dt_db_column_int(st, 2);
		const char *source = reg == 0           ? "national"
				     : reg % 10000 == 0 ? "province"
							: "pilot";
		char code[16];
		snprintf(code, sizeof(code), "%06d", reg);
		json_t *t = json_pack("{s:I, s:s, s:i, s:s, s:o, s:f, s:s}", "id",
				      (json_int_t)dt_db_column_int64(st, 0), "indicator",
				      dt_db_column_text(st, 1), "year", year, "region",
				      reg ? code : "", "baseline",
				      dt_db_column_type(st, 3) == DT_DB_NULL
					      ? json_null()
					      : json_real(dt_db_column_double(st, 3)),
				      "value", dt_db_column_double(st, 4), "source", source);
		if (!reg)
			json_object_set_new(t, "region", json_null());
		json_object_set_new(o, dt_db_column_text(st, 1), t);
	}
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "target", err);
	dt_db_reset(st);
	if (rc == DT_OK)
		*out = o;
	else
		json_decref(o);
	return rc;
}

enum dt_err dt_store_targets_set(struct dt_store *s, const struct dt_actor *a, int region, int year,
				 json_t *targets, json_t **out, struct dt_strbuf *err)
{
	dt_store_problems_begin(s, "target");
	if (!json_is_array(targets))
		return dt_store_problem(s, err, "targets", "target.list", NULL);
	int rc = dt_store_begin(s, err);
	if (rc != DT_OK)
		return rc;
	size_t i;
	json_t *t;
	json_t *saved = json_array();
	json_array_foreach(targets, i, t)
	{
		json_t *in = json_is_object(t) ? json_deep_copy(t) : NULL;
		if (!in) {
			char field[32];
			snprintf(field, sizeof(field), "targets[%zu]", i);
			rc = dt_store_problem(s, err, field, "type.object", NULL);
			break;
		}
		json_object_set_new(in, "year", json_integer(year));
		if (region) {
			char code[16];
			snprintf(code, sizeof(code), "%06d", region);
			json_object_set_new(in, "region", json_string(code));
		} else {
			json_object_set_new(in, "region", json_null());
		}
		/* Update the existing target of this region, indicator and year, or create one. */
		int64_t id = 0;
		const char *ind = json_string_value(json_object_get(in, "indicator"));
		if (ind) {
			struct dt_db_stmt *st = dt_sql_prepare(
				s,
				"SELECT id FROM target WHERE coalesce(region, 0) = ? AND indicator = ? AND year = ?",
				err);
			if (!st) {
				json_decref(in);
				rc = DT_EDB;
				break;
			}
			dt_db_bind_int64(st, 1, region);
			dt_db_bind_text_copy(st, 2, ind, -1);
			dt_db_bind_int64(st, 3, year);
			if (dt_db_step(st) == DT_DB_ROW)
				id = dt_db_column_int64(st, 0);
			dt_db_reset(st);
		}
		json_t *obj = NULL;
		if (id) {
			json_object_del(in, "region");
			json_object_del(in, "indicator");
			json_object_del(in, "year");
			rc = dt_store_update(s, a, NULL, "target", id, in, &obj, err);
		} else {
			rc = dt_store_create(s, a, "target", in, &obj, err);
		}
		json_decref(in);
		if (rc != DT_OK) {
			/* Name the element the problems belong to. */
			struct dt_problems mine = DT_PROBLEMS_INIT;
			char prefix[32];
			snprintf(prefix, sizeof(prefix), "targets[%zu].", i);
			dt_problems_append(&mine, &s->problems, prefix);
			dt_problems_reset(&s->problems);
			dt_problems_append(&s->problems, &mine, NULL);
			dt_problems_release(&mine);
			break;
		}
		json_array_append_new(saved, obj);
	}
	if (rc == DT_OK)
		rc = dt_store_commit(s, err);
	else
		dt_store_rollback(s);
	if (rc == DT_OK && out)
		*out = saved;
	else
		json_decref(saved);
	return rc;
}

/* ---- settings ---- */

enum dt_err dt_store_settings(struct dt_store *s, const char *prefix, json_t **out,
			      struct dt_strbuf *err)
{
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"SELECT key, value FROM meta WHERE substr(key, 1, CAST(? AS INTEGER)) = ? "
		"ORDER BY key",
		err);
	if (!st)
		return DT_EDB;
	dt_db_bind_int64(st, 1, (int64_t)strlen(prefix));
	dt_db_bind_text_copy(st, 2, prefix, -1);
	json_t *o = json_object();
	int r;
	while ((r = dt_db_step(st)) == DT_DB_ROW)
		json_object_set_new(o, dt_db_column_text(st, 0),
				    json_string(dt_db_column_text(st, 1)));
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "settings", err);
	dt_db_reset(st);
	if (rc == DT_OK)
		*out = o;
	else
		json_decref(o);
	return rc;
}

enum dt_err dt_store_setting_set(struct dt_store *s, const struct dt_actor *a, const char *key,
				 const char *value, struct dt_strbuf *err)
{
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	struct dt_strbuf old = DT_STRBUF_INIT;
	bool found = false;
	rc = dt_meta_get(s, key, &old, &found, err);
	if (rc == DT_OK)
		rc = dt_meta_set(s, key, value, err);
	if (rc == DT_OK) {
		json_t *before = found ? json_pack("{s:s}", key, old.buf) : NULL;
		json_t *after = json_pack("{s:s}", key, value);
		rc = dt_audit_append(s, a, "setting.set", "setting", 0, before, after, err);
		json_decref(before);
		json_decref(after);
	}
	dt_strbuf_release(&old);
	return dt_tx_end(s, rc, err);
}

/* ---- alerts ---- */

enum dt_err dt_store_alert_raise(struct dt_store *s, const struct dt_actor *a,
				 const struct dt_alert_in *in, bool *raised, struct dt_strbuf *err)
{
	*raised = false;
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	/* Still open (or acknowledged) for this rule and subject: refresh its figures only. */
	struct dt_db_stmt *st = dt_sql_prepare(
		s,
		"UPDATE alert SET value = ?, threshold = ?, message_zh = ?, message_en = ?, severity = ? "
		"WHERE rule = ? AND subject_kind = ? AND subject_id = ? AND coalesce(indicator, '') = ? "
		"AND status != 'resolved' RETURNING id",
		err);
	if (!st)
		return dt_tx_end(s, DT_EDB, err);
	dt_db_bind_double(st, 1, in->value);
	dt_db_bind_double(st, 2, in->threshold);
	dt_db_bind_text(st, 3, in->message_zh, -1);
	dt_db_bind_text(st, 4, in->message_en, -1);
	dt_db_bind_text(st, 5, in->severity, -1);
	dt_db_bind_text(st, 6, in->rule, -1);
	dt_db_bind_text(st, 7, in->subject_kind, -1);
	dt_db_bind_int64(st, 8, in->subject_id);
	dt_db_bind_text(st, 9, in->indicator ? in->indicator : "", -1);
	int r = dt_db_step(st);
	while (r == DT_DB_ROW)
		r = dt_db_step(st);
	bool existed = dt_db_changes(s->db) > 0;
	dt_db_reset(st);
	if (r != DT_DB_DONE)
		return dt_tx_end(s, dt_sql_error(s, "alert", err), err);
	if (existed)
		return dt_tx_end(s, DT_OK, err);
	char now[DT_TIME_STRLEN];
	dt_time_now(now);
	st = dt_sql_prepare(
		s,
		"INSERT INTO alert(rule, severity, subject_kind, subject_id, message_zh, "
		"message_en, value, threshold, raised_at, region, created_at, updated_at, indicator) "
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		err);
	if (!st)
		return dt_tx_end(s, DT_EDB, err);
	dt_db_bind_text(st, 1, in->rule, -1);
	dt_db_bind_text(st, 2, in->severity, -1);
	dt_db_bind_text(st, 3, in->subject_kind, -1);
	dt_db_bind_int64(st, 4, in->subject_id);
	dt_db_bind_text(st, 5, in->message_zh, -1);
	dt_db_bind_text(st, 6, in->message_en, -1);
	dt_db_bind_double(st, 7, in->value);
	dt_db_bind_double(st, 8, in->threshold);
	dt_db_bind_text(st, 9, now, -1);
	dt_db_bind_int64(st, 10, in->region);
	dt_db_bind_text(st, 11, now, -1);
	dt_db_bind_text(st, 12, now, -1);
	if (in->indicator)
		dt_db_bind_text(st, 13, in->indicator, -1);
	r = dt_db_step(st);
	int64_t id = r == DT_DB_ROW ? dt_db_column_int64(st, 0) : 0;
	dt_db_reset(st);
	if (r != DT_DB_ROW)
		return dt_tx_end(s, dt_sql_error(s, "alert", err), err);
	json_t *after = NULL;
	rc = dt_store_get(s, NULL, "alert", id, 0, &after, err);
	if (rc == DT_OK)
		rc = dt_audit_append(s, a, "alert.raise", "alert", id, NULL, after, err);
	json_decref(after);
	if (rc == DT_OK)
		rc = dt_notify_alert(s, id, in, err);
	rc = dt_tx_end(s, rc, err);
	if (rc == DT_OK)
		*raised = true;
	return rc;
}

enum dt_err dt_store_alert_act(struct dt_store *s, const struct dt_actor *a,
			       const struct dt_scope *scope, int64_t id, const char *action,
			       const char *note, json_t **out, struct dt_strbuf *err)
{
	bool ack = !strcmp(action, "ack");
	dt_store_problems_begin(s, "alert");
	if (!ack && strcmp(action, "resolve"))
		return dt_store_problem(s, err, NULL, "alert.unknown_action", "action", action,
					NULL);
	if (note) {
		/* the note is text like any field's: the entity table gives its limit */
		const struct dt_field *nf = dt_entity_field(dt_entity_find("alert"), "note");
		enum dt_err bad = dt_field_text(nf, note, strlen(note), &s->problems, "note");
		dt_store_problems_noted(s, 0, err);
		if (bad != DT_OK)
			return bad;
	}
	int rc = dt_tx_begin(s, err);
	if (rc != DT_OK)
		return rc;
	json_t *before = NULL, *after = NULL;
	rc = dt_store_get(s, scope, "alert", id, 0, &before, err);
	if (rc == DT_OK)
		rc = dt_crud_writable(s, dt_entity_find("alert"), scope, id, err);
	const char *status =
		rc == DT_OK ? json_string_value(json_object_get(before, "status")) : "";
	if (rc == DT_OK) {
		size_t n0 = s->problems.n;
		rc = dt_alert_act_check(&s->problems, id, status, ack);
		dt_store_problems_noted(s, n0, err);
	}
	if (rc == DT_OK) {
		char now[DT_TIME_STRLEN];
		dt_time_now(now);
		struct dt_db_stmt *st = dt_sql_prepare(
			s,
			ack ? "UPDATE alert SET status = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, "
			      "note = coalesce(?, note), updated_at = ?2 WHERE id = ?"
			    : "UPDATE alert SET status = 'resolved', resolved_by = ?, resolved_at = ?, "
			      "note = coalesce(?, note), updated_at = ?2 WHERE id = ?",
			err);
		if (!st) {
			rc = DT_EDB;
		} else {
			dt_db_bind_text(st, 1, a->login, -1);
			dt_db_bind_text(st, 2, now, -1);
			if (note)
				dt_db_bind_text(st, 3, note, -1);
			dt_db_bind_int64(st, 4, id);
			if (dt_db_step(st) != DT_DB_DONE)
				rc = dt_sql_error(s, "alert", err);
			dt_db_reset(st);
		}
	}
	if (rc == DT_OK)
		rc = dt_store_get(s, NULL, "alert", id, 0, &after, err);
	if (rc == DT_OK)
		rc = dt_audit_append(s, a, ack ? "alert.ack" : "alert.resolve", "alert", id, before,
				     after, err);
	rc = dt_tx_end(s, rc, err);
	json_decref(before);
	if (rc == DT_OK && out)
		*out = after;
	else
		json_decref(after);
	return rc;
}

/* ---- alert rule queries ---- */

/*
 * The facts each per-record rule looks at.  ?1 is today's date, ?2 the
 * rule's threshold.  The first ones run on indexes: contract(enterprise_id,
 * status), record_entry(contract_id, date), pilot_task(status, deadline);
 * record_day_hours and signoff_burst read every record-book entry and run
 * in the full pass only (engine/alerts.c).  Date
 * arithmetic has no common form: where a rule needs it, @pg is its
 * PostgreSQL text (dialect), otherwise @sql serves both.
 */
/*
 * record_entry's date as a date of the dialect's calendar (migration 020:
 * an integer YYYYMMDD): SQLite's text "YYYY-MM-DD", PostgreSQL's date.
 */
#define SQ_DAY(x) "printf('%04d-%02d-%02d', " x " / 10000, " x " / 100 % 100, " x " % 100)"
#define PG_DAY(x) "to_date(lpad(CAST(" x " AS TEXT), 8, '0'), 'YYYYMMDD')"
/* A "YYYY-MM-DD" text as record_entry stores a date (both dialects). */
#define DAYNUM(x) "CAST(replace(" x ", '-', '') AS INTEGER)"

static const struct {
	const char *rule, *sql, *pg;
	/*
	 * The columns (bits, 1 << column) that give record_entry's dates
	 * (YYYYMMDD) and hours (hundredths) as the table stores them: read
	 * as the API shows them ("2025-10-27", 7.5).
	 */
	unsigned days, centi;
} candidates[] = {
	{ "dissolution_spike",
	  "SELECT c.enterprise_id, o.region, o.name, count(*) FROM contract c "
	  "JOIN organization o ON o.id = c.enterprise_id WHERE c.status = 'dissolved' "
	  "AND c.ended_on >= date(?1, '-90 days') GROUP BY c.enterprise_id, o.region, o.name "
	  "HAVING count(*) >= ?2",
	  "SELECT c.enterprise_id, o.region, o.name, count(*) FROM contract c "
	  "JOIN organization o ON o.id = c.enterprise_id WHERE c.status = 'dissolved' "
	  "AND c.ended_on >= to_char(CAST(?1 AS date) - 90, 'YYYY-MM-DD') "
	  "GROUP BY c.enterprise_id, o.region, o.name HAVING count(*) >= ?2",
	  0, 0 },
	{ "no_record_entry",
	  "SELECT id, region, last, julianday(?1) - julianday(CASE WHEN last IS NULL THEN "
	  "start_date ELSE " SQ_DAY(
		  "last") " END) AS idle "
			  "FROM (SELECT c.id, c.region, c.start_date, "
			  "(SELECT max(date) FROM record_entry r WHERE r.contract_id = c.id) AS last "
			  "FROM contract c WHERE c.status = 'active' AND c.start_date <= ?1) x WHERE idle >= ?2",
	  "SELECT id, region, last, idle FROM (SELECT id, region, last, "
	  "CAST(?1 AS date) - coalesce(" PG_DAY(
		  "last") ", CAST(start_date AS date)) AS idle "
			  "FROM (SELECT c.id, c.region, c.start_date, "
			  "(SELECT max(date) FROM record_entry r WHERE r.contract_id = c.id) AS last "
			  "FROM contract c WHERE c.status = 'active' AND c.start_date <= ?1) x) y WHERE idle >= ?2",
	  1u << 2, 0 },
	/* The enterprise's most loaded mentor (ties: the first by name, then region). */
	{ "mentor_overload",
	  "SELECT m.enterprise_id, m.region, o.name, m.mentor, m.n FROM mentor_load m "
	  "JOIN organization o ON o.id = m.enterprise_id WHERE m.n > ?2 "
	  "AND CAST(?1 AS TEXT) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM mentor_load b "
	  "WHERE b.enterprise_id = m.enterprise_id AND (b.n > m.n OR (b.n = m.n AND "
	  "(b.mentor < m.mentor OR (b.mentor = m.mentor AND b.region < m.region)))))",
	  NULL, 0, 0 },
	/*
	 * The minimum wage in force today, the most specific region's (the
	 * indicator stipend_compliance counts the one in force at the start):
	 * a raised minimum wage catches a stipend that met the old one.
	 */
	{ "stipend_below_minimum",
	  "SELECT id, region, stipend, wage FROM (SELECT c.id, c.region, "
	  "c.stipend_monthly AS stipend, (SELECT m.monthly FROM min_wage m "
	  "JOIN region_up u ON u.anc = m.region WHERE u.region = c.region AND m.valid_from <= ?1 "
	  "ORDER BY m.region DESC, m.valid_from DESC LIMIT 1) AS wage "
	  "FROM contract c WHERE c.status = 'active') x "
	  "WHERE wage IS NOT NULL AND stipend < wage AND ?2 IS NOT NULL",
	  NULL, 0, 0 },
	{ "task_overdue",
	  "SELECT id, region, title, deadline FROM pilot_task "
	  "WHERE status != 'done' AND deadline < ?1 AND ?2 IS NOT NULL",
	  NULL, 0, 0 },
	/* ---- data quality (数据质量) ---- */
	/* The school's most loaded mentor (ties: the first by name). */
	{ "school_mentor_overload",
	  "SELECT school_id, region, name, mentor, n FROM (SELECT c.school_id, o.region, o.name, "
	  "c.school_mentor AS mentor, count(*) AS n, row_number() OVER (PARTITION BY c.school_id "
	  "ORDER BY count(*) DESC, c.school_mentor) AS k FROM contract c "
	  "JOIN organization o ON o.id = c.school_id WHERE c.status = 'active' "
	  "AND CAST(?1 AS TEXT) IS NOT NULL "
	  "GROUP BY c.school_id, o.region, o.name, c.school_mentor HAVING count(*) > ?2) x "
	  "WHERE k = 1",
	  NULL, 0, 0 },
	/*
	 * Per contract: the day of the most hours over the threshold (ties: the
	 * earliest), and how many days are over.  The hours are hundredths
	 * (migration 020), summed exactly; the threshold in hours is compared
	 * in hundredths, with a hair of slack for its own rounding.
	 */
	{ "record_day_hours",
	  "SELECT d.contract_id, c.region, d.date, d.h, d.n FROM (SELECT contract_id, date, h, "
	  "count(*) OVER (PARTITION BY contract_id) AS n, row_number() OVER (PARTITION BY "
	  "contract_id ORDER BY h DESC, date) AS k FROM (SELECT contract_id, date, sum(hours) AS h "
	  "FROM record_entry GROUP BY contract_id, date) s WHERE h > ?2 * 100 + 0.0001) d "
	  "JOIN contract c ON c.id = d.contract_id WHERE d.k = 1 AND CAST(?1 AS TEXT) IS NOT NULL",
	  NULL, 1u << 2, 1u << 3 },
	/*
	 * Sign-offs of one contract made in the same minute (signed_at, in
	 * milliseconds since migration 018, divided by 60,000; "at" the
	 * earliest, in milliseconds) whose entries' dates span at least the threshold in days; per
	 * contract the widest such group (ties: the earliest).  Dialect: the
	 * span in days.
	 */
	{ "signoff_burst",
	  "SELECT b.contract_id, c.region, b.first, b.last, b.n, b.at, b.span FROM (SELECT "
	  "contract_id, first, last, n, at, span, row_number() OVER (PARTITION BY contract_id "
	  "ORDER BY span DESC, at) AS k FROM (SELECT contract_id, min(date) AS first, "
	  "max(date) AS last, count(*) AS n, min(signed_at) AS at, "
	  "CAST(julianday(" SQ_DAY("max(date)") ") - julianday(" SQ_DAY(
		  "min(date)") ") AS "
			       "INTEGER) AS span "
			       "FROM record_entry WHERE signed_at IS NOT NULL "
			       "GROUP BY contract_id, signed_at / 60000) g WHERE span >= ?2) b "
			       "JOIN contract c ON c.id = b.contract_id WHERE b.k = 1 AND CAST(?1 AS TEXT) IS NOT NULL",
	  "SELECT b.contract_id, c.region, b.first, b.last, b.n, b.at, b.span FROM (SELECT "
	  "contract_id, first, last, n, at, span, row_number() OVER (PARTITION BY contract_id "
	  "ORDER BY span DESC, at) AS k FROM (SELECT contract_id, min(date) AS first, "
	  "max(date) AS last, count(*) AS n, min(signed_at) AS at, " PG_DAY("max(date)") " - " PG_DAY(
		  "min(date)") " AS span "
			       "FROM record_entry WHERE signed_at IS NOT NULL "
			       "GROUP BY contract_id, signed_at / 60000) g WHERE span >= ?2) b "
			       "JOIN contract c ON c.id = b.contract_id WHERE b.k = 1 AND CAST(?1 AS TEXT) IS NOT NULL",
	  (1u << 2) | (1u << 3), 0 },
	/*
	 * Entries dated before the contract's start, or on the day it was
	 * signed (activated: the third party's approval), that day in China
	 * time as dt_date_today() counts days.  Two index seeks per contract on
	 * record_entry(contract_id, date).  Dialect: the signing day.
	 */
	{ "record_before_start",
	  "SELECT c.id, c.region, c.start_date, c.activated_at, sum(x.b), sum(x.s), min(x.date) "
	  "FROM (SELECT c.id, r.date, 1 AS b, 0 AS s FROM contract c "
	  "JOIN record_entry r ON r.contract_id = c.id AND r.date < " DAYNUM(
		  "c.start_date") " "
				  "UNION ALL SELECT c.id, r.date, 0, 1 FROM contract c "
				  "JOIN record_entry r ON r.contract_id = c.id "
				  "AND r.date = " DAYNUM(
					  "date(c.activated_at, '+8 hours')") " "
									      "WHERE c.activated_at IS NOT NULL) x JOIN contract c ON c.id = x.id "
									      "WHERE CAST(?1 AS TEXT) IS NOT NULL AND ?2 IS NOT NULL "
									      "GROUP BY c.id, c.region, c.start_date, c.activated_at",
	  "SELECT c.id, c.region, c.start_date, c.activated_at, sum(x.b), sum(x.s), min(x.date) "
	  "FROM (SELECT c.id, r.date, 1 AS b, 0 AS s FROM contract c "
	  "JOIN record_entry r ON r.contract_id = c.id AND r.date < " DAYNUM(
		  "c.start_date") " "
				  "UNION ALL SELECT c.id, r.date, 0, 1 FROM contract c "
				  "JOIN record_entry r ON r.contract_id = c.id AND r.date = CAST(to_char(CAST(substr(c.activated_at, 1, 19) AS timestamp) + interval '8 hours', 'YYYYMMDD') AS INTEGER) "
				  "WHERE c.activated_at IS NOT NULL) x JOIN contract c ON c.id = x.id "
				  "WHERE CAST(?1 AS TEXT) IS NOT NULL AND ?2 IS NOT NULL "
				  "GROUP BY c.id, c.region, c.start_date, c.activated_at",
	  1u << 6, 0 },
	/*
	 * Completed without a final assessment, on the contract or on the one
	 * it continues (a transfer's predecessor).
	 */
	{ "completion_no_final",
	  "SELECT c.id, c.region, c.ended_on FROM contract c WHERE c.status = 'completed' "
	  "AND CAST(?1 AS TEXT) IS NOT NULL AND ?2 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
	  "assessment a WHERE a.kind = 'final' AND (a.contract_id = c.id "
	  "OR a.contract_id = c.predecessor_id))",
	  NULL, 0, 0 },
	/* findings (store/finding.c) on finding(status, deadline): days left, days past */
	{ "finding_due",
	  "SELECT id, region, severity, deadline, CAST(julianday(deadline) - julianday(?1) AS "
	  "INTEGER) FROM finding WHERE status IN ('open', 'rectifying') AND deadline >= ?1 AND "
	  "deadline <= date(?1, '+' || CAST(CAST(?2 AS INTEGER) AS TEXT) || ' days')",
	  "SELECT id, region, severity, deadline, CAST(deadline AS date) - CAST(?1 AS date) "
	  "FROM finding WHERE status IN ('open', 'rectifying') AND "
	  "deadline >= to_char(CAST(?1 AS date), 'YYYY-MM-DD') AND "
	  "CAST(deadline AS date) - CAST(?1 AS date) <= ?2",
	  0, 0 },
	{ "finding_overdue",
	  "SELECT id, region, severity, deadline, CAST(julianday(?1) - julianday(deadline) AS "
	  "INTEGER) FROM finding WHERE status IN ('open', 'rectifying') AND deadline < ?1 "
	  "AND ?2 IS NOT NULL",
	  "SELECT id, region, severity, deadline, CAST(?1 AS date) - CAST(deadline AS date) "
	  "FROM finding WHERE status IN ('open', 'rectifying') AND "
	  "deadline < to_char(CAST(?1 AS date), 'YYYY-MM-DD') AND ?2 IS NOT NULL",
	  0, 0 },
};

enum dt_err dt_store_alert_candidates(struct dt_store *s, const char *rule, const char *today,
				      double threshold, json_t **rows, struct dt_strbuf *err)
{
	*rows = json_array();
	const char *sql = NULL;
	unsigned days = 0, centi = 0;
	for (size_t i = 0; i < DT_ARRAY_SIZE(candidates); i++)
		if (!strcmp(candidates[i].rule, rule)) {
			sql = candidates[i].pg && dt_db_dialect(s->db) == DT_DB_PGSQL
				      ? candidates[i].pg
				      : candidates[i].sql;
			days = candidates[i].days;
			centi = candidates[i].centi;
		}
	if (!sql)
		return dt_error(err, DT_EINVAL, "no alert rule '%s'", rule);
	struct dt_db_stmt *st = dt_sql_prepare(s, sql, err);
	if (!st)
		return DT_EDB;
	dt_db_bind_text_copy(st, 1, today, -1);
	dt_db_bind_double(st, 2, threshold);
	int r;
	const struct dt_entity *re = dt_entity_find("record_entry");
	const struct dt_field *fdate = dt_entity_field(re, "date"),
			      *fhours = dt_entity_field(re, "hours");
	while ((r = dt_db_step(st)) == DT_DB_ROW) {
		json_t *row = json_array();
		for (int c = 0; c < dt_db_column_count(st); c++) {
			char t[DT_CRUD_TEXT];
			int type = dt_db_column_type(st, c);
			if (type == DT_DB_INTEGER && (days & (1u << c))) {
				json_array_append_new(
					row, json_string(dt_crud_column_text(fdate, st, c, t)));
				continue;
			}
			if (type == DT_DB_INTEGER && (centi & (1u << c))) {
				json_array_append_new(
					row, json_real(dt_crud_column_real(fhours, st, c)));
				continue;
			}
			switch (type) {
			case DT_DB_INTEGER:
				json_array_append_new(row, json_integer(dt_db_column_int64(st, c)));
				break;
			case DT_DB_FLOAT:
				json_array_append_new(row, json_real(dt_db_column_double(st, c)));
				break;
			case DT_DB_NULL: json_array_append_new(row, json_null()); break;
			default: json_array_append_new(row, json_string(dt_db_column_text(st, c)));
			}
		}
		json_array_append_new(*rows, row);
	}
	int rc = r == DT_DB_DONE ? DT_OK : dt_sql_error(s, "alert", err);
	dt_db_reset(st);
	return rc;
}
