-- 025_audit_tags.sql: most audit events store a 4-byte tag of their hash
-- (see store/audit.c).
--
-- From here on an event stores its whole 32-byte chain hash only when its
-- id is a multiple of 16; the others store the hash's first 4 bytes.  What
-- each hash is computed from does not change (format 5 and before): only
-- what is stored.  The meta key audit_tag_from records the id of the first
-- event under the rule; the events before it keep their whole hashes and
-- verify as they were.  Nothing is rewritten.
-- (Run again on a database that has it, the migration keeps the first id.)
INSERT INTO meta(key, value)
	SELECT 'audit_tag_from', CAST(coalesce(max(id), 0) + 1 AS TEXT) FROM audit WHERE true
	ON CONFLICT (key) DO NOTHING;
