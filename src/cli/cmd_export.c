/*
 * cmd_export.c - `dualtrack export --kind K --format csv|xlsx -o FILE`:
 * records as a spreadsheet, an import template, or a generated sample.
 *
 * Filters are those of `dualtrack list` (--filter F=V, --q TEXT).  National
 * IDs are masked unless --unmask, which is audited like `show --unmask`.
 * --template and --sample N need no database: they write the header and
 * example rows (sample trainees have valid, distinct, made-up IDs).
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/num.h"
#include "io/export.h"
#include "core/banned.h"

#define MAX_FILTERS 32

int cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "kind", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "filter", required_argument, NULL, 'F' },
		{ "q", required_argument, NULL, 'q' },
		{ "lang", required_argument, NULL, 'l' },
		{ "unmask", no_argument, NULL, 'u' },
		{ "template", no_argument, NULL, 't' },
		{ "sample", required_argument, NULL, 's' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	const char *kind = NULL, *out = NULL, *filters[2 * MAX_FILTERS];
	struct dt_query q;
	struct dt_export_opts eo;
	struct cli_progress prog;
	int64_t sample = -1, count = 0;
	int format = -1, c, rc = CLI_CONTINUE;

	memset(&q, 0, sizeof(q));
	memset(&eo, 0, sizeof(eo));
	q.filters = filters;
	/* -o FILE as well as --output FILE (the shared option parser takes long options only) */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-o"))
			argv[i] = (char *)"--output";
	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		switch (c) {
		case 'k': kind = optarg; break;
		case 'f':
			format = dt_export_format_parse(optarg);
			if (format < 0)
				rc = cli_usage_error("--format: %s is not csv or xlsx",
						     cli_quote(optarg));
			break;
		case 'o': out = optarg; break;
		case 'F': {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg) {
				rc = cli_usage_error("--filter: %s is not FIELD=VALUE",
						     cli_quote(optarg));
				break;
			}
			if (q.nfilters == MAX_FILTERS) {
				rc = cli_usage_error("--filter: at most %d", MAX_FILTERS);
				break;
			}
			char *name = strdup(optarg);
			if (!name) {
				rc = 3;
				break;
			}
			name[eq - optarg] = '\0';
			filters[2 * q.nfilters] = name;
			filters[2 * q.nfilters + 1] = eq + 1;
			q.nfilters++;
			break;
		}
		case 'q': q.q = optarg; break;
		case 'l':
			if (!strcmp(optarg, "en"))
				eo.flags |= DT_EXPORT_EN;
			else if (strcmp(optarg, "zh"))
				rc = cli_usage_error("--lang: %s is not zh or en",
						     cli_quote(optarg));
			break;
		case 'u': eo.flags |= DT_EXPORT_UNMASK; break;
		case 't': sample = sample < 0 ? 1 : sample; break;
		case 's': rc = cli_int_arg("--sample", optarg, 0, 100000000, &sample); break;
		default: rc = cli_common_opt(c, &db); break;
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_positional(argc, argv, 0, 0, "")) != CLI_CONTINUE)
		goto out;
	if (!kind) {
		rc = cli_usage_error("--kind is required (e.g. --kind trainees)");
		goto out;
	}
	if (!dt_export_entity(kind)) {
		const struct dt_entity *e;
		rc = cli_entity(kind, &e); /* reports the kinds there are */
		goto out;
	}
	if (!out) {
		rc = cli_usage_error("-o FILE is required (- for stdout, csv only)");
		goto out;
	}
	if (format < 0) {
		size_t n = strlen(out);
		format =
			n > 5 && !strcasecmp(out + n - 5, ".xlsx") ? DT_EXPORT_XLSX : DT_EXPORT_CSV;
	}
	dt_strbuf_reset(&err);
	if (sample >= 0) {
		if (q.nfilters || q.q || (eo.flags & DT_EXPORT_UNMASK)) {
			rc = cli_usage_error(
				"--template and --sample take no filters and no --unmask");
			goto out;
		}
		int xrc = dt_export_template(kind, format, eo.flags, sample, out, &err);
		rc = xrc == DT_OK ? 0 : cli_fail(xrc, &err);
		goto out;
	}
	if (eo.flags & DT_EXPORT_UNMASK)
		db.need_key = true;
	if ((rc = cli_db_open(&db)))
		goto out;
	eo.kind = kind;
	eo.format = format;
	eo.actor = cli_actor();
	eo.query = &q;
	eo.progress = cli_progress_cb;
	eo.progress_ctx = &prog;
	cli_progress_init(&prog, "export");
	int xrc = dt_export(db.store, &eo, out, &count, &err);
	cli_progress_finish(&prog);
	if (xrc != DT_OK) {
		rc = cli_fail_store(db.store, xrc, &err);
		goto out;
	}
	if (strcmp(out, "-"))
		fprintf(stderr, "%lld record%s written to %s\n", (long long)count,
			count == 1 ? "" : "s", out);
	rc = 0;
out:
	for (size_t i = 0; i < q.nfilters; i++)
		free((char *)filters[2 * i]);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
