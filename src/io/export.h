/*
 * export.h - the pilot's records out as CSV or XLSX, and import templates.
 *
 * An export writes the columns of io/import.h (the same headers an import
 * reads, in Chinese or English), so that an exported file imports again as
 * the same records; system columns (id, region, timestamps) follow and are
 * ignored by imports.  The records are those a list of the kind returns:
 * the same filters, within the caller's scope.  National IDs are masked
 * unless the caller is allowed to see them and asks (DT_EXPORT_UNMASK);
 * such an export is one audit event naming every trainee it shows, appended
 * before the export counts as done.
 *
 * CSV is UTF-8 with a byte-order mark and CRLF line ends, as Excel opens
 * Chinese correctly.  XLSX (libxlsxwriter, constant memory) has typed cells:
 * numbers as numbers, dates as dates; a bold, filled, frozen header row with
 * a filter; and column widths from the labels and kinds of value.
 */
#ifndef DT_EXPORT_H
#define DT_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "store/store.h"

enum dt_export_format { DT_EXPORT_CSV, DT_EXPORT_XLSX };

enum dt_export_flags {
	DT_EXPORT_EN = 1 << 0,     /* English headers and values (default Chinese) */
	DT_EXPORT_UNMASK = 1 << 1, /* national IDs in clear (the caller checked pii:read) */
};

struct dt_export_opts {
	const char *kind;             /* entity name or plural */
	int format;                   /* enum dt_export_format */
	unsigned flags;               /* enum dt_export_flags */
	const struct dt_scope *scope; /* NULL: everything */
	const struct dt_actor *actor; /* for the audit event of an unmasked export */
	const struct dt_query *query; /* filters and q (limit, cursor, sort ignored); may be NULL */
	void (*progress)(void *ctx, int64_t done, int64_t total);
	void *progress_ctx;
};

/** "csv" or "xlsx" (case-insensitive); -1 otherwise. */
int dt_export_format_parse(const char *s);
/** The entity of a kind as the CLI and API name it ("record-entries", "trainee"); NULL if none. */
const struct dt_entity *dt_export_entity(const char *kind);

/**
 * Write the records of @o->kind to @path ("-": stdout, CSV only).
 * *@count (may be NULL) receives the number of records written.  DT_EINVAL
 * names a bad filter; DT_EIO the file.  A partly written file is removed.
 */
enum dt_err dt_export(struct dt_store *s, const struct dt_export_opts *o, const char *path,
		      int64_t *count, struct dt_strbuf *err);

/**
 * Write an import template of @kind to @path: the header and @rows example
 * rows (1 for a template).  Trainee examples have valid, distinct national
 * IDs (generated, not anyone's), so that `--sample N` makes a test or
 * benchmark file of N trainees.  Needs no database.
 */
enum dt_err dt_export_template(const char *kind, int format, unsigned flags, int64_t rows,
			       const char *path, struct dt_strbuf *err);

#endif
