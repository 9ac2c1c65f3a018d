/*
 * xlsx.c - the cells of one worksheet of an .xlsx package (see xlsx.h).
 *
 * libzip opens the package from memory; each XML part is streamed out of it
 * through a read callback that counts the bytes inflated and stops a part
 * that grows past DT_XLSX_MAX_PART or past DT_XLSX_MAX_RATIO times its
 * compressed size, so a ZIP bomb is stopped after at most that much work
 * whatever its headers claim.  libxml2's xmlTextReader reads each part
 * without building a tree, with XML_PARSE_NONET and without XML_PARSE_NOENT
 * (entities stay unexpanded), and any document type declaration is refused.
 *
 * The parts are read in order: the workbook (date system, the sheet's
 * relationship id), its relationships (the sheet's, the shared strings' and
 * the styles' parts), the styles (which cell formats show a date), the
 * shared strings (kept, one NUL-terminated string after another), and then
 * the sheet, streamed to the sink a row at a time.
 */
#include <libxml/xmlreader.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "core/common.h"
#include "core/date.h"
#include "core/strbuf.h"
#include "io/xlsx.h"
#include "core/banned.h"

/* Why a part stopped being read. */
enum part_stop { PART_OK, PART_SIZE, PART_RATIO, PART_ZIP };

/* A ZIP entry being read as XML. */
struct part {
	zip_file_t *zf;
	const char *name;
	uint64_t read, comp;
	enum part_stop stop;
	struct dt_xlsx_sink *sink; /* the sheet's: its progress is kept */
	xmlTextReaderPtr r;
};

struct reader {
	zip_t *za;
	struct dt_problems *ps;
	bool d1904;
	char *rid; /* the sheet's relationship id */
	char *sheet_path, *sst_path, *styles_path;
	struct dt_strbuf sst;        /* shared strings, each NUL-terminated */
	size_t *sst_off, nsst, asst; /* where each starts in sst */
	bool *xf_date;               /* cellXfs entry -> shows a date */
	size_t nxf, axf;
	int *date_fmts; /* custom numFmtIds that are dates */
	size_t ndate_fmts, adate_fmts;
};

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void)
{
	xmlInitParser();
}

bool dt_xlsx_is_zip(const void *data, size_t len)
{
	return len >= 4 && !memcmp(data, "PK\x03\x04", 4);
}

/* ---- dates ---- */

bool dt_xlsx_serial_date(double serial, bool d1904, char out[11])
{
	if (!(serial >= 0 && serial < 2958466))
		return false;
	int32_t day = (int32_t)floor(serial);
	if (!d1904 && day == 60) {
		memcpy(out, "1900-02-29", 11);
		return true;
	}
	/* 1900 system: day 1 is 1900-01-01 and Excel counts a 1900-02-29 that never was */
	struct dt_date base = d1904 ? (struct dt_date){ 1904, 1, 1 }
				    : (struct dt_date){ 1899, 12, day < 60 ? 31 : 30 };
	struct dt_date d = dt_date_from_days(dt_date_to_days(base) + day);
	if (d.year > 9999)
		return false;
	dt_date_format(d, out);
	return true;
}

/* Is number format code @code one that shows a date (y, d, or m without h or s)? */
static bool format_is_date(const char *code)
{
	bool y = false, d = false, m = false, hs = false;
	if (!strcmp(code, "General") || !strcmp(code, "@"))
		return false;
	for (const char *c = code; *c; c++) {
		switch (*c) {
		case '"':
			while (c[1] && c[1] != '"')
				c++;
			if (c[1])
				c++;
			break;
		case '[':
			while (c[1] && c[1] != ']')
				c++;
			if (c[1])
				c++;
			break;
		case '\\':
		case '_':
		case '*':
			if (c[1])
				c++;
			break;
		case 'y':
		case 'Y':
		case 'e': y = true; break;
		case 'd':
		case 'D': d = true; break;
		case 'm':
		case 'M': m = true; break;
		case 'h':
		case 'H':
		case 's':
		case 'S': hs = true; break;
		default: break;
		}
	}
	return y || d || (m && !hs);
}

