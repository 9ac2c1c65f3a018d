/*
 * import.c - bulk CSV import: a parser/validator thread feeding one writer.
 *
 * The file is converted to UTF-8 (io/encoding.c) and parsed with libcsv on
 * a thread of its own, which also does every check that needs no database:
 * the header (columns in Chinese or English, any order, unknown ones
 * reported), cell clean-up (blanks, full-width characters in codes), types,
 * lengths, dates that exist, enumerations (in English or Chinese), national
 * IDs and credit codes, and duplicates within the file.  Rows travel to the
 * writer in batches over a bounded queue (QUEUE_BATCHES batches of
 * BATCH_ROWS), so the parser runs at most that far ahead and memory stays
 * flat whatever the size of the file.
 *
 * The writer (the calling thread, owner of the store connection) resolves
 * references (cached per import), and creates each record through
 * dt_store_create() inside one transaction, each row in a savepoint of its
 * own (dt_store_row_begin/end) so that a row that fails - or that would
 * land outside the caller's scope - undoes only itself.  Every record is an
 * audit event like any other write, and the indicator aggregates (triggers
 * on the fact tables) follow.  At the end the transaction is committed, or
 * rolled back when a row failed and the import is all or nothing: a
 * failure, a cancellation or a kill leaves the database as it was.
 *
 * The report is written by the writer in row order: validator errors come
 * with their row, store errors are added when the row is written.
 */
#include <csv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/common.h"
#include "core/date.h"
#include "core/num.h"
#include "core/utf8.h"
#include "domain/natid.h"
#include "domain/region.h"
#include "domain/uscc.h"
#include "io/encoding.h"
#include "io/import.h"
#include "core/banned.h"

#define BATCH_ROWS 256
#define QUEUE_BATCHES 16
#define CHUNK ((size_t)1 << 20)   /* bytes handed to libcsv at a time */
#define MAX_FILE_COLS 256         /* columns a header may have (a policy: no array is sized by it) */
#define CELL_MAX ((size_t)64 << 10) /* bytes of a cell; the longest field takes 4000 characters */
#define REPORT_VALUE_MAX 100      /* code points of a value quoted in the report */
#define REPORT_MAX ((size_t)1 << 30)

/* ---- rows and the queue ---- */

struct row {
	int64_t rowno; /* as a spreadsheet numbers it: the header is row 1 */
	json_t *in;    /* the create input */
	json_t *keys;  /* {"col index": normalised key text} to resolve */
	json_t *state; /* contract: {"status", "ended_on", "dissolution_reason"} or NULL */
	json_t *errs;  /* validator errors: [{col, value, reason, zh, en}] or NULL */
	json_t *vals;  /* {"col index": cell text} for the report */
	struct dt_trainee_new *t; /* the bulk path: a trainee ready to insert (then in, keys,
				     state, errs and vals are NULL) */
};

struct batch {
	struct row rows[BATCH_ROWS];
	int n;
	struct batch *next;
};

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch *head, *tail;
	int count;
	bool done;     /* the parser finished (or gave up) */
	bool stop;     /* the writer wants no more */
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
static const char *const fast_fields[FT_N] = { "national_id", "name", "gender", "birth_date",
					       "region", "phone", "email", "guardian_name" };

struct fast {
	bool on;
	const struct dt_keys *keys;
	unsigned char *regions; /* DT_REGION_BITMAP_BYTES: the region table */
	int lo, hi;		/* the writer's region scope */
	int64_t org;		/* registered_by: the writer's organisation, or 0 */
	const struct dt_field *gender; /* the trainee's gender field, for its Chinese words */
	int col[FT_N];		/* the file column of each field, or -1 */
};

struct parser {
	const struct dt_entity *e;
	const struct dt_iocol *cols;
	size_t ncols;
	int *map;               /* [nfile] file column -> index in cols, or -1 (ignored) */
	char **header_text;     /* [nfile] the header's cells, cleaned */
	size_t nfile;           /* columns of the header (at most MAX_FILE_COLS) */
	bool have_header;
	int fatal;              /* a header problem: nothing is imported */
	struct dt_strbuf fatal_msg;
	struct dt_strbuf fatal_zh; /* the same in Chinese, for the report */
	json_t *header_notes;   /* [{col, name, zh, en}] unknown or system columns */
	json_t *ignored;        /* header names ignored */
	/*
	 * The record being read.  Only the cells that can be read are kept
	 * (those under the header, or MAX_FILE_COLS + 1 before it); the others
	 * are counted in nfields, and extra_text says whether one was not blank.
	 * A cell over CELL_MAX bytes is kept empty and noted in long_*.
	 */
	char **cells;
	size_t ncells, acells;
	size_t nfields;
	bool extra_text;
	int64_t long_col;       /* the first over-long cell's column, or -1 */
	size_t long_len;        /* its bytes */
	size_t long_cps;        /* its characters */
	char *long_head;        /* its first REPORT_VALUE_MAX characters */
	int prev;               /* the character that ended the last record */
	int64_t recno;          /* records so far (header = 1) */
	int64_t rows;           /* data rows */
	/* duplicates within the file */
	const char *const *dupcols;
	json_t *seen;
	/* output */
	struct batch *cur;
	struct queue *q;
	void (*emit)(struct parser *p, struct batch *b); /* hand a full batch on */
	void *writer;           /* serial mode: the writer */
	const char *data;
	size_t len, consumed;
	_Atomic int64_t est_total;
	_Atomic int64_t parsed;
	struct dt_date today;
	bool contract_state_allowed;
	struct fast fast;
};

/* The columns whose values must be unique within a file, per kind. */
static const struct {
	const char *entity;
	const char *cols[5];
} unique_keys[] = {
	{ "trainee", { "national_id" } },
	{ "organization", { "uscc" } },
	{ "programme", { "code" } },
	{ "occupation", { "code" } },
	{ "region", { "id" } },
	{ "pilot", { "region" } },
	{ "partnership", { "enterprise_uscc", "school_uscc", "start_date" } },
	{ "demand", { "enterprise_uscc", "occupation_code", "level", "year" } },
	{ "place", { "enterprise_uscc", "programme_code", "year" } },
	{ "contract", { "trainee_national_id", "start_date" } },
	{ "target", { "region", "indicator", "year" } },
};

static void trainee_free(struct dt_trainee_new *t)
{
	if (!t)
		return;
	dt_strbuf_release(&t->after);
	free(t);
}

static void row_release(struct row *r)
{
	trainee_free(r->t);
	json_decref(r->in);
	json_decref(r->keys);
	json_decref(r->state);
	json_decref(r->errs);
	json_decref(r->vals);
	memset(r, 0, sizeof(*r));
}

static void batch_free(struct batch *b)
{
	if (!b)
		return;
	for (int i = 0; i < b->n; i++)
		row_release(&b->rows[i]);
	free(b);
}

static void queue_push(struct parser *p, struct batch *b)
{
	struct queue *q = p->q;
	pthread_mutex_lock(&q->mu);
	while (q->count >= QUEUE_BATCHES && !q->stop)
		pthread_cond_wait(&q->cv, &q->mu);
	if (q->stop) {
		pthread_mutex_unlock(&q->mu);
		batch_free(b);
		return;
	}
	b->next = NULL;
	if (q->tail)
		q->tail->next = b;
	else
		q->head = b;
	q->tail = b;
	q->count++;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
}

/* The next batch, or NULL at the end. */
static struct batch *queue_pop(struct queue *q)
{
	pthread_mutex_lock(&q->mu);
	while (!q->head && !q->done)
		pthread_cond_wait(&q->cv, &q->mu);
	struct batch *b = q->head;
	if (b) {
		q->head = b->next;
		if (!q->head)
			q->tail = NULL;
		q->count--;
		pthread_cond_broadcast(&q->cv);
	}
	pthread_mutex_unlock(&q->mu);
	return b;
}

static bool queue_stopped(struct queue *q)
{
	if (!q)
		return false;
	pthread_mutex_lock(&q->mu);
	bool s = q->stop;
	pthread_mutex_unlock(&q->mu);
	return s;
}

/* ---- errors ---- */

/*
 * Record a validator error on @r for file column @fc (-1: the row as a
 * whole).  @zh and @en are the messages; @reason one of invalid,
 * reference, duplicate_file, duplicate_db, rule, scope.
 */
static void row_error(struct row *r, int fc, const char *value, const char *reason, const char *zh,
		      const char *en)
{
	if (!r->errs)
		r->errs = json_array();
	json_array_append_new(r->errs, json_pack("{s:i, s:s, s:s, s:s, s:s}", "col", fc, "value",
						 value ? value : "", "reason", reason, "zh", zh, "en",
						 en));
}

/* ---- cell conversion ---- */

/*
 * A date as people type it: 2025-09-01, 2025/9/1, 2025.9.1, 20250901,
 * 2025年9月1日, optionally followed by a time of day (Excel's datetime
 * text).  Writes "YYYY-MM-DD" (not yet checked to exist) or returns false.
 */
static bool date_text(const char *s, char out[DT_DATE_STRLEN + 8])
{
	int y = 0, m = 0, d = 0, nd = 0;
	const char *p = s;
	while (*p >= '0' && *p <= '9' && nd < 8) {
		nd++;
		p++;
	}
	if (nd == 8 && (!*p || *p == ' ' || *p == 'T')) {
		for (int i = 0; i < 4; i++)
			y = y * 10 + (s[i] - '0');
		m = (s[4] - '0') * 10 + (s[5] - '0');
		d = (s[6] - '0') * 10 + (s[7] - '0');
	} else {
		if (nd != 4)
			return false;
		for (int i = 0; i < 4; i++)
			y = y * 10 + (s[i] - '0');
		int part[2] = { 0, 0 };
		for (int k = 0; k < 2; k++) {
			if (*p == '-' || *p == '/' || *p == '.')
				p++;
			else if (!strncmp(p, "年", 3) || !strncmp(p, "月", 3))
				p += 3;
			else
				return false;
			int n = 0;
			while (*p >= '0' && *p <= '9' && n < 2) {
				part[k] = part[k] * 10 + (*p++ - '0');
				n++;
			}
			if (!n)
				return false;
		}
		m = part[0];
		d = part[1];
		if (!strncmp(p, "日", 3))
			p += 3;
		if (*p && *p != ' ' && *p != 'T')
			return false;
	}
	snprintf(out, DT_DATE_STRLEN + 8, "%04d-%02d-%02d", y, m % 100, d % 100);
	return true;
}

