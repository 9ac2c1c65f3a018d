-- 019_assessor_role.sql: the assessor role, an assessment body's staff
-- (docs/API.md, "Roles").  SQLite cannot change a CHECK constraint in
-- place, so the account table is made again with the same columns, rows
-- and ids.  The migration runs in one transaction with foreign keys on:
-- their checks wait for the commit, by when every account referred to is
-- back under its id.
PRAGMA defer_foreign_keys = ON;
CREATE TEMP TABLE account_019 AS SELECT * FROM account;
DROP TABLE account;
CREATE TABLE account (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	login         TEXT NOT NULL UNIQUE,
	role          TEXT NOT NULL CHECK (role IN ('admin', 'national', 'province', 'city',
	                                            'school', 'enterprise', 'trainee', 'inspector',
	                                            'assessor')),
	scope_region  INTEGER REFERENCES region(id),
	scope_org     INTEGER REFERENCES organization(id),
	scope_trainee INTEGER REFERENCES trainee(id),
	password_hash TEXT NOT NULL,
	disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	mentor_id     INTEGER
) STRICT;
INSERT INTO account(id, login, role, scope_region, scope_org, scope_trainee, password_hash,
                    disabled, created_at, updated_at, mentor_id)
	SELECT id, login, role, scope_region, scope_org, scope_trainee, password_hash, disabled,
	       created_at, updated_at, mentor_id FROM account_019;
DROP TABLE account_019;
