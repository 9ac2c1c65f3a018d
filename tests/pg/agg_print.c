/*
 * agg_print.c - print the SQL of the indicator aggregates (store/agg_sql.c)
 * for tests/pg/agg.sh: "agg_print triggers sqlite|pgsql", "agg_print
 * rebuild", "agg_print flush".
 */
#include <stdio.h>
#include <string.h>

#include "store/agg.h"

int main(int argc, char **argv)
{
	struct dt_strbuf sql = DT_STRBUF_INIT;
	const char *what = argc > 1 ? argv[1] : "";
	if (!strcmp(what, "triggers") && argc > 2)
		dt_agg_triggers_sql(strcmp(argv[2], "pgsql") ? DT_DB_SQLITE : DT_DB_PGSQL, &sql);
	else if (!strcmp(what, "rebuild"))
		dt_agg_rebuild_sql(&sql);
	else if (!strcmp(what, "flush"))
		dt_strbuf_addf(&sql, "%s;\n%s;\n%s;\nDELETE FROM agg_delta;\n",
			       dt_agg_flush_keys_sql, dt_agg_flush_sql, dt_agg_flush_year_sql);
	else {
		fputs("usage: agg_print triggers sqlite|pgsql | rebuild | flush\n", stderr);
		return 2;
	}
	fputs(sql.buf, stdout);
	dt_strbuf_release(&sql);
	return 0;
}
