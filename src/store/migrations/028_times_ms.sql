-- 028_times_ms.sql: the times of mentors, demands, places, assessments and
-- outcomes as integers.
--
-- As 018 did for the record book: created_at and updated_at were 24-character
-- text "YYYY-MM-DDTHH:MM:SS.mmmZ" in every row; they are now INTEGERs,
-- milliseconds since 1970-01-01 UTC (6 bytes instead of 25).  The API shows
-- them as before: the store converts on write and on read (domain/entity.h
-- DT_FF_MS, store/crud.c).  A time is converted only when SQLite writes it
-- back to the same text; one that is not (edited by hand) stays text and
-- stops the migration with "cannot store TEXT value in INTEGER column"
-- (naming the table and column at fault).  Run again on converted tables,
-- the integers stay.
--
-- SQLite cannot change a column's type: each table is made anew, its ids and
-- its AUTOINCREMENT counter kept, with its indexes and its triggers.  No
-- foreign key points at these tables.  The views that read them (the
-- contributions) and the triggers of other tables that read those views stay
-- as they are: with legacy_alter_table, renaming the new table to the old
-- name neither rewrites nor checks them, and they name the table, so they
-- read the new one.  The tables' own aggregate triggers come back when the
-- store installs them after the migrations (store/agg_sql.c).  `sqlite3 FILE
-- VACUUM` gives the old pages back.
PRAGMA legacy_alter_table = ON;


-- mentor
CREATE TEMP TABLE mentor_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'mentor';
CREATE TABLE mentor_028 (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	name            TEXT NOT NULL,
	organization_id INTEGER NOT NULL REFERENCES organization(id),
	kind            TEXT NOT NULL CHECK (kind IN ('company', 'school')),
	qualification   TEXT,
	skill_level     INTEGER CHECK (skill_level BETWEEN 1 AND 5),
	phone           TEXT,
	email           TEXT,
	region          INTEGER NOT NULL REFERENCES region(id),
	created_at      INTEGER NOT NULL,
	updated_at      INTEGER NOT NULL
) STRICT;
INSERT INTO mentor_028(id, name, organization_id, kind, qualification, skill_level, phone, email, region, created_at, updated_at)
SELECT id,
	name,
	organization_id,
	kind,
	qualification,
	skill_level,
	phone,
	email,
	region,
	CASE WHEN typeof(created_at) = 'text' AND length(created_at) = 24
		 AND substr(created_at, 21, 3) GLOB '[0-9][0-9][0-9]'
		 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', created_at) AS INTEGER),
			      'unixepoch') || substr(created_at, 20) = created_at
	    THEN CAST(strftime('%s', created_at) AS INTEGER) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)
	    ELSE created_at END,
	CASE WHEN typeof(updated_at) = 'text' AND length(updated_at) = 24
		 AND substr(updated_at, 21, 3) GLOB '[0-9][0-9][0-9]'
		 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', updated_at) AS INTEGER),
			      'unixepoch') || substr(updated_at, 20) = updated_at
	    THEN CAST(strftime('%s', updated_at) AS INTEGER) * 1000 + CAST(substr(updated_at, 21, 3) AS INTEGER)
	    ELSE updated_at END
FROM mentor ORDER BY id;
DROP TABLE mentor;
ALTER TABLE mentor_028 RENAME TO mentor;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM mentor_seq)
	WHERE name = 'mentor' AND seq < (SELECT seq FROM mentor_seq);
DROP TABLE mentor_seq;
CREATE INDEX mentor_org ON mentor(organization_id, kind);
CREATE INDEX mentor_region ON mentor(region);

