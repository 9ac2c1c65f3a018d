/*
 * cmd_user.c - `dualtrack user add|list|disable|enable|passwd`: the accounts
 * that sign in to the HTTP API.
 *
 * A password is only ever read from stdin (--password-stdin: one line, the
 * newline stripped), never from the command line where `ps` and the shell
 * history would keep it; on a terminal it is prompted for with echo off.  It
 * lives in one fixed buffer that is wiped before the command returns (a
 * growing buffer would leave copies behind in freed memory), and it is never
 * printed.  What a role's scope means is the store's business
 * (dt_store_account_add); its messages name the argument at fault.
 *
 * cli_account_find() and cli_account_scope() are shared with `token`.
 */
#include <errno.h>
#include <sodium.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/banned.h"

#define PASSWORD_MAX 1024 /* the store's limit, in bytes */

/* The options, as bits, to tell which ones an action takes. */
enum {
	O_LOGIN = 1 << 0,
	O_ROLE = 1 << 1,
	O_SCOPE = 1 << 2,
	O_PWSTDIN = 1 << 3,
	O_FORMAT = 1 << 4,
	O_EMAIL = 1 << 5,
	O_PHONE = 1 << 6,
};

static const struct {
	const char *name;
	int nargs;      /* positional arguments after the action: 0, or 1 (LOGIN) */
	unsigned allow; /* options it takes */
	unsigned need;  /* options it requires */
} actions[] = {
	{ "add", 0, O_LOGIN | O_ROLE | O_SCOPE | O_PWSTDIN | O_EMAIL | O_PHONE,
	  O_LOGIN | O_ROLE | O_PWSTDIN },
	{ "list", 0, O_FORMAT, 0 },
	{ "disable", 1, 0, 0 },
	{ "enable", 1, 0, 0 },
	{ "passwd", 1, O_PWSTDIN, O_PWSTDIN },
};

static const char *const option_names[] = { "--login",  "--role",  "--scope", "--password-stdin",
					    "--format", "--email", "--phone" };

int cli_account_find(struct dt_store *s, const char *login, json_t **out)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	json_t *all = NULL, *acct;
	size_t i;
	int rc = dt_store_account_list(s, &all, &err);

	*out = NULL;
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	json_array_foreach(all, i, acct)
	{
		const char *l = json_string_value(json_object_get(acct, "login"));
		if (l && !strcmp(l, login)) {
			*out = json_incref(acct);
			goto out;
		}
	}
	cli_error("no account %s (see `dualtrack user list`)", cli_quote(login));
	rc = 1;
out:
	json_decref(all);
	dt_strbuf_release(&err);
	return rc;
}

void cli_account_scope(struct dt_strbuf *sb, json_t *acct)
{
	json_t *v;
	if (json_is_integer(v = json_object_get(acct, "scope_region")))
		dt_strbuf_addf(sb, "%06lld", (long long)json_integer_value(v));
	else if (json_is_integer(v = json_object_get(acct, "scope_org")))
		dt_strbuf_addf(sb, "org:%lld", (long long)json_integer_value(v));
	else if (json_is_integer(v = json_object_get(acct, "scope_trainee")))
		dt_strbuf_addf(sb, "trainee:%lld", (long long)json_integer_value(v));
	else
		dt_strbuf_adds(sb, "-");
}

/*
 * Read one line from stdin into @pw (PASSWORD_MAX + 1 bytes plus a NUL):
 * the newline (and a CR before it) stripped, an empty line refused.  On a
 * terminal, prompt on stderr with echo off.  Returns 0 or an exit status
 * after a message; @pw is the caller's to wipe either way.
 */
