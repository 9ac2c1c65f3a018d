-- 023_audit_dictionary.sql: every audit payload packed with a dictionary
-- (audit format 5, see store/audit.c).
--
-- From here on an event's before and after go into the column packed
-- together, deflated with a preset dictionary of the payloads' keys and
-- common values (src/store/audit-dict-1.txt), when that is shorter; before
-- and after are then NULL.  The meta key audit_v5_from records the id of
-- the first event of format 5: the events before it keep their format and
-- verify as they were.  Nothing is rewritten.
-- (Run again on a database that has it, the migration keeps the first id.)
INSERT INTO meta(key, value)
	SELECT 'audit_v5_from', CAST(coalesce(max(id), 0) + 1 AS TEXT) FROM audit WHERE true
	ON CONFLICT (key) DO NOTHING;
