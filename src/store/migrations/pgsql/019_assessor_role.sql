-- 019_assessor_role.sql (PostgreSQL; the same as ../019_assessor_role.sql):
-- the assessor role, an assessment body's staff (docs/API.md, "Roles").
ALTER TABLE account DROP CONSTRAINT IF EXISTS account_role_check;
ALTER TABLE account ADD CONSTRAINT account_role_check
	CHECK (role IN ('admin', 'national', 'province', 'city', 'school', 'enterprise', 'trainee',
	                'inspector', 'assessor'));
