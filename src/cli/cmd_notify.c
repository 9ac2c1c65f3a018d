/*
 * cmd_notify.c - `dualtrack notify`: deliver the outbox once (what the
 * server's delivery thread does continuously), make the notifications of
 * findings due, and show the outbox's counts.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "cli/cli.h"
#include "engine/deliver.h"
#include "core/banned.h"

int cmd_notify(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "once", no_argument, NULL, 'o' },
		{ "smtp-url", required_argument, NULL, 's' },
		{ "mail-from", required_argument, NULL, 'F' },
		{ "webhook-url", required_argument, NULL, 'w' },
		{ "public-url", required_argument, NULL, 'P' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_deliver_config cfg = { 0 };
	bool once = false, curl = false;
	json_t *out = NULL;
	int c, rc = CLI_CONTINUE;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		switch (c) {
		case 'o': once = true; break;
		case 's': cfg.smtp_url = optarg; break;
		case 'F': cfg.mail_from = optarg; break;
		case 'w': cfg.webhook_url = optarg; break;
		case 'P': cfg.public_url = optarg; break;
		default: rc = cli_common_opt(c, &db); break;
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 1, 1, "deliver|due|status")) != CLI_CONTINUE)
		goto out;
	const char *action = argv[optind];
	if (strcmp(action, "deliver") && strcmp(action, "due") && strcmp(action, "status")) {
		rc = cli_usage_error("%s is not a notify action (deliver, due, status)",
				     cli_quote(action));
		goto out;
	}
	if (!strcmp(action, "deliver") && !once) {
		rc = cli_usage_error(
			"notify deliver: give --once (the server delivers continuously)");
		goto out;
	}
	if (!strcmp(action, "deliver") && dt_deliver_configure(&cfg, &err) != DT_OK) {
		rc = cli_usage_error("%s", err.buf);
		goto out;
	}
	if ((rc = cli_db_open(&db)))
		goto out;
	if (!strcmp(action, "deliver")) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		curl = true;
		char worker[64];
		snprintf(worker, sizeof(worker), "cli:%ld", (long)getpid());
		int sent = 0, failed = 0, s1, f1;
		do {
			rc = dt_deliver_once(db.store, &cfg, worker, 64, &s1, &f1, &err);
			sent += s1;
			failed += f1;
		} while (rc == DT_OK && s1 + f1 == 64);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		printf("delivered %d notification message%s, %d failed (tried again later)\n", sent,
		       sent == 1 ? "" : "s", failed);
		rc = failed ? 1 : 0;
	} else if (!strcmp(action, "due")) {
		int made = 0;
		rc = dt_store_notify_findings_due(db.store, dt_date_today(), &made, &err);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		printf("findings due: %d notification%s made\n", made, made == 1 ? "" : "s");
		rc = 0;
	} else {
		rc = dt_store_outbox_stats(db.store, &out, &err);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		cli_print_json(out);
		rc = 0;
	}
out:
	if (curl)
		curl_global_cleanup();
	json_decref(out);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
