/*
 * cmd_audit.c - `dualtrack audit verify`: recompute the audit hash chain.
 *
 * Exit 0 with the number of events checked, or exit 1 naming the first
 * event that was edited, removed or reordered.
 */
#include <string.h>

#include "cli/cli.h"
#include "core/banned.h"

int cmd_audit(int argc, char **argv)
{
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc;

	if ((rc = cli_db_opts(argc, argv, &db, NULL)) != CLI_CONTINUE ||
	    (rc = cli_positional(argc, argv, 1, 1, "the action: verify")) != CLI_CONTINUE)
		return rc;
	if (strcmp(argv[optind], "verify"))
		return cli_usage_error("%s is not an audit action (try: verify)",
				       cli_quote(argv[optind]));
	if ((rc = cli_db_open(&db)))
		goto out;
	int64_t n = 0;
	rc = dt_store_audit_verify(db.store, &n, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	printf("audit chain ok: %lld events checked\n", (long long)n);
out:
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
