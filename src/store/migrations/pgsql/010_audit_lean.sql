-- 010_audit_lean.sql: audit events in format 3 (see store/audit.c).
--
-- Three things each event repeated go:
-- - prev_hash: it was the previous event's hash again.  The chain does not
--   need it stored: every format hashes the previous event's hash with the
--   event, so verifying recomputes each hash from the one before it, and an
--   edited, removed or reordered event is found as before.
-- - ts as text: it is now a BIGINT, milliseconds since 1970-01-01 UTC.  The
--   old events' times are converted too, so that the from/to filters compare
--   one kind of value; verifying an old event writes its time back as the
--   text it was hashed with, "YYYY-MM-DDTHH:MM:SS.mmmZ", which is exact: a
--   time is converted only when PostgreSQL writes it back to the same text.
--   One that is not (edited by hand) stops the migration (invalid input
--   syntax for type bigint); `dualtrack audit verify` on the old version
--   names its event.
-- - the entity in the action: a new event whose action is "<entity>.<verb>"
--   stores the verb only ("create", "signoff"); the old events keep their
--   actions as they were hashed.  A stored action without a dot is read as
--   entity.action (store/audit.c, dt_audit_action).
--
-- The hashes of the old events stay as they were written (format 1 or 2),
-- so that a checkpoint signed before the upgrade still names its event's
-- hash; the meta key audit_v3_from records the id of the first format-3
-- event.  Changing ts's type rewrites the table, which also gives back the
-- space of the dropped column.

ALTER TABLE audit
	DROP COLUMN prev_hash,
	ALTER COLUMN ts TYPE BIGINT USING CAST(
		CASE WHEN ts ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$'
			  AND to_char(CAST(ts AS TIMESTAMP), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') = ts
		     THEN CAST(CAST(round(EXTRACT(EPOCH FROM CAST(ts AS TIMESTAMP)) * 1000)
				    AS BIGINT) AS TEXT)
		     ELSE ts END AS BIGINT);
INSERT INTO meta(key, value)
	SELECT 'audit_v3_from', CAST(coalesce(max(id), 0) + 1 AS TEXT) FROM audit
	ON CONFLICT (key) DO NOTHING;
