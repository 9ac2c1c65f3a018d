-- 011_supervision_agg.sql: the supervision indicators in the aggregates.
--
-- Inspections, their findings and the candidates of the draw become facts
-- of agg like contracts (migration 003): each row contributes counters
-- through a view below, the triggers made from the views (store/agg_sql.c)
-- keep agg equal to the sum of all contributions in the transaction of
-- every write, and `indicators --rebuild` sums the same views.
--
-- Periods: what belongs to a plan's year (candidates, inspections drawn,
-- conducted and done, findings by severity) is a yearly fact (YYYY00, as
-- demand and places); a finding's state by its deadline is kept in the
-- month of its current deadline (YYYYMM), so that the closure rate and the
-- overdue findings of a period are sums over months (domain/indicator.c).
-- A plan's year never changes once it has candidates (they are frozen at
-- commit), so these rows need no recomputation when a plan changes.
-- Regions: a candidate's city; an inspection's and a finding's region.
-- The views are made only if absent, so that a test that rewinds the
-- schema version before 010 can run this again (on a pilot without
-- supervision the sums below add nothing).
-- Nothing here is per occupation.

-- One row per candidate object of a committed plan (plan_candidate has no
-- id of its own: its triggers find the row by its key, agg_sql.c).
CREATE VIEW IF NOT EXISTS plan_candidate_contrib(plan_id, object_kind, object_id, region, occ, key, period, v) AS
	SELECT c.plan_id, c.object_kind, c.object_id, c.city, NULL, 'insp_candidates', p.year * 100, 1
	FROM plan_candidate c JOIN inspection_plan p ON p.id = c.plan_id;

CREATE VIEW IF NOT EXISTS inspection_contrib(id, region, occ, key, period, v) AS
	SELECT i.id, i.region, NULL, k.key, p.year * 100, 1
	FROM inspection i JOIN inspection_plan p ON p.id = i.plan_id
		CROSS JOIN (SELECT 'insp_drawn' AS key UNION ALL SELECT 'insp_conducted'
			UNION ALL SELECT 'insp_done') k
	WHERE k.key = 'insp_drawn' OR (k.key = 'insp_conducted' AND i.status <> 'planned')
		OR (k.key = 'insp_done' AND i.status = 'done');

-- By severity in the plan's year; by state in the month of the deadline:
-- closed, submitted (waiting for the inspector), pending (open or
-- rectifying: overdue once the deadline is past).
CREATE VIEW IF NOT EXISTS finding_contrib(id, region, occ, key, period, v) AS
	SELECT f.id, f.region, NULL, 'findings_' || f.severity, p.year * 100, 1
	FROM finding f JOIN inspection i ON i.id = f.inspection_id
		JOIN inspection_plan p ON p.id = i.plan_id
	UNION ALL SELECT f.id, f.region, NULL,
		CASE f.status WHEN 'closed' THEN 'findings_closed'
			WHEN 'submitted' THEN 'findings_submitted' ELSE 'findings_pending' END,
		CAST(substr(f.deadline, 1, 4) AS INTEGER) * 100 + CAST(substr(f.deadline, 6, 2) AS INTEGER), 1
	FROM finding f;

-- What a database made before this migration holds already.
INSERT INTO agg_delta(region, occ, key, period, v)
	SELECT region, occ, key, period, v FROM plan_candidate_contrib
	UNION ALL SELECT region, occ, key, period, v FROM inspection_contrib
	UNION ALL SELECT region, occ, key, period, v FROM finding_contrib;
INSERT INTO agg(region, occ, key, period, value)
	SELECT u.anc, 0, d.key, d.period, sum(d.v)
	FROM agg_delta d JOIN region_up u ON u.region = d.region
	WHERE true GROUP BY 1, 2, 3, 4 HAVING sum(d.v) != 0
	ON CONFLICT (region, occ, key, period) DO UPDATE SET value = agg.value + excluded.value;
INSERT INTO agg_year(region, occ, key, year, value)
	SELECT u.anc, 0, d.key, d.period / 100, sum(d.v)
	FROM agg_delta d JOIN region_up u ON u.region = d.region
	WHERE true GROUP BY 1, 2, 3, 4 HAVING sum(d.v) != 0
	ON CONFLICT (region, occ, key, year) DO UPDATE SET value = agg_year.value + excluded.value;
DELETE FROM agg_delta;
