-- 007_audit_compact.sql: audit events in format 2 (see store/audit.c).
--
-- From here on an update event stores only the fields that changed, and
-- hash and prev_hash are 32 bytes (BYTEA) instead of 64 hex characters;
-- entity_id is a BIGINT (it always held one) instead of its text, which
-- also makes the index audit_entity smaller.
--
-- The events already written stay in format 1 (whole objects; their hash
-- computed over the previous hash in hex): converting them would mean
-- hashing them anew, so that a checkpoint signed before the upgrade would
-- no longer name the hash of its event.  Their hashes only change encoding
-- here, hex text to the same 32 bytes (decode(..., 'hex')), which changes
-- nothing they are computed from.  The meta key audit_v2_from records the
-- id of the first format-2 event, and audit.c verifies each event by the
-- format of its id.  No per-row version column is needed.
--
-- An old event whose entity_id is not an integer (edited by hand) stops the
-- migration (invalid input syntax for type bigint); `dualtrack audit
-- verify` on the old version names it.

ALTER TABLE audit
	ALTER COLUMN entity_id TYPE BIGINT USING CAST(entity_id AS BIGINT),
	ALTER COLUMN prev_hash TYPE BYTEA USING decode(prev_hash, 'hex'),
	ALTER COLUMN hash TYPE BYTEA USING decode(hash, 'hex');
INSERT INTO meta(key, value)
	SELECT 'audit_v2_from', CAST(coalesce(max(id), 0) + 1 AS TEXT) FROM audit
	ON CONFLICT (key) DO NOTHING;