-- demand
CREATE TEMP TABLE demand_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'demand';
CREATE TABLE demand_028 (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	enterprise_id INTEGER NOT NULL REFERENCES organization(id),
	occupation_id INTEGER NOT NULL REFERENCES occupation(id),
	level         INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
	year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	count         INTEGER NOT NULL CHECK (count > 0),
	region        INTEGER NOT NULL REFERENCES region(id),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	UNIQUE (enterprise_id, occupation_id, level, year)
) STRICT;
INSERT INTO demand_028(id, enterprise_id, occupation_id, level, year, count, region, created_at, updated_at)
SELECT id,
	enterprise_id,
	occupation_id,
	level,
	year,
	count,
	region,
	CASE WHEN typeof(created_at) = 'text' AND length(created_at) = 24
		 AND substr(created_at, 21, 3) GLOB '[0-9][0-9][0-9]'
		 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', created_at) AS INTEGER),
			      'unixepoch') || substr(created_at, 20) = created_at
	    THEN CAST(strftime('%s', created_at) AS INTEGER) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)
	    ELSE created_at END,
	CASE WHEN typeof(updated_at) = 'text' AND length(updated_at) = 24
		 AND substr(updated_at, 21, 3) GLOB '[0-9][0-9][0-9]'
		 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', updated_at) AS INTEGER),
			      'unixepoch') || substr(updated_at, 20) = updated_at
	    THEN CAST(strftime('%s', updated_at) AS INTEGER) * 1000 + CAST(substr(updated_at, 21, 3) AS INTEGER)
	    ELSE updated_at END
FROM demand ORDER BY id;
DROP TABLE demand;
ALTER TABLE demand_028 RENAME TO demand;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM demand_seq)
	WHERE name = 'demand' AND seq < (SELECT seq FROM demand_seq);
DROP TABLE demand_seq;
CREATE INDEX demand_occupation ON demand(occupation_id);
CREATE INDEX demand_region ON demand(region, year);

-- place
CREATE TEMP TABLE place_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'place';
CREATE TABLE place_028 (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	enterprise_id INTEGER NOT NULL REFERENCES organization(id),
	programme_id  INTEGER NOT NULL REFERENCES programme(id),
	year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	capacity      INTEGER NOT NULL CHECK (capacity > 0),
	region        INTEGER NOT NULL REFERENCES region(id),
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL,
	UNIQUE (enterprise_id, programme_id, year)
) STRICT;
INSERT INTO place_028(id, enterprise_id, programme_id, year, capacity, region, created_at, updated_at)
SELECT id,
	enterprise_id,
	programme_id,
	year,
	capacity,
	region,
	CASE WHEN typeof(created_at) = 'text' AND length(created_at) = 24
		 AND substr(created_at, 21, 3) GLOB '[0-9][0-9][0-9]'
		 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', created_at) AS INTEGER),
			      'unixepoch') || substr(created_at, 20) = created_at
	    THEN CAST(strftime('%s', created_at) AS INTEGER) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)
	    ELSE created_at END,
	CASE WHEN typeof(updated_at) = 'text' AND length(updated_at) = 24
		 AND substr(updated_at, 21, 3) GLOB '[0-9][0-9][0-9]'
		 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', updated_at) AS INTEGER),
			      'unixepoch') || substr(updated_at, 20) = updated_at
	    THEN CAST(strftime('%s', updated_at) AS INTEGER) * 1000 + CAST(substr(updated_at, 21, 3) AS INTEGER)
	    ELSE updated_at END
FROM place ORDER BY id;
DROP TABLE place;
ALTER TABLE place_028 RENAME TO place;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM place_seq)
	WHERE name = 'place' AND seq < (SELECT seq FROM place_seq);
DROP TABLE place_seq;
CREATE INDEX place_programme ON place(programme_id);
CREATE INDEX place_region ON place(region, year);
CREATE TRIGGER portal_place_del AFTER DELETE ON place BEGIN
	UPDATE portal_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER portal_place_ins AFTER INSERT ON place BEGIN
	UPDATE portal_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER portal_place_upd AFTER UPDATE ON place BEGIN
	UPDATE portal_state SET generation = generation + 1 WHERE id = 1;
END;

