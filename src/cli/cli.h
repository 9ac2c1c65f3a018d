/*
 * cli.h - what the subcommands of the dualtrack command line share.
 *
 * main.c holds the const command table (struct dt_cmd, like git's
 * commands[] and tmux's cmd_entry) and dispatches; each subcommand lives in
 * its own cmd_<name>.c and only parses its arguments, calls the store or the
 * engine, and formats the answer.  The helpers here keep that small: one
 * getopt_long loop shape with the shared options (--help, --db, --key-file),
 * opening the store with its key, messages that name the command and the
 * argument at fault, JSON and table output, and the progress bar.
 *
 * Exit statuses: 0 ok, 1 invalid input or a failed check, 2 usage error,
 * 3 internal error (dt_err_exit_status() maps an enum dt_err).
 */
#ifndef DT_CLI_H
#define DT_CLI_H

#include <getopt.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/common.h"
#include "core/lang.h"
#include "core/secret.h"
#include "domain/problem.h"
#include "store/store.h"

/* ---- the command table ---- */

enum dt_cmd_flags {
	DT_CMD_DB = 1 << 0,  /* opens a database: takes --db and --key-file */
	DT_CMD_KEY = 1 << 1, /* needs the key file even when it was not named */
};

struct dt_cmd {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the command name; returns the exit status */
	unsigned flags;
	const char *usage;   /* synopsis, then option lines, each ending in \n */
	const char *summary; /* one line for `dualtrack --help` */
};

/** The command being run (set by main before it calls the command). */
extern const struct dt_cmd *cli_cmd;

