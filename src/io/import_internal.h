/*
 * import_internal.h - shared by the files of the CSV importer.
 *
 * The importer (io/import.h) spans import.c (driver), import_queue.c,
 * import_cells.c, import_parse.c, import_report.c, import_seen.c and
 * import_write.c.  They share the rows and batches, the queue, the
 * parser's and the writer's state, and the functions declared below.  Nothing outside src/io/import*.c
 * includes this header.
 */
#ifndef DT_IMPORT_INTERNAL_H
#define DT_IMPORT_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/common.h"
#include "core/date.h"
#include "core/strbuf.h"
#include "domain/problem.h"
#include "io/import.h"
#include "io/xlsx.h"
#include "domain/region_names.h"

#define DT_IMPORT_BATCH_ROWS 256
#define DT_IMPORT_QUEUE_BATCHES 16
#define DT_IMPORT_CHUNK ((size_t)1 << 20) /* bytes handed to libcsv at a time */
#define DT_IMPORT_MAX_FILE_COLS \
	256 /* columns a header may have (a policy: no array is sized by it) */
#define DT_IMPORT_CELL_MAX \
	((size_t)64 << 10) /* bytes of a cell; the longest field takes 4000 characters */
#define DT_IMPORT_KEY_MAX \
	64 /* characters of a natural key that is a code (programme, occupation) */
#define DT_IMPORT_REPORT_VALUE_MAX 100 /* code points of a value quoted in the report */
#define DT_IMPORT_REPORT_MAX ((size_t)1 << 30)
/* ---- rows and the queue ---- */

struct dt_import_row {
	int64_t rowno; /* as a spreadsheet numbers it: the header is row 1 */
	json_t *in;    /* the create input */
	json_t *keys;  /* {"col index": normalised key text} to resolve */
	json_t *state; /* contract: {"status", "ended_on", "dissolution_reason"} or NULL */
	json_t *errs;  /* validator errors: [{col, value, reason, zh, en}] or NULL */
	json_t *vals;  /* {"col index": cell text} for the report */
	struct dt_trainee_new *t; /* the bulk path: a trainee ready to insert (then in, keys,
				     state, errs and vals are NULL) */
};

struct dt_import_batch {
	struct dt_import_row rows[DT_IMPORT_BATCH_ROWS];
	int n;
	struct dt_import_batch *next;
};

struct dt_import_queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct dt_import_batch *head, *tail;
	int count;
	bool done; /* the parser finished (or gave up) */
	bool stop; /* the writer wants no more */
};

/* ---- the parser ---- */

/*
 * The bulk path for trainees: a row that is certain to pass is prepared
 * here, on the parser thread, down to the sealed ID and the audit event's
 * text, so that the writer only inserts it (dt_store_trainee_insert).  Any
 * doubt - a cell that does not convert, a rule that fails, a duplicate, a
 * region not in the table or outside the writer's scope, a control
 * character in a name - sends the row down the general path, which writes
 * it or reports why.  Ids are given at the insert, so the two paths share
 * one sequence.
 */
enum { FT_NATID, FT_NAME, FT_GENDER, FT_BIRTH, FT_REGION, FT_PHONE, FT_EMAIL, FT_GUARDIAN, FT_N };

struct dt_import_fast {
	bool on;
	const struct dt_keys *keys;
	unsigned char *regions;             /* DT_REGION_BITMAP_BYTES: the region table */
	int lo, hi;                         /* the writer's region scope */
	int64_t org;                        /* registered_by: the writer's organisation, or 0 */
	const struct dt_field *gender;      /* the trainee's gender field, for its Chinese words */
	int col[FT_N];                      /* the file column of each field, or -1 */
	const struct dt_field *field[FT_N]; /* the field of each column found */
	struct dt_strbuf scratch, norm;     /* the field validator's, kept from row to row */
};

