-- 001_init.sql: the registry of the dual training pilot.
--
-- Every table is STRICT; every object has an integer id, never reused
-- (AUTOINCREMENT: an audit trail or an old link never points at a newer
-- record), and the region code that scopes it (NULL for national reference
-- data).  Personal identity
-- numbers are never stored in clear: trainee.national_id holds the masked
-- form, national_id_enc the secretbox ciphertext and national_id_blind the
-- keyed blind index used for uniqueness and look-up.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

CREATE TABLE region (
	id         INTEGER PRIMARY KEY,         -- the GB/T 2260 code itself
	name_zh    TEXT NOT NULL,
	name_en    TEXT,
	level      INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
	parent     INTEGER,
	latitude   REAL,
	longitude  REAL,
	region     INTEGER,                     -- = id, so that scope filters apply alike
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
) STRICT;
CREATE INDEX region_parent ON region(parent);

CREATE TABLE occupation (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	code       TEXT NOT NULL UNIQUE,
	name_zh    TEXT NOT NULL,
	name_en    TEXT,
	industry   TEXT,
	levels     TEXT NOT NULL,               -- skill levels offered, e.g. "5 4 3 2 1"
	region     INTEGER,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE pilot (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	region            INTEGER NOT NULL UNIQUE REFERENCES region(id),
	name              TEXT NOT NULL,
	period_start      TEXT NOT NULL,
	period_end        TEXT NOT NULL,
	goals             TEXT,
	positioning       TEXT,
	responsible_units TEXT,
	created_at        TEXT NOT NULL,
	updated_at        TEXT NOT NULL
) STRICT;

CREATE TABLE organization (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	kind          TEXT NOT NULL CHECK (kind IN ('enterprise', 'school', 'government', 'assessment_body')),
	uscc          TEXT NOT NULL UNIQUE,
	name          TEXT NOT NULL,
	name_en       TEXT,
	region        INTEGER NOT NULL REFERENCES region(id),
	industry      TEXT,
	size          TEXT CHECK (size IN ('micro', 'small', 'medium', 'large')),
	address       TEXT,
	contact_name  TEXT,
	contact_phone TEXT,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX organization_region ON organization(region, kind);

CREATE TABLE programme (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	code            TEXT NOT NULL UNIQUE,
	name            TEXT NOT NULL,
	school_id       INTEGER NOT NULL REFERENCES organization(id),
	occupation_id   INTEGER NOT NULL REFERENCES occupation(id),
	level           INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
	duration_months INTEGER NOT NULL CHECK (duration_months BETWEEN 1 AND 72),
	company_hours   INTEGER NOT NULL CHECK (company_hours >= 0),
	school_hours    INTEGER NOT NULL CHECK (school_hours >= 0),
	region          INTEGER NOT NULL REFERENCES region(id),
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX programme_school ON programme(school_id);
CREATE INDEX programme_region ON programme(region);

CREATE TABLE partnership (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	enterprise_id   INTEGER NOT NULL REFERENCES organization(id),
	school_id       INTEGER NOT NULL REFERENCES organization(id),
	places_per_year INTEGER NOT NULL CHECK (places_per_year >= 0),
	start_date      TEXT NOT NULL,
	end_date        TEXT,
	region          INTEGER NOT NULL REFERENCES region(id),
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL,
	UNIQUE (enterprise_id, school_id, start_date)
) STRICT;
CREATE INDEX partnership_school ON partnership(school_id);
CREATE INDEX partnership_region ON partnership(region);

CREATE TABLE demand (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	enterprise_id INTEGER NOT NULL REFERENCES organization(id),
	occupation_id INTEGER NOT NULL REFERENCES occupation(id),
	level         INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
	year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	count         INTEGER NOT NULL CHECK (count > 0),
	region        INTEGER NOT NULL REFERENCES region(id),
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	UNIQUE (enterprise_id, occupation_id, level, year)
) STRICT;
CREATE INDEX demand_region ON demand(region, year);
CREATE INDEX demand_occupation ON demand(occupation_id);

CREATE TABLE place (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	enterprise_id INTEGER NOT NULL REFERENCES organization(id),
	programme_id  INTEGER NOT NULL REFERENCES programme(id),
	year          INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
	capacity      INTEGER NOT NULL CHECK (capacity > 0),
	region        INTEGER NOT NULL REFERENCES region(id),
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	UNIQUE (enterprise_id, programme_id, year)
) STRICT;
CREATE INDEX place_region ON place(region, year);
CREATE INDEX place_programme ON place(programme_id);

CREATE TABLE trainee (
	id                INTEGER PRIMARY KEY AUTOINCREMENT,
	national_id       TEXT NOT NULL,            -- masked: 2101**********123X
	national_id_enc   BLOB NOT NULL,            -- secretbox(nonce || mac || id)
	national_id_blind BLOB NOT NULL UNIQUE,     -- keyed BLAKE2b of the normalised id
	name              TEXT NOT NULL,
	gender            TEXT NOT NULL CHECK (gender IN ('M', 'F')),
	birth_date        TEXT NOT NULL,
	region            INTEGER NOT NULL REFERENCES region(id),
	phone             TEXT,
	email             TEXT,
	guardian_name     TEXT,
	registered_by     INTEGER REFERENCES organization(id), -- the school or enterprise that registered it
	created_at        TEXT NOT NULL,
	updated_at        TEXT NOT NULL
) STRICT;
CREATE INDEX trainee_region ON trainee(region);

CREATE TABLE contract (
	id                       INTEGER PRIMARY KEY AUTOINCREMENT,
	trainee_id               INTEGER NOT NULL REFERENCES trainee(id),
	enterprise_id            INTEGER NOT NULL REFERENCES organization(id),
	school_id                INTEGER NOT NULL REFERENCES organization(id),
	programme_id             INTEGER NOT NULL REFERENCES programme(id),
	company_mentor           TEXT NOT NULL,
	school_mentor            TEXT NOT NULL,
	stipend_monthly          INTEGER NOT NULL CHECK (stipend_monthly >= 0),
	start_date               TEXT NOT NULL,
	end_date                 TEXT NOT NULL,
	probation_months         INTEGER NOT NULL DEFAULT 3 CHECK (probation_months BETWEEN 0 AND 6),
	planned_company_hours    INTEGER NOT NULL CHECK (planned_company_hours >= 0),
	planned_school_hours     INTEGER NOT NULL CHECK (planned_school_hours >= 0),
	status                   TEXT NOT NULL DEFAULT 'draft'
		CHECK (status IN ('draft', 'pending', 'active', 'completed', 'dissolved', 'transferred')),
	submitted_at             TEXT,
	approved_enterprise_at   TEXT,
	approved_school_at       TEXT,
	approved_trainee_at      TEXT,
	activated_at             TEXT,
	ended_on                 TEXT,             -- date of completion, dissolution or transfer
	dissolution_reason       TEXT,
	dissolved_in_probation   INTEGER CHECK (dissolved_in_probation IN (0, 1)),
	predecessor_id           INTEGER REFERENCES contract(id),
	region                   INTEGER NOT NULL REFERENCES region(id),
	created_at               TEXT NOT NULL,
	updated_at               TEXT NOT NULL
) STRICT;
CREATE INDEX contract_trainee ON contract(trainee_id);
CREATE INDEX contract_enterprise ON contract(enterprise_id, status);
CREATE INDEX contract_school ON contract(school_id, status);
CREATE INDEX contract_region ON contract(region, status);
CREATE INDEX contract_programme ON contract(programme_id);

CREATE TABLE record_entry (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	contract_id INTEGER NOT NULL REFERENCES contract(id),
	date        TEXT NOT NULL,
	site        TEXT NOT NULL CHECK (site IN ('company', 'school')),
	hours       REAL NOT NULL CHECK (hours > 0 AND hours <= 24),
	content     TEXT NOT NULL,
	signed_by   TEXT,
	signed_at   TEXT,
	region      INTEGER NOT NULL REFERENCES region(id),
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX record_entry_contract ON record_entry(contract_id, date);
CREATE INDEX record_entry_region ON record_entry(region);

CREATE TABLE assessment (
	id             INTEGER PRIMARY KEY AUTOINCREMENT,
	contract_id    INTEGER NOT NULL REFERENCES contract(id),
	kind           TEXT NOT NULL CHECK (kind IN ('intermediate', 'final', 'skill_level')),
	date           TEXT NOT NULL,
	result         TEXT NOT NULL CHECK (result IN ('pass', 'fail')),
	score          REAL CHECK (score BETWEEN 0 AND 100),
	level          INTEGER CHECK (level BETWEEN 1 AND 5),
	certificate_no TEXT,
	attempt        INTEGER NOT NULL CHECK (attempt >= 1),
	assessor_id    INTEGER REFERENCES organization(id),
	region         INTEGER NOT NULL REFERENCES region(id),
	created_at     TEXT NOT NULL,
	updated_at     TEXT NOT NULL
) STRICT;
CREATE INDEX assessment_contract ON assessment(contract_id, kind);
CREATE INDEX assessment_region ON assessment(region);

CREATE TABLE outcome (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	contract_id  INTEGER NOT NULL UNIQUE REFERENCES contract(id),
	kind         TEXT NOT NULL CHECK (kind IN ('retained', 'employed_elsewhere', 'further_study', 'not_employed')),
	date         TEXT NOT NULL,
	wage_monthly INTEGER CHECK (wage_monthly >= 0),
	employer_id  INTEGER REFERENCES organization(id),
	region       INTEGER NOT NULL REFERENCES region(id),
	created_at   TEXT NOT NULL,
	updated_at   TEXT NOT NULL
) STRICT;
CREATE INDEX outcome_region ON outcome(region);

-- The audit log: a hash chain.  hash = BLAKE2b-256 over the event's
-- canonical content and prev_hash (see store/audit.c); ids are consecutive.
CREATE TABLE audit (
	id         INTEGER PRIMARY KEY,
	ts         TEXT NOT NULL,
	actor      TEXT NOT NULL,
	request_id TEXT,
	action     TEXT NOT NULL,
	entity     TEXT NOT NULL,
	entity_id  TEXT,
	before     TEXT,
	after      TEXT,
	prev_hash  TEXT NOT NULL,
	hash       TEXT NOT NULL
) STRICT;
CREATE INDEX audit_entity ON audit(entity, entity_id);
