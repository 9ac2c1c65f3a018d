-- 022_audit_indexes.sql: the audit table's two indexes made smaller.
--
-- audit_region was (region, id); a SQLite index ends with the rowid, which
-- is id, so (region) alone is ordered the same and stores id once instead
-- of twice.  audit_entity finds a record's events (entity, entity_id); a
-- batch event (the gathered creates, a bulk sign-off) has no entity_id and
-- is never looked up by one, so the index leaves those out (a fifth of the
-- events of a generated pilot).  The one reader of batch events, the
-- records check (store/coverage.c), reads them in id order all the same.
DROP INDEX IF EXISTS audit_region;
CREATE INDEX audit_region ON audit(region);
DROP INDEX IF EXISTS audit_entity;
CREATE INDEX audit_entity ON audit(entity, entity_id) WHERE entity_id IS NOT NULL;
