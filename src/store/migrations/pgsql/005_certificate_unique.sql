-- 005_certificate_unique.sql (PostgreSQL; the same as
-- ../005_certificate_unique.sql): one certificate number names one
-- certificate.
--
-- A skill-level certificate number is issued once; the same number on two
-- assessments is a typing error or a copy.  Assessments without a number
-- (intermediate ones, failed attempts) are not concerned.  A write that
-- repeats a number fails as any uniqueness failure does: a problem
-- "unique.taken" on certificate_no.  The demo generator numbers its
-- certificates from one counter, so they never repeat.
--
-- A database that already holds a number twice stops this migration with
-- a unique violation on assessment_certificate; find them
-- with SELECT certificate_no FROM assessment GROUP BY 1 HAVING count(*) > 1
-- and correct them before upgrading.

CREATE UNIQUE INDEX IF NOT EXISTS assessment_certificate ON assessment(certificate_no)
	WHERE certificate_no IS NOT NULL;
