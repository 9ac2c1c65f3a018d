-- 012_account_profile.sql: what account management adds to an account.
--
-- A side table, one row per account that has any of it: the display name,
-- the optional e-mail and phone (for notifications), whether the password
-- must be changed at the next sign-in (after a reset or a new account with
-- an activation code, kept as the BLAKE2b hash of that one-time code with
-- its expiry), and whether a school's or enterprise's account is
-- its organisation's administrator (who manages its staff).  The accounts
-- of organisations made before this migration were each organisation's
-- only login: they become its administrators.  Made only if absent, so
-- that a test that rewinds the schema version can run this again.
CREATE TABLE IF NOT EXISTS account_profile (
	account_id           INTEGER PRIMARY KEY REFERENCES account(id),
	display_name         TEXT,
	email                TEXT,
	phone                TEXT,
	must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
	org_admin            INTEGER NOT NULL DEFAULT 0 CHECK (org_admin IN (0, 1)),
	activation_hash      TEXT,   -- BLAKE2b of a one-time activation code (hex)
	activation_expires   TEXT,
	created_by           TEXT
) STRICT;

INSERT OR IGNORE INTO account_profile(account_id, org_admin)
	SELECT id, 1 FROM account WHERE role IN ('school', 'enterprise');