/* The label of column @c for a Chinese message: 「身份证号」. */
static void zh_label(struct dt_strbuf *sb, const struct dt_iocol *c)
{
	dt_strbuf_addf(sb, "「%s」", c->label_zh);
}

/*
 * Convert the cleaned text @t of column @c to the JSON value the store
 * takes; NULL with an error on @r when it is not one.
 */
static json_t *convert_cell(struct parser *p, struct row *r, int fc, const struct dt_iocol *c,
			    const char *t)
{
	const struct dt_field *f = c->field;
	struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT, e2 = DT_STRBUF_INIT;
	json_t *v = NULL;
	enum dt_ftype type = c->kind == DT_IOC_VALUE || c->kind == DT_IOC_STATE ? f->type : c->type;
	if (c->kind == DT_IOC_ID)
		type = DT_F_INT;
	zh_label(&zh, c);
	switch (type) {
	case DT_F_TEXT: {
		size_t cps = dt_utf8_len(t);
		size_t max = f->max ? (size_t)f->max : 200;
		if (c->kind == DT_IOC_KEY)
			max = 64;
		if (cps > max) {
			dt_strbuf_addf(&zh, "过长（%zu个字符，最多%zu个）", cps, max);
			dt_strbuf_addf(&en, "%s is too long (%zu characters; at most %zu)", c->name, cps, max);
			break;
		}
		if (c->kind == DT_IOC_VALUE && f->check) {
			struct dt_strbuf norm = DT_STRBUF_INIT;
			if (f->check(t, &norm, &e2) == DT_OK) {
				v = json_string(norm.buf);
			} else {
				dt_strbuf_adds(&zh, c->pii ? "不是有效的身份证号"
						    : !strcmp(f->name, "uscc") ? "不是有效的统一社会信用代码"
										: "不符合编码规则");
				if (strstr(e2.buf, "check character"))
					dt_strbuf_adds(&zh, "（校验位错误）");
				else if (strstr(e2.buf, "not a date") || strstr(e2.buf, "does not exist"))
					dt_strbuf_adds(&zh, "（出生日期不存在）");
				dt_strbuf_addf(&en, "%s: %s", c->name, e2.buf);
			}
			dt_strbuf_release(&norm);
			break;
		}
		v = json_string(t);
		break;
	}
	case DT_F_INT:
	case DT_F_REF: {
		int64_t n;
		double d;
		bool ok = dt_parse_int64(t, INT64_MIN, INT64_MAX, &n, NULL, NULL) == DT_OK;
		/*
		 * "12.0" from a spreadsheet.  Only a double within int64's range may
		 * be converted: "1e20" would be undefined behaviour (2^63 is exact).
		 */
		if (!ok && dt_parse_double(t, &d, NULL, NULL) == DT_OK && d >= -9223372036854775808.0 &&
		    d < 9223372036854775808.0 && d == (double)(int64_t)d) {
			n = (int64_t)d;
			ok = true;
		}
		if (!ok) {
			dt_strbuf_adds(&zh, "应为整数");
			dt_strbuf_addf(&en, "%s: expected a whole number, got ", c->name);
			dt_utf8_add_quoted(&en, t, 40);
		} else if (type == DT_F_INT && (f->min || f->max) && (n < f->min || n > f->max)) {
			dt_strbuf_addf(&zh, "超出范围（%lld..%lld）", (long long)f->min, (long long)f->max);
			dt_strbuf_addf(&en, "%s: %lld is out of range %lld..%lld", c->name, (long long)n,
				       (long long)f->min, (long long)f->max);
		} else if (c->kind == DT_IOC_ID && n <= 0) {
			dt_strbuf_adds(&zh, "不是有效的记录编号");
			dt_strbuf_addf(&en, "%s: %lld is not a record id", c->name, (long long)n);
		} else {
			v = json_integer(n);
		}
		break;
	}
	case DT_F_REAL: {
		double d;
		if (dt_parse_double(t, &d, NULL, NULL) != DT_OK) {
			dt_strbuf_adds(&zh, "应为数字");
			dt_strbuf_addf(&en, "%s: expected a number, got ", c->name);
			dt_utf8_add_quoted(&en, t, 40);
		} else if ((f->min || f->max) && (d < (double)f->min || d > (double)f->max)) {
			dt_strbuf_addf(&zh, "超出范围（%lld..%lld）", (long long)f->min, (long long)f->max);
			dt_strbuf_addf(&en, "%s: %g is out of range %lld..%lld", c->name, d,
				       (long long)f->min, (long long)f->max);
		} else {
			v = json_real(d);
		}
		break;
	}
	case DT_F_DATE: {
		char iso[DT_DATE_STRLEN + 8];
		struct dt_date dd;
		if (!date_text(t, iso)) {
			dt_strbuf_adds(&zh, "不是有效日期（应为 YYYY-MM-DD）");
			dt_strbuf_addf(&en, "%s: expected a date YYYY-MM-DD, got ", c->name);
			dt_utf8_add_quoted(&en, t, 40);
		} else if (dt_date_parse(iso, &dd, c->name, &e2) != DT_OK) {
			dt_strbuf_addf(&zh, "日期不存在（%s）", iso);
			dt_strbuf_add(&en, e2.buf, e2.len);
		} else {
			v = json_string(iso);
		}
		break;
	}
	case DT_F_BOOL: {
		static const char *const yes[] = { "1", "true", "yes", "y", "是", "t" };
		static const char *const no[] = { "0", "false", "no", "n", "否", "f" };
		for (size_t i = 0; i < DT_ARRAY_SIZE(yes) && !v; i++) {
			if (!strcasecmp(t, yes[i]))
				v = json_true();
			else if (!strcasecmp(t, no[i]))
				v = json_false();
		}
		if (!v) {
			dt_strbuf_adds(&zh, "应为“是”或“否”");
			dt_strbuf_addf(&en, "%s: expected true or false (是/否), got ", c->name);
			dt_utf8_add_quoted(&en, t, 40);
		}
		break;
	}
	case DT_F_ENUM: {
		const char *w = dt_io_enum_value(f, t);
		if (w) {
			v = json_string(w);
			break;
		}
		dt_strbuf_adds(&zh, "的取值不正确，应为：");
		dt_strbuf_addf(&en, "%s: ", c->name);
		dt_utf8_add_quoted(&en, t, 40);
		dt_strbuf_adds(&en, " is not one of: ");
		for (const char *q = f->values; *q;) {
			const char *bar = strchr(q, '|');
			size_t n = bar ? (size_t)(bar - q) : strlen(q);
			struct dt_strbuf word = DT_STRBUF_INIT;
			dt_strbuf_add(&word, q, n);
			dt_strbuf_addf(&zh, "%s%s", q == f->values ? "" : "、", dt_io_enum_zh(f, word.buf));
			dt_strbuf_addf(&en, "%s%s", q == f->values ? "" : ", ", word.buf);
			dt_strbuf_release(&word);
			q = bar ? bar + 1 : q + n;
		}
		break;
	}
	case DT_F_REGION: {
		int code;
		if (dt_region_code_parse(t, &code, &e2) != DT_OK) {
			dt_strbuf_adds(&zh, "不是有效的行政区划代码");
			dt_strbuf_addf(&en, "%s: %s", c->name, e2.buf);
		} else {
			char buf[16];
			snprintf(buf, sizeof(buf), "%06d", code);
			v = json_string(buf);
		}
		break;
	}
	default:
		dt_strbuf_adds(&zh, "由系统设置");
		dt_strbuf_addf(&en, "%s is set by the system", c->name);
		break;
	}
	if (!v)
		row_error(r, fc, t, "invalid", zh.buf, en.buf);
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
	dt_strbuf_release(&e2);
	(void)p;
	return v;
}

/* Check and normalise a natural key @t of column @c; NULL (with an error) if malformed. */
static char *key_text(struct parser *p, struct row *r, int fc, const struct dt_iocol *c,
		      const char *t)
{
	struct dt_strbuf e2 = DT_STRBUF_INIT, zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
	char *out = NULL;
	zh_label(&zh, c);
	if (c->pii) {
		struct dt_natid nid;
		if (dt_natid_parse(t, p->today, &nid, &e2) == DT_OK)
			out = strdup(nid.id);
		else
			dt_strbuf_adds(&zh, strstr(e2.buf, "check character")
						    ? "不是有效的身份证号（校验位错误）"
						    : "不是有效的身份证号");
	} else if (!strcmp(c->ref, "organization")) {
		char u[DT_USCC_LEN + 1];
		if (dt_uscc_parse(t, u, &e2) == DT_OK)
			out = strdup(u);
		else
			dt_strbuf_adds(&zh, "不是有效的统一社会信用代码");
	} else if (!strcmp(c->ref, "pilot")) {
		int code;
		if (dt_region_code_parse(t, &code, &e2) == DT_OK) {
			char buf[16];
			snprintf(buf, sizeof(buf), "%06d", code);
			out = strdup(buf);
		} else {
			dt_strbuf_adds(&zh, "不是有效的行政区划代码");
		}
	} else if (dt_utf8_len(t) > 64) {
		dt_strbuf_adds(&zh, "过长");
		dt_strbuf_adds(&e2, "is too long for a code");
	} else {
		out = strdup(t);
	}
	if (!out) {
		dt_strbuf_addf(&en, "%s: %s", c->name, e2.buf);
		row_error(r, fc, t, "invalid", zh.buf, en.buf);
	}
	dt_strbuf_release(&e2);
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
	return out;
}

