/*
 * common.c - helpers shared by the subcommands: messages, the shared
 * options, opening the store with its key, the CLI actor, JSON input and
 * output, and aligned text tables.
 *
 * Messages go to stderr as "dualtrack CMD: ..." and name the argument at
 * fault, in the locale's language (the catalogue words them); results go to
 * stdout so that they can be piped.
 */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/utf8.h"
#include "domain/arg.h"
#include "domain/entity.h"
#include "domain/region.h"
#include "core/banned.h"

#define JSON_INPUT_MAX ((size_t)16 << 20)

/* ---- messages ---- */

static void verror(const char *fmt, va_list ap)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_strbuf_addf(&sb, "dualtrack%s%s: ", cli_cmd ? " " : "", cli_cmd ? cli_cmd->name : "");
	dt_strbuf_vaddf(&sb, fmt, ap);
	dt_strbuf_addch(&sb, '\n');
	fflush(stdout);
	fputs(sb.buf, stderr);
	dt_strbuf_release(&sb);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
}

const char *cli_quote(const char *s)
{
	static struct dt_strbuf ring[4] = { DT_STRBUF_INIT, DT_STRBUF_INIT, DT_STRBUF_INIT,
					    DT_STRBUF_INIT };
	static unsigned next;
	struct dt_strbuf *sb = &ring[next++ % DT_ARRAY_SIZE(ring)];
	dt_strbuf_reset(sb);
	dt_utf8_add_quoted(sb, s ? s : "", 80);
	return sb->buf;
}

/* The hint after a usage error: the command's synopsis and where its options are told. */
static void usage_hint(void)
{
	if (!cli_cmd)
		return;
	struct dt_strbuf syn = DT_STRBUF_INIT, sb = DT_STRBUF_INIT;
	dt_strbuf_add(&syn, cli_cmd->usage, strcspn(cli_cmd->usage, "\n"));
	dt_message(&sb, cli_lang(), "cli.usage", "synopsis", syn.buf, "name", cli_cmd->name, "help",
		   "--help", NULL);
	fprintf(stderr, "%s\n", sb.buf);
	dt_strbuf_release(&syn);
	dt_strbuf_release(&sb);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verror(fmt, ap);
	va_end(ap);
	usage_hint();
	return 2;
}

enum dt_lang cli_lang(void)
{
	static int lang = -1;
	if (lang < 0)
		lang = (int)dt_lang_env();
	return (enum dt_lang)lang;
}

/*
 * @sb with its control characters written \xNN: the arguments quote what
 * was typed, which must not move the terminal's cursor.
 */
static const char *cli_controls(struct dt_strbuf *sb)
{
	struct dt_strbuf out = DT_STRBUF_INIT;
	for (size_t i = 0; i < sb->len; i++) {
		unsigned char ch = (unsigned char)sb->buf[i];
		if (ch < 0x20 || ch == 0x7f)
			dt_strbuf_addf(&out, "\\x%02X", ch);
		else
			dt_strbuf_addch(&out, (char)ch);
	}
	dt_strbuf_reset(sb);
	dt_strbuf_add(sb, out.buf, out.len);
	dt_strbuf_release(&out);
	return sb->buf;
}

/* Append problem @code about @field (its label first) with the arguments in @ap to @out. */
static void text_v(struct dt_strbuf *out, const char *field, const char *code, va_list ap)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	dt_problem_addv(&ps, field, code, ap);
	if (ps.n)
		dt_problem_render(&ps.v[0], cli_lang(), true, out);
	dt_problems_release(&ps);
}

/* Print problem @code about @field with the arguments in @ap. */
static void say(const char *field, const char *code, va_list ap)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	text_v(&sb, field, code, ap);
	cli_error("%s", cli_controls(&sb));
	dt_strbuf_release(&sb);
}

void cli_text(struct dt_strbuf *out, const char *code, ...)
{
	va_list ap;
	va_start(ap, code);
	text_v(out, NULL, code, ap);
	va_end(ap);
}

void cli_say(const char *field, const char *code, ...)
{
	va_list ap;
	va_start(ap, code);
	say(field, code, ap);
	va_end(ap);
}

