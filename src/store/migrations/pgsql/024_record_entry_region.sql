-- 024_record_entry_region.sql: record_entry loses its index on region (see
-- the SQLite migration of the same number).
DROP INDEX IF EXISTS record_entry_region;