/* ---- the header ---- */

/* Does header text @h name column @c?  (English names ignore case; a trailing '*' is dropped.) */
static bool header_names(const char *h, const struct dt_iocol *c)
{
	return !strcasecmp(h, c->name) || !strcasecmp(h, c->label_en) || !strcmp(h, c->label_zh);
}

/*
 * The file cannot be imported: @fmt words why in English; @zh (may be NULL)
 * in Chinese for the report's first message column.  Several are joined.
 */
static void fatal(struct parser *p, const char *zh, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void fatal(struct parser *p, const char *zh, const char *fmt, ...)
{
	va_list ap;
	if (p->fatal)
		dt_strbuf_adds(&p->fatal_msg, "; ");
	va_start(ap, fmt);
	dt_strbuf_vaddf(&p->fatal_msg, fmt, ap);
	va_end(ap);
	if (zh)
		dt_strbuf_addf(&p->fatal_zh, "%s%s", p->fatal_zh.len ? "；" : "", zh);
	p->fatal = DT_EINVAL;
}

static void header_note(struct parser *p, int fc, const char *name, const char *zh, const char *en)
{
	json_array_append_new(p->header_notes,
			      json_pack("{s:i, s:s, s:s, s:s}", "col", fc, "name", name, "zh", zh, "en", en));
	json_array_append_new(p->ignored, json_string(name));
}

/* Where the bulk path finds its fields; it is off when a column it does not know is read. */
static void fast_columns(struct parser *p)
{
	struct fast *f = &p->fast;
	for (int k = 0; k < FT_N; k++)
		f->col[k] = -1;
	for (size_t i = 0; i < p->nfile && f->on; i++) {
		if (p->map[i] < 0)
			continue;
		const struct dt_iocol *c = &p->cols[p->map[i]];
		int k = 0;
		while (k < FT_N && !(c->kind == DT_IOC_VALUE && !strcmp(c->field->name, fast_fields[k])))
			k++;
		if (k == FT_N)
			f->on = false;
		else
			f->col[k] = (int)i;
	}
}

/*
 * A copy of @s (valid UTF-8) cut to @max characters, "…" marking a cut:
 * header texts go into every report line and the summary, so an unknown
 * column's long name is not copied over and over.
 */
static char *text_head(const char *s, size_t max)
{
	size_t off = 0, len = strlen(s), k = 0;
	while (off < len && k < max) {
		uint32_t cp;
		size_t n = dt_utf8_decode(s + off, len - off, &cp);
		off += n ? n : 1;
		k++;
	}
	struct dt_strbuf sb = DT_STRBUF_INIT;
	dt_strbuf_add(&sb, s, off);
	if (off < len)
		dt_strbuf_adds(&sb, "…");
	return dt_strbuf_detach(&sb, NULL);
}

/*
 * Read the header row: map each of its columns to one of the kind's, or
 * note it as ignored.  A header of more than MAX_FILE_COLS columns, or with
 * an over-long cell, is fatal; the arrays are sized by the header itself.
 */
static void read_header(struct parser *p)
{
	bool *used = NULL;
	if (p->nfields > MAX_FILE_COLS) {
		struct dt_strbuf zh = DT_STRBUF_INIT;
		dt_strbuf_addf(&zh, "表头有%zu列，超过上限%d列", p->nfields, MAX_FILE_COLS);
		fatal(p, zh.buf, "header: %zu columns; at most %d are allowed", p->nfields,
		      MAX_FILE_COLS);
		dt_strbuf_release(&zh);
		return;
	}
	if (p->long_col >= 0) {
		struct dt_strbuf zh = DT_STRBUF_INIT;
		dt_strbuf_addf(&zh, "表头第%lld列过长（%zu字节，最多%zu字节）",
			       (long long)p->long_col + 1, p->long_len, CELL_MAX);
		fatal(p, zh.buf, "header: column %lld is %zu bytes long; at most %zu are allowed",
		      (long long)p->long_col + 1, p->long_len, CELL_MAX);
		dt_strbuf_release(&zh);
		return;
	}
	used = calloc(p->ncols ? p->ncols : 1, sizeof(*used));
	p->map = calloc(p->ncells ? p->ncells : 1, sizeof(*p->map));
	p->header_text = calloc(p->ncells ? p->ncells : 1, sizeof(*p->header_text));
	if (!used || !p->map || !p->header_text) {
		fatal(p, NULL, "out of memory");
		p->fatal = DT_ENOMEM;
		free(used);
		return;
	}
	p->nfile = p->ncells;
	for (size_t i = 0; i < p->nfile; i++) {
		char *h = p->cells[i];
		size_t n = dt_cell_clean(h, true);
		while (n && (h[n - 1] == '*'))
			h[--n] = '\0';
		p->header_text[i] = text_head(h, REPORT_VALUE_MAX);
		p->map[i] = -1;
		if (!n)
			continue;
		for (size_t j = 0; j < p->ncols; j++) {
			if (!header_names(h, &p->cols[j]))
				continue;
			if (used[j]) {
				struct dt_strbuf zh = DT_STRBUF_INIT;
				dt_strbuf_addf(&zh, "表头中「%s」列出现了两次", p->cols[j].label_zh);
				fatal(p, zh.buf, "header: the column %s (%s) appears twice",
				      p->cols[j].name, p->cols[j].label_zh);
				dt_strbuf_release(&zh);
				break;
			}
			used[j] = true;
			p->map[i] = (int)j;
			break;
		}
		if (p->map[i] >= 0 && p->cols[p->map[i]].kind == DT_IOC_SYSTEM) {
			header_note(p, (int)i, p->header_text[i], "由系统设置的列，已忽略", "set by the system: ignored");
			p->map[i] = -1;
		} else if (p->map[i] >= 0 && p->cols[p->map[i]].kind == DT_IOC_STATE &&
			   !p->contract_state_allowed) {
			header_note(p, (int)i, p->header_text[i], "只有管理员可以导入合同状态，已忽略",
				    "only an administrator may import contract states: ignored");
			p->map[i] = -1;
		} else if (p->map[i] < 0) {
			header_note(p, (int)i, p->header_text[i], "未知的列，已忽略", "unknown column: ignored");
		}
	}
	for (size_t j = 0; j < p->ncols; j++) {
		const struct dt_iocol *c = &p->cols[j];
		if (c->required && !used[j] && c->kind != DT_IOC_SYSTEM) {
			struct dt_strbuf zh = DT_STRBUF_INIT;
			dt_strbuf_addf(&zh, "缺少必填列「%s」", c->label_zh);
			fatal(p, zh.buf, "header: the required column %s (%s) is missing", c->name,
			      c->label_zh);
			dt_strbuf_release(&zh);
		}
	}
	free(used);
	p->have_header = true;
	fast_columns(p);
}

/* ---- a data row ---- */

static const char *cell_at(struct parser *p, int colidx)
{
	for (size_t i = 0; i < p->nfile && i < p->ncells; i++)
		if (p->map[i] == colidx)
			return p->cells[i];
	return NULL;
}

static int file_col_of(struct parser *p, int colidx)
{
	for (size_t i = 0; i < p->nfile; i++)
		if (p->map[i] == colidx)
			return (int)i;
	return -1;
}

/* The general path: every cell converted, every fault recorded on the row. */
static void read_general(struct parser *p, struct row *r)
{
	r->in = json_object();
	r->vals = json_object();
	if (p->nfields > p->nfile) {
		char en[128];
		snprintf(en, sizeof(en), "the row has %zu cells but the header only %zu columns",
			 p->nfields, p->nfile);
		row_error(r, -1, "", "invalid", "该行的单元格多于表头的列数", en);
	}
	for (size_t i = 0; i < p->nfile && i < p->ncells; i++) {
		char key[24];
		snprintf(key, sizeof(key), "%zu", i);
		int ci = p->map[i];
		if (ci < 0)
			continue;
		const struct dt_iocol *c = &p->cols[ci];
		char *t = p->cells[i];
		json_object_set_new(r->vals, key, json_string(t));
		if (!*t)
			continue;
		if (c->kind == DT_IOC_KEY) {
			char *k = key_text(p, r, (int)i, c, t);
			if (k) {
				if (!r->keys)
					r->keys = json_object();
				char ck[16];
				snprintf(ck, sizeof(ck), "%d", ci);
				json_object_set_new(r->keys, ck, json_string(k));
				free(k);
			}
			continue;
		}
		json_t *v = convert_cell(p, r, (int)i, c, t);
		if (!v)
			continue;
		if (c->kind == DT_IOC_STATE || c->kind == DT_IOC_CONTRACT_DATE) {
			if (!r->state)
				r->state = json_object();
			json_object_set_new(r->state, c->name, v);
		} else {
			json_object_set_new(r->in, c->field->name, v);
		}
	}
	/* required columns left empty */
	for (size_t j = 0; j < p->ncols; j++) {
		const struct dt_iocol *c = &p->cols[j];
		if (!c->required || (c->kind != DT_IOC_VALUE && c->kind != DT_IOC_KEY && c->kind != DT_IOC_ID))
			continue;
		const char *t = cell_at(p, (int)j);
		if (t && *t)
			continue;
		int fc = file_col_of(p, (int)j);
		if (fc >= 0 && fc == p->long_col)
			continue; /* not empty but over-long: reported as such */
		struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
		zh_label(&zh, c);
		dt_strbuf_adds(&zh, "为必填项");
		dt_strbuf_addf(&en, "%s is required", c->name);
		row_error(r, fc, "", "invalid", zh.buf, en.buf);
		dt_strbuf_release(&zh);
		dt_strbuf_release(&en);
	}
	/* duplicates within the file */
	if (p->dupcols && !r->errs) {
		struct dt_strbuf k = DT_STRBUF_INIT;
		bool complete = true;
		for (int i = 0; i < 5 && p->dupcols[i]; i++) {
			int ci = -1;
			for (size_t j = 0; j < p->ncols; j++)
				if (!strcmp(p->cols[j].name, p->dupcols[i]))
					ci = (int)j;
			const char *t = ci >= 0 ? cell_at(p, ci) : NULL;
			if (!t || !*t) {
				complete = false;
				break;
			}
			/* the normalised form where there is one */
			char ck[16];
			snprintf(ck, sizeof(ck), "%d", ci);
			json_t *kv = r->keys ? json_object_get(r->keys, ck) : NULL;
			json_t *iv = json_object_get(r->in, p->cols[ci].field->name);
			if (kv)
				dt_strbuf_adds(&k, json_string_value(kv));
			else if (json_is_string(iv) && p->cols[ci].kind == DT_IOC_VALUE)
				dt_strbuf_adds(&k, json_string_value(iv));
			else
				dt_strbuf_adds(&k, t);
			dt_strbuf_addch(&k, '\x1f');
		}
		if (complete) {
			json_t *prev = json_object_get(p->seen, k.buf);
			if (prev) {
				char zh[128], en[160];
				snprintf(zh, sizeof(zh), "与文件第%lld行重复",
					 (long long)json_integer_value(prev));
				snprintf(en, sizeof(en), "duplicate of row %lld of this file (%s)",
					 (long long)json_integer_value(prev), p->dupcols[0]);
				int fc = -1;
				for (size_t j = 0; j < p->ncols && fc < 0; j++)
					if (!strcmp(p->cols[j].name, p->dupcols[0]))
						fc = file_col_of(p, (int)j);
				row_error(r, fc, fc >= 0 ? p->cells[fc] : "", "duplicate_file", zh, en);
			} else {
				json_object_set_new(p->seen, k.buf, json_integer(r->rowno));
			}
		}
		dt_strbuf_release(&k);
	}
}

/* The bulk path: true when @r is prepared (see struct fast); false leaves @r untouched. */
static bool read_fast(struct parser *p, struct row *r)
{
	struct fast *f = &p->fast;
	const char *v[FT_N];
	if (p->nfields > p->nfile || p->long_col >= 0)
		return false;
	for (int k = 0; k < FT_N; k++) {
		v[k] = f->col[k] >= 0 && (size_t)f->col[k] < p->ncells ? p->cells[f->col[k]] : NULL;
		if (v[k] && !*v[k])
			v[k] = NULL;
	}
	if (!v[FT_NATID] || !v[FT_NAME] || !v[FT_REGION] || strlen(v[FT_NATID]) > DT_NATID_LEN)
		return false;
	const char *gender = NULL;
	char birth[DT_DATE_STRLEN + 8];
	if (v[FT_GENDER] && !(gender = dt_io_enum_value(f->gender, v[FT_GENDER])))
		return false;
	if (v[FT_BIRTH] && !date_text(v[FT_BIRTH], birth))
		return false;
	int region;
	if (dt_region_code_parse(v[FT_REGION], &region, NULL) != DT_OK || region < f->lo ||
	    region > f->hi || !(f->regions[region / 8] & (1u << (region % 8))))
		return false;

	/* the texts live in the same allocation, after the struct */
	size_t need = sizeof(struct dt_trainee_new);
	for (int k = FT_NAME; k < FT_N; k++)
		if (v[k] && k != FT_GENDER && k != FT_BIRTH && k != FT_REGION)
			need += strlen(v[k]) + 1;
	struct dt_trainee_new *t = calloc(1, need);
	if (!t)
		abort();
	char *at = (char *)(t + 1);
	const char **dst[FT_N] = { [FT_NAME] = &t->name, [FT_PHONE] = &t->phone,
				   [FT_EMAIL] = &t->email, [FT_GUARDIAN] = &t->guardian_name };
	for (int k = 0; k < FT_N; k++) {
		if (!dst[k] || !v[k])
			continue;
		size_t n = strlen(v[k]) + 1;
		memcpy(at, v[k], n);
		*dst[k] = at;
		at += n;
	}
	memcpy(t->national_id, v[FT_NATID], strlen(v[FT_NATID]) + 1);
	t->region = region;
	t->registered_by = f->org;
	dt_strbuf_init(&t->after, 0);
	if (dt_trainee_prepare(f->keys, p->today, gender, v[FT_BIRTH] ? birth : NULL, t) != DT_OK) {
		trainee_free(t);
		return false;
	}
	/* duplicates within the file: the general path's key, so that both paths see each other */
	char key[DT_NATID_LEN + 2];
	snprintf(key, sizeof(key), "%s\x1f", t->national_id);
	if (json_object_get(p->seen, key)) {
		trainee_free(t);
		return false;
	}
	json_object_set_new(p->seen, key, json_integer(p->recno));
	r->t = t;
	return true;
}

/*
 * The over-long cell of the record being read (see struct parser) as an
 * error on @r, worded as for a cell that was read whole: the value is its
 * head, and its length in characters is what the report gives.
 */
static void long_cell_error(struct parser *p, struct row *r, const struct dt_iocol *c)
{
	struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
	zh_label(&zh, c);
	if (c->field && c->field->type == DT_F_TEXT &&
	    (c->kind == DT_IOC_VALUE || c->kind == DT_IOC_STATE || c->kind == DT_IOC_KEY)) {
		size_t max = c->kind == DT_IOC_KEY ? 64 : c->field->max ? (size_t)c->field->max : 200;
		dt_strbuf_addf(&zh, "过长（%zu个字符，最多%zu个）", p->long_cps, max);
		dt_strbuf_addf(&en, "%s is too long (%zu characters; at most %zu)", c->name, p->long_cps,
			       max);
	} else {
		dt_strbuf_addf(&zh, "过长（%zu个字符，单元格最多%zu字节）", p->long_cps, CELL_MAX);
		dt_strbuf_addf(&en, "%s is too long (%zu characters; a cell holds at most %zu bytes)",
			       c->name, p->long_cps, CELL_MAX);
	}
	row_error(r, (int)p->long_col, p->long_head ? p->long_head : "", "invalid", zh.buf, en.buf);
	json_object_set_new(json_array_get(r->errs, json_array_size(r->errs) - 1), "length",
			    json_integer((json_int_t)p->long_cps));
	dt_strbuf_release(&zh);
	dt_strbuf_release(&en);
}

static void read_row(struct parser *p)
{
	bool blank = !p->extra_text && p->long_col < 0;
	for (size_t i = 0; i < p->ncells && blank; i++)
		for (const char *c = p->cells[i]; *c && blank; c++)
			if (*c != ' ' && *c != '\t' && *c != '\r' && *c != '\n')
				blank = false;
	if (blank)
		return;
	p->rows++;
	for (size_t i = 0; i < p->nfile && i < p->ncells; i++) {
		if (p->map[i] < 0)
			continue;
		char *t = p->cells[i];
		dt_cell_clean(t, p->cols[p->map[i]].codes);
		/* '=SUM(...) is how exports keep text from turning into a formula */
		if (t[0] == '\'' && t[1] && strchr("=+-@", t[1]))
			memmove(t, t + 1, strlen(t));
	}
	if (!p->cur) {
		p->cur = calloc(1, sizeof(*p->cur));
		if (!p->cur)
			abort();
	}
	struct row *r = &p->cur->rows[p->cur->n++];
	r->rowno = p->recno;
	if (p->long_col >= 0 && (size_t)p->long_col < p->nfile && p->map[p->long_col] >= 0)
		long_cell_error(p, r, &p->cols[p->map[p->long_col]]);
	if (!p->fast.on || !read_fast(p, r))
		read_general(p, r);
	if (p->cur->n == BATCH_ROWS) {
		struct batch *b = p->cur;
		p->cur = NULL;
		p->emit(p, b);
	}
}

/* ---- libcsv callbacks ---- */

/* The cells a record keeps: those under the header, or one more than a header may have. */
static size_t cells_kept(const struct parser *p)
{
	return p->have_header ? p->nfile : MAX_FILE_COLS + 1;
}

/*
 * A field of the current record.  Memory stays in proportion to the header
 * whatever a row holds: cells past cells_kept() are only counted, and an
 * over-long one is kept empty (its length noted for the report).
 */
static void on_field(void *data, size_t len, void *ctx)
{
	struct parser *p = ctx;
	size_t fc = p->nfields++;
	if (fc >= cells_kept(p)) {
		const char *d = data;
		for (size_t i = 0; i < len && !p->extra_text; i++)
			if (d[i] != ' ' && d[i] != '\t' && d[i] != '\r' && d[i] != '\n')
				p->extra_text = true;
		return;
	}
	if (len > CELL_MAX) {
		if (p->long_col < 0) {
			const unsigned char *d = data;
			size_t cps = 0, head = 0;
			for (size_t i = 0; i < len; i++) {
				if ((d[i] & 0xC0) == 0x80)
					continue;
				if (cps++ == REPORT_VALUE_MAX)
					head = i;
			}
			p->long_col = (int64_t)fc;
			p->long_len = len;
			p->long_cps = cps;
			free(p->long_head);
			p->long_head = strndup(data, head ? head : len);
		}
		len = 0;
	}
	if (p->ncells == p->acells) {
		size_t n = p->acells ? p->acells * 2 : 32;
		char **c = realloc(p->cells, n * sizeof(*c));
		if (!c)
			abort();
		p->cells = c;
		p->acells = n;
	}
	char *s = malloc(len + 1);
	if (!s)
		abort();
	if (len)
		memcpy(s, data, len);
	s[len] = '\0';
	p->cells[p->ncells++] = s;
}

static void clear_cells(struct parser *p)
{
	for (size_t i = 0; i < p->ncells; i++)
		free(p->cells[i]);
	p->ncells = 0;
	p->nfields = 0;
	p->extra_text = false;
	p->long_col = -1;
	p->long_len = p->long_cps = 0;
	free(p->long_head);
	p->long_head = NULL;
}

/*
 * Blank lines are reported too (CSV_REPALL_NL) so that row numbers are the
 * ones a spreadsheet shows; the LF of a CRLF comes as an empty record of its
 * own and is dropped.
 */
static void on_row(int c, void *ctx)
{
	struct parser *p = ctx;
	bool crlf = p->nfields == 0 && c == '\n' && p->prev == '\r';
	p->prev = c;
	if (crlf)
		return;
	p->recno++;
	if (!p->fatal) {
		if (!p->have_header) {
			if (p->nfields == 0 || (p->nfields == 1 && !p->cells[0][0] && p->long_col < 0))
				p->recno--; /* leading blank lines are not the header */
			else
				read_header(p);
		} else {
			read_row(p);
		}
	}
	clear_cells(p);
}

/* Parse the whole buffer, emitting batches; then the end. */
static void parse_all(struct parser *p)
{
	struct csv_parser cp;
	if (csv_init(&cp, CSV_APPEND_NULL | CSV_REPALL_NL) != 0) {
		fatal(p, NULL, "out of memory");
		p->fatal = DT_ENOMEM;
		return;
	}
	/*
	 * libcsv grows a field's buffer by this much at a time: big steps keep
	 * a 10 MB cell linear; no field is longer than the file, so a small
	 * file does not need a megabyte for its first.
	 */
	csv_set_blk_size(&cp, p->len < ((size_t)1 << 20) ? p->len + 1 : (size_t)1 << 20);
	while (p->consumed < p->len && !p->fatal && !queue_stopped(p->q)) {
		size_t n = p->len - p->consumed < CHUNK ? p->len - p->consumed : CHUNK;
		if (csv_parse(&cp, p->data + p->consumed, n, on_field, on_row, p) != n) {
			fatal(p, "CSV格式错误", "CSV: %s near record %lld", csv_strerror(csv_error(&cp)),
			      (long long)p->recno + 1);
			break;
		}
		p->consumed += n;
		if (p->rows > 0)
			atomic_store(&p->est_total,
				     (int64_t)((double)p->rows * (double)p->len / (double)p->consumed));
	}
	if (!p->fatal && !queue_stopped(p->q) && csv_fini(&cp, on_field, on_row, p) != 0)
		fatal(p, "CSV格式错误：文件末尾的引号没有闭合",
		      "CSV: %s at the end of the file (a quote is not closed?)",
		      csv_strerror(csv_error(&cp)));
	csv_free(&cp);
	clear_cells(p);
	if (!p->have_header && !p->fatal)
		fatal(p, "文件为空：需要表头行", "the file is empty: a header row is required");
	atomic_store(&p->est_total, p->rows);
	if (p->cur && p->cur->n) {
		struct batch *b = p->cur;
		p->cur = NULL;
		p->emit(p, b);
	}
	free(p->cur);
	p->cur = NULL;
}

static void *parser_main(void *arg)
{
	struct parser *p = arg;
	parse_all(p);
	pthread_mutex_lock(&p->q->mu);
	p->q->done = true;
	pthread_cond_broadcast(&p->q->cv);
	pthread_mutex_unlock(&p->q->mu);
	return NULL;
}

/* ---- the writer ---- */

struct writer {
	struct dt_store *s;
	const struct dt_import_opts *o;
	const struct dt_entity *e;
	struct parser *p;
	struct dt_import_result *r;
	json_t *cache;   /* {"col index": {"key text": id or 0}} */
	int fatal;       /* a store failure: stop */
	struct dt_strbuf fatal_msg;
	int64_t done;
	bool scoped;
	struct row *pend[DT_TRAINEE_BATCH]; /* rows of the bulk path not yet written */
	int npend;
};

static const char *header_of(struct writer *w, int fc)
{
	return fc >= 0 && (size_t)fc < w->p->nfile ? w->p->header_text[fc] : "";
}

/*
 * An 18-byte national-ID cell as the report shows it: masked by
 * dt_natid_mask(), or when it is not ASCII (the cell is whatever the file
 * held: 18 bytes may be six Chinese characters, which a byte mask would cut
 * into invalid UTF-8) masked the same way by characters.
 */
static void add_masked(struct dt_strbuf *v, const char *value)
{
	size_t len = strlen(value), n = dt_utf8_len(value), k = 0;
	if (n == len) {
		char m[DT_NATID_LEN + 1];
		dt_natid_mask(value, m);
		dt_strbuf_adds(v, m);
		return;
	}
	for (size_t off = 0; off < len; k++) {
		uint32_t cp;
		size_t step = dt_utf8_decode(value + off, len - off, &cp);
		step = step ? step : 1;
		if (k < 4 || k + 4 >= n)
			dt_strbuf_add(v, value + off, step);
		else
			dt_strbuf_addch(v, '*');
		off += step;
	}
}

/*
 * One line of the report.  @value is cut to REPORT_VALUE_MAX characters
 * and followed by its length, which is @length when not 0 (a value the
 * parser kept only the head of) or else counted.
 */
static void report_line(struct writer *w, int64_t rowno, int fc, const char *field,
			const char *value, size_t length, const char *reason, const char *zh,
			const char *en)
{
	struct dt_import_result *r = w->r;
	struct dt_strbuf v = DT_STRBUF_INIT;
	const struct dt_iocol *c = NULL;
	if (fc >= 0 && (size_t)fc < w->p->nfile && w->p->map[fc] >= 0)
		c = &w->p->cols[w->p->map[fc]];
	/* Values in the report: cut long ones, mask national IDs. */
	if (c && c->pii && value && strlen(value) == DT_NATID_LEN) {
		add_masked(&v, value);
	} else if (value) {
		size_t cps = length ? length : dt_utf8_len(value);
		if (cps > REPORT_VALUE_MAX) {
			size_t off = 0, len = strlen(value);
			for (size_t k = 0; k < REPORT_VALUE_MAX && off < len; k++) {
				uint32_t cp;
				size_t n = dt_utf8_decode(value + off, len - off, &cp);
				off += n ? n : 1;
			}
			dt_strbuf_add(&v, value, off);
			dt_strbuf_addf(&v, "…(%zu characters)", cps);
		} else {
			dt_strbuf_adds(&v, value);
		}
	}
	const char *cells[] = { NULL, header_of(w, fc), field ? field : "", v.buf, zh, en };
	char rowbuf[24];
	snprintf(rowbuf, sizeof(rowbuf), "%lld", (long long)rowno);
	cells[0] = rowbuf;
	for (size_t i = 0; i < DT_ARRAY_SIZE(cells); i++) {
		const char *s = cells[i];
		if (i)
			dt_strbuf_addch(&r->report, ',');
		if (strpbrk(s, ",\"\r\n") || (*s && strchr("=+-@", *s))) {
			/* quoted; a leading = + - @ gets a ' so that Excel shows it as text */
			dt_strbuf_addch(&r->report, '"');
			if (*s && strchr("=+-@", *s) && i != 0)
				dt_strbuf_addch(&r->report, '\'');
			for (const char *q = s; *q; q++) {
				if (*q == '"')
					dt_strbuf_addch(&r->report, '"');
				dt_strbuf_addch(&r->report, *q);
			}
			dt_strbuf_addch(&r->report, '"');
		} else {
			dt_strbuf_adds(&r->report, s);
		}
	}
	dt_strbuf_adds(&r->report, "\r\n");
	if (reason) {
		r->nerrors++;
		if (json_array_size(r->errors) < DT_IMPORT_ERRORS_KEPT)
			json_array_append_new(r->errors,
					      json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "row",
							(json_int_t)rowno, "column", header_of(w, fc),
							"field", field ? field : "", "value", v.buf,
							"reason", reason, "message_zh", zh, "message_en", en));
	}
	dt_strbuf_release(&v);
}

