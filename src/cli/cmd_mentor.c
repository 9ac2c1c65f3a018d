/*
 * cmd_mentor.c - `dualtrack mentor link|load`: mentors as people.
 *
 * The register itself is an entity like the others (`dualtrack add mentor`,
 * `list mentors`, `update mentor`); this command links an account to its
 * mentor, so that the mentor signs in and signs off as the person the
 * contracts name, and shows each mentor's load (active contracts naming
 * it).  The rules are the store's (dt_store_account_mentor_set).
 */
#include <string.h>

#include "cli/cli.h"
#include "core/banned.h"

int cmd_mentor(int argc, char **argv)
{
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	json_t *out = NULL;
	int64_t id = 0;
	int rc;

	if ((rc = cli_db_opts(argc, argv, &db, NULL)) != CLI_CONTINUE ||
	    (rc = cli_positional(argc, argv, 1, 3, "the action: link or load")) != CLI_CONTINUE)
		return rc;
	const char *action = argv[optind];
	bool link = !strcmp(action, "link");
	if (!link && strcmp(action, "load"))
		return cli_usage_error("%s is not a mentor action (try: link, load)",
				       cli_quote(action));
	if (link &&
	    ((rc = cli_positional(argc, argv, 3, 3, "MENTOR_ID LOGIN")) != CLI_CONTINUE ||
	     (!strcmp(argv[optind + 1], "0")
		      ? 0
		      : (rc = cli_parse_id(argv[optind + 1], "MENTOR_ID", &id)) != CLI_CONTINUE)))
		return rc;
	if (!link && (rc = cli_positional(argc, argv, 1, 1, "nothing after load")) != CLI_CONTINUE)
		return rc;
	if ((rc = cli_db_open(&db)))
		goto out;
	if (link) {
		rc = dt_store_account_mentor_set(db.store, cli_actor(), argv[optind + 2], id, &err);
		if (rc == DT_OK)
			out = json_pack("{s:s, s:o}", "login", argv[optind + 2], "mentor_id",
					id ? json_integer(id) : json_null());
	} else {
		json_t *items = NULL;
		rc = dt_store_mentor_load(db.store, NULL, &items, &err);
		out = items;
	}
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