int cli_usage_say(const char *field, const char *code, ...)
{
	va_list ap;
	va_start(ap, code);
	say(field, code, ap);
	va_end(ap);
	usage_hint();
	return 2;
}

int cli_problems(int rc, const struct dt_problems *ps)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	for (size_t i = 0; ps && i < ps->n; i++) {
		dt_strbuf_reset(&sb);
		if (ps->v[i].field)
			dt_strbuf_addf(&sb, "%s%s", ps->v[i].field,
				       cli_lang() == DT_LANG_EN ? ": " : "：");
		if (ps->v[i].warning)
			dt_message(&sb, cli_lang(), "cli.warning", NULL);
		dt_problem_render(&ps->v[i], cli_lang(), false, &sb);
		cli_error("%s", cli_controls(&sb));
	}
	dt_strbuf_release(&sb);
	return dt_err_exit_status(rc == DT_OK ? DT_EINTERNAL : rc);
}

int cli_fail_store(struct dt_store *s, int rc, const struct dt_strbuf *err)
{
	const struct dt_problems *ps = s ? dt_store_problems(s) : NULL;
	if (rc == DT_OK || !dt_problems_errors(ps))
		return cli_fail(rc, err);
	return cli_problems(rc, ps);
}

int cli_fail(int rc, const struct dt_strbuf *err)
{
	if (rc == DT_OK)
		rc = DT_EINTERNAL; /* a caller reporting success as a failure is a bug */
	cli_error("%s", err && err->len ? err->buf : dt_strerror_lang(rc, cli_lang()));
	return dt_err_exit_status(rc);
}

int cli_fail_write(struct dt_store *s, int rc, const struct dt_strbuf *err, const char *code, ...)
{
	const struct dt_problems *ps = s ? dt_store_problems(s) : NULL;
	if (!dt_problems_errors(ps))
		return cli_fail(rc, err);
	enum dt_lang lang = cli_lang();
	struct dt_problems what = DT_PROBLEMS_INIT;
	struct dt_strbuf sb = DT_STRBUF_INIT;
	va_list ap;
	va_start(ap, code);
	dt_problem_addv(&what, NULL, code, ap);
	va_end(ap);
	if (what.n)
		dt_problem_render(&what.v[0], lang, false, &sb);
	dt_strbuf_addf(&sb, lang == DT_LANG_EN ? " (%s):" : "（%s）：", dt_strerror_lang(rc, lang));
	cli_error("%s", sb.buf);
	for (int pass = 0; pass < 2; pass++) { /* errors, then warnings */
		for (size_t i = 0; i < ps->n; i++) {
			if (ps->v[i].warning != (pass == 1))
				continue;
			/* the field as the JSON named it: what the user typed */
			dt_strbuf_reset(&sb);
			if (ps->v[i].field)
				dt_strbuf_addf(&sb, "%s: ", ps->v[i].field);
			if (pass)
				dt_message(&sb, lang, "cli.warning", NULL);
			dt_problem_render(&ps->v[i], lang, false, &sb);
			fprintf(stderr, "  %s\n", cli_controls(&sb));
		}
	}
	dt_strbuf_release(&sb);
	dt_problems_release(&what);
	return dt_err_exit_status(rc == DT_OK ? DT_EINTERNAL : rc);
}

/* ---- options ---- */

static char **opt_argv;
static const struct option *opt_list;

int cli_getopt(int argc, char **argv, const struct option *opts)
{
	opt_argv = argv;
	opt_list = opts;
	opterr = 0;
	return getopt_long(argc, argv, ":", opts, NULL);
}

/* The argument getopt was looking at when it failed. */
static const char *failed_arg(void)
{
	return optind > 0 && opt_argv && opt_argv[optind - 1] ? opt_argv[optind - 1] : "?";
}

