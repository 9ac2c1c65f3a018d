-- 018_record_times.sql: a record-book entry's three times as integers
-- (see the SQLite migration of the same number): created_at, updated_at and
-- signed_at of record_entry become BIGINT, milliseconds since 1970-01-01 UTC,
-- converted from their text "YYYY-MM-DDTHH:MM:SS.mmmZ"; a text that is not
-- such an instant stops the migration.  The view record_entry_contrib (003)
-- and the aggregate triggers read signed_at, so they go first; the view
-- comes back unchanged here, the triggers when the store installs them
-- after the migrations (store/agg_sql.c).  Run again, nothing changes.
DO $$
BEGIN
	IF (SELECT data_type FROM information_schema.columns
	    WHERE table_schema = current_schema() AND table_name = 'record_entry'
		  AND column_name = 'created_at') = 'text' THEN
		DROP VIEW IF EXISTS record_entry_contrib;
		DROP TRIGGER IF EXISTS record_entry_agg_ins ON record_entry;
		DROP TRIGGER IF EXISTS record_entry_agg_upd_old ON record_entry;
		DROP TRIGGER IF EXISTS record_entry_agg_upd_new ON record_entry;
		DROP TRIGGER IF EXISTS record_entry_agg_del ON record_entry;
		ALTER TABLE record_entry
			ALTER COLUMN signed_at TYPE BIGINT USING
				round(extract(epoch FROM CAST(signed_at AS timestamptz)) * 1000),
			ALTER COLUMN created_at TYPE BIGINT USING
				round(extract(epoch FROM CAST(created_at AS timestamptz)) * 1000),
			ALTER COLUMN updated_at TYPE BIGINT USING
				round(extract(epoch FROM CAST(updated_at AS timestamptz)) * 1000);
		CREATE VIEW record_entry_contrib(id, region, occ, key, period, v) AS
			SELECT id, region, CAST(NULL AS BIGINT), 'hours_' || site,
				CAST(substr(date, 1, 4) AS INTEGER) * 100
					+ CAST(substr(date, 6, 2) AS INTEGER),
				CAST(floor(hours * 100 + 0.5) AS INTEGER)
			FROM record_entry WHERE signed_at IS NOT NULL;
	END IF;
END
$$;
