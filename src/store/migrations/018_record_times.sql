-- 018_record_times.sql: a record-book entry's three times as integers.
--
-- record_entry is the largest table of a pilot (a trainee has dozens of
-- entries), and each row held created_at, updated_at and signed_at as
-- 24-character text "YYYY-MM-DDTHH:MM:SS.mmmZ".  They are now INTEGERs,
-- milliseconds since 1970-01-01 UTC (6 bytes instead of 25), as the audit
-- table's ts since 010.  The API shows them as before: the store converts
-- on write and on read (domain/entity.h DT_FF_MS, store/crud.c).  A time is
-- converted only when SQLite writes it back to the same text; one that is
-- not (edited by hand) stays text and stops the migration with "cannot
-- store TEXT value in INTEGER column record_entry.created_at" (or the
-- column at fault).  Run again on a converted table, the integers stay.
--
-- SQLite cannot change a column's type: the table is made anew, its ids and
-- its AUTOINCREMENT counter kept; the view record_entry_contrib (003) goes
-- first and comes back unchanged, the aggregate triggers come back when the
-- store installs them after the migrations (store/agg_sql.c).  As after 010,
-- `sqlite3 FILE VACUUM` gives the old pages back.
DROP VIEW IF EXISTS record_entry_contrib;
CREATE TEMP TABLE record_entry_seq AS
	SELECT seq FROM sqlite_sequence WHERE name = 'record_entry';
CREATE TABLE record_entry_018 (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	contract_id INTEGER NOT NULL REFERENCES contract(id),
	date        TEXT NOT NULL,
	site        TEXT NOT NULL CHECK (site IN ('company', 'school')),
	hours       REAL NOT NULL CHECK (hours > 0 AND hours <= 24),
	content     TEXT NOT NULL,
	signed_by   TEXT,
	signed_at   INTEGER,
	region      INTEGER NOT NULL REFERENCES region(id),
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	signed_mentor_id  INTEGER,
	signed_account_id INTEGER,
	signed_delegate   INTEGER CHECK (signed_delegate IN (0, 1))
) STRICT;
INSERT INTO record_entry_018(id, contract_id, date, site, hours, content, signed_by, signed_at,
			     region, created_at, updated_at, signed_mentor_id, signed_account_id,
			     signed_delegate)
	SELECT id, contract_id, date, site, hours, content, signed_by,
	       CASE WHEN typeof(signed_at) = 'text' AND length(signed_at) = 24
			 AND substr(signed_at, 21, 3) GLOB '[0-9][0-9][0-9]'
			 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', signed_at) AS INTEGER),
				      'unixepoch') || substr(signed_at, 20) = signed_at
		    THEN CAST(strftime('%s', signed_at) AS INTEGER) * 1000
			 + CAST(substr(signed_at, 21, 3) AS INTEGER)
		    ELSE signed_at END,
	       region,
	       CASE WHEN typeof(created_at) = 'text' AND length(created_at) = 24
			 AND substr(created_at, 21, 3) GLOB '[0-9][0-9][0-9]'
			 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', created_at) AS INTEGER),
				      'unixepoch') || substr(created_at, 20) = created_at
		    THEN CAST(strftime('%s', created_at) AS INTEGER) * 1000
			 + CAST(substr(created_at, 21, 3) AS INTEGER)
		    ELSE created_at END,
	       CASE WHEN typeof(updated_at) = 'text' AND length(updated_at) = 24
			 AND substr(updated_at, 21, 3) GLOB '[0-9][0-9][0-9]'
			 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', updated_at) AS INTEGER),
				      'unixepoch') || substr(updated_at, 20) = updated_at
		    THEN CAST(strftime('%s', updated_at) AS INTEGER) * 1000
			 + CAST(substr(updated_at, 21, 3) AS INTEGER)
		    ELSE updated_at END,
	       signed_mentor_id, signed_account_id, signed_delegate
	FROM record_entry ORDER BY id;
DROP TABLE record_entry;
ALTER TABLE record_entry_018 RENAME TO record_entry;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM record_entry_seq)
	WHERE name = 'record_entry' AND seq < (SELECT seq FROM record_entry_seq);
DROP TABLE record_entry_seq;
CREATE INDEX record_entry_contract ON record_entry(contract_id, date);
CREATE INDEX record_entry_region ON record_entry(region);
CREATE VIEW record_entry_contrib(id, region, occ, key, period, v) AS
	SELECT id, region, NULL, 'hours_' || site,
		CAST(substr(date, 1, 4) AS INTEGER) * 100 + CAST(substr(date, 6, 2) AS INTEGER),
		CAST(round(hours * 100) AS INTEGER)
	FROM record_entry WHERE signed_at IS NOT NULL;
