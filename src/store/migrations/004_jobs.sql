-- 004_jobs.sql: background jobs (imports) with their progress, counts and
-- error report.  A job row is written when the job is queued, when it starts
-- and when it ends; progress in between lives in the server's memory (the
-- import itself holds the write lock).  At start-up a server marks the jobs
-- a previous process left queued or running as failed, so that none stays
-- "running" forever.
--
-- IF NOT EXISTS: the migration may run again on a database made while the
-- migrations before it were being renumbered.

CREATE TABLE IF NOT EXISTS job (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	kind        TEXT NOT NULL CHECK (kind IN ('import')),
	entity      TEXT NOT NULL,                 -- what it imports: "trainee"
	owner       TEXT NOT NULL,                 -- the login that started it
	status      TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
	params      TEXT NOT NULL,                 -- JSON: {"partial", "encoding", "bytes", "file"}
	done        INTEGER NOT NULL DEFAULT 0,
	total       INTEGER NOT NULL DEFAULT 0,
	counts      TEXT,                          -- JSON: the import summary
	error       TEXT,                          -- why it failed
	report      TEXT,                          -- the error report (CSV)
	created_at  TEXT NOT NULL,
	started_at  TEXT,
	finished_at TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS job_owner ON job(owner, id);
CREATE INDEX IF NOT EXISTS job_status ON job(status);
