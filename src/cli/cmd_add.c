/*
 * cmd_add.c - `dualtrack add ENTITY --json '{...}'`: create a record.
 *
 * The store checks every field; on invalid input each field at fault is
 * listed on its own line and nothing is written.  The stored record (as
 * `show` prints it) goes to stdout.
 */
#include "cli/cli.h"
#include "domain/entity.h"
#include "core/banned.h"

int cmd_add(int argc, char **argv)
{
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	const struct dt_entity *e = NULL;
	const char *json = NULL;
	json_t *in = NULL, *out = NULL;
	int rc;

	if ((rc = cli_db_opts(argc, argv, &db, &json)) != CLI_CONTINUE ||
	    (rc = cli_entity_args(argc, argv, "ENTITY (e.g. organization)", &e, NULL)) !=
		    CLI_CONTINUE)
		return rc;
	if ((rc = cli_json_required(json, e->name, &in)))
		return rc;
	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_store_create(db.store, cli_actor(), e->name, in, &out, &err);
	if (rc != DT_OK) {
		rc = cli_fail_write(db.store, rc, &err, "cli.not_created", "entity", e->name, NULL);
		goto out;
	}
	cli_print_json(out);
out:
	json_decref(in);
	json_decref(out);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
