/*
 * import_cells.c - the import's cell conversion, on the parser thread.
 *
 * Turns the cleaned text of one cell into the JSON value the store takes,
 * through the domain's one validator (domain/field.h): types, lengths,
 * dates as people type them, enumerations in English or Chinese, national
 * IDs and credit codes, phones and e-mail addresses, natural keys of
 * references; a cell that does not convert becomes an error on its row,
 * with the problem's code and its wording in both languages.  Part of the
 * importer in import.c.
 */
#include <csv.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/common.h"
#include "core/date.h"
#include "core/num.h"
#include "core/utf8.h"
#include "domain/field.h"
#include "domain/natid.h"
#include "domain/region.h"
#include "domain/uscc.h"
#include "io/encoding.h"
#include "io/import.h"
#include "io/import_internal.h"
#include "core/banned.h"

/* ---- errors ---- */

/*
 * Record a validator error on @r for file column @fc (-1: the row as a
 * whole).  @zh and @en are the messages; @reason one of invalid,
 * reference, duplicate_file, duplicate_db, rule, scope.
 */
void dt_import_row_error(struct dt_import_row *r, int fc, const char *value, const char *reason,
			 const char *code, const char *zh, const char *en)
{
	if (!r->errs)
		r->errs = json_array();
	json_array_append_new(r->errs, json_pack("{s:i, s:s, s:s, s:s, s:s, s:s}", "col", fc,
						 "value", value ? value : "", "reason", reason,
						 "code", code, "zh", zh, "en", en));
}

void dt_import_row_code(struct dt_import_row *r, int fc, const char *value, const char *reason,
			const char *code, ...)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
	va_list ap;
	va_start(ap, code);
	dt_problem_addv(&ps, NULL, code, ap);
	va_end(ap);
	if (ps.n) {
		dt_problem_render(&ps.v[0], DT_LANG_ZH, false, &zh);
		dt_problem_render(&ps.v[0], DT_LANG_EN, false, &en);
		dt_import_row_error(r, fc, value, reason, ps.v[0].code, zh.buf, en.buf);
	}
	dt_problems_release(&ps);
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
}

/* ---- cell conversion ---- */

/* The label of column @c for a Chinese message: 「身份证号」. */
void dt_import_zh_label(struct dt_strbuf *sb, const struct dt_iocol *c)
{
	dt_strbuf_addf(sb, "「%s」", c->label_zh);
}

void dt_import_row_problem(struct dt_import_row *r, int fc, const char *value, const char *reason,
			   const struct dt_iocol *c, const struct dt_problem *pr)
{
	struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
	if (c) {
		dt_import_zh_label(&zh, c);
		dt_strbuf_addf(&en, "%s: ", c->name);
	}
	dt_problem_render(pr, DT_LANG_ZH, false, &zh);
	dt_problem_render(pr, DT_LANG_EN, false, &en);
	dt_import_row_error(r, fc, value, reason, pr->code, zh.buf, en.buf);
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
}

/* Each problem of @ps as an error on @r for file column @fc; @ps is emptied. */
static void row_problems(struct dt_import_row *r, int fc, const char *value,
			 const struct dt_iocol *c, struct dt_problems *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		dt_import_row_problem(r, fc, value, "invalid", c, &ps->v[i]);
	dt_problems_reset(ps);
}

/*
 * Convert the cleaned text @t of column @c to the JSON value the store
 * takes; NULL with an error on @r when it is not one.  The cell is read
 * into a typed value (dt_field_read: the forms spreadsheets write) and
 * checked by the domain's one validator, as a JSON value is (field.h); the
 * checks that need the database are the store's, when the row is written.
 */
