-- 022_audit_indexes.sql: audit_entity leaves out the batch events, which
-- have no entity_id and are never looked up by one (see the SQLite
-- migration of the same number).  audit_region stays (region, id): a
-- PostgreSQL index has no rowid after its columns.
DROP INDEX IF EXISTS audit_entity;
CREATE INDEX audit_entity ON audit(entity, entity_id) WHERE entity_id IS NOT NULL;
