/*
 * cmd_report.c - `dualtrack report --region CODE --year Y -o FILE.pdf`: the
 * annual evaluation report of a pilot city or province as PDF (doc/doc.h),
 * and the writing of a document to its file, shared with `contract pdf`
 * and `contract book` (cmd_contract.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "doc/doc.h"
#include "domain/region.h"
#include "core/banned.h"

int cli_lang_opt(const char *v, enum dt_lang *lang)
{
	if (!strcmp(v, "zh"))
		*lang = DT_LANG_ZH;
	else if (!strcmp(v, "en"))
		*lang = DT_LANG_EN;
	else
		return cli_usage_error("--lang: %s is not zh or en", cli_quote(v));
	return CLI_CONTINUE;
}

int cli_write_doc(const char *path, const struct dt_strbuf *doc)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	if (!f) {
		cli_error("%s: %s", cli_quote(path), strerror(errno));
		return 1;
	}
	size_t n = fwrite(doc->buf, 1, doc->len, f);
	int bad = n != doc->len || (f == stdout ? fflush(f) : fclose(f)) != 0;
	if (bad) {
		cli_error("%s: %s", cli_quote(path), strerror(errno));
		return 1;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "region", required_argument, NULL, 'r' },
		{ "year", required_argument, NULL, 'y' },
		{ "output", required_argument, NULL, 'o' },
		{ "lang", required_argument, NULL, 'l' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT, pdf = DT_STRBUF_INIT;
	struct dt_doc_opts o = { NULL, cli_lang(), 0, 0 };
	const char *out = NULL;
	int region = 0, c, rc = CLI_CONTINUE;
	int64_t year = dt_date_today().year;

	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-o"))
			argv[i] = (char *)"--output";
	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		if (c == 'r') {
			if (dt_region_code_parse(optarg, &region, NULL, NULL) != DT_OK)
				rc = cli_region_error("--region", optarg);
		} else if (c == 'y') {
			rc = cli_int_arg("--year", optarg, 2000, 2100, &year);
		} else if (c == 'o') {
			out = optarg;
		} else if (c == 'l') {
			rc = cli_lang_opt(optarg, &o.lang);
		} else {
			rc = cli_common_opt(c, &db);
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE)
		goto out;
	if (!region) {
		rc = cli_usage_error("--region CODE is required (a pilot city or province)");
		goto out;
	}
	if (!out) {
		rc = cli_usage_error("-o FILE.pdf is required (- for stdout)");
		goto out;
	}
	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_doc_report(db.store, region, (int)year, &o, &pdf, &err);
	if (rc != DT_OK) {
		rc = cli_fail(rc, &err);
		goto out;
	}
	rc = cli_write_doc(out, &pdf);
out:
	cli_db_close(&db);
	dt_strbuf_release(&err);
	dt_strbuf_release(&pdf);
	return rc;
}