struct dt_import_parser {
	const struct dt_entity *e;
	const struct dt_iocol *cols;
	size_t ncols;
	int *map;           /* [nfile] file column -> index in cols, or -1 (ignored) */
	char **header_text; /* [nfile] the header's cells, cleaned */
	size_t nfile;       /* columns of the header (at most DT_IMPORT_MAX_FILE_COLS) */
	bool have_header;
	int fatal; /* a header problem: nothing is imported */
	struct dt_strbuf fatal_msg;
	struct dt_strbuf fatal_zh; /* the same in Chinese, for the report */
	json_t *header_notes;      /* [{col, name, zh, en}] unknown or system columns */
	json_t *ignored;           /* header names ignored */
	/*
	 * The record being read.  Only the cells that can be read are kept
	 * (those under the header, or DT_IMPORT_MAX_FILE_COLS + 1 before it); the others
	 * are counted in nfields, and extra_text says whether one was not blank.
	 * A cell over DT_IMPORT_CELL_MAX bytes is kept empty and noted in long_*.
	 */
	char **cells;
	size_t ncells, acells;
	size_t nfields;
	bool extra_text;
	int64_t long_col; /* the first over-long cell's column, or -1 */
	size_t long_len;  /* its bytes */
	size_t long_cps;  /* its characters */
	char *long_head;  /* its first DT_IMPORT_REPORT_VALUE_MAX characters */
	int prev;         /* the character that ended the last record */
	int64_t recno;    /* records so far (header = 1) */
	int64_t rows;     /* data rows */
	/* duplicates within the file */
	const char *const *dupcols;
	struct dt_import_seen *seen;
	/* output */
	struct dt_import_batch *cur;
	struct dt_import_queue *q;
	void (*emit)(struct dt_import_parser *p,
		     struct dt_import_batch *b); /* hand a full batch on */
	void *writer;                            /* serial mode: the writer */
	const char *data;
	size_t len, consumed;
	_Atomic int64_t est_total;
	_Atomic int64_t parsed;
	struct dt_date today;
	bool contract_state_allowed;
	struct dt_import_fast fast;
	bool xlsx;                      /* data is an XLSX workbook (io/xlsx.h), not CSV text */
	struct dt_xlsx_sink *xlsx_sink; /* while it is read: its progress */
	const char *fatal_code; /* the catalogue code of a fatal problem, or NULL: import.file */
	const struct dt_region_names *names; /* regions the writer may name, or NULL */
};
/* ---- the writer ---- */

struct dt_import_writer {
	struct dt_store *s;
	const struct dt_import_opts *o;
	const struct dt_entity *e;
	struct dt_import_parser *p;
	struct dt_import_result *r;
	json_t *cache; /* {"col index": {"key text": id or 0}} */
	int fatal;     /* a store failure: stop */
	struct dt_strbuf fatal_msg;
	int64_t done;
	bool scoped;
	struct dt_import_row *pend[DT_TRAINEE_BATCH]; /* rows of the bulk path not yet written */
	int npend;
	struct dt_import_batch *held; /* the batches those rows are in, freed at the flush */
};

/* ---- import_queue ---- */
void dt_import_trainee_free(struct dt_trainee_new *t);
void dt_import_batch_free(struct dt_import_batch *b);
void dt_import_queue_push(struct dt_import_parser *p, struct dt_import_batch *b);
/* The next batch, or NULL at the end. */
struct dt_import_batch *dt_import_queue_pop(struct dt_import_queue *q);
bool dt_import_queue_stopped(struct dt_import_queue *q);

/* ---- import_cells ---- */
/*
 * Record a validator error on @r for file column @fc (-1: the row as a
 * whole).  @zh and @en are the messages; @reason one of invalid,
 * reference, duplicate_file, duplicate_db, rule, scope.
 */
void dt_import_row_error(struct dt_import_row *r, int fc, const char *value, const char *reason,
			 const char *code, const char *zh, const char *en);
/* As dt_import_row_error() with both messages the catalogue's wording of @code and its arguments. */
void dt_import_row_code(struct dt_import_row *r, int fc, const char *value, const char *reason,
			const char *code, ...);
