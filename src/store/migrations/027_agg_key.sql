-- 027_agg_key.sql: the aggregates name their counters by a small code.
--
-- agg and agg_year held each counter's name ("hours_company", "plan_total")
-- in every row, about ten bytes of their thirty.  agg_key numbers the names;
-- the rows hold the number.  The views and the triggers' deltas (agg_delta)
-- still name the counter: the flush (store/agg_sql.c) gives a name it has
-- not seen its code, then adds the deltas under the codes; the reader and
-- the check join agg_key back.  Written so that it can run again on tables
-- it has already converted (the upgrade tests take the schema version back).
CREATE TABLE IF NOT EXISTS agg_key (
	code INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE
) STRICT;

INSERT INTO agg_key(name)
SELECT x.name FROM (SELECT key AS name FROM agg WHERE typeof(key) = 'text'
	UNION SELECT key FROM agg_year WHERE typeof(key) = 'text') x
WHERE NOT EXISTS (SELECT 1 FROM agg_key k WHERE k.name = x.name) ORDER BY 1;

CREATE TABLE agg_027 (
	region INTEGER NOT NULL,
	occ    INTEGER NOT NULL,
	key    INTEGER NOT NULL,
	period INTEGER NOT NULL,
	value  INTEGER NOT NULL,
	PRIMARY KEY (region, occ, key, period)
) STRICT, WITHOUT ROWID;
INSERT INTO agg_027(region, occ, key, period, value)
SELECT a.region, a.occ, coalesce(k.code, a.key), a.period, a.value
FROM agg a LEFT JOIN agg_key k ON typeof(a.key) = 'text' AND k.name = a.key ORDER BY 1, 2, 3, 4;
DROP TABLE agg;
ALTER TABLE agg_027 RENAME TO agg;

CREATE TABLE agg_year_027 (
	region INTEGER NOT NULL,
	occ    INTEGER NOT NULL,
	key    INTEGER NOT NULL,
	year   INTEGER NOT NULL,
	value  INTEGER NOT NULL,
	PRIMARY KEY (region, occ, key, year)
) STRICT, WITHOUT ROWID;
INSERT INTO agg_year_027(region, occ, key, year, value)
SELECT a.region, a.occ, coalesce(k.code, a.key), a.year, a.value
FROM agg_year a LEFT JOIN agg_key k ON typeof(a.key) = 'text' AND k.name = a.key ORDER BY 1, 2, 3, 4;
DROP TABLE agg_year;
ALTER TABLE agg_year_027 RENAME TO agg_year;