/* Chinese for the store's English messages, by what they start or end with. */
static const char *zh_of(const char *en)
{
	static const struct {
		const char *pat;
		const char *zh;
	} t[] = {
		{ "a trainee with this ID is already registered", "该身份证号的学员已经登记" },
		{ "another record already has this value", "与数据库中已有记录重复" },
		{ "already has an open contract", "该学员已有未结束的合同" },
		{ "does not match the national ID", "与身份证号不一致" },
		{ "trainees must be at least 16", "学员须年满16周岁" },
		{ "is required for a trainee under 18", "未满18周岁的学员须填写监护人" },
		{ "is not in the region table", "行政区划代码不存在" },
		{ "is outside the contract", "日期不在合同期限内" },
		{ "is in the future", "日期不能晚于今天" },
		{ "is not after", "结束日期应晚于开始日期" },
		{ "is before", "日期先后顺序不正确" },
		{ "is run by school", "培养项目不属于该院校" },
		{ "entries go on active contracts only", "只能为履行中的合同填写培养记录" },
		{ "not a", "机构类型不符" },
		{ "no ", "引用的记录不存在" },
		{ "is required", "为必填项" },
		{ "too long", "过长" },
		{ "out of range", "超出范围" },
		{ "is not one of", "取值不正确" },
		{ "skill level", "技能等级不符合要求" },
		{ "cannot", "当前状态不允许此操作" },
	};
	for (size_t i = 0; i < DT_ARRAY_SIZE(t); i++)
		if (strstr(en, t[i].pat))
			return t[i].zh;
	return "不符合规则（见英文说明）";
}

