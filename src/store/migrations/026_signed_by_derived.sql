-- 026_signed_by_derived.sql: record_entry stores the signer's name only
-- where it cannot be derived.
--
-- A sign-off by a mentor keeps the mentor in signed_mentor_id, and one by
-- a delegate the account in signed_account_id; the name in signed_by
-- (8 bytes an entry on average, 6.5 MiB of 20,000 generated trainees) is
-- then the mentor's name or the account's login.  From now on signed_by is
-- NULL where it is that, and the store reads
--   COALESCE(signed_by, (SELECT name FROM mentor WHERE id = signed_mentor_id),
--            (SELECT login FROM account WHERE id = signed_account_id))
-- (store/crud.c, dt_crud_field_sql); before a mentor is renamed, its old
-- name is written back into the entries that derive it (store/signoff.c,
-- dt_signoff_freeze_names), so that no entry ever shows another name than
-- it was signed with.  Logins never change.  A name that differs from the
-- mentor's current one (a rename before this migration) or a command-line
-- signer ("cli:...", no account) stays stored.  No value any reader sees
-- changes: no audit event; the aggregates' triggers watch other columns.
-- The space freed in the table's pages is used by rows written later.
UPDATE record_entry SET signed_by = NULL
WHERE signed_by IS NOT NULL
  AND ((signed_mentor_id IS NOT NULL
        AND signed_by = (SELECT name FROM mentor WHERE mentor.id = record_entry.signed_mentor_id))
    OR (signed_mentor_id IS NULL AND signed_account_id IS NOT NULL
        AND signed_by = (SELECT login FROM account WHERE account.id = record_entry.signed_account_id)));