int cmd_init(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_gen(int argc, char **argv);
int cmd_copy(int argc, char **argv);
int cmd_summary(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_add(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_delete(int argc, char **argv);
int cmd_contract(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_record(int argc, char **argv);
int cmd_mentor(int argc, char **argv);
int cmd_refdata(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_token(int argc, char **argv);
/* Monitoring (cmd_indicators.c, cmd_rank.c, cmd_alerts.c). */
int cmd_indicators(int argc, char **argv);
int cmd_rank(int argc, char **argv);
int cmd_alerts(int argc, char **argv);
/* The public portal's published figures (cmd_publish.c). */
int cmd_publish(int argc, char **argv);
/* Notifications (cmd_notify.c). */
int cmd_notify(int argc, char **argv);
int cmd_settings(int argc, char **argv);
/* Supervision (cmd_inspection.c, cmd_finding.c). */
int cmd_inspection(int argc, char **argv);
int cmd_finding(int argc, char **argv);
struct dt_period;
/** Parse the value of --year ('y'), --quarter ('q') or --month ('m') into @p; CLI_CONTINUE or 2. */
int cli_period_opt(int c, const char *arg, struct dt_period *p);
/* Bulk import and export (cmd_import.c, cmd_export.c). */
/*
 * The largest file an import takes: `dualtrack import FILE`, and by default
 * POST /api/v1/imports (`serve --max-upload`).  The CLI holds the file in
 * memory while it imports it.
 */
#define CLI_IMPORT_FILE_MAX ((size_t)256 << 20)
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
/**
 * Read all of @path ("-" for stdin) into @out; 0, or an exit status after a
 * message.  A file longer than @out's cap (out->max) is refused with exit
 * status 1 and a message naming the cap.
 */
int cli_read_file(const char *path, struct dt_strbuf *out);

struct cli_db;
struct dt_demo_opts;
/**
 * Shared by demo and gen: open the store, run the generator with a progress
 * report, print the counts and the time taken; with @accounts also create
 * the demo sign-ins and list them.  Returns the exit status.
 */
int cli_demo_run(struct cli_db *db, struct dt_demo_opts *o, const char *label, bool accounts);
/* Shared by report and contract pdf|book (cmd_report.c). */
/** --lang zh|en into *@lang; CLI_CONTINUE or 2 after a usage message. */
int cli_lang_opt(const char *v, enum dt_lang *lang);
/** Write the document @doc to @path (- for stdout); 0, or 1 after saying why not. */
int cli_write_doc(const char *path, const struct dt_strbuf *doc);
/** Parse --seed S (0..2^63-1); CLI_CONTINUE or 2 after a usage message. */
int cli_parse_seed(const char *s, uint64_t *seed);

/* Shared by user and token (cmd_user.c). */
/**
 * The account @login from dt_store_account_list(): *@out a new reference.
 * Returns 0, or after reporting "no account 'L'" 1 (3 for a store error).
 */
int cli_account_find(struct dt_store *s, const char *login, json_t **out);
/** Append an account's scope as user add takes it: "210100", "org:ID", "trainee:ID" or "-". */
void cli_account_scope(struct dt_strbuf *sb, json_t *acct);

/* ---- messages ---- */

/*
 * Messages are in the language of the locale (dt_lang_env(): Chinese for
 * zh_*, English otherwise): those with a code come from the catalogue
 * (cli_say, cli_usage_say, cli_problems); cli_error() and
 * cli_usage_error() print what a command words itself.
 */

/** The language of the command line's messages (the locale's, read once). */
enum dt_lang cli_lang(void);
/**
 * "dualtrack CMD: FIELD: message" on stderr: problem @code about @field
 * (NULL: none; its label or itself), its arguments as dt_problem_add()'s.
 */
void cli_say(const char *field, const char *code, ...);
/** Append the catalogue's message @code (arguments as for cli_say) in the locale's language to @out. */
void cli_text(struct dt_strbuf *out, const char *code, ...);
/** As cli_say(), then the hint to --help; returns 2 (usage error). */
int cli_usage_say(const char *field, const char *code, ...);
/**
 * Every problem of @ps, one per line after the command's name, as
 * "field: message" (the field as typed: an option, an argument, a JSON
 * field or a filter); the exit status for @rc.
 */
int cli_problems(int rc, const struct dt_problems *ps);
/** The store's problems (cli_problems()) when it has any for the failure @rc, else cli_fail(). */
int cli_fail_store(struct dt_store *s, int rc, const struct dt_strbuf *err);

/** "dualtrack CMD: message" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** As cli_error(), then a hint to --help; returns 2 (usage error). */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/** A usage error for option @opt whose value @v is not a region code, worded in the locale's language. */
int cli_region_error(const char *opt, const char *v);
/**
 * @s quoted for a message with dt_utf8_add_quoted() ('abc', controls escaped,
 * long input cut).  The text stays valid for the next three calls.
 */
const char *cli_quote(const char *s);
/** Print the current command's usage on @f (stdout for --help, stderr otherwise). */
void cli_usage(FILE *f);
/** Report @err (or dt_strerror(@rc) when empty) and return the exit status for @rc. */
int cli_fail(int rc, const struct dt_strbuf *err);
/**
 * Report a failed write: with the store's problems, "WHAT (REASON):", WHAT
 * the catalogue's wording of @code ("cli.not_created" {entity}) and its
 * arguments, and then each problem on its own line "  field: message" (the JSON field), in
 * the locale's language; otherwise @err.  Returns the exit status for @rc.
 */
int cli_fail_write(struct dt_store *s, int rc, const struct dt_strbuf *err, const char *code, ...);

/* ---- options ---- */

/* Values getopt_long returns for the shared long options. */
enum { CLI_OPT_DB = 0x100, CLI_OPT_KEY_FILE, CLI_OPT_HELP = 'h' };
/* cli_common_opt(): keep going with the loop. */
#define CLI_CONTINUE (-1)

/* The shared options of a command that opens a database; put first in the option array. */
#define CLI_DB_OPTIONS                                                     \
	{ "db", required_argument, NULL, CLI_OPT_DB },                     \
		{ "key-file", required_argument, NULL, CLI_OPT_KEY_FILE }, \
	{                                                                  \
		"help", no_argument, NULL, CLI_OPT_HELP                    \
	}
/* Only --help, for commands without a database. */
#define CLI_HELP_OPTION                                 \
	{                                               \
		"help", no_argument, NULL, CLI_OPT_HELP \
	}
#define CLI_OPTIONS_END          \
	{                        \
		NULL, 0, NULL, 0 \
	}

/** Where the database and its key are, as given on the command line. */
struct cli_db {
	const char *db_arg;  /* --db, or NULL */
	const char *key_arg; /* --key-file, or NULL */
	char *db_path;       /* resolved by cli_db_resolve(); malloc'd */
	char *db_shown;      /* db_path as messages show it (no password); malloc'd */
	char *key_path;      /* resolved; malloc'd */
	bool key_named;      /* the key path came from --key-file or DUALTRACK_KEY_FILE */
	bool need_key;       /* set by a command whose options need the key (show --unmask) */
	bool have_keys;
	struct dt_keys keys;
	struct dt_store *store;
};

#define CLI_DB_INIT                                                                              \
	{                                                                                        \
		NULL, NULL, NULL, NULL, NULL, false, false, false, { { 0 }, { 0 }, { 0 } }, NULL \
	}

/**
 * getopt_long over @argv with @opts (short options are not used).  Returns
 * the option's value, -1 at the end; unknown options and missing values come
 * back as '?' and ':' for cli_common_opt() to report.
 */
int cli_getopt(int argc, char **argv, const struct option *opts);
/**
 * The whole getopt loop of a command whose only options are the shared ones
 * (CLI_DB_OPTIONS) and, when @json is not NULL, --json JSON|-: *@json then
 * points at the option's text in argv, or is left alone when it is not
 * given.  Returns CLI_CONTINUE, or the exit status to return now (0 after
 * --help, 2 for a usage error).
 */
int cli_db_opts(int argc, char **argv, struct cli_db *db, const char **json);
/**
 * Handle a shared option or a getopt error: --db and --key-file go into @db
 * (which may be NULL for commands without a database), --help prints the
 * usage.  Returns CLI_CONTINUE, or the exit status to return now (0 after
 * --help, 2 for a usage error).
 */
int cli_common_opt(int c, struct cli_db *db);
/**
 * Check that exactly @min..@max positional arguments remain after the
 * options (max < 0: no limit); reports a usage error naming @what otherwise.
 * Returns CLI_CONTINUE or 2.
 */
int cli_positional(int argc, char **argv, int min, int max, const char *what);

struct dt_entity;
/**
 * The entity named @name (singular or plural, e.g. "trainee" or "trainees");
 * reports a usage error listing the entities otherwise.  CLI_CONTINUE or 2.
 */
int cli_entity(const char *name, const struct dt_entity **e);
/**
 * The value of --format: one of the NULL-ended @allowed (the first is the
 * default the caller starts with), stored in *@format; CLI_CONTINUE, or 2
 * after "--format: 'x' is not table, json or csv".
 */
int cli_format_opt(const char *arg, const char *const *allowed, const char **format);
/**
 * Parse @s, the value of option or argument @what, as a whole number in
 * [@min, @max] into *@out; CLI_CONTINUE, or 2 after the catalogue's
 * type.integer or number.range about @what in the locale's language.
 */
int cli_int_arg(const char *what, const char *s, int64_t min, int64_t max, int64_t *out);
/** Parse an object id ("ID" names it in the message); CLI_CONTINUE or 2. */
int cli_parse_id(const char *s, const char *what, int64_t *id);
/**
 * The positional arguments of a command on records of one entity: ENTITY
 * alone when @id is NULL, else ENTITY ID.  @what names ENTITY when it is
 * missing (e.g. "ENTITY (e.g. trainee)").  Sets *@e (a static entry of
 * dt_entities) and *@id; returns CLI_CONTINUE, or 2 after a usage message.
 */
int cli_entity_args(int argc, char **argv, const char *what, const struct dt_entity **e,
		    int64_t *id);

/* ---- the database ---- */

/**
 * Resolve the paths: --db, else $DUALTRACK_DB, else ./dualtrack.db; --key-file,
 * else $DUALTRACK_KEY_FILE, else dualtrack.key beside the database.
 * Returns 0 or an exit status.
 */
int cli_db_resolve(struct cli_db *db);
/**
 * Resolve, load the key file and open the store (no creation).  The key is
 * required when the command has DT_CMD_KEY or when its path was named;
 * otherwise a missing default key file opens the store without keys.
 * Returns 0, or an exit status after reporting the error.
 */
int cli_db_open(struct cli_db *db);
/**
 * The audit signing key's path (cmd_audit.c): @arg (--signing-key), else
 * $DUALTRACK_SIGNING_KEY, else dualtrack.signing.key beside the key file
 * (resolved in @db).  Malloc'd; NULL when out of memory.
 */
char *cli_signing_key_path(const struct cli_db *db, const char *arg);
/** Close the store, wipe the keys, free the paths; safe to call twice. */
void cli_db_close(struct cli_db *db);

/** The actor of CLI writes: {"cli:" + $USER, NULL} ("cli:root" without $USER). */
const struct dt_actor *cli_actor(void);

/* ---- input and output ---- */

/**
 * The JSON object given as @arg to option @what: the text itself, or "-" to
 * read stdin.  *@out receives a new reference.  Returns 0 or an exit status.
 */
int cli_json_arg(const char *arg, const char *what, json_t **out);
/**
 * The required --json option of a write: cli_json_arg(@arg, "--json", @out)
 * (*@out a new reference, or NULL), or when @arg is NULL (not given) the
 * usage error "--json is required: the @what as a JSON object, or - for
 * stdin".  Returns 0 or an exit status.
 */
int cli_json_required(const char *arg, const char *what, json_t **out);
/** Print @v on stdout as indented JSON (2 spaces) and a newline. */
void cli_print_json(json_t *v);
/** Print @v on stdout as one compact JSON line. */
void cli_print_json_line(json_t *v);
/** Append the display text of a JSON scalar (null as "-", reals without noise). */
void cli_json_text(struct dt_strbuf *sb, json_t *v);

/** A text table aligned by display width (East Asian wide characters count 2). */
struct cli_table {
	size_t ncols;
	unsigned right; /* bit i: right-align column i (numbers) */
	json_t *rows;   /* array of arrays of strings; row 0 is the header */
};

void cli_table_init(struct cli_table *t, size_t ncols, unsigned right);
/** Add a row of @ncols cells (NUL-terminated UTF-8; NULL prints "-"). */
void cli_table_add(struct cli_table *t, const char *const *cells);
/** Print with two spaces between columns, each cell cut at @maxw display columns (0: no cut). */
void cli_table_print(const struct cli_table *t, FILE *f, size_t maxw);
void cli_table_release(struct cli_table *t);

/* ---- progress ---- */

/**
 * A progress report on stderr: a bar redrawn with \r on a terminal, plain
 * lines every few seconds or tenth otherwise.
 */
struct cli_progress {
	const char *label;
	bool tty;
	double start;     /* seconds, monotonic */
	double last_draw; /* when the bar or a line was last written */
	int last_tenth;   /* for plain lines: the last tenth reported */
	int64_t done, total;
	bool drawn; /* something is on the terminal line */
};

void cli_progress_init(struct cli_progress *p, const char *label);
/** Report @done of @total (redrawn at most ~10 times a second). */
void cli_progress_update(struct cli_progress *p, int64_t done, int64_t total);
/** Draw the final state and end the line. */
void cli_progress_finish(struct cli_progress *p);
/** Seconds since cli_progress_init(). */
double cli_progress_elapsed(const struct cli_progress *p);
/** An adapter for callbacks of the shape void (*)(void *ctx, int64_t done, int64_t total). */
void cli_progress_cb(void *ctx, int64_t done, int64_t total);
/** Monotonic seconds. */
double cli_now(void);

#endif
