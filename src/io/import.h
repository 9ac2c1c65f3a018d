/*
 * import.h - bulk CSV and XLSX import of the pilot's records, and the column
 * layout that imports, exports and templates share.
 *
 * A file holds records of one kind (trainees, organizations, ..., any entity
 * of domain/entity.h).  Its header names the columns in Chinese or English,
 * in any order; references name the other record by what people know it by
 * (an organisation by its credit code, a trainee by national ID, a
 * programme or occupation by its code, a contract by its trainee's national
 * ID and start date).  Every row is checked with the domain rules and its
 * references, duplicates within the file and against the database are
 * reported, and every write goes through the store (audit chain, indicator
 * aggregates) inside one transaction: all or nothing by default, or the good
 * rows with DT_IMPORT_PARTIAL.  Either way the caller gets an error report
 * (CSV: row, column, field, value, message in Chinese and English) and a
 * summary by reason.
 *
 * Parsing and validating run on a thread of their own, feeding the writer
 * (the calling thread, which owns the store connection) over a bounded
 * queue, so that the two overlap on two cores.
 */
#ifndef DT_IMPORT_H
#define DT_IMPORT_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "domain/entity.h"
#include "store/store.h"

/* ---- the columns of a kind ---- */

enum dt_iocol_kind {
	DT_IOC_VALUE,         /* a field given as is */
	DT_IOC_KEY,           /* a reference by its natural key (credit code, national ID, code) */
	DT_IOC_ID,            /* a reference by record id (accepted; used when no key exists) */
	DT_IOC_CONTRACT_DATE, /* with a trainee's national ID, picks one of their contracts */
	DT_IOC_STATE,         /* contract status, end date, dissolution reason (admin imports) */
	DT_IOC_SYSTEM,        /* set by the system: exported, ignored on import */
};

struct dt_iocol {
	enum dt_iocol_kind kind;
	const struct dt_field *field; /* the field it fills (the REF field for keys) */
	const char *name;             /* machine header, e.g. "enterprise_uscc" */
	const char *label_zh;         /* e.g. "企业统一社会信用代码" */
	const char *label_en;         /* e.g. "Enterprise credit code" */
	const char *ref;              /* KEY/ID: the entity referred to */
	enum dt_ftype type;           /* what the cell holds (for typed XLSX cells) */
	bool required;                /* at create */
	bool pii;                     /* a national ID */
	bool codes;                   /* fold full-width characters (codes, numbers, dates) */
	/*
	 * SYSTEM columns only: the name of the record or region @field refers
	 * to (@ref: its entity, "region" for a region field), so that an
	 * exported list reads "沈阳市", "某某公司" beside the codes.
	 */
	bool name_of;
};

/**
 * The columns of @e: importable ones first (in the entity's field order),
 * then the system ones.  *@n receives the count; the array is static.
 * Only one of a reference's KEY and ID columns is given per reference: the
 * KEY when the referred entity has a natural key, otherwise the ID.
 */
const struct dt_iocol *dt_iocols(const struct dt_entity *e, size_t *n);
/**
 * Parse an import cell's text for an ENUM field: the value itself (any
 * case) or its Chinese name ("男", "企业", "合格", ...).  Returns the
 * canonical value (@text itself, or a static or thread-local string valid
 * until the next call) or NULL.
 */
const char *dt_io_enum_value(const struct dt_field *f, const char *text);
/** The Chinese name of an ENUM value (static), or @value itself when there is none. */
const char *dt_io_enum_zh(const struct dt_field *f, const char *value);

/* ---- importing ---- */

enum dt_import_flags {
	DT_IMPORT_PARTIAL = 1 << 0, /* write the good rows even if some fail */
	DT_IMPORT_SERIAL = 1 << 1,  /* parse on the calling thread (tests, 1 core) */
	DT_IMPORT_GENERAL = 1 << 2, /* every row through dt_store_create (tests: the oracle) */
};

struct dt_import_opts {
	const char *kind;             /* entity name or plural */
	int encoding;                 /* enum dt_encoding (DT_ENC_AUTO detects) */
	unsigned flags;               /* enum dt_import_flags */
	const struct dt_actor *actor; /* who writes; actor->scope limits references and results */
	/* Progress: called from the writer every few hundred rows; total is an estimate. */
	void (*progress)(void *ctx, int64_t done, int64_t total);
	void *progress_ctx;
	atomic_int *cancel; /* may be NULL; non-zero stops the import (nothing is written) */
};

struct dt_import_result {
	int64_t rows;     /* data rows read (blank lines not counted) */
	int64_t written;  /* records created (0 after a refused all-or-nothing import) */
	int64_t rejected; /* rows with at least one error */
	int64_t bulk; /* of the written, those that took the bulk path (see dt_trainee_prepare) */
	json_t *reasons; /* {"invalid": n, "reference": n, ...}: rejected rows by first reason */
	json_t *errors;  /* the first DT_IMPORT_ERRORS_KEPT errors as JSON objects */
	int64_t nerrors; /* all errors (a row may have several) */
	struct dt_strbuf report; /* the error report CSV (UTF-8 with BOM), header always present */
	json_t *ignored;         /* header names ignored: system columns and unknown ones */
	int encoding;            /* what the file was read as */
	bool bom;
	bool committed; /* the transaction was committed */
	bool cancelled;
};

#define DT_IMPORT_ERRORS_KEPT 200

void dt_import_result_init(struct dt_import_result *r);
void dt_import_result_release(struct dt_import_result *r);
/** The summary as JSON: {rows, written, rejected, errors, reasons, encoding, ...} (new reference). */
json_t *dt_import_result_json(const struct dt_import_result *r);

/**
 * Import @len bytes of CSV @data (any supported encoding) - or, when @data
 * is a ZIP package, the first sheet of an XLSX workbook (io/xlsx.h), whose
 * cells go through the same checks and report - as records of @o->kind.
 * A region may be given by a name unique within @o->actor's scope
 * (domain/region_names.h).  The result always gets the report and counts.  Returns DT_OK
 * when the import ran to the end and wrote what it should (every row; or
 * with DT_IMPORT_PARTIAL, the good ones); DT_EINVAL when rows were
 * rejected and nothing was written (all or nothing) or the file itself is
 * unusable (encoding, header: then @err says why); DT_ECONFLICT when
 * cancelled; other codes for database failures (nothing written).
 */
enum dt_err dt_import_csv(struct dt_store *s, const struct dt_import_opts *o, const char *data,
			  size_t len, struct dt_import_result *r, struct dt_strbuf *err);

#endif
