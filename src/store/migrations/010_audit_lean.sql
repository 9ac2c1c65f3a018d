-- 010_audit_lean.sql: audit events in format 3 (see store/audit.c).
--
-- Three things each event repeated go:
-- - prev_hash: it was the previous event's hash again.  The chain does not
--   need it stored: every format hashes the previous event's hash with the
--   event, so verifying recomputes each hash from the one before it, and an
--   edited, removed or reordered event is found as before.
-- - ts as text: it is now an INTEGER, milliseconds since 1970-01-01 UTC
--   (6 bytes instead of 24).  The old events' times are converted too, so
--   that the from/to filters compare one kind of value; verifying an old
--   event writes its time back as the text it was hashed with,
--   "YYYY-MM-DDTHH:MM:SS.mmmZ", which is exact: a time is converted only
--   when SQLite writes it back to the same text.  One that is not (edited
--   by hand) stays text and stops the migration with "cannot store TEXT
--   value in INTEGER column audit.ts"; `dualtrack audit verify` on the old
--   version names its event.
-- - the entity in the action: a new event whose action is "<entity>.<verb>"
--   stores the verb only ("create", "signoff"); the old events keep their
--   actions as they were hashed.  A stored action without a dot is read as
--   entity.action (store/audit.c, dt_audit_action).
--
-- The hashes of the old events stay as they were written (format 1 or 2),
-- so that a checkpoint signed before the upgrade still names its event's
-- hash; the meta key audit_v3_from records the id of the first format-3
-- event.  The table is made anew because SQLite cannot change a column's
-- type; as after 007, `sqlite3 FILE VACUUM` gives the old pages back.

CREATE TABLE audit_v3 (
	id         INTEGER PRIMARY KEY,
	ts         INTEGER NOT NULL,
	actor      TEXT NOT NULL,
	request_id TEXT,
	action     TEXT NOT NULL,
	entity     TEXT NOT NULL,
	entity_id  INTEGER,
	before     TEXT,
	after      TEXT,
	region     INTEGER,
	hash       ANY NOT NULL
) STRICT;
INSERT INTO audit_v3(id, ts, actor, request_id, action, entity, entity_id, before, after, region,
		     hash)
	SELECT id,
	       CASE WHEN substr(ts, 20, 1) = '.' AND substr(ts, 21, 3) GLOB '[0-9][0-9][0-9]'
			 AND strftime('%Y-%m-%dT%H:%M:%S', CAST(strftime('%s', ts) AS INTEGER),
				      'unixepoch') || substr(ts, 20) = ts
		    THEN CAST(strftime('%s', ts) AS INTEGER) * 1000 + CAST(substr(ts, 21, 3) AS INTEGER)
		    ELSE ts END,
	       actor, request_id, action, entity, entity_id, before, after, region, hash
	FROM audit ORDER BY id;
DROP TABLE audit;
ALTER TABLE audit_v3 RENAME TO audit;
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE INDEX audit_region ON audit(region, id);
-- (Run again on a database that has it, the migration keeps the first id.)
INSERT INTO meta(key, value)
	SELECT 'audit_v3_from', CAST(coalesce(max(id), 0) + 1 AS TEXT) FROM audit WHERE true
	ON CONFLICT (key) DO NOTHING;