static int read_password(char *pw, size_t cap)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	size_t len = 0;
	bool too_long = false, nul = false;
	int ch, rc = 0;

	if (tty) {
		fputs("password: ", stderr);
		fflush(stderr);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	while ((ch = getchar()) != EOF && ch != '\n') {
		if (ch == '\0')
			nul = true;
		if (len + 1 < cap)
			pw[len++] = (char)ch;
		else
			too_long = true;
	}
	if (tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	if (len && pw[len - 1] == '\r')
		len--;
	pw[len] = '\0';
	if (ferror(stdin)) {
		cli_error("--password-stdin: cannot read stdin: %s", strerror(errno));
		rc = 3;
	} else if (too_long || len > PASSWORD_MAX) {
		cli_error("--password-stdin: the password is longer than %d bytes", PASSWORD_MAX);
		rc = 1;
	} else if (nul) {
		cli_error("--password-stdin: the password contains a NUL byte");
		rc = 1;
	} else if (len == 0) {
		cli_error("--password-stdin: the password on stdin is empty (give it as one line)");
		rc = 1;
	}
	return rc;
}

static int user_list(struct cli_db *db, const char *format)
{
	struct dt_strbuf err = DT_STRBUF_INIT, scope = DT_STRBUF_INIT;
	json_t *all = NULL, *acct;
	size_t i;
	int rc = dt_store_account_list(db->store, &all, &err);

	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	if (!strcmp(format, "json")) {
		json_array_foreach(all, i, acct)
		{
			dt_strbuf_reset(&scope);
			cli_account_scope(&scope, acct);
			json_object_set_new(acct, "scope",
					    strcmp(scope.buf, "-") ? json_string(scope.buf)
								   : json_null());
		}
		cli_print_json(all);
	} else {
		struct cli_table t;
		static const char *const header[] = { "login", "role", "scope", "disabled" };
		cli_table_init(&t, 4, 0);
		cli_table_add(&t, header);
		json_array_foreach(all, i, acct)
		{
			dt_strbuf_reset(&scope);
			cli_account_scope(&scope, acct);
			const char *cells[4] = {
				json_string_value(json_object_get(acct, "login")),
				json_string_value(json_object_get(acct, "role")),
				scope.buf,
				json_is_true(json_object_get(acct, "disabled")) ? "yes" : "no",
			};
			cli_table_add(&t, cells);
		}
		cli_table_print(&t, stdout, 0);
		cli_table_release(&t);
		if (json_array_size(all) == 0) {
			fflush(stdout);
			fprintf(stderr, "no accounts in %s (`dualtrack user add` adds one)\n",
				db->db_shown);
		}
	}
	rc = 0;
out:
	json_decref(all);
	dt_strbuf_release(&scope);
	dt_strbuf_release(&err);
	return rc;
}

int cmd_user(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "login", required_argument, NULL, 'L' },
		{ "role", required_argument, NULL, 'r' },
		{ "scope", required_argument, NULL, 's' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "email", required_argument, NULL, 'e' },
		{ "phone", required_argument, NULL, 'P' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT, scope = DT_STRBUF_INIT;
	const char *login = NULL, *role = NULL, *scope_arg = NULL, *format = "table";
	const char *email = NULL, *phone = NULL;
	char password[PASSWORD_MAX + 2];
	unsigned seen = 0;
	size_t a;
	json_t *acct = NULL;
	int64_t id = 0;
	int c, rc = CLI_CONTINUE;

	password[0] = '\0';
	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		switch (c) {
		case 'L':
			login = optarg;
			seen |= O_LOGIN;
			break;
		case 'r':
			role = optarg;
			seen |= O_ROLE;
			break;
		case 's':
			scope_arg = optarg;
			seen |= O_SCOPE;
			break;
		case 'p': seen |= O_PWSTDIN; break;
		case 'e':
			email = optarg;
			seen |= O_EMAIL;
			break;
		case 'P':
			phone = optarg;
			seen |= O_PHONE;
			break;
		case 'f':
			seen |= O_FORMAT;
			rc = cli_format_opt(optarg, (const char *const[]){ "table", "json", NULL },
					    &format);
			break;
		default: rc = cli_common_opt(c, &db); break;
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 1, 2,
				 "the action: add, list, disable, enable or passwd")) !=
	    CLI_CONTINUE)
		goto out;
	const char *action = argv[optind];
	for (a = 0; a < DT_ARRAY_SIZE(actions); a++)
		if (!strcmp(actions[a].name, action))
			break;
	if (a == DT_ARRAY_SIZE(actions)) {
		rc = cli_usage_error(
			"%s is not a user action (add, list, disable, enable or passwd)",
			cli_quote(action));
		goto out;
	}
	if ((rc = cli_positional(argc, argv, 1 + actions[a].nargs, 1 + actions[a].nargs,
				 "LOGIN")) != CLI_CONTINUE)
		goto out;
	for (size_t k = 0; k < DT_ARRAY_SIZE(option_names); k++) {
		unsigned bit = 1u << k;
		if ((seen & bit) && !(actions[a].allow & bit)) {
			rc = cli_usage_error("%s does not apply to `user %s`", option_names[k],
					     action);
			goto out;
		}
		if ((actions[a].need & bit) && !(seen & bit)) {
			rc = cli_usage_error(
				"`user %s` needs %s%s", action, option_names[k],
				bit == O_PWSTDIN ? " (the password is read from stdin, one line)"
						 : "");
			goto out;
		}
	}
	if (actions[a].nargs)
		login = argv[optind + 1];

	/* The e-mail and phone, then the password: a mistake there costs no database work. */
	if ((email || phone) &&
	    (rc = dt_store_account_contact_check(email, phone, &err)) != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	if ((seen & O_PWSTDIN) && (rc = read_password(password, sizeof(password))))
		goto out;
	db.need_key = strcmp(action, "list") != 0; /* writes need the key, as elsewhere */
	if ((rc = cli_db_open(&db)))
		goto out;

	if (!strcmp(action, "list")) {
		rc = user_list(&db, format);
	} else if (!strcmp(action, "add")) {
		rc = dt_store_account_add(db.store, cli_actor(), login, role, scope_arg, password,
					  &id, &err);
		if (rc == DT_ECONFLICT) {
			/* the login is the account's only unique field */
			dt_strbuf_reset(&err);
			dt_strbuf_addf(&err, "login: %s is taken (see `dualtrack user list`)",
				       cli_quote(login));
		}
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		if ((email || phone) &&
		    (rc = dt_store_account_contact(db.store, cli_actor(), id, email, phone,
						   &err)) != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		if ((rc = cli_account_find(db.store, login, &acct)))
			goto out;
		cli_account_scope(&scope, acct);
		printf("added account '%s' (id %lld, role %s, scope %s)\n", login, (long long)id,
		       role, scope.buf);
	} else if (!strcmp(action, "passwd")) {
		rc = dt_store_account_passwd(db.store, cli_actor(), login, password, &err);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		printf("changed the password of '%s'; its sessions are signed out (API tokens stay)\n",
		       login);
	} else {
		bool disable = !strcmp(action, "disable");
		rc = dt_store_account_disable(db.store, cli_actor(), login, disable, &err);
		if (rc != DT_OK) {
			rc = cli_fail(rc, &err);
			goto out;
		}
		if (disable)
			printf("disabled account '%s'; its sessions and tokens are revoked\n",
			       login);
		else
			printf("enabled account '%s' (revoked tokens stay revoked)\n", login);
	}
out:
	sodium_memzero(password, sizeof(password));
	json_decref(acct);
	cli_db_close(&db);
	dt_strbuf_release(&scope);
	dt_strbuf_release(&err);
	return rc;
}
