/*
 * problem.h - what a failed check says: a structured problem and its wording.
 *
 * Every rule of dualtrack, when it refuses something, records a problem
 * {field, code, args}: the field (JSON field, CSV column, argument or query
 * parameter) it concerns, a stable code ("natid.check_char", "number.range",
 * "contract.open_exists") and named arguments ("expected" = "7").  Callers
 * decide by the code, never by message text.  One catalogue (catalogue.c)
 * words every code in Chinese and in English; a message is rendered only
 * where it is shown: at the HTTP edge in the language of Accept-Language, on
 * the command line in the locale's, in an import report in both.
 *
 * A problem may be a warning: it is reported but refuses nothing (an
 * organisation whose region differs from the one inside its USCC).
 */
#ifndef DT_PROBLEM_H
#define DT_PROBLEM_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/lang.h"
#include "core/strbuf.h"

#define DT_PROBLEM_MAXARGS 6

struct dt_problem {
	char *field;        /* what it concerns; NULL: the record or request as a whole */
	const char *code;   /* a catalogue code (static) */
	const char *entity; /* entity whose field labels name @field; NULL: none (static) */
	bool warning;       /* reported, refuses nothing */
	size_t nargs;
	const char *key[DT_PROBLEM_MAXARGS]; /* static names */
	char *val[DT_PROBLEM_MAXARGS];       /* owned copies */
};

struct dt_problems {
	struct dt_problem *v;
	size_t n, cap;
	/* Entity given to problems added from now on (dt_problems_entity()). */
	const char *entity;
};

#define DT_PROBLEMS_INIT         \
	{                        \
		NULL, 0, 0, NULL \
	}

/**
 * Record problem @code about @field (NULL: the whole record) in @ps,
 * followed by its arguments as pairs of (const char *key, const char *value)
 * ended by NULL; values are copied, a NULL value is recorded as "".  @ps may
 * be NULL: nothing is recorded.  Returns the error kind the catalogue gives
 * @code (DT_EINVAL for most), so a check can `return dt_problem_add(...)`;
 * an unknown code is a bug, recorded as "internal" and returned DT_EINTERNAL.
 */
enum dt_err dt_problem_add(struct dt_problems *ps, const char *field, const char *code, ...);
enum dt_err dt_problem_addv(struct dt_problems *ps, const char *field, const char *code,
			    va_list ap);

/** As dt_problem_add(), recorded as a warning; returns DT_OK. */
enum dt_err dt_problem_warn(struct dt_problems *ps, const char *field, const char *code, ...);

/** Decimal text of @n in @buf (24 bytes): for arguments, see DT_I(). */
const char *dt_problem_int(char *buf, long long n);
/** An integer argument: dt_problem_add(ps, f, "number.range", "value", DT_I(n), NULL). */
#define DT_I(n) dt_problem_int((char[24]){ 0 }, (long long)(n))

/** The value of argument @key of @p, or NULL. */
const char *dt_problem_arg(const struct dt_problem *p, const char *key);

/** Set the entity whose labels name the fields of problems added from now on. */
void dt_problems_entity(struct dt_problems *ps, const char *entity);
/** Forget every problem (keeps the memory and the entity). */
void dt_problems_reset(struct dt_problems *ps);
/** Free everything; @ps is empty and usable again. */
void dt_problems_release(struct dt_problems *ps);
/** The number of problems that are not warnings. */
size_t dt_problems_errors(const struct dt_problems *ps);
/** The first problem that is not a warning, or NULL. */
const struct dt_problem *dt_problems_first(const struct dt_problems *ps);
/** Does @ps hold a problem (not a warning) with @code? */
bool dt_problems_has(const struct dt_problems *ps, const char *code);

/**
 * Append copies of @from's problems to @to, each field prefixed with
 * @prefix ("targets[2]." → "targets[2].value"); a problem without a field
 * gets @prefix without its trailing '.'.
 */
void dt_problems_append(struct dt_problems *to, const struct dt_problems *from, const char *prefix);

/** The error kind the catalogue gives @code (DT_EINTERNAL for an unknown code). */
enum dt_err dt_problem_kind(const char *code);

/**
 * The label of @field of @entity in @lang: the entity table's label, else
 * the catalogue's "label.<field>", else @field itself.
 */
const char *dt_problem_label(const char *entity, const char *field, enum dt_lang lang);

/**
 * Append to @out the message of @p in @lang: the catalogue's wording with
 * its arguments filled in, after the field's label ("出生日期：晚于今天",
 * "Birth date: is in the future") when @with_label and @p has a field.
 */
void dt_problem_render(const struct dt_problem *p, enum dt_lang lang, bool with_label,
		       struct dt_strbuf *out);

/** Append every problem of @ps (warnings last) with labels, joined by "；" or "; ". */
void dt_problems_render(const struct dt_problems *ps, enum dt_lang lang, struct dt_strbuf *out);

/**
 * Append the catalogue's wording of @code in @lang, with the arguments given
 * as in dt_problem_add(): for messages that concern no field (a command's
 * summary, a page's notice).
 */
void dt_message(struct dt_strbuf *out, enum dt_lang lang, const char *code, ...);

/** The wording of enum dt_err @e in @lang ("输入有误" / "invalid input"). */
const char *dt_strerror_lang(enum dt_err e, enum dt_lang lang);

/* ---- the catalogue (catalogue.c) ---- */

struct dt_message_def {
	const char *code;
	enum dt_err kind;
	const char *zh;
	const char *en;
};

/** Every code, grouped by subject, ended by a NULL code; codes are unique. */
extern const struct dt_message_def dt_catalogue[];
/** The entry of @code, or NULL. */
const struct dt_message_def *dt_catalogue_find(const char *code);

#endif
