/*
 * fuzz_xlsx.c - the XLSX reader (io/xlsx.c): the ZIP package and each of
 * its XML parts as the import reads them.
 *
 * Byte 0 picks what the rest is: 0 a whole package (real .xlsx files seed
 * the corpus); 1..4 one part - the first sheet, the shared strings, the
 * styles, the workbook - put into a package built here with the other parts
 * fixed, so that mutations reach the XML reader instead of dying at the
 * ZIP's checksums.  Bit 3 of byte 0 reads the second sheet by name.
 * Oracles: the reader answers DT_OK, or DT_EINVAL with exactly one problem
 * whose code is an "xlsx." code of the catalogue (or DT_ENOMEM); each cell is
 * non-empty, NUL-terminated at its length, valid UTF-8, in a column past the
 * previous one of its row; rows come in increasing order within
 * 1..DT_XLSX_MAX_ROW.
 */
#include <zip.h>

#include "core/utf8.h"
#include "domain/problem.h"
#include "io/xlsx.h"
#include "fuzz.h"

struct seen {
	int64_t row; /* the last row ended */
	int64_t col; /* the last column of the current row, -1 at its start */
	uint64_t cells;
};

static void on_cell(void *ctx, uint32_t col, const char *text, size_t len)
{
	struct seen *s = ctx;
	FZ_CHECK(len > 0 && strlen(text) == len);
	FZ_CHECK(dt_utf8_valid(text, len, NULL));
	FZ_CHECK((int64_t)col > s->col && col < DT_XLSX_MAX_COL);
	s->col = col;
	s->cells++;
}

static void on_row(void *ctx, int64_t rowno)
{
	struct seen *s = ctx;
	FZ_CHECK(rowno > s->row && rowno <= DT_XLSX_MAX_ROW);
	s->row = rowno;
	s->col = -1;
}

static const char wb_xml[] =
	"<workbook xmlns:r=\"r\"><workbookPr date1904=\"0\"/><sheets>"
	"<sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"B\" sheetId=\"2\" "
	"r:id=\"rId2\"/></sheets></workbook>";
static const char rels_xml[] =
	"<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" "
	"Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"x/worksheet\" "
	"Target=\"/xl/worksheets/sheet2.xml\"/><Relationship Id=\"rId3\" Type=\"x/sharedStrings\" "
	"Target=\"sharedStrings.xml\"/><Relationship Id=\"rId4\" Type=\"x/styles\" "
	"Target=\"styles.xml\"/></Relationships>";
static const char styles_xml[] =
	"<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d\"/></numFmts>"
	"<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/></cellXfs>"
	"</styleSheet>";
static const char sst_xml[] = "<sst><si><t>a</t></si><si><r><t>b</t></r><r><t>c</t></r></si></sst>";
static const char sheet_xml[] =
	"<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c><c r=\"C1\" "
	"s=\"1\"><v>45901</v></c></row></sheetData></worksheet>";

/* A package of the fixed parts with part @which replaced by @xml (@n bytes); 0 on failure. */
static size_t package(unsigned which, const uint8_t *xml, size_t n, uint8_t **out)
{
	const char *names[] = { "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
				"xl/workbook.xml" };
	const char *fixed[] = { sheet_xml, sst_xml, styles_xml, wb_xml };
	zip_error_t ze;
	zip_error_init(&ze);
	size_t got = 0;
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	if (!za)
		goto out;
	zip_source_keep(src);
	for (unsigned i = 0; i < 4; i++) {
		const void *d = i == which ? (const void *)xml : fixed[i];
		size_t len = i == which ? n : strlen(fixed[i]);
		zip_source_t *s = zip_source_buffer(za, d, len, 0);
		zip_int64_t at = s ? zip_file_add(za, names[i], s, 0) : -1;
		if (at >= 0)
			zip_set_file_compression(za, (zip_uint64_t)at, ZIP_CM_STORE, 0);
	}
	zip_source_t *rs = zip_source_buffer(za, rels_xml, strlen(rels_xml), 0);
	zip_file_add(za, "xl/_rels/workbook.xml.rels", rs, 0);
	zip_source_t *s2 = zip_source_buffer(za, sheet_xml, strlen(sheet_xml), 0);
	zip_file_add(za, "xl/worksheets/sheet2.xml", s2, 0);
	if (zip_close(za) != 0) {
		zip_discard(za);
		goto out;
	}
	if (zip_source_open(src) != 0)
		goto out;
	size_t cap = n + 8192;
	*out = malloc(cap);
	zip_int64_t r;
	while (*out && (r = zip_source_read(src, *out + got, cap - got)) > 0) {
		got += (size_t)r;
		if (got == cap) {
			cap *= 2;
			uint8_t *nb = realloc(*out, cap);
			if (!nb)
				break;
			*out = nb;
		}
	}
	zip_source_close(src);
out:
	if (src)
		zip_source_free(src);
	zip_error_fini(&ze);
	return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned mode = fz_take(&data, &size);
	unsigned which = mode & 7;
	const char *sheet = (mode & 8) ? "B" : NULL;
	uint8_t *built = NULL;
	const uint8_t *in = data;
	size_t len = size;
	if (which >= 1 && which <= 4) {
		len = package(which - 1, data, size, &built);
		if (!len) {
			free(built);
			return 0;
		}
		in = built;
	}
	struct seen s = { 0, -1, 0 };
	struct dt_xlsx_sink sink = { .cell = on_cell, .row = on_row, .ctx = &s };
	struct dt_problems ps = DT_PROBLEMS_INIT;
	int rc = dt_xlsx_read(in, len, sheet, &sink, &ps);
	FZ_CHECK(rc == DT_OK || rc == DT_EINVAL || rc == DT_ENOMEM);
	if (rc == DT_EINVAL) {
		FZ_CHECK(ps.n == 1 && !strncmp(ps.v[0].code, "xlsx.", 5));
		FZ_CHECK(dt_catalogue_find(ps.v[0].code) != NULL);
	} else if (rc == DT_OK) {
		FZ_CHECK(ps.n == 0);
	}
	dt_problems_release(&ps);
	free(built);
	return 0;
}
