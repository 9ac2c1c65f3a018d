/*
 * cmd_check.c - `dualtrack check`: the database's integrity checks.
 *
 * Prints the store's report (schema version, SQLite integrity, foreign keys,
 * the audit chain), one line per check; exit 1 when a check failed.
 */
#include "cli/cli.h"
#include "core/banned.h"

int cmd_check(int argc, char **argv)
{
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf report = DT_STRBUF_INIT, err = DT_STRBUF_INIT;
	int rc;

	if ((rc = cli_db_opts(argc, argv, &db, NULL)) != CLI_CONTINUE ||
	    (rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE)
		return rc;
	if ((rc = cli_db_open(&db)))
		goto out;
	printf("database: %s\n", db.db_shown);
	rc = dt_store_check(db.store, &report, &err);
	fputs(report.buf, stdout);
	if (rc != DT_OK)
		rc = cli_fail(rc, &err);
	else
		printf("all checks passed\n");
out:
	cli_db_close(&db);
	dt_strbuf_release(&report);
	dt_strbuf_release(&err);
	return rc;
}
