/*
 * cmd_validate.c - `dualtrack validate KIND VALUE...`: check identifiers
 * without a database.
 *
 * One line per value, "VALUE: ok" or "VALUE: invalid: REASON", so that a
 * clerk can paste a column of codes and see which are wrong.  National IDs
 * (GB 11643: any valid ID, whatever the age) and credit codes (GB 32100)
 * are checked by the domain rules, the reason worded in the locale's
 * language (problem.h);
 * region codes (GB/T 2260) and occupation codes also have to be in the
 * tables embedded in the binary (the ones `init` loads).
 */
#include <string.h>

#include "cli/cli.h"
#include "core/date.h"
#include "core/embedded.h"
#include "domain/natid.h"
#include "domain/occupation.h"
#include "domain/region.h"
#include "domain/uscc.h"
#include "core/banned.h"

/*
 * Find the line of embedded CSV @path whose first field is @code and copy
 * its second and third fields (Chinese and English names) into @names as
 * "name_zh, name_en".  False if there is no such line.
 */
static bool table_lookup(const char *path, const char *code, struct dt_strbuf *names)
{
	const struct dt_embedded *f = dt_embedded_find(path);
	size_t n = strlen(code);
	if (!f || !n || strchr(code, ',') || strchr(code, '\n'))
		return false;
	const char *data = (const char *)f->data, *end = data + f->len;
	for (const char *line = data; line < end;) {
		const char *eol = memchr(line, '\n', (size_t)(end - line));
		if (!eol)
			eol = end;
		if ((size_t)(eol - line) > n && !strncmp(line, code, n) && line[n] == ',') {
			const char *zh = line + n + 1;
			const char *zh_end = memchr(zh, ',', (size_t)(eol - zh));
			if (!zh_end)
				zh_end = eol;
			dt_strbuf_add(names, zh, (size_t)(zh_end - zh));
			if (zh_end < eol) {
				const char *en = zh_end + 1;
				const char *en_end = memchr(en, ',', (size_t)(eol - en));
				if (!en_end)
					en_end = eol;
				if (en_end > en && en_end[-1] == '\r')
					en_end--;
				if (en_end > en) {
					dt_strbuf_adds(names, ", ");
					dt_strbuf_add(names, en, (size_t)(en_end - en));
				}
			}
			return true;
		}
		line = eol + 1;
	}
	return false;
}

/*
 * Check one value; on success @note gets what is worth showing after "ok",
 * on failure the problem is in @ps.
 */
typedef enum dt_err (*check_fn)(const char *v, struct dt_strbuf *note, struct dt_problems *ps);

static enum dt_err check_natid(const char *v, struct dt_strbuf *note, struct dt_problems *ps)
{
	struct dt_natid id;
	enum dt_err rc = dt_natid_parse(v, dt_date_today(), &id, ps, NULL);
	if (rc != DT_OK)
		return rc;
	char birth[DT_DATE_STRLEN];
	dt_date_format(id.birth, birth);
	if (strcmp(v, id.id))
		dt_strbuf_addf(note, "normalised to %s; ", id.id);
	dt_strbuf_addf(note, "born %s, %c", birth, id.gender);
	return DT_OK;
}

static enum dt_err check_uscc(const char *v, struct dt_strbuf *note, struct dt_problems *ps)
{
	char out[DT_USCC_LEN + 1];
	enum dt_err rc = dt_uscc_parse(v, out, ps, NULL);
	if (rc == DT_OK && strcmp(v, out))
		dt_strbuf_addf(note, "normalised to %s", out);
	return rc;
}

static enum dt_err check_region(const char *v, struct dt_strbuf *note, struct dt_problems *ps)
{
	int code;
	enum dt_err rc = dt_region_code_parse(v, &code, ps, NULL);
	if (rc != DT_OK)
		return rc;
	if (!table_lookup("data/regions.csv", v, note))
		return dt_problem_add(ps, NULL, "region.unknown", "value", v, NULL);
	return DT_OK;
}

static enum dt_err check_occupation(const char *v, struct dt_strbuf *note, struct dt_problems *ps)
{
	enum dt_err rc = dt_occupation_code_parse(v, ps, NULL);
	if (rc != DT_OK)
		return rc;
	if (!table_lookup("data/occupations.csv", v, note))
		return dt_problem_add(ps, NULL, "occupation.unknown", "value", v, NULL);
	return DT_OK;
}

static const struct {
	const char *kind;
	check_fn check;
} kinds[] = {
	{ "national-id", check_natid },
	{ "uscc", check_uscc },
	{ "region", check_region },
	{ "occupation", check_occupation },
};

int cmd_validate(int argc, char **argv)
{
	static const struct option opts[] = { CLI_HELP_OPTION, CLI_OPTIONS_END };
	int c, rc;

	while ((c = cli_getopt(argc, argv, opts)) != -1)
		if ((rc = cli_common_opt(c, NULL)) != CLI_CONTINUE)
			return rc;
	if (optind >= argc)
		return cli_usage_error("missing the kind: national-id, uscc, region or occupation");
	const char *kind = argv[optind++];
	check_fn check = NULL;
	for (size_t i = 0; i < DT_ARRAY_SIZE(kinds); i++)
		if (!strcmp(kinds[i].kind, kind))
			check = kinds[i].check;
	if (!check) {
		return cli_usage_error(
			"%s is not a kind of value: national-id, uscc, region or occupation",
			cli_quote(kind));
	}
	if (optind >= argc)
		return cli_usage_error("%s: no values to check", kind);

	int bad = 0;
	struct dt_strbuf note = DT_STRBUF_INIT, why = DT_STRBUF_INIT;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	for (int i = optind; i < argc; i++) {
		dt_strbuf_reset(&note);
		dt_strbuf_reset(&why);
		dt_problems_reset(&ps);
		if (check(argv[i], &note, &ps) == DT_OK) {
			if (note.len)
				printf("%s: ok (%s)\n", argv[i], note.buf);
			else
				printf("%s: ok\n", argv[i]);
		} else {
			dt_problems_render(&ps, dt_lang_env(), &why);
			printf("%s: invalid: %s\n", argv[i], why.buf);
			bad++;
		}
	}
	dt_strbuf_release(&note);
	dt_strbuf_release(&why);
	dt_problems_release(&ps);
	return bad ? 1 : 0;
}
