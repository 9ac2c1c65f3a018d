-- 024_record_entry_region.sql: record_entry loses its index on region.
--
-- An entry's region is its contract's (store/rules.c copies it and follows
-- a change).  The lists and reports that look for entries by region go
-- through the contract (its index contract_region, then
-- record_entry_contract; entity flag DT_EF_REGION_VIA), which reads the same
-- rows; a single entry is checked against its own region column.  The
-- index took 0.5 KB of every generated trainee's 10 (bench/footprint.sh).
DROP INDEX IF EXISTS record_entry_region;
