/*
 * agg.h - the SQL of the indicator aggregates (agg_sql.c), which agg.c runs.
 *
 * Written once for both engines; the few dialect pieces (how a trigger is
 * declared: a SQLite trigger body, or a PL/pgSQL trigger function and the
 * trigger that calls it) are chosen by the dialect given.  Kept apart from
 * the connection so that the scripts can be printed and read by hand
 * (tests/pg/agg.sh feeds them to psql).
 */
#ifndef DT_STORE_AGG_H
#define DT_STORE_AGG_H

#include "core/strbuf.h"
#include "store/db.h"

/**
 * Append to @sql the script that (re)makes every aggregate trigger for
 * dialect @d: dropped first, so that it may run again after each migration.
 */
void dt_agg_triggers_sql(enum dt_db_dialect d, struct dt_strbuf *sql);

/**
 * Append to @sql the script that recomputes agg, agg_year and the load
 * tables from the facts and empties agg_delta (inside a write).
 */
void dt_agg_rebuild_sql(struct dt_strbuf *sql);

/* The flush of agg_delta into agg and agg_year (one statement each). */
extern const char dt_agg_flush_keys_sql[];
extern const char dt_agg_flush_sql[];
extern const char dt_agg_flush_year_sql[];

#endif