json_t *dt_import_convert_cell(struct dt_import_parser *p, struct dt_import_row *r, int fc,
			       const struct dt_iocol *c, const char *t)
{
	const struct dt_field *f = c->field;
	struct dt_problems ps = DT_PROBLEMS_INIT;
	struct dt_strbuf scratch = DT_STRBUF_INIT, norm = DT_STRBUF_INIT;
	struct dt_value in, out;
	json_t *v = NULL;
	enum dt_ftype type = c->kind == DT_IOC_VALUE || c->kind == DT_IOC_STATE ? f->type : c->type;
	if (c->kind == DT_IOC_ID)
		type = DT_F_INT;
	/* a column that is not its field's value (a contract's start date) is checked by its own type */
	struct dt_field own = {
		.name = c->name, .type = type, .label_zh = c->label_zh, .label_en = c->label_en
	};
	if (c->kind != DT_IOC_VALUE && c->kind != DT_IOC_STATE && c->kind != DT_IOC_ID)
		f = &own;
	/* an enumeration's value may be given by its Chinese name ("男", "企业") */
	const char *text = type == DT_F_ENUM ? dt_io_enum_value(f, t) : t;
	if (!text)
		text = t;
	/* a region may be given by its name where the name is unique in the writer's scope */
	char code[16];
	if (type == DT_F_REGION && p->names && dt_region_names_is_name(t)) {
		int rc;
		if (dt_region_names_resolve(p->names, t, &rc, &ps, c->name) != DT_OK)
			goto out;
		snprintf(code, sizeof(code), "%06d", rc);
		text = code;
	}
	if (dt_field_read(type, text, &in, &scratch, &ps, c->name) != DT_OK ||
	    dt_field_check(f, &in, NULL, &out, &norm, &ps, c->name) != DT_OK)
		goto out;
	switch (out.type) {
	case DT_V_TEXT: v = json_stringn(out.text, out.len); break;
	case DT_V_INT:
		if (f->type == DT_F_REGION) {
			char buf[16];
			snprintf(buf, sizeof(buf), "%06d", (int)out.i);
			v = json_string(buf);
		} else {
			v = json_integer(out.i);
		}
		break;
	case DT_V_REAL: v = json_real(out.d); break;
	case DT_V_BOOL: v = json_boolean(out.b); break;
	default: v = json_null(); break;
	}
out:
	row_problems(r, fc, t, c, &ps);
	dt_problems_release(&ps);
	dt_strbuf_release(&scratch);
	dt_strbuf_release(&norm);
	return v;
}

/* Check and normalise a natural key @t of column @c; NULL (with an error) if malformed. */
char *dt_import_key_text(struct dt_import_parser *p, struct dt_import_row *r, int fc,
			 const struct dt_iocol *c, const char *t)
{
	struct dt_problems ps = DT_PROBLEMS_INIT;
	char *out = NULL;
	if (c->pii) {
		struct dt_natid nid;
		if (dt_natid_parse(t, p->today, &nid, &ps, c->name) == DT_OK)
			out = strdup(nid.id);
	} else if (!strcmp(c->ref, "organization")) {
		char u[DT_USCC_LEN + 1];
		if (dt_uscc_parse(t, u, &ps, c->name) == DT_OK)
			out = strdup(u);
	} else if (!strcmp(c->ref, "pilot")) {
		int code;
		if (p->names && dt_region_names_is_name(t)
			    ? dt_region_names_resolve(p->names, t, &code, &ps, c->name) == DT_OK
			    : dt_region_code_parse(t, &code, &ps, c->name) == DT_OK) {
			char buf[16];
			snprintf(buf, sizeof(buf), "%06d", code);
			out = strdup(buf);
		}
	} else if (dt_utf8_len(t) > DT_IMPORT_KEY_MAX) {
		dt_problem_add(&ps, c->name, "text.too_long", "length", DT_I(dt_utf8_len(t)), "max",
			       DT_I(DT_IMPORT_KEY_MAX), NULL);
	} else {
		out = strdup(t);
	}
	row_problems(r, fc, t, c, &ps);
	dt_problems_release(&ps);
	return out;
}