/* The file column that holds field @name (a reference's key column for a REF). */
static int file_col_of_field(struct writer *w, const char *name)
{
	for (size_t j = 0; j < w->p->ncols; j++) {
		const struct dt_iocol *c = &w->p->cols[j];
		if (c->field && !strcmp(c->field->name, name) && c->kind != DT_IOC_CONTRACT_DATE &&
		    c->kind != DT_IOC_SYSTEM) {
			int fc = file_col_of(w->p, (int)j);
			if (fc >= 0)
				return fc;
		}
	}
	return -1;
}

static const char *row_value(struct row *row, int fc)
{
	char key[24];
	snprintf(key, sizeof(key), "%d", fc);
	const char *v = json_string_value(json_object_get(row->vals, key));
	return v ? v : "";
}

/* Report the store's failure of @row: each field error, or the message. */
static void report_field_errors(struct writer *w, struct row *row, int rc, const char *msg,
				json_t *fe)
{
	const char *reason = rc == DT_ECONFLICT ? "duplicate_db" : "rule";
	if (!fe || json_array_size(fe) == 0) {
		if (rc == DT_ECONFLICT && !strstr(msg, "already"))
			reason = "rule";
		report_line(w, row->rowno, -1, "", "", 0, reason, zh_of(msg), msg);
		return;
	}
	size_t i;
	json_t *e;
	json_array_foreach(fe, i, e) {
		const char *field = json_string_value(json_object_get(e, "field"));
		const char *m = json_string_value(json_object_get(e, "message"));
		int fc = file_col_of_field(w, field);
		const char *rs = reason;
		if (strstr(m, "already"))
			rs = "duplicate_db";
		else if (!strncmp(m, "no ", 3))
			rs = "reference";
		else if (rc == DT_ECONFLICT)
			rs = "rule";
		struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
		const struct dt_field *f = dt_entity_field(w->e, field);
		if (f)
			dt_strbuf_addf(&zh, "「%s」", f->label_zh);
		dt_strbuf_adds(&zh, zh_of(m));
		dt_strbuf_addf(&en, "%s: %s", field, m);
		report_line(w, row->rowno, fc, field, fc >= 0 ? row_value(row, fc) : "", 0, rs, zh.buf,
			    en.buf);
		dt_strbuf_release(&zh);
		dt_strbuf_release(&en);
		if (i == 0)
			reason = rs;
	}
}

