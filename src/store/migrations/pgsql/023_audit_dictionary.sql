-- 023_audit_dictionary.sql: every audit payload packed with a dictionary
-- (audit format 5, see store/audit.c and the SQLite migration of the same
-- number).
INSERT INTO meta(key, value)
	SELECT 'audit_v5_from', CAST(coalesce(max(id), 0) + 1 AS TEXT) FROM audit
	ON CONFLICT (key) DO NOTHING;