/* A short option or a long option that getopt did not know, named as given. */
static int unknown_option(void)
{
	const char *arg = failed_arg();
	if (strncmp(arg, "--", 2)) {
		char s[3] = { '-', (char)(optopt ? optopt : '?'), 0 };
		return cli_usage_say(NULL, "cli.unknown_option", "option", s, NULL);
	}
	/* getopt_long reports "--desc=yes" for a flag as unknown too: say what is wrong. */
	const char *eq = strchr(arg, '=');
	for (const struct option *o = opt_list; eq && o && o->name; o++) {
		if (o->has_arg == no_argument && strlen(o->name) == (size_t)(eq - arg - 2) &&
		    !strncmp(o->name, arg + 2, (size_t)(eq - arg - 2)))
			return cli_usage_say(NULL, "cli.option_no_value", "option", arg, NULL);
	}
	return cli_usage_say(NULL, "cli.unknown_option", "option", arg, NULL);
}

int cli_common_opt(int c, struct cli_db *db)
{
	switch (c) {
	case CLI_OPT_DB:
		if (!db)
			return unknown_option();
		if (!*optarg)
			return cli_usage_say("--db", "cli.path_empty", NULL);
		db->db_arg = optarg;
		return CLI_CONTINUE;
	case CLI_OPT_KEY_FILE:
		if (!db)
			return unknown_option();
		if (!*optarg)
			return cli_usage_say("--key-file", "cli.path_empty", NULL);
		db->key_arg = optarg;
		return CLI_CONTINUE;
	case CLI_OPT_HELP: cli_usage(stdout); return 0;
	case ':': return cli_usage_say(NULL, "cli.option_value", "option", failed_arg(), NULL);
	default: return unknown_option();
	}
}

int cli_db_opts(int argc, char **argv, struct cli_db *db, const char **json)
{
	/* Two tables, so that --json stays an unknown option where it is not taken. */
	static const struct option plain[] = { CLI_DB_OPTIONS, CLI_OPTIONS_END };
	static const struct option with_json[] = {
		CLI_DB_OPTIONS,
		{ "json", required_argument, NULL, 'j' },
		CLI_OPTIONS_END,
	};
	int c, rc;
	while ((c = cli_getopt(argc, argv, json ? with_json : plain)) != -1) {
		if (c == 'j' && json)
			*json = optarg;
		else if ((rc = cli_common_opt(c, db)) != CLI_CONTINUE)
			return rc;
	}
	return CLI_CONTINUE;
}

int cli_positional(int argc, char **argv, int min, int max, const char *what)
{
	int n = argc - optind;
	if (n < min)
		return cli_usage_say(NULL, "cli.missing_arg", "what", what, NULL);
	if (max >= 0 && n > max)
		return cli_usage_say(NULL, "cli.extra_arg", "value", argv[optind + max], NULL);
	return CLI_CONTINUE;
}

int cli_entity(const char *name, const struct dt_entity **e)
{
	*e = dt_entity_find(name);
	/* "record-entry" and "record_entries" are meant too: try the other separator. */
	for (int pass = 0; !*e && pass < 2; pass++) {
		char *alt = strdup(name);
		if (!alt)
			break;
		for (char *p = alt; *p; p++)
			if (*p == (pass ? '_' : '-'))
				*p = pass ? '-' : '_';
		*e = dt_entity_find(alt);
		free(alt);
	}
	if (*e)
		return CLI_CONTINUE;
	struct dt_strbuf names = DT_STRBUF_INIT;
	for (const struct dt_entity *x = dt_entities; x->name; x++)
		dt_strbuf_addf(&names, "%s%s", x == dt_entities ? "" : "|", x->name);
	int rc = cli_usage_say(NULL, "cli.entity", "value", name, "values", names.buf, NULL);
	dt_strbuf_release(&names);
	return rc;
}

int cli_int_arg(const char *what, const char *s, int64_t min, int64_t max, int64_t *out)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	int rc = CLI_CONTINUE;
	if (dt_arg_int64(&ps, what, s, min, max, out) != DT_OK) {
		cli_problems(DT_EINVAL, &ps);
		usage_hint();
		rc = 2;
	}
	dt_problems_release(&ps);
	return rc;
}

int cli_parse_id(const char *s, const char *what, int64_t *id)
{
	return cli_int_arg(what, s, 1, INT64_MAX, id);
}