static void report_store_error(struct writer *w, struct row *row, int rc, const char *msg)
{
	report_field_errors(w, row, rc, msg, dt_store_field_errors(w->s));
}

static void count_reason(struct writer *w, const char *reason)
{
	json_t *n = json_object_get(w->r->reasons, reason);
	json_object_set_new(w->r->reasons, reason, json_integer(n ? json_integer_value(n) + 1 : 1));
}

/*
 * Find the id of the record that key column @ci names with @text; 0 when
 * there is none the actor may use.  *@what gets a description for messages.
 */
static int64_t resolve(struct writer *w, int ci, const char *text, struct row *row,
		       struct dt_strbuf *zh, struct dt_strbuf *en)
{
	const struct dt_iocol *c = &w->p->cols[ci];
	const struct dt_scope *scope = w->o->actor->scope;
	bool open = c->field && (c->field->flags & DT_FF_OPENREF);
	char ck[16];
	snprintf(ck, sizeof(ck), "%d", ci);
	json_t *cache = json_object_get(w->cache, ck);
	if (!cache) {
		cache = json_object();
		json_object_set_new(w->cache, ck, cache);
	}
	/* A contract is the trainee's and its start date: the cache key holds both. */
	const char *cdate = NULL;
	struct dt_strbuf key = DT_STRBUF_INIT;
	dt_strbuf_adds(&key, text);
	if (!strcmp(c->ref, "contract")) {
		cdate = json_string_value(json_object_get(row->state, "contract_start_date"));
		dt_strbuf_addf(&key, "|%s", cdate ? cdate : "");
	}
	json_t *hit = json_object_get(cache, key.buf);
	if (hit && json_integer_value(hit) > 0) {
		dt_strbuf_release(&key);
		return json_integer_value(hit);
	}
	int64_t id = 0;
	json_t *o = NULL, *items = NULL;
	char *next = NULL;
	struct dt_strbuf e2 = DT_STRBUF_INIT;
	if (!strcmp(c->ref, "organization")) {
		if (dt_store_org_by_uscc(w->s, text, &id, NULL) != DT_OK ||
		    dt_store_get(w->s, open ? NULL : scope, "organization", id, 0, &o, NULL) != DT_OK) {
			id = 0;
			dt_strbuf_addf(zh, "找不到统一社会信用代码为 %s 的机构%s", text,
				       scope && !open ? "（在您的权限范围内）" : "");
			dt_strbuf_addf(en, "%s: no organization with credit code %s%s", c->name, text,
				       scope && !open ? " in your scope" : "");
		} else if (c->field->ref_kind &&
			   strcmp(json_string_value(json_object_get(o, "kind")), c->field->ref_kind)) {
			const char *kind = json_string_value(json_object_get(o, "kind"));
			const struct dt_field *kf = dt_entity_field(dt_entity_find("organization"), "kind");
			dt_strbuf_addf(zh, "统一社会信用代码 %s 对应的机构是%s，不是%s", text,
				       dt_io_enum_zh(kf, kind), dt_io_enum_zh(kf, c->field->ref_kind));
			dt_strbuf_addf(en, "%s: the organization with credit code %s is a%s %s, not a%s %s",
				       c->name, text, strchr("aeiou", kind[0]) ? "n" : "", kind,
				       strchr("aeiou", c->field->ref_kind[0]) ? "n" : "", c->field->ref_kind);
			id = 0;
		}
	} else if (!strcmp(c->ref, "trainee") || !strcmp(c->ref, "contract")) {
		int64_t tid = 0;
		int rc = dt_store_trainee_by_natid(w->s, text, &tid, &e2);
		if (rc == DT_ECRYPTO) {
			w->fatal = rc;
			dt_strbuf_setf(&w->fatal_msg, "%s", e2.buf);
		}
		if (rc != DT_OK || dt_store_get(w->s, scope, "trainee", tid, 0, &o, NULL) != DT_OK) {
			dt_strbuf_addf(zh, "找不到该身份证号的学员%s", scope ? "（在您的权限范围内）" : "");
			dt_strbuf_addf(en, "%s: no trainee with this national ID%s", c->name,
				       scope ? " in your scope" : "");
		} else if (!strcmp(c->ref, "trainee")) {
			id = tid;
		} else {
			char tbuf[24];
			snprintf(tbuf, sizeof(tbuf), "%lld", (long long)tid);
			const char *filters[] = { "trainee_id", tbuf };
			struct dt_query q = { filters, 1, NULL, "start_date", true, 100, NULL };
			int n = 0;
			if (dt_store_list(w->s, scope, "contract", &q, &items, &next, NULL) == DT_OK) {
				size_t i;
				json_t *it;
				json_array_foreach(items, i, it) {
					const char *sd = json_string_value(json_object_get(it, "start_date"));
					if (cdate && strcmp(sd, cdate))
						continue;
					if (!n++)
						id = json_integer_value(json_object_get(it, "id"));
				}
			}
			if (n == 0) {
				id = 0;
				dt_strbuf_addf(zh, "该学员没有%s%s的合同", cdate ? "开始日期为" : "",
					       cdate ? cdate : "");
				dt_strbuf_addf(en, "%s: the trainee has no contract%s%s", c->name,
					       cdate ? " starting on " : "", cdate ? cdate : "");
			} else if (n > 1) {
				id = 0;
				dt_strbuf_addf(zh, "该学员有%d份合同，请填写「合同开始日期」", n);
				dt_strbuf_addf(en, "%s: the trainee has %d contracts: give contract_start_date",
					       c->name, n);
			}
		}
	} else if (!strcmp(c->ref, "occupation")) {
		if (dt_store_occupation_by_code(w->s, text, &id, NULL) != DT_OK) {
			id = 0;
			dt_strbuf_addf(zh, "找不到职业编码 %s", text);
			dt_strbuf_addf(en, "%s: no occupation with code %s", c->name, text);
		}
	} else {
		/* programme by code, pilot by region: a list filter within the scope */
		const char *kf = !strcmp(c->ref, "pilot") ? "region" : "code";
		const char *filters[] = { kf, text };
		struct dt_query q = { filters, 1, NULL, NULL, false, 50, NULL };
		if (dt_store_list(w->s, open ? NULL : scope, c->ref, &q, &items, &next, NULL) == DT_OK) {
			size_t i;
			json_t *it;
			json_array_foreach(items, i, it)
				if (!strcmp(json_string_value(json_object_get(it, kf)), text))
					id = json_integer_value(json_object_get(it, "id"));
		}
		if (!id) {
			const struct dt_entity *te = dt_entity_find(c->ref);
			dt_strbuf_addf(zh, "找不到%s为 %s 的%s%s", c->label_zh, text, te->label_zh,
				       scope && !open ? "（在您的权限范围内）" : "");
			dt_strbuf_addf(en, "%s: no %s with %s %s%s", c->name, c->ref, kf, text,
				       scope && !open ? " in your scope" : "");
		}
	}
	json_decref(o);
	json_decref(items);
	free(next);
	dt_strbuf_release(&e2);
	if (id > 0)
		json_object_set_new(cache, key.buf, json_integer(id));
	dt_strbuf_release(&key);
	return id;
}