/*
 * Record problem @pr as an error on @r for file column @fc, worded in both
 * languages after column @c's name (NULL: none), with its code.
 */
void dt_import_row_problem(struct dt_import_row *r, int fc, const char *value, const char *reason,
			   const struct dt_iocol *c, const struct dt_problem *pr);
/* The label of column @c for a Chinese message: 「身份证号」. */
void dt_import_zh_label(struct dt_strbuf *sb, const struct dt_iocol *c);
/*
 * Convert the cleaned text @t of column @c to the JSON value the store
 * takes; NULL with an error on @r when it is not one.
 */
json_t *dt_import_convert_cell(struct dt_import_parser *p, struct dt_import_row *r, int fc,
			       const struct dt_iocol *c, const char *t);
/* Check and normalise a natural key @t of column @c; NULL (with an error) if malformed. */
char *dt_import_key_text(struct dt_import_parser *p, struct dt_import_row *r, int fc,
			 const struct dt_iocol *c, const char *t);

/* ---- import_parse ---- */
/*
 * The file cannot be imported: @fmt words why in English; @zh (may be NULL)
 * in Chinese for the report's first message column.  Several are joined.
 */
void dt_import_fatal(struct dt_import_parser *p, const char *zh, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int dt_import_file_col_of(struct dt_import_parser *p, int colidx);
/* Parse the whole buffer, emitting batches; then the end. */
void dt_import_parse_all(struct dt_import_parser *p);
void *dt_import_parser_main(void *arg);

/* ---- import_report ---- */
/*
 * One line of the report.  @value is cut to DT_IMPORT_REPORT_VALUE_MAX characters
 * and followed by its length, which is @length when not 0 (a value the
 * parser kept only the head of) or else counted.
 */
void dt_import_report_line(struct dt_import_writer *w, int64_t rowno, int fc, const char *field,
			   const char *value, size_t length, const char *reason, const char *code,
			   const char *zh, const char *en);
const char *dt_import_row_value(struct dt_import_row *row, int fc);
/* Report the store's failure of @row: each field error, or the message. */
/*
 * Report the store's refusal @rc of @row: each problem of @ps (the store's)
 * on its own line, in the file's column of its field, or @msg when there is
 * none.  Returns the reason of the first (duplicate_db, reference, rule).
 */
const char *dt_import_report_problems(struct dt_import_writer *w, struct dt_import_row *row, int rc,
				      const char *msg, const struct dt_problems *ps);
void dt_import_count_reason(struct dt_import_writer *w, const char *reason);

/* ---- import_write ---- */
/*
 * Find the id of the record that key column @ci names with @text; 0 when
 * there is none the actor may use.  *@what gets a description for messages.
 */
int64_t dt_import_resolve(struct dt_import_writer *w, int ci, const char *text,
			  struct dt_import_row *row, struct dt_strbuf *zh, struct dt_strbuf *en,
			  const char **code);
/*
 * Write the rows of @b, which the writer then owns: rows of the bulk path
 * wait (with their batch) until DT_TRAINEE_BATCH of them go in one
 * dt_store_trainee_insert(), or a row of the general path comes, or
 * dt_import_write_end().  After a failure (w->fatal) @b is only freed.
 */
void dt_import_write_batch(struct dt_import_writer *w, struct dt_import_batch *b);
/* Write the rows still waiting and free the batches held. */
void dt_import_write_end(struct dt_import_writer *w);
/* Serial mode: a full batch goes straight to the writer. */
void dt_import_emit_serial(struct dt_import_parser *p, struct dt_import_batch *b);

/* ---- import_seen.c: the keys of the rows read, each with the row it was first on ---- */

struct dt_import_seen;
struct dt_import_seen *dt_import_seen_new(void);
void dt_import_seen_free(struct dt_import_seen *m);
/* The row @key was first seen on, or -1. */
int64_t dt_import_seen_get(const struct dt_import_seen *m, const char *key);
/* Note @key on @row; false (nothing changed) if it was seen already. */
bool dt_import_seen_put(struct dt_import_seen *m, const char *key, int64_t row);

#endif