int cli_entity_args(int argc, char **argv, const char *what, const struct dt_entity **e,
		    int64_t *id)
{
	int rc;
	if ((rc = cli_positional(argc, argv, 1, id ? 2 : 1, what)) != CLI_CONTINUE ||
	    (rc = cli_entity(argv[optind], e)) != CLI_CONTINUE)
		return rc;
	if (id && ((rc = cli_positional(argc, argv, 2, 2, "ID")) != CLI_CONTINUE ||
		   (rc = cli_parse_id(argv[optind + 1], "ID", id)) != CLI_CONTINUE))
		return rc;
	return CLI_CONTINUE;
}

/* ---- the database ---- */

/* strdup() for the command line: out of memory ends the process with exit status 3. */
static char *strdup_or_exit(const char *s)
{
	char *p = strdup(s);
	if (!p) {
		cli_say(NULL, "cli.out_of_memory", NULL);
		exit(3);
	}
	return p;
}

int cli_db_resolve(struct cli_db *db)
{
	if (db->db_path)
		return 0;
	const char *env = getenv("DUALTRACK_DB");
	const char *path = db->db_arg ? db->db_arg : env && *env ? env : "dualtrack.db";
	db->db_path = strdup_or_exit(path);
	struct dt_strbuf shown = DT_STRBUF_INIT;
	dt_store_path_shown(path, &shown);
	db->db_shown = dt_strbuf_detach(&shown, NULL);
	if (!db->db_shown) {
		cli_say(NULL, "cli.out_of_memory", NULL);
		exit(3);
	}

	const char *kenv = getenv("DUALTRACK_KEY_FILE");
	if (db->key_arg || (kenv && *kenv)) {
		db->key_path = strdup_or_exit(db->key_arg ? db->key_arg : kenv);
		db->key_named = true;
	} else if (dt_store_is_pgsql(path)) {
		/* A PostgreSQL database has no folder: its key is NAME.key in the current one. */
		const char *slash = strrchr(path + strlen("postgres://"), '/');
		const char *name = slash ? slash + 1 : "";
		struct dt_strbuf k = DT_STRBUF_INIT;
		dt_strbuf_add(&k, name, strcspn(name, "?"));
		if (!k.len)
			dt_strbuf_adds(&k, "dualtrack");
		dt_strbuf_adds(&k, ".key");
		db->key_path = dt_strbuf_detach(&k, NULL);
		if (!db->key_path) {
			cli_error("out of memory");
			return 3;
		}
	} else {
		struct dt_strbuf k = DT_STRBUF_INIT;
		const char *slash = strrchr(path, '/');
		if (slash)
			dt_strbuf_add(&k, path, (size_t)(slash - path + 1));
		dt_strbuf_adds(&k, "dualtrack.key");
		db->key_path = dt_strbuf_detach(&k, NULL);
		if (!db->key_path) {
			cli_error("out of memory");
			return 3;
		}
	}
	return 0;
}

