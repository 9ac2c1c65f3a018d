/*
 * cmd_update.c - `dualtrack update ENTITY ID --json '{...}'`: change fields.
 *
 * Only the fields given change; the store refuses immutable and system
 * fields, edits of signed record-book entries and of contracts past
 * pending, each with the field named.  The updated record goes to stdout.
 */
#include "cli/cli.h"
#include "store/entity.h"
#include "core/banned.h"

int cmd_update(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "json", required_argument, NULL, 'j' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	const struct dt_entity *e = NULL;
	const char *json = NULL;
	json_t *in = NULL, *out = NULL;
	int64_t id = 0;
	int c, rc;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 'j')
			json = optarg;
		else if ((rc = cli_common_opt(c, &db)) != CLI_CONTINUE)
			return rc;
	}
	if ((rc = cli_positional(argc, argv, 1, 2, "ENTITY (e.g. trainee)")) != CLI_CONTINUE ||
	    (rc = cli_entity(argv[optind], &e)) != CLI_CONTINUE ||
	    (rc = cli_positional(argc, argv, 2, 2, "ID")) != CLI_CONTINUE ||
	    (rc = cli_parse_id(argv[optind + 1], "ID", &id)) != CLI_CONTINUE)
		return rc;
	if (!json)
		return cli_usage_error("--json is required: the fields to change as a JSON object, "
				       "or - for stdin");
	if ((rc = cli_json_arg(json, "--json", &in)))
		return rc;
	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_store_update(db.store, cli_actor(), NULL, e->name, id, in, &out, &err);
	if (rc != DT_OK) {
		struct dt_strbuf what = DT_STRBUF_INIT;
		dt_strbuf_addf(&what, "%s %lld not updated", e->name, (long long)id);
		rc = cli_fail_write(db.store, rc, &err, what.buf);
		dt_strbuf_release(&what);
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
