-- 016_portal.sql: the public portal (src/portal, docs/PORTAL.md): published
-- figures and the generation that tells the portal's page cache to render
-- again.
--
-- A publication is a frozen snapshot of one pilot city's figures for a year:
-- its indicators, targets and attainment, and the ranking of the pilot
-- cities with the weighted parts of each score, as the engine computed them
-- when it was published (engine/publish.c).  The portal shows the newest
-- one per region that is not withdrawn; older ones stay, as the record of
-- what was said.  Made and withdrawn by a province (for its cities) or the
-- nation, audited (publication.publish, publication.withdraw).
--
-- portal_state holds one row: a generation that grows with every change of
-- what the portal shows (a publication made or withdrawn, an inspection
-- result made public, training places offered).  The triggers below bump
-- it in the transaction of the write, whoever writes: the server, the CLI,
-- or another server on the same database.
CREATE TABLE IF NOT EXISTS publication (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	region       INTEGER NOT NULL REFERENCES region(id),
	year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	snapshot     TEXT NOT NULL,
	published_by TEXT NOT NULL,
	published_at TEXT NOT NULL,
	withdrawn_by TEXT,
	withdrawn_at TEXT,
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS publication_region ON publication(region, year, id);

CREATE TABLE IF NOT EXISTS portal_state (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	generation INTEGER NOT NULL
) STRICT;
INSERT OR IGNORE INTO portal_state(id, generation) VALUES (1, 1);

CREATE TRIGGER IF NOT EXISTS portal_pub_ins AFTER INSERT ON publication BEGIN
	UPDATE portal_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS portal_pub_upd AFTER UPDATE ON publication BEGIN
	UPDATE portal_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS portal_insp_upd AFTER UPDATE OF publishable, conclusion, visited_on
	ON inspection WHEN NEW.publishable = 1 OR OLD.publishable = 1 BEGIN
	UPDATE portal_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS portal_place_ins AFTER INSERT ON place BEGIN
	UPDATE portal_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS portal_place_upd AFTER UPDATE ON place BEGIN
	UPDATE portal_state SET generation = generation + 1 WHERE id = 1;
END;
CREATE TRIGGER IF NOT EXISTS portal_place_del AFTER DELETE ON place BEGIN
	UPDATE portal_state SET generation = generation + 1 WHERE id = 1;
END;
