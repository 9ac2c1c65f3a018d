/*
 * cmd_record.c - `dualtrack record signoff ID`: the mentor's sign-off of a
 * record-book entry.  A signed entry is immutable; the signer is the CLI
 * actor ("cli:" + $USER).
 */
#include <string.h>

#include "cli/cli.h"
#include "core/banned.h"

int cmd_record(int argc, char **argv)
{
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	json_t *out = NULL;
	int64_t id = 0;
	int rc;

	if ((rc = cli_db_opts(argc, argv, &db, NULL)) != CLI_CONTINUE ||
	    (rc = cli_positional(argc, argv, 1, 2, "the action: signoff")) != CLI_CONTINUE)
		return rc;
	if (strcmp(argv[optind], "signoff"))
		return cli_usage_error("%s is not a record action (try: signoff)",
				       cli_quote(argv[optind]));
	if ((rc = cli_positional(argc, argv, 2, 2, "ID")) != CLI_CONTINUE ||
	    (rc = cli_parse_id(argv[optind + 1], "ID", &id)) != CLI_CONTINUE)
		return rc;
	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_store_record_signoff(db.store, cli_actor(), NULL, id, &out, &err);
	if (rc != DT_OK) {
		rc = cli_fail_store(db.store, rc, &err);
		goto out;
	}
	cli_print_json(out);
out:
	json_decref(out);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
