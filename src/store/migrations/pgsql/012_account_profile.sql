-- 012_account_profile.sql (PostgreSQL; the same as ../012_account_profile.sql):
-- display name, e-mail, phone, the must-change-password flag and the
-- organisation-administrator flag of an account, in a side table.
CREATE TABLE IF NOT EXISTS account_profile (
	account_id           BIGINT PRIMARY KEY REFERENCES account(id),
	display_name         TEXT,
	email                TEXT,
	phone                TEXT,
	must_change_password BIGINT NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
	org_admin            BIGINT NOT NULL DEFAULT 0 CHECK (org_admin IN (0, 1)),
	activation_hash      TEXT,   -- BLAKE2b of a one-time activation code (hex)
	activation_expires   TEXT,
	created_by           TEXT
);

INSERT INTO account_profile(account_id, org_admin)
	SELECT id, 1 FROM account WHERE role IN ('school', 'enterprise')
	ON CONFLICT DO NOTHING;
