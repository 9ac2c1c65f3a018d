/*
 * cmd_import.c - `dualtrack import --kind K FILE`: bulk CSV or XLSX import.
 *
 * Reads the whole file (or stdin), hands it to dt_import_csv() with a
 * progress bar on stderr, prints the summary on stdout and writes the error
 * report where --report says.  Without --report the first errors are listed
 * on stderr.  Exit 0 when every row was imported; 1 when rows were rejected
 * (nothing written, or with --partial the good rows written) or the file is
 * unusable; 3 for a database or I/O failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "io/encoding.h"
#include "io/import.h"
#include "core/banned.h"

#define ERRORS_SHOWN 20

/* Read all of @path ("-" for stdin) into @out; 0 or an exit status after a message. */
/* Report that @path is over the cap of @out; the exit status 1. */
static int too_large(const char *path, const struct dt_strbuf *out)
{
	cli_error("%s: the file is larger than %zu bytes (%zu MiB), the limit", path, out->max,
		  out->max >> 20);
	return 1;
}

int cli_read_file(const char *path, struct dt_strbuf *out)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
	if (fd < 0) {
		cli_error("%s: %s", path, strerror(errno));
		return errno == ENOENT || errno == EACCES ? 1 : 3;
	}
	int rc = 0;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
		if ((uintmax_t)st.st_size > out->max) {
			rc = too_large(path, out);
			goto out;
		}
		dt_strbuf_grow(out, (size_t)st.st_size);
	}
	for (;;) {
		/* Up to 1 MiB a turn, never past the cap; at the cap, one byte more tells. */
		size_t room = out->max - out->len;
		char probe;
		if (room &&
		    !dt_strbuf_grow(out, room < ((size_t)1 << 20) ? room : (size_t)1 << 20)) {
			cli_error("%s: out of memory", path);
			rc = 3;
			break;
		}
		ssize_t n = room ? read(fd, out->buf + out->len, out->alloc - out->len - 1)
				 : read(fd, &probe, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_error("%s: %s", path, strerror(errno));
			rc = 3;
			break;
		}
		if (n == 0)
			break;
		if (!room) {
			rc = too_large(path, out);
			break;
		}
		out->len += (size_t)n;
		out->buf[out->len] = '\0';
	}
out:
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

static int write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		cli_error("--report %s: %s", path, strerror(errno));
		return 3;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_error("--report %s: %s", path, strerror(errno));
			close(fd);
			return 3;
		}
		off += (size_t)n;
	}
	if (close(fd) != 0) {
		cli_error("--report %s: %s", path, strerror(errno));
		return 3;
	}
	return 0;
}

static void print_summary(const char *file, const char *kind, const struct dt_import_result *r,
			  const char *report)
{
	printf("%s (%s): %lld row%s read, %lld written, %lld rejected\n", file,
	       dt_encoding_name(r->encoding, r->bom), (long long)r->rows, r->rows == 1 ? "" : "s",
	       (long long)r->written, (long long)r->rejected);
	(void)kind;
	if (json_object_size(r->reasons)) {
		const char *k;
		json_t *v;
		int n = 0;
		printf("rejected by reason:");
		json_object_foreach(r->reasons, k, v)
			printf("%s %s %lld", n++ ? "," : "", k, (long long)json_integer_value(v));
		printf("\n");
	}
	if (json_array_size(r->ignored)) {
		size_t i;
		json_t *v;
		printf("columns ignored:");
		json_array_foreach(r->ignored, i, v)
			printf("%s %s", i ? "," : "", json_string_value(v));
		printf("\n");
	}
	if (report)
		printf("report: %s (%lld error%s)\n", report, (long long)r->nerrors,
		       r->nerrors == 1 ? "" : "s");
}

