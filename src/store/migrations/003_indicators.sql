-- 003_indicators.sql: monitoring and evaluation.
--
-- Pilot tasks, targets, minimum wages and alerts; and the indicator
-- aggregates.  Dashboards never scan the facts: every fact row contributes
-- counters ("contributions", the *_contrib views below) to agg, keyed by
-- (region, occupation, counter, period), and triggers keep agg equal to the
-- sum of all contributions inside the transaction of every write (through
-- agg_delta, below).
-- `dualtrack indicators --rebuild` recomputes agg from the views with one
-- GROUP BY (store/agg.c); a property test holds the two equal.
--
-- Periods: YYYYMM for a month, YYYY00 for facts that only have a year
-- (demand, places), 0 for counters of the current state ("now").
-- Regions: a contribution is added to the fact's region and every region
-- above it (region_up), and to the national total (region 0).
-- Occupations: contributions that have an occupation are added under it and
-- under occupation 0 (all); the others under 0 only.
-- Values are integers (hours in hundredths) so that sums are exact.

CREATE TABLE pilot_task (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	pilot_id          INTEGER NOT NULL REFERENCES pilot(id),
	title             TEXT NOT NULL,
	responsible_units TEXT,
	deadline          TEXT NOT NULL,
	status            TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done')),
	done_on           TEXT,
	region            INTEGER NOT NULL REFERENCES region(id),
	created_at        TEXT NOT NULL,
	updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX pilot_task_pilot ON pilot_task(pilot_id);
CREATE INDEX pilot_task_deadline ON pilot_task(status, deadline);

-- A yearly target for one indicator: region NULL is the national default; a
-- province or a city overrides it below itself.
CREATE TABLE target (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	region     INTEGER REFERENCES region(id),
	indicator  TEXT NOT NULL,
	year       INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	baseline   REAL,
	value      REAL NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX target_key ON target(coalesce(region, 0), indicator, year);
CREATE INDEX target_year ON target(year, region);

-- The local monthly minimum wage (CNY) from a date on; the most specific
-- region wins (a city's own figure over its province's).
CREATE TABLE min_wage (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	region     INTEGER NOT NULL REFERENCES region(id),
	valid_from TEXT NOT NULL,
	monthly    INTEGER NOT NULL CHECK (monthly > 0),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (region, valid_from)
) STRICT;

-- Alerts are raised by the system (engine/alerts.c) and acknowledged and
-- resolved by people.  One open alert per rule, subject (and indicator).
CREATE TABLE alert (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	rule            TEXT NOT NULL,
	severity        TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
	status          TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
	subject_kind    TEXT NOT NULL,
	subject_id      INTEGER NOT NULL,
	indicator       TEXT,                   -- for target_off_track: which target
	message_zh      TEXT NOT NULL,
	message_en      TEXT NOT NULL,
	value           REAL,
	threshold       REAL,
	raised_at       TEXT NOT NULL,
	acknowledged_by TEXT,
	acknowledged_at TEXT,
	resolved_by     TEXT,
	resolved_at     TEXT,
	note            TEXT,
	region          INTEGER NOT NULL REFERENCES region(id),
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX alert_open ON alert(rule, subject_kind, subject_id, coalesce(indicator, ''))
	WHERE status != 'resolved';
CREATE INDEX alert_region ON alert(region, status);

-- ---- aggregates ----

CREATE TABLE agg (
	region INTEGER NOT NULL,
	occ    INTEGER NOT NULL,
	key    TEXT NOT NULL,
	period INTEGER NOT NULL,
	value  INTEGER NOT NULL,
	PRIMARY KEY (region, occ, key, period)
) STRICT, WITHOUT ROWID;

-- The same counters summed per year (year 0: the "now" counters), so that a
-- yearly dashboard reads a few rows per counter instead of every month.
CREATE TABLE agg_year (
	region INTEGER NOT NULL,
	occ    INTEGER NOT NULL,
	key    TEXT NOT NULL,
	year   INTEGER NOT NULL,
	value  INTEGER NOT NULL,
	PRIMARY KEY (region, occ, key, year)
) STRICT, WITHOUT ROWID;

-- What the triggers add: one row per contribution (plus or minus), summed
-- into agg at every region above and emptied before each commit
-- (dt_agg_flush): a change that takes out and puts back the same
-- contribution costs nothing in agg, and a bulk write touches each agg row
-- once.
CREATE TABLE agg_delta (
	region INTEGER NOT NULL,
	occ    INTEGER,
	key    TEXT NOT NULL,
	period INTEGER NOT NULL,
	v      INTEGER NOT NULL
) STRICT;

-- Distinct company mentors and enterprises with active contracts: counts of
-- distinct things are not sums, so these keep how many active contracts
-- each has, and their own triggers count the rows.
CREATE TABLE mentor_load (
	enterprise_id INTEGER NOT NULL,
	mentor        TEXT NOT NULL,
	region        INTEGER NOT NULL,
	n             INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, mentor, region)
) STRICT, WITHOUT ROWID;
CREATE TABLE enterprise_load (
	enterprise_id INTEGER NOT NULL,
	region        INTEGER NOT NULL,
	n             INTEGER NOT NULL,
	PRIMARY KEY (enterprise_id, region)
) STRICT, WITHOUT ROWID;

-- A region and each region above it, and 0 for the nation: a table kept by
-- triggers on region (regions are added, never moved), so that the
-- aggregate triggers look ancestors up by key.
CREATE TABLE region_up (
	region INTEGER NOT NULL,
	anc    INTEGER NOT NULL,
	PRIMARY KEY (region, anc)
) STRICT, WITHOUT ROWID;
CREATE INDEX region_up_anc ON region_up(anc, region);
CREATE TRIGGER region_up_ins AFTER INSERT ON region BEGIN
	INSERT OR IGNORE INTO region_up(region, anc)
		SELECT NEW.id, NEW.id
		UNION ALL SELECT NEW.id, 0
		UNION ALL SELECT NEW.id, NEW.parent WHERE NEW.parent IS NOT NULL
		UNION ALL SELECT NEW.id, p.parent FROM region p WHERE p.id = NEW.parent AND p.parent IS NOT NULL;
END;
CREATE TRIGGER region_up_upd AFTER UPDATE OF parent ON region BEGIN
	DELETE FROM region_up WHERE region = NEW.id;
	INSERT OR IGNORE INTO region_up(region, anc)
		SELECT NEW.id, NEW.id
		UNION ALL SELECT NEW.id, 0
		UNION ALL SELECT NEW.id, NEW.parent WHERE NEW.parent IS NOT NULL
		UNION ALL SELECT NEW.id, p.parent FROM region p WHERE p.id = NEW.parent AND p.parent IS NOT NULL;
END;
CREATE TRIGGER region_up_del AFTER DELETE ON region BEGIN
	DELETE FROM region_up WHERE region = OLD.id;
END;
INSERT OR IGNORE INTO region_up(region, anc)
	SELECT id, id FROM region
	UNION ALL SELECT id, 0 FROM region
	UNION ALL SELECT id, parent FROM region WHERE parent IS NOT NULL
	UNION ALL SELECT r.id, p.parent FROM region r JOIN region p ON p.id = r.parent
		WHERE p.parent IS NOT NULL;

-- A contract's life as rows: +1 in the month it begins, -1 in the month it
-- ends; stocks (active contracts, planned hours, stipends) are running sums.
-- Only contracts that were activated count.
CREATE VIEW contract_life(id, region, occ, sgn, period, stipend, wage, pc, pt) AS
	SELECT c.id, c.region, p.occupation_id, e.sgn,
		CASE e.sgn WHEN 1 THEN CAST(substr(c.start_date, 1, 4) AS INTEGER) * 100
			+ CAST(substr(c.start_date, 6, 2) AS INTEGER)
		ELSE CAST(substr(c.ended_on, 1, 4) AS INTEGER) * 100
			+ CAST(substr(c.ended_on, 6, 2) AS INTEGER) END,
		c.stipend_monthly,
		(SELECT m.monthly FROM min_wage m JOIN region_up u ON u.anc = m.region
			WHERE u.region = c.region AND m.valid_from <= c.start_date
			ORDER BY m.region DESC, m.valid_from DESC LIMIT 1),
		c.planned_company_hours, c.planned_company_hours + c.planned_school_hours
	FROM contract c JOIN programme p ON p.id = c.programme_id
		JOIN (SELECT 1 AS sgn UNION ALL SELECT -1) e
	WHERE c.activated_at IS NOT NULL
		AND (e.sgn = 1 OR (c.ended_on IS NOT NULL AND c.status IN ('completed', 'dissolved', 'transferred')));

CREATE VIEW contract_contrib(id, region, occ, key, period, v) AS
	SELECT id, region, occ, 'begun', period, 1 FROM contract_life WHERE sgn = 1
	UNION ALL SELECT id, region, occ, 'active', period, sgn FROM contract_life
	UNION ALL SELECT id, region, occ, 'plan_company', period, sgn * pc FROM contract_life
	UNION ALL SELECT id, region, occ, 'plan_total', period, sgn * pt FROM contract_life
	UNION ALL SELECT id, region, occ, 'stipend_checked', period, sgn FROM contract_life
		WHERE wage IS NOT NULL
	UNION ALL SELECT id, region, occ, 'stipend_ok', period, sgn FROM contract_life
		WHERE stipend >= wage
	UNION ALL SELECT c.id, c.region, p.occupation_id, c.status,
		CAST(substr(c.ended_on, 1, 4) AS INTEGER) * 100 + CAST(substr(c.ended_on, 6, 2) AS INTEGER), 1
		FROM contract c JOIN programme p ON p.id = c.programme_id
		WHERE c.activated_at IS NOT NULL AND c.ended_on IS NOT NULL
			AND c.status IN ('completed', 'dissolved', 'transferred')
	UNION ALL SELECT c.id, c.region, p.occupation_id, 'dissolved_probation',
		CAST(substr(c.ended_on, 1, 4) AS INTEGER) * 100 + CAST(substr(c.ended_on, 6, 2) AS INTEGER), 1
		FROM contract c JOIN programme p ON p.id = c.programme_id
		WHERE c.activated_at IS NOT NULL AND c.status = 'dissolved' AND c.dissolved_in_probation = 1
	-- the layer method: dissolutions by how many years after the cohort's start year
	UNION ALL SELECT c.id, c.region, p.occupation_id,
		'dissolved_l' || (CAST(substr(c.ended_on, 1, 4) AS INTEGER) - CAST(substr(c.start_date, 1, 4) AS INTEGER)),
		CAST(substr(c.ended_on, 1, 4) AS INTEGER) * 100 + CAST(substr(c.ended_on, 6, 2) AS INTEGER), 1
		FROM contract c JOIN programme p ON p.id = c.programme_id
		WHERE c.activated_at IS NOT NULL AND c.status = 'dissolved'
			AND CAST(substr(c.ended_on, 1, 4) AS INTEGER) - CAST(substr(c.start_date, 1, 4) AS INTEGER) BETWEEN 0 AND 3
	UNION ALL SELECT c.id, c.region, p.occupation_id, 'active_now', 0, 1
		FROM contract c JOIN programme p ON p.id = c.programme_id WHERE c.status = 'active';

CREATE VIEW record_entry_contrib(id, region, occ, key, period, v) AS
	SELECT id, region, NULL, 'hours_' || site,
		CAST(substr(date, 1, 4) AS INTEGER) * 100 + CAST(substr(date, 6, 2) AS INTEGER),
		CAST(round(hours * 100) AS INTEGER)
	FROM record_entry WHERE signed_at IS NOT NULL;

CREATE VIEW assessment_contrib(id, region, occ, key, period, v) AS
	SELECT a.id, a.region, p.occupation_id, k.key,
		CAST(substr(a.date, 1, 4) AS INTEGER) * 100 + CAST(substr(a.date, 6, 2) AS INTEGER), 1
	FROM assessment a JOIN contract c ON c.id = a.contract_id JOIN programme p ON p.id = c.programme_id
		JOIN (SELECT 'final_taken' AS key UNION ALL SELECT 'final_passed'
			UNION ALL SELECT 'final_taken_first' UNION ALL SELECT 'final_passed_first') k
	WHERE a.kind = 'final'
		AND (k.key NOT LIKE 'final_passed%' OR a.result = 'pass')
		AND (k.key NOT LIKE '%_first' OR a.attempt = 1);

-- Retained by the training enterprise within three months of completion,
-- counted in the month of completion (so that it lines up with 'completed').
CREATE VIEW outcome_contrib(id, region, occ, key, period, v) AS
	SELECT o.id, o.region, p.occupation_id, 'retained_3m',
		CAST(substr(c.ended_on, 1, 4) AS INTEGER) * 100 + CAST(substr(c.ended_on, 6, 2) AS INTEGER), 1
	FROM outcome o JOIN contract c ON c.id = o.contract_id JOIN programme p ON p.id = c.programme_id
	WHERE o.kind = 'retained' AND c.status = 'completed' AND c.activated_at IS NOT NULL
		AND o.date <= date(c.ended_on, '+3 months');

CREATE VIEW demand_contrib(id, region, occ, key, period, v) AS
	SELECT id, region, occupation_id, 'demand', year * 100, count FROM demand;

CREATE VIEW place_contrib(id, region, occ, key, period, v) AS
	SELECT pl.id, pl.region, p.occupation_id, 'places', pl.year * 100, pl.capacity
	FROM place pl JOIN programme p ON p.id = pl.programme_id;

CREATE VIEW organization_contrib(id, region, occ, key, period, v) AS
	SELECT id, region, NULL, 'enterprises_now', 0, 1 FROM organization WHERE kind = 'enterprise';
