/*
 * cmd_delete.c - `dualtrack delete ENTITY ID`: remove a record.
 *
 * The store refuses while other records refer to it, and for contracts past
 * draft and signed record-book entries; the deletion is audited with the
 * record as it was.
 */
#include "cli/cli.h"
#include "domain/entity.h"
#include "core/banned.h"

int cmd_delete(int argc, char **argv)
{
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	const struct dt_entity *e = NULL;
	int64_t id = 0;
	int rc;

	if ((rc = cli_db_opts(argc, argv, &db, NULL)) != CLI_CONTINUE ||
	    (rc = cli_entity_args(argc, argv, "ENTITY (e.g. organization)", &e, &id)) !=
		    CLI_CONTINUE)
		return rc;
	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_store_delete(db.store, cli_actor(), NULL, e->name, id, &err);
	if (rc != DT_OK) {
		rc = cli_fail_store(db.store, rc, &err);
		goto out;
	}
	printf("deleted %s %lld\n", e->name, (long long)id);
out:
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
