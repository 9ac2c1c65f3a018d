/*
 * test_xlsx.c - the XLSX reader (io/xlsx.c) and XLSX files through the
 * import: shared strings (rich text runs joined, phonetic runs dropped),
 * inline strings, numbers, booleans, dates in the 1900 and 1904 systems
 * decided by the cell's number format, gaps in rows and columns, refused
 * packages (each with its catalogue code), and an XLSX import that reports
 * what the same rows as CSV report, at the rows Excel shows.  Regions given
 * by name resolve within the writer's scope, for CSV and XLSX alike.
 *
 * The workbooks are built here, part by part, with libzip, so that each
 * test says exactly what the file holds.
 */
#include <zip.h>

#include "store_fixture.h"
#include "domain/region_names.h"
#include "io/encoding.h"
#include "io/import.h"
#include "io/xlsx.h"

/* ---- building workbooks ---- */

struct part {
	const char *name;
	const char *xml; /* NULL: leave the part out */
};

static const char rels_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" "
	"Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
	"Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" "
	"Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
	"Target=\"/xl/worksheets/sheet2.xml\"/>"
	"<Relationship Id=\"rId3\" "
	"Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
	"Target=\"sharedStrings.xml\"/>"
	"<Relationship Id=\"rId4\" "
	"Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
	"Target=\"styles.xml\"/>"
	"</Relationships>";

#define WORKBOOK(pr)                                                                          \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"                                          \
	"<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "      \
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">" pr \
	"<sheets><sheet name=\"学员\" sheetId=\"1\" r:id=\"rId1\"/>"                        \
	"<sheet name=\"说明 Notes\" sheetId=\"2\" r:id=\"rId2\"/></sheets></workbook>"

/* cellXfs: 0 General, 1 built-in date 14, 2 custom date 164, 3 custom number 165 */
static const char styles_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
	"<numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
	"<numFmt numFmtId=\"165\" formatCode=\"0.00_);[Red]\\(0.00\\)\"/></numFmts>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
	"<xf numFmtId=\"164\"/><xf numFmtId=\"165\"/></cellXfs></styleSheet>";

static const char sst_xml[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"3\">"
	"<si><t>姓名</t></si>"
	"<si><r><rPr><b/></rPr><t>出生</t></r><r><t xml:space=\"preserve\">日期 </t></r>"
	"<rPh sb=\"0\" eb=\"1\"><t>ふりがな</t></rPh></si>"
	"<si/>"
	"<si><t>A&amp;B &lt;x&gt;</t></si>"
	"</sst>";

#define SHEET(rows)                                                                       \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"                                      \
	"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">" \
	"<dimension ref=\"A1:D9\"/><sheetData>" rows "</sheetData></worksheet>"

static const char sheet2_xml[] = SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>notes</t>"
				       "</is></c></row>");

