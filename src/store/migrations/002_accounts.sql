-- 002_accounts.sql: users, their sessions and API tokens; audit events
-- carry the region of what they touched so that scoped readers can see them.

CREATE TABLE account (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	login         TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('admin', 'national', 'province', 'city',
	                                            'school', 'enterprise', 'trainee', 'inspector')),
	scope_region  INTEGER REFERENCES region(id),
	scope_org     INTEGER REFERENCES organization(id),
	scope_trainee INTEGER REFERENCES trainee(id),
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
) STRICT;

-- A browser session or an API token.  Only the BLAKE2b hash of the secret is
-- kept; the secret itself is shown once.
CREATE TABLE credential (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id INTEGER NOT NULL REFERENCES account(id),
	kind       TEXT NOT NULL CHECK (kind IN ('session', 'token')),
	token_hash TEXT NOT NULL UNIQUE,
	csrf       TEXT,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	revoked_at TEXT
) STRICT;
CREATE INDEX credential_account ON credential(account_id);

ALTER TABLE audit ADD COLUMN region INTEGER;
CREATE INDEX audit_region ON audit(region, id);
