/*
 * cmd_contract.c - `dualtrack contract ACTION ID`: the contract's life.
 *
 * submit, withdraw, approve (once per party), activate, complete, dissolve
 * and transfer go through the store's state machine, which refuses a step
 * the contract's state does not allow and says why.  Edits of a draft or
 * pending contract are `dualtrack update contract ID`.  `contract pdf ID
 * -o FILE` prints the contract ready to sign and stamp, `contract book ID
 * -o FILE` its record book (doc/doc.h).
 */
#include <string.h>

#include "cli/cli.h"
#include "doc/doc.h"
#include "domain/contract.h"
#include "core/banned.h"

/* `contract pdf|book ID -o FILE [--lang zh|en]`: the document into @out. */
static int contract_document(struct cli_db *db, int64_t id, bool book, const char *out,
			     enum dt_lang lang)
{
	struct dt_strbuf err = DT_STRBUF_INIT, pdf = DT_STRBUF_INIT;
	struct dt_doc_opts o = { NULL, lang, 0, 0 };
	int rc;
	if (!out)
		return cli_usage_error("-o FILE.pdf is required (- for stdout)");
	if ((rc = cli_db_open(db)))
		goto out;
	rc = book ? dt_doc_record_book(db->store, id, &o, &pdf, &err)
		  : dt_doc_contract(db->store, id, &o, &pdf, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	rc = cli_write_doc(out, &pdf);
out:
	dt_strbuf_release(&err);
	dt_strbuf_release(&pdf);
	return rc;
}

int cmd_contract(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "party", required_argument, NULL, 'p' },
		{ "json", required_argument, NULL, 'j' },
		{ "output", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'l' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	const char *party_arg = NULL, *json = NULL;
	enum dt_contract_event ev = DT_CEV_SUBMIT;
	enum dt_party party = DT_PARTY_ENTERPRISE;
	json_t *args = NULL, *out = NULL;
	int64_t id = 0;
	int c, rc;

	const char *output = NULL;
	enum dt_lang lang = cli_lang();
	/* -o FILE as well as --output FILE (the shared option parser takes long options only) */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-o"))
			argv[i] = (char *)"--output";
	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 'p')
			party_arg = optarg;
		else if (c == 'j')
			json = optarg;
		else if (c == 'o')
			output = optarg;
		else if (c == 'l') {
			if ((rc = cli_lang_opt(optarg, &lang)) != CLI_CONTINUE)
				return rc;
		} else if ((rc = cli_common_opt(c, &db)) != CLI_CONTINUE)
			return rc;
	}
	if ((rc = cli_positional(argc, argv, 1, 2,
				 "ACTION (submit, withdraw, approve, activate, "
				 "complete, dissolve or transfer)")) != CLI_CONTINUE)
		return rc;
	const char *action = argv[optind];
	if (!strcmp(action, "pdf") || !strcmp(action, "book")) {
		if ((rc = cli_positional(argc, argv, 2, 2, "ID")) != CLI_CONTINUE ||
		    (rc = cli_parse_id(argv[optind + 1], "ID", &id)) != CLI_CONTINUE)
			return rc;
		if (party_arg || json)
			return cli_usage_error("%s: takes no --party or --json", action);
		rc = contract_document(&db, id, !strcmp(action, "book"), output, lang);
		cli_db_close(&db);
		return rc;
	}
	if (output)
		return cli_usage_error("-o: only `contract pdf` and `contract book` write a file");
	if (!strcmp(action, "edit"))
		return cli_usage_error(
			"edit: change a contract with `dualtrack update contract ID --json ...`");
	if (dt_contract_event_parse(action, &ev) != DT_OK)
		return cli_usage_error(
			"%s is not a contract action (submit, withdraw, approve, activate, "
			"complete, dissolve or transfer)",
			cli_quote(action));
	if ((rc = cli_positional(argc, argv, 2, 2, "ID")) != CLI_CONTINUE ||
	    (rc = cli_parse_id(argv[optind + 1], "ID", &id)) != CLI_CONTINUE)
		return rc;
	if (ev == DT_CEV_APPROVE) {
		if (!party_arg)
			return cli_usage_error(
				"approve: --party enterprise|school|trainee is required");
		if (dt_party_parse(party_arg, &party) != DT_OK)
			return cli_usage_error("--party: %s is not enterprise, school or trainee",
					       cli_quote(party_arg));
	} else if (party_arg) {
		return cli_usage_error("--party: only `approve` takes a party");
	}
	if (json && (rc = cli_json_arg(json, "--json", &args)))
		return rc;

	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_store_contract_act(db.store, cli_actor(), NULL, id, ev, party, args, &out, &err);
	if (rc != DT_OK) {
		rc = cli_fail_write(db.store, rc, &err, "cli.contract_refused", "id", DT_I(id),
				    "action", action, NULL);
		goto out;
	}
	cli_print_json(out);
out:
	json_decref(args);
	json_decref(out);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
