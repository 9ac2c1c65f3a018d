-- 007_audit_compact.sql: audit events in format 2 (see store/audit.c).
--
-- From here on an update event stores only the fields that changed, and
-- hash and prev_hash are 32-byte blobs instead of 64 hex characters;
-- entity_id is an integer (it always held one) instead of its text, which
-- also makes the index audit_entity smaller.
--
-- The events already written stay as they are (format 1): whole objects,
-- and their hashes as hex text, because SQLite 3.40 has no unhex() to turn
-- them into bytes in SQL, and because converting them would mean hashing
-- them anew, so that a checkpoint signed before the upgrade would no longer
-- name the hash of its event.  Kept, they verify exactly as before: the meta
-- key audit_v2_from records the id of the first format-2 event, and
-- audit.c verifies each event by the format of its id (a hash stored as text
-- or as bytes is read either way).  No per-row version column is needed.
--
-- The table is made anew because SQLite cannot change a column's type: the
-- hashes are ANY (text for the old events, blobs for the new), entity_id
-- INTEGER.  An old event whose entity_id is not an integer (edited by hand)
-- stops the migration with "cannot store TEXT value in INTEGER column
-- audit.entity_id"; `dualtrack audit verify` on the old version names it.
--
-- Copying the table leaves the old one's pages free inside the file (a
-- migration runs in a transaction, where VACUUM cannot): `sqlite3 FILE VACUUM`
-- after the upgrade gives them back.  The old events keep their size; the
-- saving is in the events written from here on.
--
-- audit_region(region, id) serves the audit list of a scoped reader, newest
-- first, and audit_entity(entity, entity_id) a record's history and the
-- records check; both stay.

CREATE TABLE audit_v2 (
	id         INTEGER PRIMARY KEY,
	ts         TEXT NOT NULL,
	actor      TEXT NOT NULL,
	request_id TEXT,
	action     TEXT NOT NULL,
	entity     TEXT NOT NULL,
	entity_id  INTEGER,
	before     TEXT,
	after      TEXT,
	region     INTEGER,
	prev_hash  ANY NOT NULL,
	hash       ANY NOT NULL
) STRICT;
INSERT INTO audit_v2(id, ts, actor, request_id, action, entity, entity_id, before, after, region,
		     prev_hash, hash)
	SELECT id, ts, actor, request_id, action, entity, entity_id, before, after, region,
	       prev_hash, hash FROM audit ORDER BY id;
DROP TABLE audit;
ALTER TABLE audit_v2 RENAME TO audit;
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE INDEX audit_region ON audit(region, id);
-- (Run again on a database that has it, the migration keeps the first id.)
INSERT INTO meta(key, value)
	SELECT 'audit_v2_from', CAST(coalesce(max(id), 0) + 1 AS TEXT) FROM audit WHERE true
	ON CONFLICT (key) DO NOTHING;