/* Take a created contract to the status the file gives (admin imports). */
static int contract_state(struct writer *w, int64_t id, json_t *state, struct dt_strbuf *e2)
{
	const char *status = json_string_value(json_object_get(state, "status"));
	const char *ended = json_string_value(json_object_get(state, "ended_on"));
	const char *reason = json_string_value(json_object_get(state, "dissolution_reason"));
	const struct dt_actor *a = w->o->actor;
	if (!status || !strcmp(status, "draft"))
		return DT_OK;
	if (!strcmp(status, "transferred"))
		return dt_error(e2, DT_EINVAL,
				"status: transferred contracts are not imported (import the successor)");
	if ((!strcmp(status, "completed") || !strcmp(status, "dissolved")) && !ended)
		return dt_error(e2, DT_EINVAL, "ended_on: is required for a %s contract", status);
	if (!strcmp(status, "dissolved") && !reason)
		return dt_error(e2, DT_EINVAL, "dissolution_reason: is required for a dissolved contract");
	int rc = dt_store_contract_act(w->s, a, NULL, id, DT_CEV_SUBMIT, 0, NULL, NULL, e2);
	if (rc != DT_OK || !strcmp(status, "pending"))
		return rc;
	for (int p = 0; p < DT_PARTY_N && rc == DT_OK; p++)
		rc = dt_store_contract_act(w->s, a, NULL, id, DT_CEV_APPROVE, (enum dt_party)p, NULL,
					   NULL, e2);
	if (rc == DT_OK)
		rc = dt_store_contract_act(w->s, a, NULL, id, DT_CEV_ACTIVATE, 0, NULL, NULL, e2);
	if (rc != DT_OK || !strcmp(status, "active"))
		return rc;
	json_t *args = json_pack("{s:s}", "date", ended);
	if (!strcmp(status, "dissolved"))
		json_object_set_new(args, "reason", json_string(reason));
	rc = dt_store_contract_act(w->s, a, NULL, id,
				   !strcmp(status, "completed") ? DT_CEV_COMPLETE : DT_CEV_DISSOLVE, 0,
				   args, NULL, e2);
	json_decref(args);
	return rc;
}

static void write_row(struct writer *w, struct row *row)
{
	w->r->rows++;
	const char *first_reason = NULL;
	if (row->errs) {
		size_t i;
		json_t *e;
		json_array_foreach(row->errs, i, e) {
			int fc = (int)json_integer_value(json_object_get(e, "col"));
			const char *reason = json_string_value(json_object_get(e, "reason"));
			const struct dt_iocol *c = fc >= 0 && (size_t)fc < w->p->nfile && w->p->map[fc] >= 0
							   ? &w->p->cols[w->p->map[fc]]
							   : NULL;
			report_line(w, row->rowno, fc, c && c->field ? c->field->name : "",
				    json_string_value(json_object_get(e, "value")),
				    (size_t)json_integer_value(json_object_get(e, "length")), reason,
				    json_string_value(json_object_get(e, "zh")),
				    json_string_value(json_object_get(e, "en")));
			if (!first_reason)
				first_reason = reason;
		}
		goto rejected;
	}
	/* references by their keys */
	const char *key;
	json_t *kv;
	bool refs_ok = true;
	json_object_foreach(row->keys, key, kv) {
		int ci = (int)strtol(key, NULL, 10);
		struct dt_strbuf zh = DT_STRBUF_INIT, en = DT_STRBUF_INIT;
		int64_t id = resolve(w, ci, json_string_value(kv), row, &zh, &en);
		if (w->fatal) {
			dt_strbuf_release(&zh);
			dt_strbuf_release(&en);
			return;
		}
		if (id > 0) {
			json_object_set_new(row->in, w->p->cols[ci].field->name, json_integer(id));
		} else {
			int fc = file_col_of(w->p, ci);
			report_line(w, row->rowno, fc, w->p->cols[ci].field->name, row_value(row, fc), 0,
				    "reference", zh.buf, en.buf);
			refs_ok = false;
			if (!first_reason)
				first_reason = "reference";
		}
		dt_strbuf_release(&zh);
		dt_strbuf_release(&en);
	}
	if (!refs_ok)
		goto rejected;

	struct dt_strbuf e2 = DT_STRBUF_INIT;
	json_t *out = NULL;
	/*
	 * dt_store_create() undoes itself when it fails; a row that does more
	 * (contract actions) or may have to be taken back (the scope check)
	 * gets a savepoint of its own around it all.
	 */
	bool began = false;
	int rc = DT_OK;
	if (row->state || w->scoped) {
		rc = dt_store_row_begin(w->s, &e2);
		began = rc == DT_OK;
	}
	if (rc == DT_OK)
		rc = dt_store_create(w->s, w->o->actor, w->e->name, row->in, &out, &e2);
	int64_t id = out ? json_integer_value(json_object_get(out, "id")) : 0;
	if (rc == DT_OK && row->state)
		rc = contract_state(w, id, row->state, &e2);
	if (rc == DT_OK && w->scoped) {
		json_t *seen = NULL;
		if (dt_store_get(w->s, w->o->actor->scope, w->e->name, id, DT_READ_WRITABLE, &seen,
				 NULL) != DT_OK) {
			json_decref(out);
			if (began)
				dt_store_row_end(w->s, false, NULL);
			report_line(w, row->rowno, -1, "", "", 0, "scope", "该记录将超出您的权限范围",
				    "the record would fall outside your scope");
			first_reason = "scope";
			dt_strbuf_release(&e2);
			goto rejected;
		}
		json_decref(seen);
	}
	json_decref(out);
	if (rc != DT_OK && (rc == DT_EINVAL || rc == DT_ECONFLICT || rc == DT_ENOTFOUND)) {
		report_store_error(w, row, rc, e2.buf);
		json_t *fe = dt_store_field_errors(w->s);
		first_reason = rc == DT_ECONFLICT ? "duplicate_db" : "rule";
		if (fe && json_array_size(fe)) {
			const char *m = json_string_value(json_object_get(json_array_get(fe, 0), "message"));
			first_reason = strstr(m, "already") ? "duplicate_db"
				       : !strncmp(m, "no ", 3) ? "reference"
				       : rc == DT_ECONFLICT    ? "rule"
							       : "rule";
		} else if (rc == DT_ECONFLICT && !strstr(e2.buf, "already")) {
			first_reason = "rule";
		}
		if (began)
			dt_store_row_end(w->s, false, NULL);
		dt_strbuf_release(&e2);
		goto rejected;
	}
	if (rc != DT_OK) {
		if (began)
			dt_store_row_end(w->s, false, NULL);
		w->fatal = rc;
		dt_strbuf_setf(&w->fatal_msg, "row %lld: %s", (long long)row->rowno, e2.buf);
		dt_strbuf_release(&e2);
		return;
	}
	if (began)
		rc = dt_store_row_end(w->s, true, &e2);
	if (rc != DT_OK) {
		w->fatal = rc;
		dt_strbuf_setf(&w->fatal_msg, "row %lld: %s", (long long)row->rowno, e2.buf);
	} else {
		w->r->written++;
	}
	dt_strbuf_release(&e2);
	return;
rejected:
	w->r->rejected++;
	count_reason(w, first_reason ? first_reason : "invalid");
}

/*
 * Write the rows of the bulk path waiting in w->pend, in one batch: only
 * the database can still refuse one of them (an ID registered before),
 * and that is reported as the general path reports it.
 */
static void flush_fast(struct writer *w)
{
	struct dt_trainee_new *t[DT_TRAINEE_BATCH];
	int n = w->npend;
	w->npend = 0;
	if (!n || w->fatal)
		return;
	for (int i = 0; i < n; i++)
		t[i] = w->pend[i]->t;
	struct dt_strbuf e2 = DT_STRBUF_INIT;
	int rc = dt_store_trainee_insert(w->s, w->o->actor, t, n, &e2);
	if (rc != DT_OK) {
		w->fatal = rc;
		dt_strbuf_setf(&w->fatal_msg, "rows %lld to %lld: %s", (long long)w->pend[0]->rowno,
			       (long long)w->pend[n - 1]->rowno, e2.buf);
		dt_strbuf_release(&e2);
		return;
	}
	dt_strbuf_release(&e2);
	for (int i = 0; i < n; i++) {
		struct row *row = w->pend[i];
		if (!t[i]->conflict) {
			w->r->written++;
			w->r->bulk++;
			continue;
		}
		char key[24];
		snprintf(key, sizeof(key), "%d", w->p->fast.col[FT_NATID]);
		row->vals = json_pack("{s:s}", key, t[i]->national_id);
		json_t *fe = json_pack("[{s:s, s:s}]", "field", "national_id", "message", DT_TRAINEE_TAKEN);
		report_field_errors(w, row, DT_ECONFLICT, DT_TRAINEE_TAKEN, fe);
		json_decref(fe);
		w->r->rejected++;
		count_reason(w, "duplicate_db");
	}
}

static void write_batch(struct writer *w, struct batch *b)
{
	for (int i = 0; i < b->n && !w->fatal; i++) {
		if (w->o->cancel && atomic_load(w->o->cancel)) {
			w->r->cancelled = true;
			w->fatal = DT_ECONFLICT;
			dt_strbuf_setf(&w->fatal_msg, "the import was cancelled");
			break;
		}
		if (b->rows[i].t) {
			w->r->rows++;
			w->pend[w->npend++] = &b->rows[i];
			if (w->npend == DT_TRAINEE_BATCH)
				flush_fast(w);
		} else {
			flush_fast(w); /* rows are written, and reported, in file order */
			write_row(w, &b->rows[i]);
		}
		if (++w->done % 256 == 0 && w->o->progress) {
			int64_t est = atomic_load(&w->p->est_total);
			w->o->progress(w->o->progress_ctx, w->done, est > w->done ? est : w->done);
		}
	}
	flush_fast(w); /* the batch's rows are freed after this */
}

