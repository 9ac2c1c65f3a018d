-- 025_audit_tags.sql: most audit events store a 4-byte tag of their hash
-- (see store/audit.c and the SQLite migration of the same number).
INSERT INTO meta(key, value)
	SELECT 'audit_tag_from', CAST(coalesce(max(id), 0) + 1 AS TEXT) FROM audit
	ON CONFLICT (key) DO NOTHING;
