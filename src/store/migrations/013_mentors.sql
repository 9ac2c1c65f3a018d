-- 013_mentors.sql: mentors (双导师) as people.
--
-- The register of mentors: a person of an enterprise (kind company) or of a
-- school (kind school), with qualification, skill level and contact.  A
-- contract names its two mentors from the register (the old text columns
-- stay, filled with the names, so that old rows and the CSV import keep
-- working); a record-book entry keeps who signed it off: the mentor, the
-- account, and whether the account signed as a delegate of the
-- organisation; an account may be a mentor's own.
--
-- The new columns carry no REFERENCES clause (the store checks the
-- references, crud.c), so that a test that rewinds the schema version can
-- drop them again and let this migration run once more.

CREATE TABLE IF NOT EXISTS mentor (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	name            TEXT NOT NULL,
	organization_id INTEGER NOT NULL REFERENCES organization(id),
	kind            TEXT NOT NULL CHECK (kind IN ('company', 'school')),
	qualification   TEXT,
	skill_level     INTEGER CHECK (skill_level BETWEEN 1 AND 5),
	phone           TEXT,
	email           TEXT,
	region          INTEGER NOT NULL REFERENCES region(id),
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS mentor_org ON mentor(organization_id, kind);
CREATE INDEX IF NOT EXISTS mentor_region ON mentor(region);

ALTER TABLE contract ADD COLUMN company_mentor_id INTEGER;
ALTER TABLE contract ADD COLUMN school_mentor_id INTEGER;
CREATE INDEX contract_company_mentor ON contract(company_mentor_id);
CREATE INDEX contract_school_mentor ON contract(school_mentor_id);

ALTER TABLE record_entry ADD COLUMN signed_mentor_id INTEGER;
ALTER TABLE record_entry ADD COLUMN signed_account_id INTEGER;
ALTER TABLE record_entry ADD COLUMN signed_delegate INTEGER CHECK (signed_delegate IN (0, 1));

ALTER TABLE account ADD COLUMN mentor_id INTEGER;
