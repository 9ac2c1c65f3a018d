/*
 * cmd_show.c - `dualtrack show ENTITY ID`: one record as JSON.
 *
 * Personal identity numbers are masked; --unmask decrypts them, and the
 * unmasked read is written to the audit chain before anything is printed,
 * so that no clear identity number leaves the store unrecorded.
 */
#include "cli/cli.h"
#include "domain/entity.h"
#include "core/banned.h"

static bool has_pii(const struct dt_entity *e)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].flags & DT_FF_PII)
			return true;
	return false;
}

int cmd_show(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "unmask", no_argument, NULL, 'u' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	const struct dt_entity *e = NULL;
	bool unmask = false;
	json_t *obj = NULL;
	int64_t id = 0;
	int c, rc;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 'u')
			unmask = true;
		else if ((rc = cli_common_opt(c, &db)) != CLI_CONTINUE)
			return rc;
	}
	if ((rc = cli_entity_args(argc, argv, "ENTITY (e.g. trainee)", &e, &id)) != CLI_CONTINUE)
		return rc;
	if (unmask && !has_pii(e))
		return cli_usage_error("--unmask: %s records hold no personal identity numbers",
				       e->name);

	db.need_key = unmask;
	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_store_get(db.store, NULL, e->name, id, unmask ? DT_READ_UNMASK : 0, &obj, &err);
	if (rc == DT_OK && unmask) {
		struct dt_strbuf action = DT_STRBUF_INIT;
		dt_strbuf_addf(&action, "%s.unmask", e->name);
		rc = dt_store_audit(db.store, cli_actor(), action.buf, e->name, id, NULL, NULL,
				    &err);
		dt_strbuf_release(&action);
	}
	if (rc == DT_ENOTFOUND && !dt_problems_errors(dt_store_problems(db.store))) {
		cli_say(NULL, "record.missing", "entity", e->name, "id", DT_I(id), NULL);
		rc = dt_err_exit_status(rc);
		goto out;
	}
	if (rc != DT_OK) {
		rc = cli_fail_store(db.store, rc, &err);
		goto out;
	}
	cli_print_json(obj);
out:
	json_decref(obj);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