/* The built-in number formats that show a date (ECMA-376 18.8.30, zh-CN). */
static bool builtin_is_date(int id)
{
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || id == 36 ||
	       (id >= 50 && id <= 54) || id == 57 || id == 58;
}

/* ---- parts ---- */

static int part_read(void *ctx, char *buf, int len)
{
	struct part *pt = ctx;
	zip_int64_t n = zip_fread(pt->zf, buf, (zip_uint64_t)len);
	if (n < 0) {
		pt->stop = PART_ZIP;
		return -1;
	}
	pt->read += (uint64_t)n;
	if (pt->read > DT_XLSX_MAX_PART) {
		pt->stop = PART_SIZE;
		return -1;
	}
	if (pt->read > DT_XLSX_RATIO_FREE &&
	    pt->read / (pt->comp ? pt->comp : 1) >= DT_XLSX_MAX_RATIO) {
		pt->stop = PART_RATIO;
		return -1;
	}
	if (pt->sink)
		pt->sink->done = pt->read;
	return (int)n;
}

static int part_close(void *ctx)
{
	(void)ctx;
	return 0;
}

/* Silence libxml2: its errors become one problem when the reader fails. */
static void xml_error(void *arg, const char *msg, xmlParserSeverities severity,
		      xmlTextReaderLocatorPtr locator)
{
	(void)arg;
	(void)msg;
	(void)severity;
	(void)locator;
}

/*
 * Open part @name of the package as an XML reader in @pt.  A part that is
 * not there is DT_ENOTFOUND with no problem when @required is false.
 */
static enum dt_err part_open(struct reader *x, const char *name, bool required, struct part *pt)
{
	memset(pt, 0, sizeof(*pt));
	pt->name = name;
	zip_int64_t i = zip_name_locate(x->za, name, 0);
	if (i < 0) {
		if (!required)
			return DT_ENOTFOUND;
		return dt_problem_add(x->ps, NULL, "xlsx.part_missing", "part", name, NULL);
	}
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat_index(x->za, (zip_uint64_t)i, 0, &st) != 0)
		return dt_problem_add(x->ps, NULL, "xlsx.zip", NULL);
	if ((st.valid & ZIP_STAT_SIZE) && st.size > DT_XLSX_MAX_PART)
		return dt_problem_add(x->ps, NULL, "xlsx.part_too_large", "part", name, "max",
				      DT_I(DT_XLSX_MAX_PART >> 20), NULL);
	pt->comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
	if (pt->sink)
		pt->sink->total = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
	pt->zf = zip_fopen_index(x->za, (zip_uint64_t)i, 0);
	if (!pt->zf)
		return dt_problem_add(x->ps, NULL, "xlsx.zip", NULL);
	pt->r = xmlReaderForIO(part_read, part_close, pt, NULL, NULL,
			       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				       XML_PARSE_NOCDATA);
	if (!pt->r) {
		zip_fclose(pt->zf);
		pt->zf = NULL;
		return DT_ENOMEM;
	}
	xmlTextReaderSetErrorHandler(pt->r, xml_error, NULL);
	return DT_OK;
}

static void part_close_all(struct part *pt)
{
	if (pt->r)
		xmlFreeTextReader(pt->r);
	if (pt->zf)
		zip_fclose(pt->zf);
	pt->r = NULL;
	pt->zf = NULL;
}

/*
 * The next node of @pt: 1, or 0 at the end, or -1 with the problem added
 * (the part too large or too compressed, the ZIP damaged, the XML malformed,
 * a document type declaration).
 */
