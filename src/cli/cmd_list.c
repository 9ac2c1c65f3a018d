/*
 * cmd_list.c - `dualtrack list ENTITY`: a page of records.
 *
 * Filters, free-text search, sort order and paging are the store's list
 * query; the page is printed as a table of the first few columns (aligned by
 * display width), a JSON array, or JSON lines.  When more records follow,
 * "next: CURSOR" goes to stderr, so that stdout stays clean for pipes.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/num.h"
#include "domain/entity.h"
#include "core/banned.h"

#define TABLE_FIELDS 6 /* id and five more */
#define CELL_MAX 40    /* display columns of a table cell */

/* The columns of the table: id, the first fields in entity order, and status. */
static size_t table_fields(const struct dt_entity *e, const struct dt_field **out)
{
	size_t n = 0;
	const struct dt_field *status = dt_entity_field(e, "status");
	const struct dt_field *id = dt_entity_field(e, "id");
	if (id)
		out[n++] = id;
	for (size_t i = 0; i < e->nfields && n < TABLE_FIELDS; i++) {
		const struct dt_field *f = &e->fields[i];
		if (f == id || f == status || f->type == DT_F_TIME)
			continue;
		if (status && n == TABLE_FIELDS - 1)
			break;
		out[n++] = f;
	}
	if (status)
		out[n++] = status;
	return n;
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_DB_OPTIONS,
		{ "filter", required_argument, NULL, 'F' },
		{ "q", required_argument, NULL, 'q' },
		{ "sort", required_argument, NULL, 's' },
		{ "desc", no_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'l' },
		{ "cursor", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		CLI_OPTIONS_END,
	};
	struct cli_db db = CLI_DB_INIT;
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_query q = { NULL, 0, NULL, NULL, false, 0, NULL, 0, false };
	const struct dt_entity *e = NULL;
	const char *format = "table";
	/* name, value pairs: names are copies, values point into argv */
	char **filters = calloc((size_t)argc * 2 + 2, sizeof(*filters));
	size_t nfilters = 0;
	json_t *items = NULL;
	char *next = NULL;
	int c, rc = CLI_CONTINUE;

	if (!filters) {
		cli_error("out of memory");
		return 3;
	}
	while ((c = cli_getopt(argc, argv, opts)) != -1) {
		int64_t n = 0;
		switch (c) {
		case 'F': {
			const char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg) {
				rc = cli_usage_error("--filter: %s is not FIELD=VALUE",
						     cli_quote(optarg));
				break;
			}
			filters[2 * nfilters] = strndup(optarg, (size_t)(eq - optarg));
			filters[2 * nfilters + 1] = (char *)eq + 1;
			nfilters++;
			break;
		}
		case 'q': q.q = optarg; break;
		case 's': q.sort = optarg; break;
		case 'd': q.desc = true; break;
		case 'c': q.cursor = optarg; break;
		case 'l':
			rc = cli_int_arg("--limit", optarg, 1, 1000, &n);
			q.limit = (int)n;
			break;
		case 'f':
			rc = cli_format_opt(optarg,
					    (const char *const[]){ "table", "json", "jsonl", NULL },
					    &format);
			break;
		default: rc = cli_common_opt(c, &db); break;
		}
		if (rc != CLI_CONTINUE)
			goto out;
	}
	if ((rc = cli_entity_args(argc, argv, "ENTITY (e.g. trainees)", &e, NULL)) != CLI_CONTINUE)
		goto out;
	for (size_t i = 0; i < nfilters; i++) {
		if (!filters[2 * i]) {
			cli_error("out of memory");
			rc = 3;
			goto out;
		}
		const struct dt_field *f = dt_entity_field(e, filters[2 * i]);
		if (!f || !(f->flags & DT_FF_FILTER)) {
			struct dt_strbuf names = DT_STRBUF_INIT;
			for (size_t k = 0; k < e->nfields; k++)
				if (e->fields[k].flags & DT_FF_FILTER)
					dt_strbuf_addf(&names, "%s%s", names.len ? ", " : "",
						       e->fields[k].name);
			rc = cli_usage_error("--filter: %s is not a filter of %s (filters: %s)",
					     cli_quote(filters[2 * i]), e->name, names.buf);
			dt_strbuf_release(&names);
			goto out;
		}
	}
	q.filters = (const char *const *)filters;
	q.nfilters = nfilters;

	if ((rc = cli_db_open(&db)))
		goto out;
	rc = dt_store_list(db.store, NULL, e->name, &q, &items, &next, &err);
	if (rc != DT_OK) {
		rc = cli_fail_store(db.store, rc, &err);
		goto out;
	}

	size_t i;
	json_t *o;
	if (!strcmp(format, "json")) {
		cli_print_json(items);
	} else if (!strcmp(format, "jsonl")) {
		json_array_foreach(items, i, o) cli_print_json_line(o);
	} else {
		const struct dt_field *cols[TABLE_FIELDS + 1];
		size_t ncols = table_fields(e, cols);
		const char *cells[TABLE_FIELDS + 1];
		struct dt_strbuf text[TABLE_FIELDS + 1];
		struct cli_table t;
		unsigned right = 0;
		for (size_t k = 0; k < ncols; k++) {
			cells[k] = cols[k]->name;
			dt_strbuf_init(&text[k], 0);
			if (cols[k]->type == DT_F_INT || cols[k]->type == DT_F_REAL ||
			    cols[k]->type == DT_F_REF)
				right |= 1u << k;
		}
		cli_table_init(&t, ncols, right);
		cli_table_add(&t, cells);
		json_array_foreach(items, i, o)
		{
			for (size_t k = 0; k < ncols; k++) {
				dt_strbuf_reset(&text[k]);
				cli_json_text(&text[k], json_object_get(o, cols[k]->name));
				cells[k] = text[k].buf;
			}
			cli_table_add(&t, cells);
		}
		cli_table_print(&t, stdout, CELL_MAX);
		cli_table_release(&t);
		for (size_t k = 0; k < ncols; k++)
			dt_strbuf_release(&text[k]);
	}
	fflush(stdout);
	if (next)
		fprintf(stderr, "next: %s\n", next);
	rc = 0;
out:
	for (size_t k = 0; k < nfilters; k++)
		free(filters[2 * k]);
	free(filters);
	free(next);
	json_decref(items);
	cli_db_close(&db);
	dt_strbuf_release(&err);
	return rc;
}
