-- agg_ops.sql - writes that exercise every aggregate trigger, in the SQL
-- both engines speak (tests/pg/agg.sh).  @FLUSH@ marks the end of a
-- transaction: the store folds agg_delta into agg there (dt_agg_flush);
-- @BLOB(hh)@ is a one-byte blob in the engine's notation.

INSERT INTO region(id, name_zh, level, parent, region, created_at, updated_at) VALUES
	(210000, '辽宁省', 1, NULL, 210000, 't', 't'),
	(210100, '沈阳市', 2, 210000, 210100, 't', 't'),
	(210102, '和平区', 3, 210100, 210102, 't', 't'),
	(210200, '大连市', 2, 210000, 210200, 't', 't'),
	(210202, '中山区', 3, 210200, 210202, 't', 't');
INSERT INTO occupation(id, code, name_zh, levels, created_at, updated_at) VALUES
	(1, '6-18-01', '车工', '5 4 3', 't', 't'), (2, '6-18-02', '铣工', '5 4 3', 't', 't');
INSERT INTO organization(id, kind, uscc, name, region, created_at, updated_at) VALUES
	(1, 'school', 'S1', 'school 1', 210102, 't', 't'),
	(2, 'enterprise', 'E1', 'enterprise 1', 210102, 't', 't'),
	(3, 'enterprise', 'E2', 'enterprise 2', 210202, 't', 't'),
	(4, 'enterprise', 'E3', 'enterprise 3', 210100, 't', 't');
INSERT INTO programme(id, code, name, school_id, occupation_id, level, duration_months, company_hours,
	school_hours, region, created_at, updated_at) VALUES
	(1, 'P1', 'programme 1', 1, 1, 4, 36, 1200, 800, 210102, 't', 't'),
	(2, 'P2', 'programme 2', 1, 2, 4, 24, 900, 900, 210102, 't', 't');
INSERT INTO trainee(id, national_id, national_id_enc, national_id_blind, name, gender, birth_date, region,
	created_at, updated_at) VALUES
	(1, 'm', @BLOB(01)@, @BLOB(01)@, 't1', 'F', '2007-01-01', 210102, 't', 't'),
	(2, 'm', @BLOB(02)@, @BLOB(02)@, 't2', 'M', '2007-01-01', 210102, 't', 't'),
	(3, 'm', @BLOB(03)@, @BLOB(03)@, 't3', 'F', '2007-01-01', 210202, 't', 't'),
	(4, 'm', @BLOB(04)@, @BLOB(04)@, 't4', 'M', '2007-01-01', 210202, 't', 't'),
	(5, 'm', @BLOB(05)@, @BLOB(05)@, 't5', 'F', '2007-01-01', 210102, 't', 't');
INSERT INTO min_wage(region, valid_from, monthly, created_at, updated_at) VALUES
	(210000, '2020-01-01', 1800, 't', 't');
@FLUSH@
-- contracts: a draft, actives, a completed one ending on a month's last day
INSERT INTO contract(id, trainee_id, enterprise_id, school_id, programme_id, company_mentor, school_mentor,
	stipend_monthly, start_date, end_date, planned_company_hours, planned_school_hours, status,
	activated_at, ended_on, dissolved_in_probation, region, created_at, updated_at) VALUES
	(1, 1, 2, 1, 1, 'Wang', 'Li', 2000, '2023-09-01', '2026-08-31', 1200, 800, 'draft', NULL, NULL, NULL, 210102, 't', 't'),
	(2, 2, 2, 1, 1, 'Wang', 'Li', 1500, '2024-09-01', '2027-08-31', 1200, 800, 'active', '2024-09-01', NULL, NULL, 210102, 't', 't'),
	(3, 3, 3, 1, 2, 'Zhao', 'Li', 2500, '2022-09-01', '2024-11-30', 900, 900, 'completed', '2022-09-01', '2024-11-30', NULL, 210202, 't', 't'),
	(4, 4, 3, 1, 2, 'Zhao', 'Li', 2500, '2024-03-01', '2026-02-28', 900, 900, 'active', '2024-03-01', NULL, NULL, 210202, 't', 't'),
	(5, 5, 2, 1, 1, 'Sun', 'Li', 2600, '2023-01-15', '2025-01-31', 1200, 800, 'completed', '2023-01-15', '2025-01-31', NULL, 210102, 't', 't');
