-- province_dashboard.sql - the province dashboard's figures computed from the
-- facts with plain GROUP BY queries: what bench/indicators.sh compares the
-- maintained aggregates with.  Parameters are substituted by the script:
-- :lo..:hi the province's region codes, :y the year (text), :y1..:y3 the three
-- years before.  One row per indicator family.
.mode list
SELECT 'contracts', sum(activated_at IS NOT NULL AND substr(start_date, 1, 4) = ':y'),
	sum(activated_at IS NOT NULL AND start_date <= ':y-12-31'
	    AND NOT (status IN ('completed', 'dissolved', 'transferred') AND ended_on <= ':y-12-31')),
	sum(status = 'active'),
	sum(activated_at IS NOT NULL AND substr(ended_on, 1, 4) = ':y' AND status = 'completed'),
	sum(activated_at IS NOT NULL AND substr(ended_on, 1, 4) = ':y' AND status = 'dissolved')
FROM contract WHERE region BETWEEN :lo AND :hi;
-- the layer method: this year's dissolutions by cohort, and the cohorts' sizes
SELECT 'layer', substr(start_date, 1, 4) AS cohort, count(*),
	sum(status = 'dissolved' AND substr(ended_on, 1, 4) = ':y')
FROM contract WHERE region BETWEEN :lo AND :hi AND activated_at IS NOT NULL
	AND substr(start_date, 1, 4) IN (':y', ':y1', ':y2', ':y3') GROUP BY cohort;
-- record_entry's date YYYYMMDD, site a code (0 company, 1 school), hours hundredths (migration 020)
SELECT 'hours', site, total(hours) / 100 FROM record_entry
WHERE region BETWEEN :lo AND :hi AND signed_at IS NOT NULL AND date / 10000 = :y GROUP BY site;
SELECT 'plan', total(planned_company_hours), total(planned_company_hours + planned_school_hours)
FROM contract WHERE region BETWEEN :lo AND :hi AND status = 'active';
SELECT 'finals', total(result = 'pass'), count(*), total(result = 'pass' AND attempt = 1), total(attempt = 1)
FROM assessment WHERE region BETWEEN :lo AND :hi AND kind = 'final' AND substr(date, 1, 4) = ':y';
SELECT 'retained', count(*) FROM outcome o JOIN contract c ON c.id = o.contract_id
WHERE o.region BETWEEN :lo AND :hi AND o.kind = 'retained' AND c.status = 'completed'
	AND substr(c.ended_on, 1, 4) = ':y'
	-- within three calendar months (migration 006): month and day as one number
	AND (CAST(substr(o.date, 1, 4) AS INTEGER) * 12 + CAST(substr(o.date, 6, 2) AS INTEGER)) * 100
		+ CAST(substr(o.date, 9, 2) AS INTEGER)
	    <= (CAST(substr(c.ended_on, 1, 4) AS INTEGER) * 12 + CAST(substr(c.ended_on, 6, 2) AS INTEGER) + 3) * 100
		+ CAST(substr(c.ended_on, 9, 2) AS INTEGER);
SELECT 'mentors', count(*), total(n) FROM (SELECT enterprise_id, company_mentor, count(*) AS n
	FROM contract WHERE region BETWEEN :lo AND :hi AND status = 'active' GROUP BY 1, 2);
SELECT 'enterprises', count(*), sum(id IN (SELECT enterprise_id FROM contract WHERE status = 'active'))
FROM organization WHERE region BETWEEN :lo AND :hi AND kind = 'enterprise';
SELECT 'supply', (SELECT total(capacity) FROM place WHERE region BETWEEN :lo AND :hi AND year = :y),
	(SELECT total(count) FROM demand WHERE region BETWEEN :lo AND :hi AND year = :y);
SELECT 'stipend', count(*), sum(c.stipend_monthly >= (SELECT m.monthly FROM min_wage m
	WHERE m.region IN (c.region / 100 * 100, c.region / 10000 * 10000, c.region) AND m.valid_from <= c.start_date
	ORDER BY m.region DESC, m.valid_from DESC LIMIT 1))
FROM contract c WHERE c.region BETWEEN :lo AND :hi AND c.status = 'active';
