-- 017_portal_publicity.sql: the portal shows published good-practice cases,
-- news, notices and policy documents (docs/PORTAL.md, docs/PUBLICITY.md).
-- What the portal shows of them changes when one is published, withdrawn
-- from published, featured or unfeatured: these triggers bump
-- portal_state.generation (migration 016) in the transaction of that write,
-- whoever writes.  It is the one counter of what is public: the meta key
-- 'publicity.generation' of migration 015 is no longer kept.
CREATE TRIGGER IF NOT EXISTS portal_case_upd AFTER UPDATE OF status, featured ON pub_case
	WHEN NEW.status = 'published' OR OLD.status = 'published' BEGIN
	UPDATE portal_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS portal_item_upd AFTER UPDATE OF status ON pub_item
	WHEN NEW.status = 'published' OR OLD.status = 'published' BEGIN
	UPDATE portal_state SET generation = generation + 1 WHERE id = 1;
END;
DELETE FROM meta WHERE key = 'publicity.generation';