static int part_next(struct reader *x, struct part *pt)
{
	int rc = xmlTextReaderRead(pt->r);
	if (rc == 1 && xmlTextReaderNodeType(pt->r) == XML_READER_TYPE_DOCUMENT_TYPE) {
		dt_problem_add(x->ps, NULL, "xlsx.dtd", "part", pt->name, NULL);
		return -1;
	}
	if (rc == 1 && xmlTextReaderNodeType(pt->r) == XML_READER_TYPE_ENTITY_REFERENCE) {
		dt_problem_add(x->ps, NULL, "xlsx.dtd", "part", pt->name, NULL);
		return -1;
	}
	if (rc >= 0)
		return rc;
	switch (pt->stop) {
	case PART_SIZE:
		dt_problem_add(x->ps, NULL, "xlsx.part_too_large", "part", pt->name, "max",
			       DT_I(DT_XLSX_MAX_PART >> 20), NULL);
		break;
	case PART_RATIO:
		dt_problem_add(x->ps, NULL, "xlsx.ratio", "part", pt->name, "max",
			       DT_I(DT_XLSX_MAX_RATIO), NULL);
		break;
	case PART_ZIP: dt_problem_add(x->ps, NULL, "xlsx.zip", NULL); break;
	default:
		dt_problem_add(x->ps, NULL, "xlsx.xml", "part", pt->name, "line",
			       DT_I(xmlTextReaderGetParserLineNumber(pt->r)), NULL);
		break;
	}
	return -1;
}

static bool is_el(xmlTextReaderPtr r, const char *name)
{
	return !strcmp((const char *)xmlTextReaderConstLocalName(r), name);
}

