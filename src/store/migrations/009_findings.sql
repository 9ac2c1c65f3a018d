-- 009_findings.sql: conducting an inspection, findings, rectification and
-- evidence files (issue 14; the rules are domain/finding.c and
-- domain/attachment.c, the store store/finding.c).
--
-- inspection_check holds an inspection's checklist results, one row per
-- item of its plan's checklist (plan_check.code).  A finding belongs to an
-- inspection and to the responsible organisation (org_id: the
-- inspection's, or one the inspector names for a pilot task); region is the
-- inspection's city, so that scoped readers see it as they see the
-- inspection.  status moves open -> rectifying -> submitted -> closed, or
-- submitted -> rectifying when a rectification is rejected (then deadline
-- is the new one).  Overdue and the red/yellow/green colour are derived
-- from deadline and today, never stored.
--
-- A rectification is what the organisation submitted (body, evidence) and
-- the inspector's decision on it; submitted_by and decided_by are accounts.
--
-- Evidence files live in the database, so that several servers on one
-- PostgreSQL see them: attachment holds each file once, by its BLAKE2b-256
-- hash (32 bytes), with the MIME type its content was sniffed as;
-- attachment_link says who may see it: an owner (an inspection, finding or
-- rectification) or, for an upload not yet attached, the account that
-- uploaded it (owner_kind 'upload', owner_id the account).

CREATE TABLE inspection_check (
	inspection_id INTEGER NOT NULL REFERENCES inspection(id),
	code          TEXT NOT NULL,
	result        TEXT NOT NULL CHECK (result IN ('pass', 'fail', 'na')),
	remark        TEXT,
	updated_at    TEXT NOT NULL,
	PRIMARY KEY (inspection_id, code)
) STRICT;

CREATE TABLE finding (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	inspection_id INTEGER NOT NULL REFERENCES inspection(id),
	severity      TEXT NOT NULL CHECK (severity IN ('general', 'serious', 'grave')), -- 一般 较重 严重
	org_id        INTEGER NOT NULL REFERENCES organization(id),
	region        INTEGER NOT NULL REFERENCES region(id),
	check_code    TEXT,                 -- the checklist item it concerns, if any
	description   TEXT NOT NULL,
	deadline      TEXT NOT NULL,        -- YYYY-MM-DD
	status        TEXT NOT NULL DEFAULT 'open'
		CHECK (status IN ('open', 'rectifying', 'submitted', 'closed')),
	closed_at     TEXT,
	created_by    INTEGER REFERENCES account(id),
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
) STRICT;
CREATE INDEX finding_inspection ON finding(inspection_id);
CREATE INDEX finding_org ON finding(org_id, status);
CREATE INDEX finding_region ON finding(region, status, deadline);
CREATE INDEX finding_due ON finding(status, deadline);   -- the alert rules (store/monitor.c)

CREATE TABLE rectification (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	finding_id   INTEGER NOT NULL REFERENCES finding(id),
	body         TEXT NOT NULL,
	submitted_by INTEGER REFERENCES account(id),
	submitted_at TEXT NOT NULL,
	decision     TEXT CHECK (decision IN ('accepted', 'rejected')),
	reason       TEXT,
	new_deadline TEXT,
	decided_by   INTEGER REFERENCES account(id),
	decided_at   TEXT
) STRICT;
CREATE INDEX rectification_finding ON rectification(finding_id);

CREATE TABLE attachment (
	hash       BLOB PRIMARY KEY CHECK (length(hash) = 32),
	mime       TEXT NOT NULL
		CHECK (mime IN ('image/jpeg', 'image/png', 'image/webp', 'application/pdf')),
	size       INTEGER NOT NULL CHECK (size > 0),
	content    BLOB NOT NULL,
	created_at TEXT NOT NULL
) STRICT;

CREATE TABLE attachment_link (
	owner_kind TEXT NOT NULL CHECK (owner_kind IN ('upload', 'inspection', 'finding', 'rectification')),
	owner_id   INTEGER NOT NULL,
	hash       BLOB NOT NULL REFERENCES attachment(hash),
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	PRIMARY KEY (owner_kind, owner_id, hash)
) STRICT;
CREATE INDEX attachment_link_hash ON attachment_link(hash);