@FLUSH@
-- record_entry's times are milliseconds (migration 018); its date YYYYMMDD, its site
-- a code (0 company, 1 school) and its hours hundredths (migration 020)
INSERT INTO record_entry(id, contract_id, date, site, hours, content, signed_by, signed_at, region, created_at, updated_at) VALUES
	(1, 2, 20250303, 0, 750, 'x', 'Wang', 1741046400000, 210102, 0, 0),
	(2, 2, 20250304, 1, 15, 'x', NULL, NULL, 210102, 0, 0),
	(3, 4, 20250401, 0, 13, 'x', 'Zhao', 1743552000000, 210202, 0, 0),
	(4, 4, 20250402, 1, 800, 'x', 'Zhao', 1743552000000, 210202, 0, 0);
INSERT INTO assessment(id, contract_id, kind, date, result, attempt, region, created_at, updated_at) VALUES
	(1, 3, 'final', '2024-11-20', 'fail', 1, 210202, 0, 0),
	(2, 3, 'final', '2024-11-28', 'pass', 2, 210202, 0, 0),
	(3, 2, 'intermediate', '2025-09-01', 'pass', 1, 210102, 0, 0),
	(4, 5, 'final', '2025-01-20', 'pass', 1, 210102, 0, 0);
-- 2024-11-30 + three months: 2025-02-28 counts, 2025-03-01 does not (SQLite's date() said 2025-03-02)
INSERT INTO outcome(id, contract_id, kind, date, employer_id, region, created_at, updated_at) VALUES
	(1, 3, 'retained', '2025-02-28', 3, 210202, 0, 0),
	(2, 5, 'retained', '2025-04-30', 2, 210102, 0, 0);
INSERT INTO demand(id, enterprise_id, occupation_id, level, year, count, region, created_at, updated_at) VALUES
	(1, 2, 1, 4, 2025, 10, 210102, 0, 0), (2, 3, 2, 4, 2025, 5, 210202, 0, 0);
INSERT INTO place(id, enterprise_id, programme_id, year, capacity, region, created_at, updated_at) VALUES
	(1, 2, 1, 2025, 8, 210102, 0, 0), (2, 3, 2, 2025, 4, 210202, 0, 0);
@FLUSH@
-- the draft is taken through to active; one active contract is dissolved in probation
UPDATE contract SET status = 'active', activated_at = '2023-09-01' WHERE id = 1;
UPDATE contract SET status = 'dissolved', ended_on = '2025-06-30', dissolved_in_probation = 1 WHERE id = 4;
@FLUSH@
-- an outcome moves past the window and back; one on the last day of a 31-day window
UPDATE outcome SET date = '2025-03-01' WHERE id = 1;
@FLUSH@
UPDATE outcome SET date = '2025-02-28' WHERE id = 1;
UPDATE record_entry SET signed_by = 'Li', signed_at = 1741132800000 WHERE id = 2;
UPDATE record_entry SET hours = 625 WHERE id = 1;
DELETE FROM record_entry WHERE id = 4;
@FLUSH@
-- minimum wages: a city's own figure, then changed, then gone
INSERT INTO min_wage(region, valid_from, monthly, created_at, updated_at) VALUES
	(210100, '2021-01-01', 2100, 't', 't');
@FLUSH@
UPDATE min_wage SET monthly = 1400 WHERE region = 210100;
@FLUSH@
DELETE FROM min_wage WHERE region = 210100;
INSERT INTO min_wage(region, valid_from, monthly, created_at, updated_at) VALUES
	(210200, '2021-01-01', 2600, 't', 't');
@FLUSH@
-- a programme changes occupation, with its contracts, places, assessments and outcomes
UPDATE programme SET occupation_id = 1 WHERE id = 2;
@FLUSH@
-- an enterprise moves city with its contracts (several rows in one statement)
UPDATE organization SET region = 210202 WHERE id = 2;
UPDATE contract SET region = 210202 WHERE enterprise_id = 2;
@FLUSH@
-- a mentor changes; one contract completes; demand and places change and go
UPDATE contract SET company_mentor = 'Zhou' WHERE id = 2;
UPDATE contract SET status = 'completed', ended_on = '2026-08-31' WHERE id = 1;
UPDATE demand SET count = 12 WHERE id = 1;
DELETE FROM demand WHERE id = 2;
UPDATE place SET capacity = 9, year = 2026 WHERE id = 1;
DELETE FROM place WHERE id = 2;
DELETE FROM assessment WHERE id = 1;
INSERT INTO organization(id, kind, uscc, name, region, created_at, updated_at) VALUES
	(5, 'enterprise', 'E5', 'enterprise 5', 210202, 't', 't');
DELETE FROM organization WHERE id = 4;
@FLUSH@