int cli_db_open(struct cli_db *db)
{
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct stat st;
	int rc = cli_db_resolve(db);
	if (rc)
		return rc;
	if (!dt_store_is_pgsql(db->db_path) && stat(db->db_path, &st) != 0) {
		if (errno == ENOENT)
			cli_say(NULL, "cli.no_database", "path", db->db_shown, "init", "init",
				"option", "--db", NULL);
		else
			cli_error("%s: %s", db->db_path, strerror(errno));
		return 1;
	}
	bool need_key = (cli_cmd && (cli_cmd->flags & DT_CMD_KEY)) || db->key_named || db->need_key;
	if (need_key || access(db->key_path, F_OK) == 0) {
		rc = dt_keys_load_file(db->key_path, &db->keys, &err);
		if (rc != DT_OK) {
			if (!db->key_named)
				dt_strbuf_adds(
					&err,
					" (give the key with --key-file PATH or DUALTRACK_KEY_FILE)");
			rc = cli_fail(rc, &err);
			goto out;
		}
		db->have_keys = true;
	}
	rc = dt_store_open(&db->store, db->db_path, db->have_keys ? &db->keys : NULL, 0, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
out:
	dt_strbuf_release(&err);
	return rc;
}

void cli_db_close(struct cli_db *db)
{
	dt_store_close(db->store);
	db->store = NULL;
	dt_keys_clear(&db->keys);
	db->have_keys = false;
	free(db->db_path);
	free(db->db_shown);
	free(db->key_path);
	db->db_path = db->db_shown = db->key_path = NULL;
}

const struct dt_actor *cli_actor(void)
{
	static struct dt_actor actor;
	static struct dt_strbuf login = DT_STRBUF_INIT;
	if (!actor.login) {
		const char *user = getenv("USER");
		dt_strbuf_addf(&login, "cli:%s", user && *user ? user : "root");
		actor.login = dt_strbuf_ok(&login) ? login.buf : "cli:root";
		actor.request_id = NULL;
	}
	return &actor;
}

/* ---- JSON ---- */

static int read_stdin(struct dt_strbuf *sb, const char *what)
{
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
		dt_strbuf_add(sb, buf, n);
	if (ferror(stdin)) {
		cli_say(what, "cli.stdin_unreadable", "reason", strerror(errno), NULL);
		return 3;
	}
	if (!dt_strbuf_ok(sb)) {
		cli_say(what, "cli.stdin_too_large", "max", DT_I(sb->max), NULL);
		return 1;
	}
	return 0;
}

int cli_json_arg(const char *arg, const char *what, json_t **out)
{
	struct dt_strbuf in = DT_STRBUF_INIT;
	json_error_t jerr;
	int rc = 0;
	*out = NULL;
	dt_strbuf_init(&in, JSON_INPUT_MAX);
	if (!strcmp(arg, "-"))
		rc = read_stdin(&in, what);
	else
		dt_strbuf_adds(&in, arg);
	if (rc)
		goto out;
	json_t *v = json_loadb(in.buf, in.len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v) {
		cli_say(what, "cli.json_invalid", "line", DT_I(jerr.line), "column",
			DT_I(jerr.column), "reason", jerr.text, NULL);
		rc = 1;
		goto out;
	}
	if (!json_is_object(v)) {
		cli_say(what, "type.object", NULL);
		json_decref(v);
		rc = 1;
		goto out;
	}
	*out = v;
out:
	dt_strbuf_release(&in);
	return rc;
}

int cli_json_required(const char *arg, const char *what, json_t **out)
{
	*out = NULL;
	if (!arg)
		return cli_usage_say("--json", "cli.json_required", "what", what, NULL);
	return cli_json_arg(arg, "--json", out);
}

#define JSON_OUT_FLAGS (JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY)

void cli_print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_OUT_FLAGS | JSON_INDENT(2));
	fputc('\n', stdout);
}

void cli_print_json_line(json_t *v)
{
	json_dumpf(v, stdout, JSON_OUT_FLAGS | JSON_COMPACT);
	fputc('\n', stdout);
}

void cli_json_text(struct dt_strbuf *sb, json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING: dt_strbuf_add(sb, json_string_value(v), json_string_length(v)); break;
	case JSON_INTEGER: dt_strbuf_addf(sb, "%lld", (long long)json_integer_value(v)); break;
	case JSON_REAL: dt_strbuf_addf(sb, "%.15g", json_real_value(v)); break;
	case JSON_TRUE: dt_strbuf_adds(sb, "true"); break;
	case JSON_FALSE: dt_strbuf_adds(sb, "false"); break;
	case JSON_NULL: dt_strbuf_adds(sb, "-"); break;
	default: {
		char *s = json_dumps(v, JSON_OUT_FLAGS | JSON_COMPACT);
		dt_strbuf_adds(sb, s ? s : "?");
		free(s);
		break;
	}
	}
}

/* ---- tables ---- */

void cli_table_init(struct cli_table *t, size_t ncols, unsigned right)
{
	t->ncols = ncols;
	t->right = right;
	t->rows = json_array();
}

