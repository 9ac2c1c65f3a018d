-- 015_publicity.sql: promotion and publicity (issue 15): good-practice
-- cases (典型经验) with every version of their content and the reviewers'
-- comments, news, notices and policy documents, and the Chinese full-text
-- search over them.  The rules are domain/publicity.c, the store
-- store/publicity.c.
--
-- pub_case holds a case's current content and state: region and org_id
-- say whose it is (org_id NULL: a city's own case); status moves draft ->
-- submitted -> recommended -> approved -> published, or back to draft
-- (send-back, edit after withdrawal), or to withdrawn; featured is the
-- nation's mark on a published case.  occupations, indicators and images
-- are JSON arrays (occupation codes, indicator codes, {hash, name} files of
-- the attachment store); frozen is what the indicators read when the case
-- was published ({year, region, indicators: [{code, value, unit}]}), kept
-- as it was.  pub_case_version keeps every version of the content (version
-- 1 is the first); pub_case_comment every comment and step with its text.
--
-- pub_item is a news item (工作动态), notice (通知公告) or policy document
-- (政策文件, with doc_no, its 文号, and files), of a region, draft ->
-- published -> withdrawn.
--
-- pub_fts is the search index, kept by triggers in the writing
-- transaction: FTS5 with the trigram tokenizer (Chinese needs no word
-- breaking; queries under three characters fall back to LIKE in the
-- store).  rowid = 2 * id for a case, 2 * id + 1 for an item.
--
-- attachment_link is rebuilt to let cases and items own files (owner kinds
-- 'case' and 'pub_item').
--
-- The meta key 'publicity.generation' counts publishing changes (the
-- portal's cache asks it whether anything public changed).

CREATE TABLE attachment_link_015 (
	owner_kind TEXT NOT NULL CHECK (owner_kind IN ('upload', 'inspection', 'finding', 'rectification',
						       'case', 'pub_item')),
	owner_id   INTEGER NOT NULL,
	hash       BLOB NOT NULL REFERENCES attachment(hash),
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (owner_kind, owner_id, hash)
) STRICT;
INSERT INTO attachment_link_015 SELECT owner_kind, owner_id, hash, name, created_at FROM attachment_link;
DROP TABLE attachment_link;
ALTER TABLE attachment_link_015 RENAME TO attachment_link;
CREATE INDEX attachment_link_hash ON attachment_link(hash);

CREATE TABLE pub_case (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	region       INTEGER NOT NULL REFERENCES region(id),
	org_id       INTEGER REFERENCES organization(id),
	status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'recommended',
								     'approved', 'published', 'withdrawn')),
	featured     INTEGER NOT NULL DEFAULT 0 CHECK (featured IN (0, 1)),
	version      INTEGER NOT NULL DEFAULT 1,
	title        TEXT NOT NULL,
	summary      TEXT NOT NULL,
	body         TEXT NOT NULL,
	occupations  TEXT NOT NULL DEFAULT '[]',
	industry     TEXT,
	indicators   TEXT NOT NULL DEFAULT '[]',
	images       TEXT NOT NULL DEFAULT '[]',
	frozen       TEXT,
	created_by   INTEGER REFERENCES account(id),
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	published_at TEXT
) STRICT;
CREATE INDEX pub_case_region ON pub_case(region, status);
CREATE INDEX pub_case_org ON pub_case(org_id);
CREATE INDEX pub_case_published ON pub_case(status, featured, published_at);

CREATE TABLE pub_case_version (
	case_id     INTEGER NOT NULL REFERENCES pub_case(id),
	version     INTEGER NOT NULL,
	title       TEXT NOT NULL,
	summary     TEXT NOT NULL,
	body        TEXT NOT NULL,
	occupations TEXT NOT NULL,
	industry    TEXT,
	indicators  TEXT NOT NULL,
	images      TEXT NOT NULL,
	author      TEXT NOT NULL,          -- the login that wrote it
	created_at  TEXT NOT NULL,
	PRIMARY KEY (case_id, version)
) STRICT;

CREATE TABLE pub_case_comment (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	case_id    INTEGER NOT NULL REFERENCES pub_case(id),
	version    INTEGER NOT NULL,
	step       TEXT NOT NULL,           -- comment, submit, recommend, send_back, ...
	body       TEXT,
	author     TEXT NOT NULL,
	role       TEXT NOT NULL,
	created_at TEXT NOT NULL
) STRICT;
CREATE INDEX pub_case_comment_case ON pub_case_comment(case_id, id);

CREATE TABLE pub_item (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	kind         TEXT NOT NULL CHECK (kind IN ('news', 'notice', 'policy')),
	region       INTEGER REFERENCES region(id),   -- NULL: the nation's
	status       TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'withdrawn')),
	title        TEXT NOT NULL,
	summary      TEXT,
	body         TEXT NOT NULL,
	doc_no       TEXT,                  -- a policy document's 文号
	attachments  TEXT NOT NULL DEFAULT '[]',
	created_by   INTEGER REFERENCES account(id),
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL,
	published_at TEXT
) STRICT;
CREATE INDEX pub_item_list ON pub_item(kind, status, published_at);
CREATE INDEX pub_item_region ON pub_item(region, status);

CREATE VIRTUAL TABLE pub_fts USING fts5(title, body, tokenize = 'trigram');

CREATE TRIGGER pub_case_fts_ins AFTER INSERT ON pub_case BEGIN
	INSERT INTO pub_fts(rowid, title, body) VALUES (2 * new.id, new.title, new.summary || ' ' || new.body);
END;
CREATE TRIGGER pub_case_fts_upd AFTER UPDATE OF title, summary, body ON pub_case BEGIN
	DELETE FROM pub_fts WHERE rowid = 2 * old.id;
	INSERT INTO pub_fts(rowid, title, body) VALUES (2 * new.id, new.title, new.summary || ' ' || new.body);
END;
CREATE TRIGGER pub_case_fts_del AFTER DELETE ON pub_case BEGIN
	DELETE FROM pub_fts WHERE rowid = 2 * old.id;
END;
CREATE TRIGGER pub_item_fts_ins AFTER INSERT ON pub_item BEGIN
	INSERT INTO pub_fts(rowid, title, body)
	VALUES (2 * new.id + 1, new.title, coalesce(new.summary, '') || ' ' || coalesce(new.doc_no, '') || ' ' || new.body);
END;
CREATE TRIGGER pub_item_fts_upd AFTER UPDATE OF title, summary, body, doc_no ON pub_item BEGIN
	DELETE FROM pub_fts WHERE rowid = 2 * old.id + 1;
	INSERT INTO pub_fts(rowid, title, body)
	VALUES (2 * new.id + 1, new.title, coalesce(new.summary, '') || ' ' || coalesce(new.doc_no, '') || ' ' || new.body);
END;
CREATE TRIGGER pub_item_fts_del AFTER DELETE ON pub_item BEGIN
	DELETE FROM pub_fts WHERE rowid = 2 * old.id + 1;
END;