/* Serial mode: a full batch goes straight to the writer. */
static void emit_serial(struct parser *p, struct batch *b)
{
	struct writer *w = p->writer;
	if (!w->fatal)
		write_batch(w, b);
	batch_free(b);
}

/* ---- results ---- */

static const char report_header[] =
	"\xEF\xBB\xBF行号 row,列 column,字段 field,值 value,错误说明,message\r\n";

void dt_import_result_init(struct dt_import_result *r)
{
	memset(r, 0, sizeof(*r));
	r->reasons = json_object();
	r->errors = json_array();
	r->ignored = json_array();
	dt_strbuf_init(&r->report, REPORT_MAX);
	dt_strbuf_adds(&r->report, report_header);
}

void dt_import_result_release(struct dt_import_result *r)
{
	json_decref(r->reasons);
	json_decref(r->errors);
	json_decref(r->ignored);
	dt_strbuf_release(&r->report);
	memset(r, 0, sizeof(*r));
}

json_t *dt_import_result_json(const struct dt_import_result *r)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:O, s:O, s:s, s:b, s:b}", "rows", (json_int_t)r->rows,
			 "written", (json_int_t)r->written, "rejected", (json_int_t)r->rejected,
			 "errors", (json_int_t)r->nerrors, "reasons", r->reasons, "ignored_columns",
			 r->ignored, "encoding", dt_encoding_name(r->encoding, r->bom), "committed",
			 r->committed, "cancelled", r->cancelled);
}

/* ---- the import ---- */

/*
 * Turn the bulk path on for a trainee import that may take it: the store
 * has its keys, and the writer is not a trainee (whose scope is one record).
 * Inside the import's transaction, so that the region table stays what it
 * is read as.
 */
static int fast_setup(struct dt_store *s, const struct dt_import_opts *o, struct parser *p,
		      struct dt_strbuf *err)
{
	struct fast *f = &p->fast;
	const struct dt_scope *scope = o->actor->scope;
	if (strcmp(p->e->name, "trainee") || !dt_store_keys(s) || (scope && scope->trainee_id) ||
	    (o->flags & DT_IMPORT_GENERAL))
		return DT_OK;
	f->regions = malloc(DT_REGION_BITMAP_BYTES);
	if (!f->regions)
		return dt_error(err, DT_ENOMEM, "out of memory");
	int rc = dt_store_region_bitmap(s, f->regions, err);
	if (rc != DT_OK)
		return rc;
	f->keys = dt_store_keys(s);
	f->lo = 0;
	f->hi = 999999;
	if (scope && scope->region)
		dt_region_range(scope->region, &f->lo, &f->hi);
	f->org = scope ? scope->org_id : 0;
	f->gender = dt_entity_field(p->e, "gender");
	f->on = true;
	return DT_OK;
}

enum dt_err dt_import_csv(struct dt_store *s, const struct dt_import_opts *o, const char *data, size_t len,
		  struct dt_import_result *r, struct dt_strbuf *err)
{
	const struct dt_entity *e = dt_entity_find(o->kind);
	if (!e) {
		/* "record-entries" and "record_entries" alike */
		struct dt_strbuf alt = DT_STRBUF_INIT;
		for (const char *c = o->kind; *c; c++)
			dt_strbuf_addch(&alt, *c == '-' ? '_' : *c);
		e = dt_entity_find(alt.buf);
		if (!e) {
			dt_strbuf_reset(&alt);
			for (const char *c = o->kind; *c; c++)
				dt_strbuf_addch(&alt, *c == '_' ? '-' : *c);
			e = dt_entity_find(alt.buf);
		}
		dt_strbuf_release(&alt);
	}
	if (!e)
		return dt_error(err, DT_EINVAL, "kind: '%s' is not a kind of record", o->kind);
	if (!strcmp(e->name, "occupation") || !strcmp(e->name, "region"))
		return dt_error(err, DT_EINVAL,
				"kind: %s records are reference data: use `dualtrack refdata load`",
				e->name);

	struct dt_strbuf text = DT_STRBUF_INIT;
	dt_strbuf_init(&text, (size_t)1 << 40);
	int rc = dt_encoding_to_utf8(data, len, o->encoding, &text, &r->encoding, &r->bom, err);
	if (rc != DT_OK) {
		dt_strbuf_release(&text);
		return rc;
	}

	struct queue q;
	memset(&q, 0, sizeof(q));
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.cv, NULL);
	struct parser p;
	memset(&p, 0, sizeof(p));
	p.e = e;
	p.cols = dt_iocols(e, &p.ncols);
	p.header_notes = json_array();
	p.ignored = r->ignored;
	p.seen = json_object();
	p.q = &q;
	p.data = text.buf;
	p.len = text.len;
	p.today = dt_date_today();
	p.contract_state_allowed = o->actor->scope == NULL;
	dt_strbuf_init(&p.fatal_msg, 0);
	dt_strbuf_init(&p.fatal_zh, 0);
	p.long_col = -1;
	for (size_t i = 0; i < DT_ARRAY_SIZE(unique_keys); i++)
		if (!strcmp(unique_keys[i].entity, e->name))
			p.dupcols = unique_keys[i].cols;

	struct writer w;
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.o = o;
	w.e = e;
	w.p = &p;
	w.r = r;
	w.cache = json_object();
	w.scoped = o->actor->scope != NULL;
	dt_strbuf_init(&w.fatal_msg, 0);
	p.writer = &w;

	rc = dt_store_begin(s, err);
	if (rc != DT_OK)
		goto out;
	rc = fast_setup(s, o, &p, err);
	if (rc != DT_OK) {
		dt_store_rollback(s);
		goto out;
	}
	bool threaded = !(o->flags & DT_IMPORT_SERIAL);
	pthread_t th;
	if (threaded) {
		p.emit = queue_push;
		if (pthread_create(&th, NULL, parser_main, &p) != 0)
			threaded = false;
	}
	if (threaded) {
		struct batch *b;
		while ((b = queue_pop(&q))) {
			if (!w.fatal)
				write_batch(&w, b);
			batch_free(b);
			if (w.fatal) {
				pthread_mutex_lock(&q.mu);
				q.stop = true;
				pthread_cond_broadcast(&q.cv);
				pthread_mutex_unlock(&q.mu);
			}
		}
		pthread_join(th, NULL);
	} else {
		p.emit = emit_serial;
		parse_all(&p);
	}
	/* the header's notes come first in the report: they are about row 1 */
	if (json_array_size(p.header_notes)) {
		struct dt_strbuf body = DT_STRBUF_INIT;
		dt_strbuf_add(&body, r->report.buf + (sizeof(report_header) - 1),
			      r->report.len - (sizeof(report_header) - 1));
		dt_strbuf_setlen(&r->report, sizeof(report_header) - 1);
		size_t i;
		json_t *n;
		json_array_foreach(p.header_notes, i, n)
			report_line(&w, 1, (int)json_integer_value(json_object_get(n, "col")), "",
				    json_string_value(json_object_get(n, "name")), 0, NULL,
				    json_string_value(json_object_get(n, "zh")),
				    json_string_value(json_object_get(n, "en")));
		dt_strbuf_add(&r->report, body.buf, body.len);
		dt_strbuf_release(&body);
	}
	if (o->progress)
		o->progress(o->progress_ctx, w.done, w.done);

	if (p.fatal) {
		dt_store_rollback(s);
		r->written = r->bulk = 0;
		struct dt_strbuf zh = DT_STRBUF_INIT;
		dt_strbuf_addf(&zh, "文件无法导入%s%s", p.fatal_zh.len ? "：" : "", p.fatal_zh.buf);
		if (p.fatal_zh.len)
			rc = dt_error(err, p.fatal, "%s (%s)", p.fatal_msg.buf, p.fatal_zh.buf);
		else
			rc = dt_error(err, p.fatal, "%s", p.fatal_msg.buf);
		report_line(&w, 1, -1, "", "", 0, NULL, zh.buf, p.fatal_msg.buf);
		dt_strbuf_release(&zh);
	} else if (w.fatal) {
		dt_store_rollback(s);
		r->written = r->bulk = 0;
		rc = dt_error(err, w.fatal, "%s", w.fatal_msg.buf);
	} else if (r->rejected && !(o->flags & DT_IMPORT_PARTIAL)) {
		dt_store_rollback(s);
		r->written = r->bulk = 0;
		rc = dt_error(err, DT_EINVAL,
			      "%lld of %lld rows rejected: nothing was imported (see the report; "
			      "--partial imports the good rows)",
			      (long long)r->rejected, (long long)r->rows);
	} else if (!dt_strbuf_ok(&r->report)) {
		dt_store_rollback(s);
		r->written = r->bulk = 0;
		rc = dt_error(err, DT_ENOMEM, "the error report is over %zu bytes", r->report.max);
	} else {
		rc = dt_store_commit(s, err);
		r->committed = rc == DT_OK;
		if (rc != DT_OK)
			r->written = r->bulk = 0;
	}
out:
	free(p.fast.regions);
	for (size_t i = 0; i < p.nfile; i++)
		free(p.header_text[i]);
	free(p.header_text);
	free(p.map);
	free(p.cells);
	json_decref(p.header_notes);
	json_decref(p.seen);
	json_decref(w.cache);
	dt_strbuf_release(&p.fatal_msg);
	dt_strbuf_release(&p.fatal_zh);
	dt_strbuf_release(&w.fatal_msg);
	dt_strbuf_release(&text);
	pthread_mutex_destroy(&q.mu);
	pthread_cond_destroy(&q.cv);
	return rc;
}
