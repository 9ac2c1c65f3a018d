/*
 * cmd_token.c - `dualtrack token create|revoke`: API tokens for scripts and
 * other systems (Authorization: Bearer TOKEN).
 *
 * The secret is shown once: it is the only thing `token create` writes on
 * stdout (so that `TOKEN=$(dualtrack token create ...)` works), while its
 * id, account and expiry go to stderr.  The database keeps only a hash of
 * it.  A token acts with its account's role and scope; disabling the
 * account revokes it, a password change does not.
 */
#include <string.h>

#include <sodium.h>

#include "cli/cli.h"
#include "core/num.h"
#include "core/banned.h"

#define DEFAULT_DAYS 90
#define MAX_DAYS 3650

static int token_create(struct cli_db *db, const char *login, int64_t days)
{
	struct dt_strbuf err = DT_STRBUF_INIT, scope = DT_STRBUF_INIT;
	struct dt_credential cred;
	char token[DT_TOKEN_LEN];
	json_t *acct = NULL;
	int64_t id = 0;
	int rc;

	token[0] = '\0';
	if ((rc = cli_account_find(db->store, login, &acct)))
		goto out;
	if (json_is_true(json_object_get(acct, "disabled"))) {
		cli_error("account %s is disabled (`dualtrack user enable %s` first)",
			  cli_quote(login), login);
		rc = 1;
		goto out;
	}
	rc = dt_store_credential_create(db->store, cli_actor(),
					json_integer_value(json_object_get(acct, "id")), "token",
					days * 86400, token, NULL, &id, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	/* Read it back as the server will: proves it works and gives the expiry. */
	dt_strbuf_reset(&err);
	rc = dt_store_credential_check(db->store, token, &cred, &err);
	if (rc != DT_OK) {
		rc = cli_fail(DT_EINTERNAL, &err);
		goto out;
	}
	cli_account_scope(&scope, acct);
	fprintf(stderr,
		"created token %lld for '%s' (role %s, scope %s), valid until %s; "
		"it is shown once, below\n",
		(long long)id, cred.account.login, cred.account.role, scope.buf, cred.expires_at);
	fflush(stderr);
	printf("%s\n", token);
	rc = 0;
out:
	sodium_memzero(token, sizeof(token));
	sodium_memzero(&cred, sizeof(cred));
	json_decref(acct);
	dt_strbuf_release(&scope);
	dt_strbuf_release(&err);
	return rc;
}

int cmd_token(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "login", required_argument, NULL, 'L' },
		{ "expires", required_argument, NULL, 'e' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	const char *login = NULL, *expires = NULL;
	int64_t days = DEFAULT_DAYS, id = 0;
	int c, rc = CLI_CONTINUE;

	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		switch (c) {
		case 'L': login = optarg; break;
		case 'e':
			expires = optarg;
			rc = cli_int_arg("--expires", optarg, 1, MAX_DAYS, &days);
			break;
		default: rc = cli_common_opt(c, &db); break;
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 1, 2, "the action: create or revoke")) != CLI_CONTINUE)
		goto out;
	const char *action = argv[optind];
	if (!strcmp(action, "create")) {
		if ((rc = cli_positional(argc, argv, 1, 1, "")) != CLI_CONTINUE)
			goto out;
		if (!login) {
			rc = cli_usage_error(
				"`token create` needs --login: the account the token acts as");
			goto out;
		}
	} else if (!strcmp(action, "revoke")) {
		if ((rc = cli_positional(argc, argv, 2, 2, "the token's ID")) != CLI_CONTINUE ||
		    (rc = cli_parse_id(argv[optind + 1], "ID", &id)) != CLI_CONTINUE)
			goto out;
		if (login || expires) {
			rc = cli_usage_error("%s does not apply to `token revoke`",
					     login ? "--login" : "--expires");
			goto out;
		}
	} else {
		rc = cli_usage_error("%s is not a token action (create or revoke)",
				     cli_quote(action));
		goto out;
	}

	if ((rc = cli_db_open(&db)))
		goto out;
	if (id == 0) {
		rc = token_create(&db, login, days);
		goto out;
	}
	rc = dt_store_credential_revoke(db.store, cli_actor(), id, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	printf("revoked credential %lld\n", (long long)id);
out:
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
