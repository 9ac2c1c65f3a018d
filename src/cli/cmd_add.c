/*
 * cmd_add.c - `dualtrack add ENTITY --json '{...}'`: create a record.
 *
 * The store checks every field; on invalid input each field at fault is
 * listed on its own line and nothing is written.  The stored record (as
 * `show` prints it) goes to stdout.
 */
#include "cli/cli.h"
#include "store/entity.h"
#include "core/banned.h"

int cmd_add(int argc, char **argv)
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
	int c, rc;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 'j')
			json = optarg;
		else if ((rc = cli_common_opt(c, &db)) != CLI_CONTINUE)
			return rc;
	}
	if ((rc = cli_positional(argc, argv, 1, 1, "ENTITY (e.g. organization)")) != CLI_CONTINUE ||
	    (rc = cli_entity(argv[optind], &e)) != CLI_CONTINUE)
		return rc;
	if (!json)
		return cli_usage_error("--json is required: the %s as a JSON object, or - for stdin",
				       e->name);
	if ((rc = cli_json_arg(json, "--json", &in)))
		return rc;
	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_store_create(db.store, cli_actor(), e->name, in, &out, &err);
	if (rc != DT_OK) {
		struct dt_strbuf what = DT_STRBUF_INIT;
		dt_strbuf_addf(&what, "%s not created", e->name);
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
