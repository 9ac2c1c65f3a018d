-- 006_outcome_window.sql (PostgreSQL; the same as ../006_outcome_window.sql):
-- "within three months of completion", one definition for every engine.
--
-- 003 counted a retained outcome when o.date <= date(ended_on, '+3 months'):
-- SQLite's date arithmetic, which PostgreSQL does not have and which spills
-- over month ends (2024-11-30 plus three months is 2025-03-02 there).  The
-- window is now three calendar months, written with substr and CAST only:
-- the outcome's month (year * 12 + month) is before the third month after
-- the completion's, or is that month and the outcome's day is not after the
-- completion's day.  2024-11-30 reaches 2025-02-28, 2025-01-31 reaches
-- 2025-04-30, 2025-06-15 reaches 2025-09-15.  The month and the day are
-- compared as one number, (year * 12 + month) * 100 + day.
--
-- The aggregates follow in the same transaction: the contributions of the
-- old view are taken out, those of the new one put in, and the difference
-- is added into agg and agg_year as dt_agg_flush does (store/agg.c).  The
-- outcome triggers read the view by name and are made again after the
-- migrations.

INSERT INTO agg_delta(region, occ, key, period, v)
	SELECT region, occ, key, period, -v FROM outcome_contrib;

DROP VIEW outcome_contrib;
-- Retained by the training enterprise within three months of completion,
-- counted in the month of completion (so that it lines up with 'completed').
CREATE VIEW outcome_contrib(id, region, occ, key, period, v) AS
	SELECT o.id, o.region, p.occupation_id, 'retained_3m',
		CAST(substr(c.ended_on, 1, 4) AS INTEGER) * 100 + CAST(substr(c.ended_on, 6, 2) AS INTEGER), 1
	FROM outcome o JOIN contract c ON c.id = o.contract_id JOIN programme p ON p.id = c.programme_id
	WHERE o.kind = 'retained' AND c.status = 'completed' AND c.activated_at IS NOT NULL
		AND (CAST(substr(o.date, 1, 4) AS INTEGER) * 12 + CAST(substr(o.date, 6, 2) AS INTEGER)) * 100
			+ CAST(substr(o.date, 9, 2) AS INTEGER)
		    <= (CAST(substr(c.ended_on, 1, 4) AS INTEGER) * 12 + CAST(substr(c.ended_on, 6, 2) AS INTEGER) + 3) * 100
			+ CAST(substr(c.ended_on, 9, 2) AS INTEGER);

INSERT INTO agg_delta(region, occ, key, period, v)
	SELECT region, occ, key, period, v FROM outcome_contrib;

INSERT INTO agg(region, occ, key, period, value)
	SELECT u.anc, CASE o.k WHEN 1 THEN d.occ ELSE 0 END, d.key, d.period, sum(d.v)
	FROM agg_delta d JOIN region_up u ON u.region = d.region, (SELECT 0 AS k UNION ALL SELECT 1) o
	WHERE o.k = 0 OR d.occ IS NOT NULL GROUP BY 1, 2, 3, 4 HAVING sum(d.v) != 0
	ON CONFLICT (region, occ, key, period) DO UPDATE SET value = agg.value + excluded.value;
INSERT INTO agg_year(region, occ, key, year, value)
	SELECT u.anc, CASE o.k WHEN 1 THEN d.occ ELSE 0 END, d.key, d.period / 100, sum(d.v)
	FROM agg_delta d JOIN region_up u ON u.region = d.region, (SELECT 0 AS k UNION ALL SELECT 1) o
	WHERE o.k = 0 OR d.occ IS NOT NULL GROUP BY 1, 2, 3, 4 HAVING sum(d.v) != 0
	ON CONFLICT (region, occ, key, year) DO UPDATE SET value = agg_year.value + excluded.value;
DELETE FROM agg_delta;
