-- 020_record_compact.sql: a record-book entry's date, site and hours as
-- integers (see the SQLite migration of the same number): date becomes
-- INTEGER YYYYMMDD (20251027), site SMALLINT (0 company, 1 school), hours
-- INTEGER hundredths (750 for 7.5).  A date that is not written exactly
-- YYYY-MM-DD, or is no day of the calendar, and hours that are not a whole
-- number of hundredths (edited by hand) stop the migration, naming the
-- entry.  The view record_entry_contrib and the aggregate triggers read
-- these columns, so they go first (and the CHECKs on the old values); the
-- view comes back reading the integers (period date / 100, value the
-- hundredths), the triggers when the store installs them after the
-- migrations (store/agg_sql.c).  Run again, nothing changes.
DO $$
DECLARE
	bad RECORD;
BEGIN
	IF (SELECT data_type FROM information_schema.columns
	    WHERE table_schema = current_schema() AND table_name = 'record_entry'
		  AND column_name = 'date') = 'text' THEN
		SELECT id, date INTO bad FROM record_entry
			WHERE date !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' ORDER BY id LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'record_entry %: date "%" is not YYYY-MM-DD', bad.id, bad.date;
		END IF;
		SELECT id, hours INTO bad FROM record_entry
			WHERE round(hours * 100) / 100 <> hours ORDER BY id LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'record_entry %: hours % are not a whole number of hundredths',
				bad.id, bad.hours;
		END IF;
		DROP VIEW IF EXISTS record_entry_contrib;
		DROP TRIGGER IF EXISTS record_entry_agg_ins ON record_entry;
		DROP TRIGGER IF EXISTS record_entry_agg_upd_old ON record_entry;
		DROP TRIGGER IF EXISTS record_entry_agg_upd_new ON record_entry;
		DROP TRIGGER IF EXISTS record_entry_agg_del ON record_entry;
		ALTER TABLE record_entry
			DROP CONSTRAINT IF EXISTS record_entry_site_check,
			DROP CONSTRAINT IF EXISTS record_entry_hours_check;
		-- a date of no calendar ("2025-02-30") stops the cast, and with it the migration
		ALTER TABLE record_entry
			ALTER COLUMN date TYPE INTEGER USING
				CAST(to_char(CAST(date AS date), 'YYYYMMDD') AS INTEGER),
			ALTER COLUMN site TYPE SMALLINT USING
				CASE site WHEN 'company' THEN 0 WHEN 'school' THEN 1 END,
			ALTER COLUMN hours TYPE INTEGER USING CAST(round(hours * 100) AS INTEGER),
			ADD CONSTRAINT record_entry_date_check CHECK (date BETWEEN 10101 AND 99991231),
			ADD CONSTRAINT record_entry_site_check CHECK (site IN (0, 1)),
			ADD CONSTRAINT record_entry_hours_check CHECK (hours > 0 AND hours <= 2400);
		CREATE VIEW record_entry_contrib(id, region, occ, key, period, v) AS
			SELECT id, region, CAST(NULL AS BIGINT),
				CASE site WHEN 0 THEN 'hours_company' ELSE 'hours_school' END,
				date / 100, hours
			FROM record_entry WHERE signed_at IS NOT NULL;
	END IF;
END
$$;