-- assessment
CREATE TEMP TABLE assessment_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'assessment';
CREATE TABLE assessment_028 (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	contract_id    INTEGER NOT NULL REFERENCES contract(id),
	kind           TEXT NOT NULL CHECK (kind IN ('intermediate', 'final', 'skill_level')),
	date           TEXT NOT NULL,
	result         TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
	score          REAL CHECK (score BETWEEN 0 AND 100),
	level          INTEGER CHECK (level BETWEEN 1 AND 5),
	certificate_no TEXT,
	attempt        INTEGER NOT NULL CHECK (attempt >= 1),
	assessor_id    INTEGER REFERENCES organization(id),
	region         INTEGER NOT NULL REFERENCES region(id),
	created_at     INTEGER NOT NULL,
	updated_at     INTEGER NOT NULL
) STRICT;
INSERT INTO assessment_028(id, contract_id, kind, date, result, score, level, certificate_no, attempt, assessor_id, region, created_at, updated_at)
SELECT id,
	contract_id,
	kind,
	date,
	result,
	score,
	level,
	certificate_no,
	attempt,
	assessor_id,
	region,
	CASE WHEN typeof(created_at) = 'text' AND length(created_at) = 24
		 AND substr(created_at, 21, 3) GLOB '[0-9][0-9][0-9]'
		 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', created_at) AS INTEGER),
			      'unixepoch') || substr(created_at, 20) = created_at
	    THEN CAST(strftime('%s', created_at) AS INTEGER) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)
	    ELSE created_at END,
	CASE WHEN typeof(updated_at) = 'text' AND length(updated_at) = 24
		 AND substr(updated_at, 21, 3) GLOB '[0-9][0-9][0-9]'
		 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', updated_at) AS INTEGER),
			      'unixepoch') || substr(updated_at, 20) = updated_at
	    THEN CAST(strftime('%s', updated_at) AS INTEGER) * 1000 + CAST(substr(updated_at, 21, 3) AS INTEGER)
	    ELSE updated_at END
FROM assessment ORDER BY id;
DROP TABLE assessment;
ALTER TABLE assessment_028 RENAME TO assessment;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM assessment_seq)
	WHERE name = 'assessment' AND seq < (SELECT seq FROM assessment_seq);
DROP TABLE assessment_seq;
CREATE UNIQUE INDEX assessment_certificate ON assessment(certificate_no)
	WHERE certificate_no IS NOT NULL;
CREATE INDEX assessment_contract ON assessment(contract_id, kind);
CREATE INDEX assessment_region ON assessment(region);

-- outcome
CREATE TEMP TABLE outcome_seq AS SELECT seq FROM sqlite_sequence WHERE name = 'outcome';
CREATE TABLE outcome_028 (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	contract_id  INTEGER NOT NULL UNIQUE REFERENCES contract(id),
	kind         TEXT NOT NULL CHECK (kind IN ('retained', 'employed_elsewhere', 'further_study', 'not_employed')),
	date         TEXT NOT NULL,
	wage_monthly INTEGER CHECK (wage_monthly >= 0),
	employer_id  INTEGER REFERENCES organization(id),
	region       INTEGER NOT NULL REFERENCES region(id),
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
) STRICT;
INSERT INTO outcome_028(id, contract_id, kind, date, wage_monthly, employer_id, region, created_at, updated_at)
SELECT id,
	contract_id,
	kind,
	date,
	wage_monthly,
	employer_id,
	region,
	CASE WHEN typeof(created_at) = 'text' AND length(created_at) = 24
		 AND substr(created_at, 21, 3) GLOB '[0-9][0-9][0-9]'
		 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', created_at) AS INTEGER),
			      'unixepoch') || substr(created_at, 20) = created_at
	    THEN CAST(strftime('%s', created_at) AS INTEGER) * 1000 + CAST(substr(created_at, 21, 3) AS INTEGER)
	    ELSE created_at END,
	CASE WHEN typeof(updated_at) = 'text' AND length(updated_at) = 24
		 AND substr(updated_at, 21, 3) GLOB '[0-9][0-9][0-9]'
		 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', updated_at) AS INTEGER),
			      'unixepoch') || substr(updated_at, 20) = updated_at
	    THEN CAST(strftime('%s', updated_at) AS INTEGER) * 1000 + CAST(substr(updated_at, 21, 3) AS INTEGER)
	    ELSE updated_at END
FROM outcome ORDER BY id;
DROP TABLE outcome;
ALTER TABLE outcome_028 RENAME TO outcome;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM outcome_seq)
	WHERE name = 'outcome' AND seq < (SELECT seq FROM outcome_seq);
DROP TABLE outcome_seq;
CREATE INDEX outcome_region ON outcome(region);
PRAGMA legacy_alter_table = OFF;