/* The value of attribute @name (local name) of the current element, or NULL; valid while on it. */
static const char *attr(xmlTextReaderPtr r, const char *name)
{
	const char *v = NULL;
	if (xmlTextReaderMoveToFirstAttribute(r) != 1)
		return NULL;
	do {
		if (is_el(r, name)) {
			v = (const char *)xmlTextReaderConstValue(r);
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(r) == 1);
	xmlTextReaderMoveToElement(r);
	return v;
}

static bool is_text(int type)
{
	return type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
	       type == XML_READER_TYPE_WHITESPACE || type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

/* A path in the package from a relationship's target (relative to xl/, or absolute). */
static char *target_path(const char *t)
{
	struct dt_strbuf sb = DT_STRBUF_INIT;
	if (t[0] == '/')
		dt_strbuf_adds(&sb, t + 1);
	else if (!strncmp(t, "../", 3))
		dt_strbuf_adds(&sb, t + 3);
	else
		dt_strbuf_addf(&sb, "xl/%s", t);
	return dt_strbuf_detach(&sb, NULL);
}

/* ---- the workbook and its relationships ---- */

static enum dt_err read_workbook(struct reader *x, const char *sheet)
{
	struct part pt;
	int rc = part_open(x, "xl/workbook.xml", true, &pt);
	if (rc != DT_OK)
		return rc;
	int n;
	bool found = false;
	while ((n = part_next(x, &pt)) == 1) {
		if (xmlTextReaderNodeType(pt.r) != XML_READER_TYPE_ELEMENT)
			continue;
		if (is_el(pt.r, "workbookPr")) {
			const char *v = attr(pt.r, "date1904");
			x->d1904 = v && (!strcmp(v, "1") || !strcmp(v, "true"));
		} else if (is_el(pt.r, "sheet") && !found) {
			const char *name = attr(pt.r, "name");
			if (sheet && (!name || strcmp(name, sheet)))
				continue;
			const char *id = attr(pt.r, "id");
			if (!id)
				continue;
			x->rid = strdup(id);
			if (!x->rid) {
				rc = DT_ENOMEM;
				break;
			}
			found = true;
		}
	}
	if (n < 0)
		rc = DT_EINVAL;
	else if (rc == DT_OK && !found)
		rc = sheet ? dt_problem_add(x->ps, NULL, "xlsx.sheet_missing", "sheet", sheet, NULL)
			   : dt_problem_add(x->ps, NULL, "xlsx.no_sheet", NULL);
	part_close_all(&pt);
	return rc;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);
	return a >= b && !strcmp(s + a - b, tail);
}

static enum dt_err read_rels(struct reader *x)
{
	struct part pt;
	int rc = part_open(x, "xl/_rels/workbook.xml.rels", true, &pt);
	if (rc != DT_OK)
		return rc;
	int n;
	while ((n = part_next(x, &pt)) == 1) {
		if (xmlTextReaderNodeType(pt.r) != XML_READER_TYPE_ELEMENT ||
		    !is_el(pt.r, "Relationship"))
			continue;
		const char *id = attr(pt.r, "Id");
		char *t = NULL;
		const char *type = attr(pt.r, "Type");
		const char *target = attr(pt.r, "Target");
		if (!target || !type)
			continue;
		char **slot = NULL;
		if (id && !strcmp(id, x->rid) && !x->sheet_path)
			slot = &x->sheet_path;
		else if (ends_with(type, "/sharedStrings") && !x->sst_path)
			slot = &x->sst_path;
		else if (ends_with(type, "/styles") && !x->styles_path)
			slot = &x->styles_path;
		if (!slot)
			continue;
		t = target_path(target);
		if (!t) {
			rc = DT_ENOMEM;
			break;
		}
		*slot = t;
	}
	if (n < 0)
		rc = DT_EINVAL;
	else if (rc == DT_OK && !x->sheet_path)
		rc = dt_problem_add(x->ps, NULL, "xlsx.part_missing", "part", x->rid, NULL);
	part_close_all(&pt);
	return rc;
}

/* ---- styles: which cell formats are dates ---- */

static bool push_int(int **v, size_t *n, size_t *a, int x)
{
	if (*n == *a) {
		size_t na = *a ? *a * 2 : 16;
		int *nv = realloc(*v, na * sizeof(**v));
		if (!nv)
			return false;
		*v = nv;
		*a = na;
	}
	(*v)[(*n)++] = x;
	return true;
}

static enum dt_err read_styles(struct reader *x)
{
	struct part pt;
	if (!x->styles_path)
		return DT_OK;
	int rc = part_open(x, x->styles_path, false, &pt);
	if (rc == DT_ENOTFOUND)
		return DT_OK;
	if (rc != DT_OK)
		return rc;
	int n;
	bool in_xfs = false;
	while ((n = part_next(x, &pt)) == 1) {
		int type = xmlTextReaderNodeType(pt.r);
		if (type == XML_READER_TYPE_END_ELEMENT && is_el(pt.r, "cellXfs")) {
			in_xfs = false;
			continue;
		}
		if (type != XML_READER_TYPE_ELEMENT)
			continue;
		if (is_el(pt.r, "cellXfs")) {
			in_xfs = !xmlTextReaderIsEmptyElement(pt.r);
		} else if (is_el(pt.r, "numFmt")) {
			const char *id = attr(pt.r, "numFmtId"), *code = attr(pt.r, "formatCode");
			if (id && code && format_is_date(code) &&
			    !push_int(&x->date_fmts, &x->ndate_fmts, &x->adate_fmts,
				      (int)strtol(id, NULL, 10))) {
				rc = DT_ENOMEM;
				break;
			}
		} else if (in_xfs && is_el(pt.r, "xf")) {
			const char *id = attr(pt.r, "numFmtId");
			int f = id ? (int)strtol(id, NULL, 10) : 0;
			bool date = builtin_is_date(f);
			for (size_t i = 0; i < x->ndate_fmts && !date; i++)
				date = x->date_fmts[i] == f;
			if (x->nxf == x->axf) {
				size_t na = x->axf ? x->axf * 2 : 32;
				bool *nv = realloc(x->xf_date, na * sizeof(*nv));
				if (!nv) {
					rc = DT_ENOMEM;
					break;
				}
				x->xf_date = nv;
				x->axf = na;
			}
			x->xf_date[x->nxf++] = date;
		}
	}
	if (n < 0)
		rc = DT_EINVAL;
	part_close_all(&pt);
	return rc;
}

/* ---- shared strings ---- */

static enum dt_err read_sst(struct reader *x)
{
	struct part pt;
	if (!x->sst_path)
		return DT_OK;
	int rc = part_open(x, x->sst_path, false, &pt);
	if (rc == DT_ENOTFOUND)
		return DT_OK;
	if (rc != DT_OK)
		return rc;
	int n;
	bool in_si = false, in_t = false;
	int rph = 0; /* inside a phonetic run (its text is not the cell's) */
	while ((n = part_next(x, &pt)) == 1) {
		int type = xmlTextReaderNodeType(pt.r);
		if (type == XML_READER_TYPE_ELEMENT) {
			bool empty = xmlTextReaderIsEmptyElement(pt.r);
			if (is_el(pt.r, "si")) {
				if (x->nsst == DT_XLSX_MAX_STRINGS) {
					rc = dt_problem_add(x->ps, NULL, "xlsx.strings", "max",
							    DT_I(DT_XLSX_MAX_STRINGS), NULL);
					break;
				}
				if (x->nsst == x->asst) {
					size_t na = x->asst ? x->asst * 2 : 1024;
					size_t *nv = realloc(x->sst_off, na * sizeof(*nv));
					if (!nv) {
						rc = DT_ENOMEM;
						break;
					}
					x->sst_off = nv;
					x->asst = na;
				}
				x->sst_off[x->nsst++] = x->sst.len;
				if (empty)
					dt_strbuf_addch(&x->sst, '\0');
				else
					in_si = true;
			} else if (is_el(pt.r, "rPh") && !empty) {
				rph++;
			} else if (is_el(pt.r, "t") && in_si && !empty) {
				in_t = true;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (is_el(pt.r, "si") && in_si) {
				dt_strbuf_addch(&x->sst, '\0');
				in_si = false;
				rph = 0;
			} else if (is_el(pt.r, "rPh") && rph) {
				rph--;
			} else if (is_el(pt.r, "t")) {
				in_t = false;
			}
		} else if (is_text(type) && in_t && !rph) {
			const char *v = (const char *)xmlTextReaderConstValue(pt.r);
			dt_strbuf_adds(&x->sst, v ? v : "");
		}
	}
	if (n < 0)
		rc = DT_EINVAL;
	else if (rc == DT_OK && in_si)
		dt_strbuf_addch(&x->sst, '\0');
	if (rc == DT_OK && !dt_strbuf_ok(&x->sst))
		rc = DT_ENOMEM;
	part_close_all(&pt);
	return rc;
}

/* ---- the sheet ---- */

/* The state of the cell being read. */
struct cell {
	uint32_t col;
	char t;    /* 's' shared, 'i' inline, 'S' formula string, 'b', 'e', 'd', 'n' */
	bool date; /* its format shows a date */
	int in;    /* 1 in <v>, 2 in <is><t> */
	int rph;   /* inside a phonetic run */
	struct dt_strbuf v;
	struct dt_strbuf out;
	char ref[16];
};

/* "BC12" -> column 54 (0-based); false when @ref has no letters or too many. */
static bool ref_col(const char *ref, uint32_t *col)
{
	uint32_t c = 0;
	size_t i = 0;
	for (; (ref[i] >= 'A' && ref[i] <= 'Z') || (ref[i] >= 'a' && ref[i] <= 'z'); i++) {
		if (i == 3)
			return false;
		c = c * 26 + (uint32_t)((ref[i] | 0x20) - 'a' + 1);
	}
	if (!i || c > DT_XLSX_MAX_COL)
		return false;
	*col = c - 1;
	return true;
}

/* A cell ends: its text, as the sink takes it. */
static enum dt_err cell_end(struct reader *x, struct cell *c, struct dt_xlsx_sink *sink)
{
	const char *text = c->v.buf;
	dt_strbuf_reset(&c->out);
	switch (c->t) {
	case 's': {
		char *end;
		unsigned long i = strtoul(c->v.buf, &end, 10);
		if (!c->v.len)
			return DT_OK;
		if (*end || c->v.buf[0] == '-' || i >= x->nsst)
			return dt_problem_add(x->ps, NULL, "xlsx.shared_string", "cell", c->ref,
					      NULL);
		text = x->sst.buf + x->sst_off[i];
		break;
	}
	case 'b':
		text = !strcmp(c->v.buf, "1") ? "TRUE" : !strcmp(c->v.buf, "0") ? "FALSE" : text;
		break;
	case 'd':
		/* an ISO 8601 date and time: the date */
		dt_strbuf_add(&c->out, c->v.buf, strcspn(c->v.buf, "T"));
		text = c->out.buf;
		break;
	case 'n': {
		if (!c->v.len)
			return DT_OK;
		char *end;
		double d = strtod(c->v.buf, &end);
		if (*end || !isfinite(d))
			break;
		char day[11];
		if (c->date && dt_xlsx_serial_date(d, x->d1904, day)) {
			dt_strbuf_adds(&c->out, day);
			text = c->out.buf;
		} else if (strpbrk(c->v.buf, "Ee") && d == floor(d) && fabs(d) < 1e15) {
			/* 1.3800138E+10 is how some writers store 13800138000 */
			dt_strbuf_addf(&c->out, "%.0f", d);
			text = c->out.buf;
		}
		break;
	}
	default: break;
	}
	if (!dt_strbuf_ok(&c->v) || !dt_strbuf_ok(&c->out))
		return DT_ENOMEM;
	size_t len = strlen(text);
	if (len)
		sink->cell(sink->ctx, c->col, text, len);
	return DT_OK;
}

static enum dt_err read_sheet(struct reader *x, struct dt_xlsx_sink *sink)
{
	struct part pt;
	memset(&pt, 0, sizeof(pt));
	pt.sink = sink;
	sink->done = sink->total = 0;
	int rc = part_open(x, x->sheet_path, true, &pt);
	pt.sink = sink;
	if (rc != DT_OK)
		return rc;
	struct cell c;
	memset(&c, 0, sizeof(c));
	dt_strbuf_init(&c.v, 0);
	dt_strbuf_init(&c.out, 0);
	int64_t rowno = 0; /* the row being read, or the last one */
	bool in_row = false, in_cell = false, in_data = false;
	int64_t next_col = 0; /* the column a cell without a reference gets */
	int n;
	while ((n = part_next(x, &pt)) == 1) {
		int type = xmlTextReaderNodeType(pt.r);
		if (type == XML_READER_TYPE_ELEMENT) {
			bool empty = xmlTextReaderIsEmptyElement(pt.r);
			if (is_el(pt.r, "sheetData")) {
				in_data = !empty;
			} else if (in_data && is_el(pt.r, "row")) {
				const char *r = attr(pt.r, "r");
				if (in_row) {
					/* a row inside a row: its cells would join the outer one's */
					rc = dt_problem_add(x->ps, NULL, "xlsx.row_order", "row",
							    r ? r : "", NULL);
					break;
				}
				int64_t want = rowno + 1;
				if (r) {
					char *end;
					long long v = strtoll(r, &end, 10);
					if (*end || v <= rowno || v > DT_XLSX_MAX_ROW) {
						rc = dt_problem_add(x->ps, NULL, "xlsx.row_order",
								    "row", r, NULL);
						break;
					}
					want = v;
				} else if (want > DT_XLSX_MAX_ROW) {
					rc = dt_problem_add(x->ps, NULL, "xlsx.row_order", "row",
							    DT_I(want), NULL);
					break;
				}
				rowno = want;
				next_col = 0;
				if (empty) {
					sink->row(sink->ctx, rowno);
					if (sink->stop && sink->stop(sink->ctx))
						break;
				} else {
					in_row = true;
				}
			} else if (in_row && is_el(pt.r, "c")) {
				const char *r = NULL, *t = NULL, *s = NULL;
				if (in_cell) {
					/* a cell inside a cell */
					rc = dt_problem_add(x->ps, NULL, "xlsx.cell_ref", "cell",
							    "", NULL);
					break;
				}
				if (xmlTextReaderMoveToFirstAttribute(pt.r) == 1) {
					do {
						const char *an =
							(const char *)xmlTextReaderConstLocalName(
								pt.r);
						const char *av =
							(const char *)xmlTextReaderConstValue(pt.r);
						if (!strcmp(an, "r"))
							r = av;
						else if (!strcmp(an, "t"))
							t = av;
						else if (!strcmp(an, "s"))
							s = av;
					} while (xmlTextReaderMoveToNextAttribute(pt.r) == 1);
					xmlTextReaderMoveToElement(pt.r);
				}
				uint32_t col = (uint32_t)next_col;
				if (r && !ref_col(r, &col)) {
					rc = dt_problem_add(x->ps, NULL, "xlsx.cell_ref", "cell", r,
							    NULL);
					break;
				}
				if ((int64_t)col < next_col || col >= DT_XLSX_MAX_COL) {
					rc = dt_problem_add(x->ps, NULL, "xlsx.cell_ref", "cell",
							    r ? r : "", NULL);
					break;
				}
				next_col = (int64_t)col + 1;
				c.col = col;
				snprintf(c.ref, sizeof(c.ref), "%s", r ? r : "");
				c.t = !t || !strcmp(t, "n")     ? 'n'
				      : !strcmp(t, "s")         ? 's'
				      : !strcmp(t, "inlineStr") ? 'i'
				      : !strcmp(t, "str")       ? 'S'
				      : !strcmp(t, "b")         ? 'b'
				      : !strcmp(t, "d")         ? 'd'
								: 'e';
				long xf = s ? strtol(s, NULL, 10) : 0;
				c.date = xf >= 0 && (size_t)xf < x->nxf && x->xf_date[xf];
				c.in = 0;
				c.rph = 0;
				dt_strbuf_reset(&c.v);
				in_cell = !empty;
			} else if (in_cell && is_el(pt.r, "v") && !empty) {
				c.in = 1;
			} else if (in_cell && is_el(pt.r, "rPh") && !empty) {
				c.rph++;
			} else if (in_cell && is_el(pt.r, "t") && !empty) {
				c.in = 2;
			}
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			if (in_cell && (is_el(pt.r, "v") || is_el(pt.r, "t"))) {
				c.in = 0;
			} else if (in_cell && is_el(pt.r, "rPh")) {
				c.rph--;
			} else if (in_cell && is_el(pt.r, "c")) {
				in_cell = false;
				if ((rc = cell_end(x, &c, sink)) != DT_OK)
					break;
			} else if (in_row && is_el(pt.r, "row")) {
				in_row = false;
				sink->row(sink->ctx, rowno);
				if (sink->stop && sink->stop(sink->ctx))
					break;
			} else if (is_el(pt.r, "sheetData")) {
				in_data = false;
			}
		} else if (in_cell && is_text(type) && c.in && !c.rph) {
			/* the value of an inline string is its <t>s; of any other cell its <v> */
			const char *v = (const char *)xmlTextReaderConstValue(pt.r);
			if ((c.in == 2) == (c.t == 'i') && v)
				dt_strbuf_adds(&c.v, v);
		}
	}
	if (n < 0 && rc == DT_OK)
		rc = DT_EINVAL;
	part_close_all(&pt);
	dt_strbuf_release(&c.v);
	dt_strbuf_release(&c.out);
	return rc;
}

enum dt_err dt_xlsx_read(const void *data, size_t len, const char *sheet, struct dt_xlsx_sink *sink,
			 struct dt_problems *ps)
{
	struct reader x;
	memset(&x, 0, sizeof(x));
	x.ps = ps;
	dt_strbuf_init(&x.sst, DT_XLSX_MAX_PART); /* no more text than its part holds */
	int rc = DT_OK;
	zip_source_t *src = NULL;
	zip_error_t zerr;
	zip_error_init(&zerr);
	pthread_once(&xml_once, xml_init);

	if (!dt_xlsx_is_zip(data, len)) {
		rc = dt_problem_add(ps, NULL, "xlsx.zip", NULL);
		goto out;
	}
	src = zip_source_buffer_create(data, len, 0, &zerr);
	if (!src) {
		rc = DT_ENOMEM;
		goto out;
	}
	x.za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
	if (!x.za) {
		zip_source_free(src);
		rc = dt_problem_add(ps, NULL, "xlsx.zip", NULL);
		goto out;
	}
	zip_int64_t entries = zip_get_num_entries(x.za, 0);
	if (entries < 0 || entries > DT_XLSX_MAX_ENTRIES) {
		rc = dt_problem_add(ps, NULL, "xlsx.entries", "count", DT_I(entries), "max",
				    DT_I(DT_XLSX_MAX_ENTRIES), NULL);
		goto out;
	}
	if ((rc = read_workbook(&x, sheet)) != DT_OK || (rc = read_rels(&x)) != DT_OK ||
	    (rc = read_styles(&x)) != DT_OK || (rc = read_sst(&x)) != DT_OK)
		goto out;
	rc = read_sheet(&x, sink);
out:
	if (x.za)
		zip_discard(x.za);
	zip_error_fini(&zerr);
	free(x.rid);
	free(x.sheet_path);
	free(x.sst_path);
	free(x.styles_path);
	free(x.sst_off);
	free(x.xf_date);
	free(x.date_fmts);
	dt_strbuf_release(&x.sst);
	return rc;
}