void cli_table_add(struct cli_table *t, const char *const *cells)
{
	json_t *row = json_array();
	for (size_t i = 0; i < t->ncols; i++) {
		const char *c = cells[i] ? cells[i] : "-";
		/* One line per row: controls (newlines in content) print as blanks. */
		struct dt_strbuf sb = DT_STRBUF_INIT;
		for (const char *p = c; *p; p++)
			dt_strbuf_addch(&sb, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
		json_array_append_new(row, json_stringn_nocheck(sb.buf, sb.len));
		dt_strbuf_release(&sb);
	}
	json_array_append_new(t->rows, row);
}

/* Append @s cut to @maxw display columns (with "…" when cut); returns the width written. */
static size_t add_cut(struct dt_strbuf *sb, const char *s, size_t maxw)
{
	size_t w = dt_utf8_width(s);
	if (!maxw || w <= maxw) {
		dt_strbuf_adds(sb, s);
		return w;
	}
	size_t len = strlen(s), off = 0, used = 0;
	while (off < len) {
		uint32_t cp;
		size_t n = dt_utf8_decode(s + off, len - off, &cp);
		int cw = n ? dt_utf8_cp_width(cp) : 1;
		if (!n)
			n = 1;
		if (used + (size_t)cw > maxw - 1)
			break;
		dt_strbuf_add(sb, s + off, n);
		used += (size_t)cw;
		off += n;
	}
	dt_strbuf_adds(sb, "…");
	return used + 1;
}

void cli_table_print(const struct cli_table *t, FILE *f, size_t maxw)
{
	size_t *width = calloc(t->ncols ? t->ncols : 1, sizeof(*width));
	size_t r;
	json_t *row;
	if (!width)
		return;
	json_array_foreach(t->rows, r, row)
	{
		for (size_t i = 0; i < t->ncols; i++) {
			size_t w = dt_utf8_width(json_string_value(json_array_get(row, i)));
			if (maxw && w > maxw)
				w = maxw;
			if (w > width[i])
				width[i] = w;
		}
	}
	struct dt_strbuf line = DT_STRBUF_INIT, cell = DT_STRBUF_INIT;
	json_array_foreach(t->rows, r, row)
	{
		dt_strbuf_reset(&line);
		for (size_t i = 0; i < t->ncols; i++) {
			dt_strbuf_reset(&cell);
			size_t w = add_cut(&cell, json_string_value(json_array_get(row, i)), maxw);
			size_t pad = width[i] > w ? width[i] - w : 0;
			bool right = (t->right >> i) & 1;
			if (i)
				dt_strbuf_adds(&line, "  ");
			if (right)
				for (size_t k = 0; k < pad; k++)
					dt_strbuf_addch(&line, ' ');
			dt_strbuf_add(&line, cell.buf, cell.len);
			if (!right && i + 1 < t->ncols)
				for (size_t k = 0; k < pad; k++)
					dt_strbuf_addch(&line, ' ');
		}
		dt_strbuf_addch(&line, '\n');
		fputs(line.buf, f);
	}
	dt_strbuf_release(&line);
	dt_strbuf_release(&cell);
	free(width);
}

void cli_table_release(struct cli_table *t)
{
	json_decref(t->rows);
	t->rows = NULL;
}

int cli_format_opt(const char *arg, const char *const *allowed, const char **format)
{
	struct dt_strbuf list = DT_STRBUF_INIT;
	for (size_t i = 0; allowed[i]; i++) {
		if (!strcmp(arg, allowed[i])) {
			*format = allowed[i];
			dt_strbuf_release(&list);
			return CLI_CONTINUE;
		}
		dt_strbuf_addf(&list, "%s%s", i ? "|" : "", allowed[i]);
	}
	int rc = cli_usage_say("--format", "cli.one_of", "value", arg, "values", list.buf, NULL);
	dt_strbuf_release(&list);
	return rc;
}

int cli_region_error(const char *opt, const char *v)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_strbuf why = DT_STRBUF_INIT;
	dt_region_code_parse(v, NULL, &ps, NULL);
	dt_problems_render(&ps, dt_lang_env(), &why);
	int rc = cli_usage_error("%s: %s", opt, why.buf);
	dt_strbuf_release(&why);
	dt_problems_release(&ps);
	return rc;
}
