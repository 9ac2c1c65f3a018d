/*
 * fuzz_placeholders.c - the PostgreSQL driver's rewriting of the store's
 * "?" placeholders into $1..$n (dt_db_pgsql_rewrite in
 * src/store/db_pgsql.c), which every statement on PostgreSQL goes through.
 *
 * The input, up to its first NUL, is the SQL.  Oracles:
 *   - a second rewriter below, written as one state machine over the
 *     characters rather than as the driver's skip functions, must give the
 *     same text and the same parameter count;
 *   - the same SQL with every "?" made "!" (a character that changes no
 *     quoting) comes back unchanged, with no parameters;
 *   - the count is the highest $N written, and no "?" is left outside
 *     strings, names, comments and dollar-quoted bodies.
 */
#include <ctype.h>

#include "core/strbuf.h"
#include "fuzz.h"
#include "store/db_internal.h"

static bool is_start(int c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static bool is_ident(int c)
{
	return is_start(c) || isdigit(c) || c == '$';
}

enum state { CODE, QUOTE, NAME, LINE, BLOCK };

/* The oracle: @sql as PostgreSQL's text in @out; the parameter count. */
static int oracle(const char *sql, struct dt_strbuf *out, bool *strays)
{
	const unsigned char *s = (const unsigned char *)sql;
	size_t len = strlen(sql), i = 0;
	enum state st = CODE;
	bool esc = false;
	int depth = 0, n = 0;
	*strays = false;
	while (i < len) {
		unsigned char c = s[i];
		switch (st) {
		case QUOTE:
		case NAME: {
			unsigned char q = st == QUOTE ? '\'' : '"';
			size_t step = 1;
			if (st == QUOTE && esc && c == '\\' && i + 1 < len)
				step = 2;
			else if (c == q && i + 1 < len && s[i + 1] == q)
				step = 2;
			else if (c == q)
				st = CODE;
			dt_strbuf_add(out, sql + i, step);
			i += step;
			continue;
		}
		case LINE:
			if (c == '\n')
				st = CODE;
			else {
				dt_strbuf_addch(out, (char)c);
				i++;
			}
			continue;
		case BLOCK:
			if (c == '/' && s[i + 1] == '*') {
				depth++;
				dt_strbuf_add(out, "/*", 2);
				i += 2;
			} else if (c == '*' && s[i + 1] == '/') {
				dt_strbuf_add(out, "*/", 2);
				i += 2;
				if (--depth == 0)
					st = CODE;
			} else {
				dt_strbuf_addch(out, (char)c);
				i++;
			}
			continue;
		case CODE: break;
		}
		if (c == '\'') {
			esc = i > 0 && (s[i - 1] == 'E' || s[i - 1] == 'e') &&
			      (i == 1 || !is_ident(s[i - 2]));
			st = QUOTE;
		} else if (c == '"') {
			st = NAME;
		} else if (c == '-' && s[i + 1] == '-') {
			st = LINE;
		} else if (c == '/' && s[i + 1] == '*') {
			st = BLOCK;
			depth = 1;
			dt_strbuf_add(out, "/*", 2);
			i += 2;
			continue;
		} else if (c == '$' && !(i > 0 && is_ident(s[i - 1]))) {
			size_t j = i + 1;
			if (is_start(s[j]))
				while (j < len && is_ident(s[j]) && s[j] != '$')
					j++;
			if (s[j] == '$') {
				size_t tag = j + 1 - i;
				size_t end = len;
				for (size_t k = i + tag; k + tag <= len; k++)
					if (!memcmp(s + k, s + i, tag)) {
						end = k + tag;
						break;
					}
				dt_strbuf_add(out, sql + i, end - i);
				i = end;
				continue;
			}
		} else if (c == '?') {
			long k = 0;
			i++;
			for (; i < len && isdigit(s[i]); i++)
				k = k * 10 + (s[i] - '0') > 100000 ? 100000 : k * 10 + (s[i] - '0');
			if (!k)
				k = n + 1;
			if (k > n)
				n = (int)k;
			dt_strbuf_addf(out, "$%ld", k);
			continue;
		}
		if (c == '?')
			*strays = true;
		dt_strbuf_addch(out, (char)c);
		i++;
	}
	return n;
}

/* The highest "$N" in @text (its parameters, when the SQL had no "$" of its own). */
static long highest_param(const char *text)
{
	long hi = 0;
	for (const char *p = text; (p = strchr(p, '$')) != NULL; p++) {
		long k = 0;
		const char *q = p + 1;
		while (isdigit((unsigned char)*q) && k < 1000000)
			k = k * 10 + (*q++ - '0');
		if (k > hi)
			hi = k;
	}
	return hi;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql = malloc(size + 1);
	if (!sql)
		return 0;
	memcpy(sql, data, size);
	sql[size] = '\0';
	struct dt_strbuf got = DT_STRBUF_INIT, want = DT_STRBUF_INIT;
	bool strays;

	int n = dt_db_pgsql_rewrite(sql, &got);
	int m = oracle(sql, &want, &strays);
	FZ_CHECK(dt_strbuf_ok(&got) && dt_strbuf_ok(&want));
	FZ_CHECK(n == m);
	FZ_CHECK(got.len == want.len && !memcmp(got.buf, want.buf, got.len));
	FZ_CHECK(!strays);
	FZ_CHECK(n >= 0);
	if (n > 0 && !strchr(sql, '$'))
		FZ_CHECK(highest_param(got.buf) == n);

	/* no "?" at all: the text is PostgreSQL's as it is */
	for (char *p = sql; (p = strchr(p, '?')) != NULL; p++)
		*p = '!';
	dt_strbuf_reset(&got);
	FZ_CHECK(dt_db_pgsql_rewrite(sql, &got) == 0);
	FZ_CHECK(got.len == strlen(sql) && !memcmp(got.buf, sql, got.len));

	dt_strbuf_release(&got);
	dt_strbuf_release(&want);
	free(sql);
	return 0;
}
