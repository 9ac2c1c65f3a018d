/*
 * cmd_update.c - `dualtrack update ENTITY ID --json '{...}'`: change fields.
 *
 * Only the fields given change; the store refuses immutable and system
 * fields, edits of signed record-book entries and of contracts past
 * pending, each with the field named.  The updated record goes to stdout.
 */
#include "cli/cli.h"
#include "domain/entity.h"
#include "core/banned.h"

int cmd_update(int argc, char **argv)
{
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	const struct dt_entity *e = NULL;
	const char *json = NULL;
	json_t *in = NULL, *out = NULL;
	int64_t id = 0;
	int rc;

	if ((rc = cli_db_opts(argc, argv, &db, &json)) != CLI_CONTINUE ||
	    (rc = cli_entity_args(argc, argv, "ENTITY (e.g. trainee)", &e, &id)) != CLI_CONTINUE)
		return rc;
	if ((rc = cli_json_required(json, "fields to change", &in)))
		return rc;
	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_store_update(db.store, cli_actor(), NULL, e->name, id, in, &out, &err);
	if (rc != DT_OK) {
		rc = cli_fail_write(db.store, rc, &err, "cli.not_updated", "entity", e->name, "id",
				    DT_I(id), NULL);
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
