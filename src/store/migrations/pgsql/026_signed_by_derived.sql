-- 026_signed_by_derived.sql: record_entry stores the signer's name only
-- where it cannot be derived (see the SQLite migration of the same number).
UPDATE record_entry SET signed_by = NULL
WHERE signed_by IS NOT NULL
  AND ((signed_mentor_id IS NOT NULL
        AND signed_by = (SELECT name FROM mentor WHERE mentor.id = record_entry.signed_mentor_id))
    OR (signed_mentor_id IS NULL AND signed_account_id IS NOT NULL
        AND signed_by = (SELECT login FROM account WHERE account.id = record_entry.signed_account_id)));
