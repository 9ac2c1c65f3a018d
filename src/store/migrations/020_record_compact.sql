-- 020_record_compact.sql: a record-book entry's date, site and hours as integers.
--
-- record_entry is the largest table of a pilot (about 36 rows a trainee) and
-- its index record_entry_contract(contract_id, date) the largest index.
-- After 018 (the three times) its row still held the date as 10-character
-- text "YYYY-MM-DD", the site as the word 'company' or 'school' and the
-- hours as an 8-byte REAL.  They are now INTEGERs: the date YYYYMMDD
-- (20251027: it sorts as the text did; its month is date / 100, its year
-- date / 10000), the site a code (0 company, 1 school: SQLite keeps 0 and 1
-- in the row header, no byte of body) and the hours in hundredths (750 for
-- 7.5; the field takes at most two decimals since this migration, the
-- problem "number.step" refuses more, never rounded).  The API, the
-- exports, the audit events and the documents show them as before: the
-- store converts on write and on read (domain/entity.h DT_FF_DAYNUM,
-- DT_FF_CODE, DT_FF_CENTI, as DT_FF_MS for 018).  A value is converted only
-- when it reads back the same: a date only if SQLite's date(x, '+0 days') gives it back
-- unchanged, hours only if they are a whole number of hundredths.  One that
-- is not (edited by hand: "2025-1-5", 7.125) stays as it was and stops the
-- migration with "cannot store TEXT value in INTEGER column
-- record_entry_020.date" (REAL ... hours).  Run again on a converted table,
-- the integers stay.
--
-- SQLite cannot change a column's type: the table is made anew, as in 018,
-- its ids and its AUTOINCREMENT counter kept; the view record_entry_contrib
-- goes first and comes back reading the integers (its period date / 100,
-- its value the hundredths as they are), the aggregate triggers come back
-- when the store installs them after the migrations (store/agg_sql.c).
-- `sqlite3 FILE VACUUM` gives the old pages back.
DROP VIEW IF EXISTS record_entry_contrib;
CREATE TEMP TABLE record_entry_seq AS
	SELECT seq FROM sqlite_sequence WHERE name = 'record_entry';
CREATE TABLE record_entry_020 (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	contract_id INTEGER NOT NULL REFERENCES contract(id),
	date        INTEGER NOT NULL CHECK (date BETWEEN 10101 AND 99991231),
	site        INTEGER NOT NULL CHECK (site IN (0, 1)),
	hours       INTEGER NOT NULL CHECK (hours > 0 AND hours <= 2400),
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
INSERT INTO record_entry_020(id, contract_id, date, site, hours, content, signed_by, signed_at,
			     region, created_at, updated_at, signed_mentor_id, signed_account_id,
			     signed_delegate)
	SELECT id, contract_id,
	       CASE WHEN typeof(date) = 'text'
			 AND date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
			 AND date >= '0001-01-01' AND date(date, '+0 days') = date
		    THEN CAST(replace(date, '-', '') AS INTEGER)
		    ELSE date END,
	       CASE site WHEN 'company' THEN 0 WHEN 'school' THEN 1 ELSE site END,
	       -- a converted row (its site an integer) keeps its hundredths
	       CASE WHEN typeof(site) = 'integer' THEN hours
		    WHEN typeof(hours) IN ('real', 'integer')
			 AND CAST(round(hours * 100) AS INTEGER) / 100.0 = hours
		    THEN CAST(round(hours * 100) AS INTEGER)
		    ELSE hours END,
	       content, signed_by, signed_at, region, created_at, updated_at,
	       signed_mentor_id, signed_account_id, signed_delegate
	FROM record_entry ORDER BY id;
DROP TABLE record_entry;
ALTER TABLE record_entry_020 RENAME TO record_entry;
UPDATE sqlite_sequence SET seq = (SELECT seq FROM record_entry_seq)
	WHERE name = 'record_entry' AND seq < (SELECT seq FROM record_entry_seq);
DROP TABLE record_entry_seq;
CREATE INDEX record_entry_contract ON record_entry(contract_id, date);
CREATE INDEX record_entry_region ON record_entry(region);
CREATE VIEW record_entry_contrib(id, region, occ, key, period, v) AS
	SELECT id, region, NULL, CASE site WHEN 0 THEN 'hours_company' ELSE 'hours_school' END,
		date / 100, hours
	FROM record_entry WHERE signed_at IS NOT NULL;