/* A workbook of @parts (its own workbook, relationships, styles, strings and sheets) in @out. */
static void build(struct dt_strbuf *out, const struct part *parts, size_t n)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_t *za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	zip_source_keep(src);
	for (size_t i = 0; i < n; i++) {
		if (!parts[i].xml)
			continue;
		zip_source_t *s = zip_source_buffer(za, parts[i].xml, strlen(parts[i].xml), 0);
		assert_non_null(s);
		assert_true(zip_file_add(za, parts[i].name, s, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	assert_int_equal(zip_source_open(src), 0);
	dt_strbuf_reset(out);
	zip_int64_t got;
	do {
		assert_true(dt_strbuf_grow(out, 65536));
		got = zip_source_read(src, out->buf + out->len, 65536);
		assert_true(got >= 0);
		out->len += (size_t)got; /* dt_strbuf_setlen() only shortens */
		out->buf[out->len] = '\0';
	} while (got > 0);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
}

/* The usual five parts with @workbook and @sheet1 (NULL: the defaults). */
static void build_std(struct dt_strbuf *out, const char *workbook, const char *sheet1)
{
	struct part parts[] = {
		{ "[Content_Types].xml", "<Types/>" },
		{ "xl/workbook.xml", workbook ? workbook : WORKBOOK("") },
		{ "xl/_rels/workbook.xml.rels", rels_xml },
		{ "xl/styles.xml", styles_xml },
		{ "xl/sharedStrings.xml", sst_xml },
		{ "xl/worksheets/sheet1.xml", sheet1 },
		{ "xl/worksheets/sheet2.xml", sheet2_xml },
	};
	build(out, parts, DT_ARRAY_SIZE(parts));
}

/* ---- reading: what the sink gets ---- */

struct got {
	struct dt_strbuf sb; /* "row:col=text|...;" */
	int64_t rows;
};

static void got_cell(void *ctx, uint32_t col, const char *text, size_t len)
{
	struct got *g = ctx;
	assert_int_equal(strlen(text), len);
	dt_strbuf_addf(&g->sb, "%u=%s|", col, text);
}

static void got_row(void *ctx, int64_t rowno)
{
	struct got *g = ctx;
	dt_strbuf_addf(&g->sb, "r%lld;", (long long)rowno);
	g->rows++;
}

/* Read @x's sheet @sheet; the cells as text in @g, the problem's code (or "") returned. */
static const char *read_x(const struct dt_strbuf *x, const char *sheet, struct got *g, int *rc)
{
	static char code[64];
	struct dt_xlsx_sink sink = { .cell = got_cell, .row = got_row, .ctx = g };
	struct dt_problems ps = DT_PROBLEMS_INIT;
	dt_strbuf_init(&g->sb, 0);
	g->rows = 0;
	*rc = dt_xlsx_read(x->buf, x->len, sheet, &sink, &ps);
	const struct dt_problem *p = dt_problems_first(&ps);
	snprintf(code, sizeof(code), "%s", p ? p->code : "");
	if (*rc == DT_OK)
		assert_null(p);
	else
		assert_non_null(p);
	dt_problems_release(&ps);
	return code;
}

#define CELLS_ROWS                                                                                    \
	"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c>"               \
	"<c r=\"D1\" t=\"inlineStr\"><is><r><t>内</t></r><r><t>联</t></r>"                          \
	"<rPh><t>x</t></rPh></is></c><c r=\"E1\" t=\"s\"><v>3</v></c></row>"                          \
	"<row r=\"3\"><c r=\"A3\"><v>42</v></c><c r=\"B3\" t=\"n\"><v>1.5</v></c>"                    \
	"<c r=\"C3\"><v>1.3800138E+10</v></c><c r=\"D3\" t=\"b\"><v>1</v></c>"                        \
	"<c r=\"E3\" t=\"b\"><v>0</v></c><c r=\"F3\" t=\"str\"><f>A1&amp;\"x\"</f><v>姓名x</v></c>" \
	"<c r=\"G3\" t=\"e\"><v>#N/A</v></c><c r=\"H3\" t=\"d\"><v>2025-09-01T00:00:00</v></c>"       \
	"<c r=\"I3\" s=\"3\"/><c r=\"J3\" t=\"s\"><v>2</v></c></row>"                                 \
	"<row r=\"4\"><c r=\"A4\" s=\"1\"><v>45901</v></c><c r=\"B4\" s=\"2\"><v>45901.75</v></c>"    \
	"<c r=\"C4\" s=\"3\"><v>45901</v></c><c r=\"D4\" s=\"1\"><v>60</v></c>"                       \
	"<c r=\"E4\" s=\"99\"><v>45901</v></c></row>"                                                 \
	"<row><c><v>1</v></c><c r=\"AB5\"><v>2</v></c><c><v>3</v></c></row>"                          \
                                                                                                      \
	"<row r=\"7\" spans=\"1:3\"/>"

static void test_cells(void **state)
{
	(void)state;
	struct dt_strbuf x = DT_STRBUF_INIT;
	struct got g;
	int rc;
	build_std(&x, NULL, SHEET(CELLS_ROWS));
	assert_string_equal(read_x(&x, NULL, &g, &rc), "");
	assert_int_equal(rc, DT_OK);
	assert_string_equal(g.sb.buf, "0=姓名|2=出生日期 |3=内联|4=A&B <x>|r1;"
				      "0=42|1=1.5|2=13800138000|3=TRUE|4=FALSE|5=姓名x|6=#N/A|"
				      "7=2025-09-01|r3;"
				      "0=2025-09-01|1=2025-09-01|2=45901|3=1900-02-29|4=45901|r4;"
				      "0=1|27=2|28=3|r5;r7;");
	dt_strbuf_release(&g.sb);
	/* the named sheet, by its name in the workbook */
	assert_string_equal(read_x(&x, "说明 Notes", &g, &rc), "");
	assert_string_equal(g.sb.buf, "0=notes|r1;");
	dt_strbuf_release(&g.sb);
	assert_string_equal(read_x(&x, "nope", &g, &rc), "xlsx.sheet_missing");
	dt_strbuf_release(&g.sb);
	dt_strbuf_release(&x);
}

static void test_date1904(void **state)
{
	(void)state;
	struct dt_strbuf x = DT_STRBUF_INIT;
	struct got g;
	int rc;
	/* 2025-09-01 is serial 45901 in the 1900 system and 44439 in the 1904 one */
	build_std(&x, WORKBOOK("<workbookPr date1904=\"1\"/>"),
		  SHEET("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>44439</v></c>"
			"<c r=\"B1\" s=\"2\"><v>0</v></c><c r=\"C1\"><v>44439</v></c></row>"));
	read_x(&x, NULL, &g, &rc);
	assert_int_equal(rc, DT_OK);
	assert_string_equal(g.sb.buf, "0=2025-09-01|1=1904-01-01|2=44439|r1;");
	dt_strbuf_release(&g.sb);
	build_std(&x, WORKBOOK("<workbookPr date1904=\"true\"/>"),
		  SHEET("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>1462</v></c></row>"));
	read_x(&x, NULL, &g, &rc);
	assert_string_equal(g.sb.buf, "0=1908-01-02|r1;");
	dt_strbuf_release(&g.sb);
	dt_strbuf_release(&x);
}

/* Serial days against Python's datetime: the 1900 system's phantom 1900-02-29 included. */
static void test_serial_date(void **state)
{
	(void)state;
	static const struct {
		double serial;
		bool d1904;
		const char *want;
	} cases[] = {
		{ 1, false, "1900-01-01" },     { 59, false, "1900-02-28" },
		{ 60, false, "1900-02-29" },    { 61, false, "1900-03-01" },
		{ 45901, false, "2025-09-01" }, { 45901.999, false, "2025-09-01" },
		{ 36526, false, "2000-01-01" }, { 2958465, false, "9999-12-31" },
		{ 0, true, "1904-01-01" },      { 44439, true, "2025-09-01" },
		{ 35064, true, "2000-01-01" },
	};
	char out[11];
	for (size_t i = 0; i < DT_ARRAY_SIZE(cases); i++) {
		assert_true(dt_xlsx_serial_date(cases[i].serial, cases[i].d1904, out));
		assert_string_equal(out, cases[i].want);
	}
	assert_false(dt_xlsx_serial_date(-1, false, out));
	assert_false(dt_xlsx_serial_date(2958466, false, out));
	assert_false(dt_xlsx_serial_date(1e300, false, out));
}

/* Packages that are refused, each with its code, and nothing crashes on the way. */
static void test_refused(void **state)
{
	(void)state;
	struct dt_strbuf x = DT_STRBUF_INIT;
	struct got g;
	int rc;
	/* not a ZIP at all, and a ZIP cut short */
	dt_strbuf_adds(&x, "PK\x03\x04 this is no zip");
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.zip");
	assert_int_equal(rc, DT_EINVAL);
	dt_strbuf_release(&g.sb);
	build_std(&x, NULL, SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"));
	dt_strbuf_setlen(&x, x.len / 2);
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.zip");
	dt_strbuf_release(&g.sb);
	/* no workbook */
	struct part nowb[] = { { "xl/worksheets/sheet1.xml", SHEET("") } };
	build(&x, nowb, 1);
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.part_missing");
	dt_strbuf_release(&g.sb);
	/* the sheet's relationship points at nothing */
	build_std(&x, NULL, NULL);
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.part_missing");
	dt_strbuf_release(&g.sb);
	/* too many entries */
	struct part *many = calloc(DT_XLSX_MAX_ENTRIES + 1, sizeof(*many));
	char(*names)[24] = calloc(DT_XLSX_MAX_ENTRIES + 1, sizeof(*names));
	for (int i = 0; i <= DT_XLSX_MAX_ENTRIES; i++) {
		snprintf(names[i], sizeof(names[i]), "x/%d.xml", i);
		many[i].name = names[i];
		many[i].xml = "<a/>";
	}
	build(&x, many, DT_XLSX_MAX_ENTRIES + 1);
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.entries");
	dt_strbuf_release(&g.sb);
	free(many);
	free(names);
	/* a bomb: 8 MiB of blanks inside a cell deflate to a few KiB */
	struct dt_strbuf bomb = DT_STRBUF_INIT;
	dt_strbuf_adds(&bomb, SHEET("<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>"));
	dt_strbuf_setlen(&bomb, bomb.len - strlen("</sheetData></worksheet>"));
	for (int i = 0; i < 8 << 20; i++)
		dt_strbuf_addch(&bomb, ' ');
	dt_strbuf_adds(&bomb, "</t></is></c></row></sheetData></worksheet>");
	build_std(&x, NULL, bomb.buf);
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.ratio");
	assert_int_equal(g.rows, 0);
	dt_strbuf_release(&g.sb);
	dt_strbuf_release(&bomb);
	/* a DTD (and with it any entity) is refused, not expanded */
	build_std(
		&x, NULL,
		"<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\">"
		"<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
		"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&b;</t></is>"
		"</c></row></sheetData></worksheet>");
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.dtd");
	assert_int_equal(g.rows, 0);
	dt_strbuf_release(&g.sb);
	build_std(&x, NULL,
		  "<?xml version=\"1.0\"?><!DOCTYPE w SYSTEM \"http://example.invalid/x.dtd\">"
		  "<worksheet/>");
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.dtd");
	dt_strbuf_release(&g.sb);
	/* malformed XML */
	build_std(&x, NULL,
		  SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c></row><row r=\"2\"><c r=\"A2\">"));
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.xml");
	dt_strbuf_release(&g.sb);
	/* rows and cells out of order, bad references, a shared string that is not there */
	build_std(&x, NULL, SHEET("<row r=\"2\"/><row r=\"1\"/>"));
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.row_order");
	dt_strbuf_release(&g.sb);
	/* a row inside an unclosed row (fuzz_xlsx): its cells would have joined the outer row's */
	build_std(&x, NULL,
		  SHEET("<row r=\"1\"><c r=\"C1\"><v>1</v></c><row r=\"3\"><c r=\"B3\"><v>2</v>"
			"</c></row></row>"));
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.row_order");
	dt_strbuf_release(&g.sb);
	build_std(&x, NULL, SHEET("<row r=\"1\"><c r=\"A1\"><c r=\"B1\"/></c></row>"));
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.cell_ref");
	dt_strbuf_release(&g.sb);
	build_std(&x, NULL, SHEET("<row r=\"1048577\"/>"));
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.row_order");
	dt_strbuf_release(&g.sb);
	build_std(&x, NULL,
		  SHEET("<row r=\"1\"><c r=\"B1\"><v>1</v></c><c r=\"A1\"><v>1</v></c></row>"));
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.cell_ref");
	dt_strbuf_release(&g.sb);
	build_std(&x, NULL, SHEET("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>"));
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.cell_ref");
	dt_strbuf_release(&g.sb);
	build_std(&x, NULL, SHEET("<row r=\"1\"><c r=\"11\"><v>1</v></c></row>"));
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.cell_ref");
	dt_strbuf_release(&g.sb);
	build_std(&x, NULL, SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>4</v></c></row>"));
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.shared_string");
	dt_strbuf_release(&g.sb);
	build_std(&x, NULL, SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>-1</v></c></row>"));
	assert_string_equal(read_x(&x, NULL, &g, &rc), "xlsx.shared_string");
	dt_strbuf_release(&g.sb);
	dt_strbuf_release(&x);
}

/* ---- through the import ---- */

struct imp {
	struct dt_import_result r;
	int rc;
};

static int do_import(struct fx *f, const char *kind, const char *data, size_t len,
		     const struct dt_actor *a, struct imp *out)
{
	struct dt_import_opts o = { kind, DT_ENC_AUTO, 0, a ? a : &f->actor, NULL, NULL, NULL };
	dt_import_result_init(&out->r);
	dt_strbuf_reset(&f->err);
	out->rc = dt_import_csv(f->s, &o, data, len, &out->r, &f->err);
	return out->rc;
}

/* An inline-string cell. */
static void is_cell(struct dt_strbuf *sb, const char *ref, const char *text)
{
	dt_strbuf_addf(sb, "<c r=\"%s\" t=\"inlineStr\"><is><t>%s</t></is></c>", ref, text);
}

/*
 * The same trainees as XLSX (header on row 1, a blank row 2, the birth
 * date as an Excel date, the phone as a number) and as CSV (with the blank
 * line): the reports agree line for line, at the row numbers Excel shows,
 * and nothing is written (all or nothing); without the faulty row both
 * write the same records.
 */
static void test_import_like_csv(void **state)
{
	struct fx *f = *state;
	char t1[19], t2[19], bad[19];
	fx_natid(t1, "210102", "20000101", 11);
	fx_natid(t2, "210106", "20000301", 12);
	snprintf(bad, sizeof(bad), "%s", t2);
	bad[17] = bad[17] == '0' ? '1' : '0'; /* a wrong check character */

	struct dt_strbuf sheet = DT_STRBUF_INIT, x = DT_STRBUF_INIT, csv = DT_STRBUF_INIT;
	dt_strbuf_adds(&sheet, "<?xml version=\"1.0\"?><worksheet><sheetData><row r=\"1\">");
	is_cell(&sheet, "A1", "身份证号");
	is_cell(&sheet, "B1", "姓名");
	is_cell(&sheet, "C1", "出生日期");
	is_cell(&sheet, "D1", "户籍地区");
	is_cell(&sheet, "E1", "联系电话");
	dt_strbuf_adds(&sheet, "</row><row r=\"3\">");
	is_cell(&sheet, "A3", t1);
	is_cell(&sheet, "B3", "张三");
	dt_strbuf_adds(&sheet, "<c r=\"C3\" s=\"1\"><v>36526</v></c>"); /* 2000-01-01 */
	is_cell(&sheet, "D3", "沈阳市");
	dt_strbuf_adds(&sheet, "<c r=\"E3\"><v>13800000001</v></c></row><row r=\"4\">");
	is_cell(&sheet, "A4", bad);
	is_cell(&sheet, "B4", "李四");
	is_cell(&sheet, "D4", "210106");
	dt_strbuf_adds(&sheet, "</row></sheetData></worksheet>");
	build_std(&x, NULL, sheet.buf);
	dt_strbuf_addf(&csv,
		       "身份证号,姓名,出生日期,户籍地区,联系电话\n\n%s,张三,2000-01-01,沈阳市,"
		       "13800000001\n%s,李四,,210106,\n",
		       t1, bad);

	struct imp a, b;
	assert_int_equal(do_import(f, "trainees", x.buf, x.len, NULL, &a), DT_EINVAL);
	assert_int_equal(do_import(f, "trainees", csv.buf, csv.len, NULL, &b), DT_EINVAL);
	assert_int_equal(a.r.rows, 2);
	assert_int_equal(a.r.rejected, 1);
	assert_int_equal(a.r.written, 0);
	assert_string_equal(a.r.report.buf, b.r.report.buf);
	assert_non_null(strstr(a.r.report.buf, "\r\n4,身份证号,national_id,"));
	assert_int_equal(a.r.encoding, DT_ENC_XLSX);
	assert_int_equal(fx_rows(f, "trainee"), 0);
	dt_import_result_release(&a.r);
	dt_import_result_release(&b.r);

	/* the good row alone: written with the date, the number and the region resolved */
	dt_strbuf_reset(&sheet);
	dt_strbuf_adds(&sheet, "<?xml version=\"1.0\"?><worksheet><sheetData><row r=\"1\">");
	is_cell(&sheet, "A1", "national_id");
	is_cell(&sheet, "B1", "name");
	is_cell(&sheet, "C1", "birth_date");
	is_cell(&sheet, "D1", "region");
	is_cell(&sheet, "E1", "phone");
	dt_strbuf_adds(&sheet, "</row><row r=\"2\">");
	is_cell(&sheet, "A2", t1);
	is_cell(&sheet, "B2", "张三");
	dt_strbuf_adds(&sheet, "<c r=\"C2\" s=\"2\"><v>36526</v></c>");
	is_cell(&sheet, "D2", "和平区");
	dt_strbuf_adds(&sheet, "<c r=\"E2\"><v>13800000001</v></c></row></sheetData></worksheet>");
	/* 和平区 is in Shenyang and in Tianjin: a Shenyang official may name it */
	struct dt_scope sc = { 210100, 0, 0, 0 };
	struct dt_actor sy = { "shenyang", NULL, &sc };
	build_std(&x, NULL, sheet.buf);
	assert_int_equal(do_import(f, "trainees", x.buf, x.len, NULL, &a), DT_EINVAL);
	assert_non_null(strstr(a.r.report.buf, "region.name_ambiguous"));
	assert_non_null(strstr(a.r.report.buf, "210102 沈阳市和平区"));
	dt_import_result_release(&a.r);
	assert_int_equal(do_import(f, "trainees", x.buf, x.len, &sy, &a), DT_OK);
	assert_int_equal(a.r.written, 1);
	dt_import_result_release(&a.r);
	assert_int_equal(fx_sql_int(f, "SELECT region FROM trainee"), 210102);
	assert_int_equal(fx_sql_int(f, "SELECT COUNT(*) FROM trainee WHERE birth_date = "
				       "'2000-01-01' AND phone = '13800000001'"),
			 1);

	/* a damaged workbook: the file's fault, with the catalogue's code in the report */
	dt_strbuf_setlen(&x, x.len - 40);
	assert_int_equal(do_import(f, "trainees", x.buf, x.len, NULL, &a), DT_EINVAL);
	assert_non_null(strstr(a.r.report.buf, "xlsx.zip"));
	assert_non_null(strstr(f->err.buf, "not a valid XLSX file"));
	dt_import_result_release(&a.r);
	dt_strbuf_release(&sheet);
	dt_strbuf_release(&x);
	dt_strbuf_release(&csv);
}

/* Region names: a code stays a code; a name resolves within the scope or is refused with its candidates. */
static void test_region_names(void **state)
{
	(void)state;
	struct dt_region_names *n = dt_region_names_new(0);
	assert_true(dt_region_names_add(n, 210000, "辽宁省"));
	assert_true(dt_region_names_add(n, 210100, "沈阳市"));
	assert_true(dt_region_names_add(n, 210300, "鞍山市"));
	assert_true(dt_region_names_add(n, 210106, "铁西区"));
	assert_true(dt_region_names_add(n, 210303, "铁西区"));
	struct dt_problems ps = DT_PROBLEMS_INIT;
	int code = 0;
	assert_false(dt_region_names_is_name("210106"));
	assert_false(dt_region_names_is_name(" 210106 "));
	assert_true(dt_region_names_is_name("沈阳市"));
	assert_int_equal(dt_region_names_resolve(n, "沈阳市", &code, &ps, "region"), DT_OK);
	assert_int_equal(code, 210100);
	assert_int_equal(dt_region_names_resolve(n, "铁西区", &code, &ps, "region"), DT_EINVAL);
	assert_string_equal(ps.v[0].code, "region.name_ambiguous");
	assert_string_equal(dt_problem_arg(&ps.v[0], "candidates"),
			    "210106 沈阳市铁西区, 210303 鞍山市铁西区");
	dt_problems_reset(&ps);
	assert_int_equal(dt_region_names_resolve(n, "西区", &code, &ps, "region"), DT_EINVAL);
	assert_string_equal(ps.v[0].code, "region.name_unknown");
	dt_problems_reset(&ps);
	dt_region_names_free(n);
	/* within Anshan the name is unique; Shenyang is out of scope */
	n = dt_region_names_new(210300);
	assert_true(dt_region_names_add(n, 210106, "铁西区"));
	assert_true(dt_region_names_add(n, 210303, "铁西区"));
	assert_true(dt_region_names_add(n, 210100, "沈阳市"));
	assert_int_equal(dt_region_names_resolve(n, "铁西区", &code, &ps, "region"), DT_OK);
	assert_int_equal(code, 210303);
	assert_int_equal(dt_region_names_resolve(n, "沈阳市", &code, &ps, "region"), DT_EINVAL);
	assert_string_equal(ps.v[0].code, "region.name_unknown");
	dt_problems_release(&ps);
	dt_region_names_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_date1904),
		cmocka_unit_test(test_serial_date),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_region_names),
		cmocka_unit_test_setup_teardown(test_import_like_csv, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests_name("xlsx", tests, NULL, NULL);
}
