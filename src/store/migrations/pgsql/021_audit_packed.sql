-- 021_audit_packed.sql: a batch event's packed payload as bytes (audit
-- format 4, see store/audit.c and the SQLite migration of the same number).
ALTER TABLE audit ADD COLUMN IF NOT EXISTS packed BYTEA;