/* The first errors on stderr, "  row N, column C: message (code)", in the locale's language. */
static void list_errors(const struct dt_import_result *r)
{
	enum dt_lang lang = cli_lang();
	struct dt_strbuf sb = DT_STRBUF_INIT;
	size_t i;
	json_t *e;
	json_array_foreach(r->errors, i, e)
	{
		dt_strbuf_reset(&sb);
		if (i == ERRORS_SHOWN) {
			dt_message(&sb, lang, "cli.import_more", "count",
				   DT_I(r->nerrors - ERRORS_SHOWN), "option", "--report", NULL);
			fprintf(stderr, "  %s\n", sb.buf);
			break;
		}
		const char *col = json_string_value(json_object_get(e, "column"));
		const char *row = DT_I(json_integer_value(json_object_get(e, "row")));
		if (col && *col)
			dt_message(&sb, lang, "cli.import_row_column", "row", row, "column", col,
				   NULL);
		else
			dt_message(&sb, lang, "cli.import_row", "row", row, NULL);
		const char *code = json_string_value(json_object_get(e, "code"));
		dt_strbuf_addf(&sb, "%s%s", lang == DT_LANG_EN ? ": " : "：",
			       json_string_value(json_object_get(
				       e, lang == DT_LANG_EN ? "message_en" : "message_zh")));
		if (code && *code)
			dt_strbuf_addf(&sb, lang == DT_LANG_EN ? " (%s)" : "（%s）", code);
		fprintf(stderr, "  %s\n", sb.buf);
	}
	dt_strbuf_release(&sb);
}

int cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "kind", required_argument, NULL, 'k' },
		{ "encoding", required_argument, NULL, 'e' },
		{ "partial", no_argument, NULL, 'p' },
		{ "report", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf data = DT_STRBUF_INIT, err = DT_STRBUF_INIT;
	struct dt_import_result res;
	struct dt_import_opts io;
	struct cli_progress prog;
	const char *kind = NULL, *report = NULL;
	bool json_out = false, have_res = false;
	int enc = DT_ENC_AUTO, c, rc = CLI_CONTINUE;

	memset(&io, 0, sizeof(io));
	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		switch (c) {
		case 'k': kind = optarg; break;
		case 'e':
			enc = dt_encoding_parse(optarg);
			if (enc < 0)
				rc = cli_usage_error("--encoding: %s is not auto, utf-8 or gbk",
						     cli_quote(optarg));
			break;
		case 'p': io.flags |= DT_IMPORT_PARTIAL; break;
		case 'r': report = optarg; break;
		case 'f':
			if (!strcmp(optarg, "json"))
				json_out = true;
			else if (strcmp(optarg, "text"))
				rc = cli_usage_error("--format: %s is not text or json",
						     cli_quote(optarg));
			break;
		default: rc = cli_common_opt(c, &db); break;
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if (!kind) {
		rc = cli_usage_error("--kind is required (e.g. --kind trainees)");
		goto out;
	}
	if ((rc = cli_positional(argc, argv, 1, 1, "FILE (or - for stdin)")) != CLI_CONTINUE)
		goto out;
	const char *file = argv[optind];
	dt_strbuf_init(&data, CLI_IMPORT_FILE_MAX);
	if ((rc = cli_read_file(file, &data)))
		goto out;
	if ((rc = cli_db_open(&db)))
		goto out;

	io.kind = kind;
	io.encoding = enc;
	io.actor = cli_actor();
	io.progress = cli_progress_cb;
	io.progress_ctx = &prog;
	dt_import_result_init(&res);
	have_res = true;
	cli_progress_init(&prog, "import");
	int irc = dt_import_csv(db.store, &io, data.buf, data.len, &res, &err);
	cli_progress_finish(&prog);

	if (report && (rc = write_file(report, res.report.buf, res.report.len)))
		goto out;
	if (json_out) {
		json_t *j = dt_import_result_json(&res);
		json_object_set_new(j, "seconds", json_real(cli_progress_elapsed(&prog)));
		if (!report)
			json_object_set(j, "first_errors", res.errors);
		cli_print_json(j);
		json_decref(j);
	} else if (irc == DT_OK || res.rows) {
		print_summary(strcmp(file, "-") ? file : "stdin", kind, &res, report);
	}
	if (!report && !json_out)
		list_errors(&res);
	if (irc == DT_EINVAL && res.rejected && !(io.flags & DT_IMPORT_PARTIAL)) {
		/* all or nothing: the command line's hint is its own flag */
		cli_say(NULL, "cli.import_rejected", "rejected", DT_I(res.rejected), "rows",
			DT_I(res.rows), "option", "--partial", NULL);
		rc = 1;
		goto out;
	}
	if (irc != DT_OK) {
		rc = cli_fail(irc, &err);
		goto out;
	}
	rc = res.rejected ? 1 : 0;
	if (rc)
		cli_say(NULL, "cli.import_partial", "rejected", DT_I(res.rejected), "written",
			DT_I(res.written), "option", "--partial", NULL);
out:
	if (have_res)
		dt_import_result_release(&res);
	cli_db_close(&db);
	dt_strbuf_release(&data);
	dt_strbuf_release(&err);
	return rc;
}
