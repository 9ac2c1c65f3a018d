-- 028_times_ms.sql: the times of mentors, demands, places, assessments and
-- outcomes as milliseconds (see the SQLite migration of the same number).
-- The views and triggers on these tables read neither column.  Run again on
-- converted tables, it changes nothing.
DO $$
DECLARE
	t TEXT;
BEGIN
	FOREACH t IN ARRAY ARRAY['mentor', 'demand', 'place', 'assessment', 'outcome'] LOOP
		IF (SELECT data_type FROM information_schema.columns
		    WHERE table_schema = current_schema() AND table_name = t
			  AND column_name = 'created_at') = 'text' THEN
			EXECUTE format('ALTER TABLE %I '
				'ALTER COLUMN created_at TYPE BIGINT USING '
				'round(extract(epoch FROM CAST(created_at AS timestamptz)) * 1000), '
				'ALTER COLUMN updated_at TYPE BIGINT USING '
				'round(extract(epoch FROM CAST(updated_at AS timestamptz)) * 1000)', t);
		END IF;
	END LOOP;
END
$$;
