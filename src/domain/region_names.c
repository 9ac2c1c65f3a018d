/*
 * region_names.c - resolve region names within a scope (see region_names.h).
 *
 * The regions are kept sorted by name, then code, once the set is first
 * used, so a name is a binary search and its namesakes are neighbours.  A
 * candidate is described with its parent's name when the parent is in the
 * table, as people tell two 铁西区 apart by their city.
 */
#include <stdlib.h>
#include <string.h>

#include "core/common.h"
#include "core/strbuf.h"
#include "domain/region.h"
#include "domain/region_names.h"
#include "core/banned.h"

struct entry {
	int code;
	char *name;
};

struct dt_region_names {
	int scope;
	struct entry *v;
	size_t n, cap;
	bool sorted;
};

struct dt_region_names *dt_region_names_new(int scope)
{
	struct dt_region_names *n = calloc(1, sizeof(*n));
	if (n)
		n->scope = scope;
	return n;
}

bool dt_region_names_add(struct dt_region_names *n, int code, const char *name)
{
	if (n->n == n->cap) {
		size_t cap = n->cap ? n->cap * 2 : 256;
		struct entry *v = realloc(n->v, cap * sizeof(*v));
		if (!v)
			return false;
		n->v = v;
		n->cap = cap;
	}
	char *copy = strdup(name);
	if (!copy)
		return false;
	n->v[n->n].code = code;
	n->v[n->n].name = copy;
	n->n++;
	n->sorted = false;
	return true;
}

void dt_region_names_free(struct dt_region_names *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		free(n->v[i].name);
	free(n->v);
	free(n);
}

static int by_name(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->code > y->code) - (x->code < y->code);
}

/* Sorted on first use (see dt_region_names_resolve). */
static void sort_names(struct dt_region_names *n)
{
	if (!n->sorted) {
		qsort(n->v, n->n, sizeof(*n->v), by_name);
		n->sorted = true;
	}
}

bool dt_region_names_is_name(const char *text)
{
	for (const char *c = text; *c; c++)
		if (!(*c >= '0' && *c <= '9') && *c != ' ' && *c != '\t')
			return true;
	return false;
}

static const char *name_of(const struct dt_region_names *n, int code)
{
	for (size_t i = 0; i < n->n; i++)
		if (n->v[i].code == code)
			return n->v[i].name;
	return NULL;
}

enum dt_err dt_region_names_resolve(const struct dt_region_names *cn, const char *text, int *code,
				    struct dt_problems *ps, const char *field)
{
	struct dt_region_names *n = (struct dt_region_names *)cn;
	sort_names(n);
	/* the first entry not before text */
	size_t lo = 0, hi = n->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(n->v[mid].name, text) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t found = 0, first = 0;
	for (size_t i = lo; i < n->n && !strcmp(n->v[i].name, text); i++)
		if (!n->scope || dt_region_contains(n->scope, n->v[i].code)) {
			if (!found++)
				first = i;
		}
	if (found == 1) {
		*code = n->v[first].code;
		return DT_OK;
	}
	if (!found)
		return dt_problem_add(ps, field, "region.name_unknown", "value", text, NULL);
	struct dt_strbuf cands = DT_STRBUF_INIT;
	for (size_t i = lo; i < n->n && !strcmp(n->v[i].name, text); i++) {
		int c = n->v[i].code;
		if (n->scope && !dt_region_contains(n->scope, c))
			continue;
		int level = dt_region_level(c);
		const char *parent =
			level > 1 ? name_of(n, dt_region_ancestor(c, level - 1)) : NULL;
		dt_strbuf_addf(&cands, "%s%06d %s%s", cands.len ? ", " : "", c,
			       parent ? parent : "", n->v[i].name);
	}
	enum dt_err rc = dt_problem_add(ps, field, "region.name_ambiguous", "value", text,
					"candidates", cands.buf, NULL);
	dt_strbuf_release(&cands);
	return rc;
}
