-- 008_supervision.sql: inspection plans and the verifiable draw (双随机).
--
-- A plan (inspection_plan) belongs to a province or a city (region) and
-- moves draft -> committed -> drawn -> in_progress -> closed
-- (domain/inspection.c).  At commit the store freezes the draw's inputs:
-- the candidates with their integer risk weights and reasons
-- (plan_candidate), the inspector pool with each inspector's organisation
-- and city (plan_inspector, whose rows exist from the draft on), and records
-- inputs_hash over them and seed_hash = BLAKE2b-256 of a random 32-byte
-- seed.  Until reveal the seed is kept only sealed (seed_sealed: secretbox
-- under the key file's encryption key, so a reader of the database alone
-- cannot predict the draw); reveal copies it into seed in clear.  The draw
-- writes one inspection row per drawn object; docs/SUPERVISION.md gives the
-- algorithm so that anyone can re-run it from the published inputs.
--
-- Hashes and seeds are 32-byte blobs.  object_kinds is a comma-separated
-- list in the fixed order enterprise,school,contract,pilot_task; weights a
-- JSON object of integer points (see docs/SUPERVISION.md).  created_by is the
-- login of the caller (as job.owner).

CREATE TABLE inspection_plan (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	region       INTEGER NOT NULL REFERENCES region(id),   -- a province or a city
	year         INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	title        TEXT NOT NULL,
	object_kinds TEXT NOT NULL,
	sample_kind  TEXT NOT NULL CHECK (sample_kind IN ('count', 'rate')),
	sample_value REAL NOT NULL CHECK (sample_value > 0),   -- per city: a count, or a rate in (0, 1]
	cross_city   INTEGER NOT NULL DEFAULT 0 CHECK (cross_city IN (0, 1)),
	weights      TEXT NOT NULL,
	status       TEXT NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'committed', 'drawn', 'in_progress', 'closed')),
	seed_hash    BLOB,                -- BLAKE2b-256(seed), from commit on
	seed         BLOB,                -- the seed in clear: NULL until revealed
	seed_sealed  BLOB,                -- secretbox(seed) under the key file, commit to reveal
	inputs_hash  BLOB,                -- over the frozen candidates and pool
	result_hash  BLOB,                -- over the drawn objects and pairs
	committed_at TEXT,
	drawn_at     TEXT,
	revealed_at  TEXT,
	closed_at    TEXT,
	created_by   TEXT NOT NULL,
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX inspection_plan_region ON inspection_plan(region, year);

-- The plan's checklist, copied from the default list (domain/inspection.c)
-- when the plan is made; an item's basis names the law or pilot-plan clause.
CREATE TABLE plan_check (
	plan_id INTEGER NOT NULL REFERENCES inspection_plan(id),
	pos     INTEGER NOT NULL CHECK (pos >= 1),
	code    TEXT NOT NULL,
	text_zh TEXT NOT NULL,
	text_en TEXT NOT NULL,
	basis   TEXT NOT NULL,
	PRIMARY KEY (plan_id, pos),
	UNIQUE (plan_id, code)
) STRICT;

-- The inspector pool: inspector accounts.  org_id and city are the
-- account's organisation and city, frozen at commit (the conflict rules of
-- the draw read them from here, never from the account).
CREATE TABLE plan_inspector (
	plan_id    INTEGER NOT NULL REFERENCES inspection_plan(id),
	account_id INTEGER NOT NULL REFERENCES account(id),
	org_id     INTEGER,
	city       INTEGER,
	PRIMARY KEY (plan_id, account_id)
) STRICT;

-- The frozen candidates of the draw.  org_id is the responsible
-- organisation (an enterprise or school itself; a contract's enterprise;
-- NULL for a pilot task), org2_id a second party an inspector must not
-- belong to (a contract's school).  weight is an integer >= 1, reasons a
-- JSON array of what made it ([{"code": "alert.open", "n": 2, "points": 4}]).
CREATE TABLE plan_candidate (
	plan_id     INTEGER NOT NULL REFERENCES inspection_plan(id),
	object_kind TEXT NOT NULL CHECK (object_kind IN ('enterprise', 'school', 'contract', 'pilot_task')),
	object_id   INTEGER NOT NULL,
	city        INTEGER NOT NULL,
	org_id      INTEGER,
	org2_id     INTEGER,
	weight      INTEGER NOT NULL CHECK (weight >= 1),
	reasons     TEXT NOT NULL,
	PRIMARY KEY (plan_id, object_kind, object_id)
) STRICT;
CREATE INDEX plan_candidate_city ON plan_candidate(plan_id, city);

-- One row per drawn object, written by the draw.  region = city, so that
-- the store's scope filters apply as to every other record.
CREATE TABLE inspection (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	plan_id     INTEGER NOT NULL REFERENCES inspection_plan(id),
	object_kind TEXT NOT NULL CHECK (object_kind IN ('enterprise', 'school', 'contract', 'pilot_task')),
	object_id   INTEGER NOT NULL,
	city        INTEGER NOT NULL REFERENCES region(id),
	org_id      INTEGER REFERENCES organization(id),       -- responsible organisation; NULL for a pilot task
	inspector_a INTEGER REFERENCES account(id),
	inspector_b INTEGER REFERENCES account(id),
	draw_pos    INTEGER NOT NULL CHECK (draw_pos >= 1),
	status      TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done')),
	visited_on  TEXT,
	conclusion  TEXT,
	publishable INTEGER NOT NULL DEFAULT 0 CHECK (publishable IN (0, 1)),
	region      INTEGER NOT NULL REFERENCES region(id),
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	UNIQUE (plan_id, draw_pos),
	UNIQUE (plan_id, object_kind, object_id)
) STRICT;
CREATE INDEX inspection_region ON inspection(region, status);
CREATE INDEX inspection_inspector_a ON inspection(inspector_a);
CREATE INDEX inspection_inspector_b ON inspection(inspector_b);
CREATE INDEX inspection_object ON inspection(object_kind, object_id);
