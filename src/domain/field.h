/*
 * field.h - the one validator of a field's value, for every kind of field.
 *
 * A value reaches a record by two roads: a JSON body (the API, the CLI) and
 * a cell of an imported file.  Both end here.  A JSON value is described as
 * a struct dt_value as it is; a cell's text is first read into one by
 * dt_field_read() (the forms a spreadsheet writes: "12.0", "2025/9/1",
 * "是"), and the value is then checked by dt_field_check() the same way
 * whatever its road: presence, type, UTF-8 and NUL, the text length (the
 * entity table's, or DT_TEXT_DEFAULT_MAX), the number range, the
 * enumeration, the date, the field's own TEXT check (national ID, USCC,
 * occupation code, skill levels, indicator code, phone, e-mail) and the
 * region code's syntax.  Each refusal is a problem (problem.h) about the
 * field with a stable code and arguments.
 *
 * What only the database knows - whether a region is in the region table,
 * whether a referenced record exists, may be seen by the writer and is of
 * the right kind - the caller answers through struct dt_field_facts; a
 * caller without one (the import's cell stage) leaves those checks to the
 * store, which makes them when the record is written.  Nothing here does
 * SQL or I/O.
 */
#ifndef DT_FIELD_H
#define DT_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/entity.h"
#include "domain/problem.h"

/* What a value is, before and after the check. */
enum dt_vtype {
	DT_V_NULL,  /* absent or cleared (JSON null, an empty cell) */
	DT_V_TEXT,  /* text, @len bytes (may hold NUL bytes: they are refused) */
	DT_V_INT,   /* a whole number */
	DT_V_REAL,  /* a number with a fraction or an exponent */
	DT_V_BOOL,  /* true or false */
	DT_V_OTHER, /* anything else (a JSON object or array): always the wrong type */
};

struct dt_value {
	enum dt_vtype type;
	const char *text; /* DT_V_TEXT; not owned */
	size_t len;
	int64_t i; /* DT_V_INT */
	double d;  /* DT_V_REAL */
	bool b;    /* DT_V_BOOL */
};

/*
 * The database's answers, given by the store.  Either callback may be NULL
 * (and @facts itself): that check is not made here.
 */
struct dt_field_facts {
	void *ctx;
	/** Is region @code in the region table? */
	bool (*region_exists)(void *ctx, int code);
	/**
	 * Is there a record @id of the entity @f refers to that the writer may
	 * refer to?  When there is, *@kind is set to its "kind" (organisations;
	 * NULL for others), valid until the next call.
	 */
	bool (*ref_find)(void *ctx, const struct dt_field *f, int64_t id, const char **kind);
};

/**
 * Check @in for field @f and normalise it into @out: TEXT, ENUM and DATE
 * as text (a DATE as "YYYY-MM-DD", a checked TEXT in its normal form; the
 * text lives in @norm or in @in's), INT, REF and REGION as DT_V_INT, REAL
 * as DT_V_REAL (an integer given for a REAL is converted), BOOL as it is,
 * and a NULL as DT_V_NULL.  A NULL for a required field is field.required.
 * On failure one problem about @field in @ps (which may be NULL) and its
 * kind (DT_EINVAL); @out is then DT_V_NULL.  @norm is reset first.
 */
enum dt_err dt_field_check(const struct dt_field *f, const struct dt_value *in,
			   const struct dt_field_facts *facts, struct dt_value *out,
			   struct dt_strbuf *norm, struct dt_problems *ps, const char *field);

/**
 * Read the text @text of an imported cell as a value of type @type (the
 * field's own type, or another for a column that holds a key or an id):
 * TEXT, ENUM and REGION as text; DATE as text, in "YYYY-MM-DD" when it has
 * one of the forms people type (2025-09-01, 2025/9/1, 2025.9.1, 20250901,
 * 2025年9月1日, optionally with a time of day), else as given (the check
 * refuses it); INT and REF as a whole number ("12.0" too; type.integer
 * otherwise); REAL as a number (type.number); BOOL from 1/0, true/false,
 * yes/no, y/n, t/f, 是/否 (type.boolean).  An empty @text is DT_V_NULL.
 * Text lands in @scratch or points into @text, which must outlive @out.
 */
enum dt_err dt_field_read(enum dt_ftype type, const char *text, struct dt_value *out,
			  struct dt_strbuf *scratch, struct dt_problems *ps, const char *field);

/**
 * The presence, NUL, UTF-8 and length checks of a TEXT field alone (what
 * dt_field_check() makes before the field's own check): for a caller with
 * a text to store under @f outside a record's fields (a contract's
 * dissolution reason, an alert's note).
 */
enum dt_err dt_field_text(const struct dt_field *f, const char *text, size_t len,
			  struct dt_problems *ps, const char *field);

/** The longest text @f takes: its own limit, or DT_TEXT_DEFAULT_MAX. */
size_t dt_field_text_max(const struct dt_field *f);

/* ---- the TEXT fields' own checks (struct dt_field's check) ---- */

enum dt_err dt_field_natid(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			   const char *field);
enum dt_err dt_field_uscc(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			  const char *field);
enum dt_err dt_field_occupation(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
				const char *field);
/** Distinct skill levels 1..5 separated by single blanks, "5 4 3" (levels.format, levels.repeated {level}). */
enum dt_err dt_field_levels(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			    const char *field);
/** An indicator code of docs/INDICATORS.md (indicator.unknown {value}). */
enum dt_err dt_field_indicator(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			       const char *field);
/**
 * A telephone number of the mainland (phone.invalid): a mobile number
 * 1[3-9]XXXXXXXXX, a landline with its area code (010-12345678,
 * 0411-8888666), a 400/800 service number; blanks, '-' and brackets
 * between digits, and a +86 or 0086 prefix (then without the area code's
 * 0) are tolerated.  The value is kept as given.
 */
enum dt_err dt_field_phone(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			   const char *field);
/**
 * An e-mail address (email.invalid): one '@'; a local part of 1..64
 * bytes (letters, digits, non-ASCII letters and !#$%&'*+/=?^_`{|}~.-, no leading,
 * trailing or doubled '.'); a domain of at least two labels of letters,
 * digits and '-' (or non-ASCII letters), each 1..63 long and not starting
 * or ending with '-'.  The value is kept as given.
 */
enum dt_err dt_field_email(const char *v, struct dt_strbuf *norm, struct dt_problems *ps,
			   const char *field);

#endif
