-- pgsql/017_portal_publicity.sql: the portal shows published cases, news,
-- notices and policy documents; see ../017_portal_publicity.sql.  The bump
-- goes through portal_bump() (migration 016), which also notifies
-- "dualtrack_portal" at commit; the triggers are per row, with the WHEN of
-- the SQLite ones (a statement-level trigger cannot see the status).
DROP TRIGGER IF EXISTS portal_case ON pub_case;
CREATE TRIGGER portal_case AFTER UPDATE OF status, featured ON pub_case
	FOR EACH ROW WHEN (NEW.status = 'published' OR OLD.status = 'published')
	EXECUTE FUNCTION portal_bump();
DROP TRIGGER IF EXISTS portal_item ON pub_item;
CREATE TRIGGER portal_item AFTER UPDATE OF status ON pub_item
	FOR EACH ROW WHEN (NEW.status = 'published' OR OLD.status = 'published')
	EXECUTE FUNCTION portal_bump();
DELETE FROM meta WHERE key = 'publicity.generation';
