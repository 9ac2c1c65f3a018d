-- 014_notify.sql: notifications (消息通知, 待办), their delivery outbox and
-- each account's channels (store/notify.c, docs/NOTIFY.md).
--
-- A notification belongs to one account (its recipient) and says what
-- happened as a catalogue code with named arguments (args: a JSON object),
-- worded in the reader's language when shown; entity and entity_id link to
-- the thing it is about.  dedup, when set, makes a notification once per
-- account and key (a finding's deadline threshold, a day's sign-off digest).
-- It is made in the transaction of the write that causes it, together with
-- one outbox row per channel the recipient chose besides the inbox.
--
-- The outbox is drained by a delivery worker (engine/deliver.c): a row is
-- claimed with a lease (claimed_by, claimed_until: milliseconds since
-- 1970), sent, then marked sent_at; a failure sets last_error and the next
-- attempt after a growing delay (next_attempt_at, milliseconds).  A lease
-- that ran out (the server died) is claimed again.  idem_key goes out with
-- the message (e-mail Message-ID, webhook Idempotency-Key), so that a
-- receiver can drop a second copy.  The tables are made only if absent, so
-- that a test that rewinds the schema version can run this again.

CREATE TABLE IF NOT EXISTS notification (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	account_id  INTEGER NOT NULL REFERENCES account(id),
	kind        TEXT NOT NULL CHECK (kind IN ('contract_approval', 'record_signoff', 'alert',
	                                          'finding_due', 'account_created', 'case_reviewed')),
	code        TEXT NOT NULL,
	args        TEXT NOT NULL,
	entity      TEXT,
	entity_id   INTEGER,
	dedup       TEXT,
	created_at  TEXT NOT NULL,
	read_at     TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS notification_inbox ON notification(account_id, read_at, id);
CREATE UNIQUE INDEX IF NOT EXISTS notification_dedup ON notification(account_id, dedup);

CREATE TABLE IF NOT EXISTS notify_outbox (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	notification_id INTEGER NOT NULL REFERENCES notification(id),
	channel         TEXT NOT NULL CHECK (channel IN ('email', 'webhook')),
	address         TEXT,
	idem_key        TEXT NOT NULL UNIQUE,
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT,
	sent_at         TEXT,
	claimed_by      TEXT,
	claimed_until   INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS notify_outbox_due ON notify_outbox(sent_at, next_attempt_at);

-- The channels an account chose besides the inbox (always on), and where.
CREATE TABLE IF NOT EXISTS notify_pref (
	account_id  INTEGER PRIMARY KEY REFERENCES account(id),
	email       INTEGER NOT NULL DEFAULT 0 CHECK (email IN (0, 1)),
	webhook     INTEGER NOT NULL DEFAULT 0 CHECK (webhook IN (0, 1)),
	email_to    TEXT,
	phone       TEXT,
	updated_at  TEXT NOT NULL
) STRICT;
