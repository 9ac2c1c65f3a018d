/*
 * fuzz_domain.c - the parsers of src/domain and src/core that read what
 * people type: national IDs, credit codes (USCC), region codes, occupation
 * codes, dates, integers and numbers, contract status/event/party names,
 * and the export format and encoding names.
 *
 * The first byte picks the parser, the rest is its text.  Beyond "does not
 * crash", each accepted value is checked against what the parser promises
 * (an oracle the fuzzer can break): a parsed date formats back to the same
 * text and survives the day-count round trip; an accepted national ID or
 * credit code carries its own check character; a region code lies within
 * its own ancestors; an integer lies in the range asked for.  A refusal is
 * exactly one problem whose code is in the catalogue.  The field validator
 * (domain/field.h) reads the text as an import cell of every field of the
 * entity table and checks it; what it accepts it accepts again.  An
 * Accept-Language header chooses Chinese unless it names English, and any
 * text fills a catalogue message's arguments in both languages.
 */
#include <math.h>

#include "core/date.h"
#include "core/lang.h"
#include "core/num.h"
#include "core/strbuf.h"
#include "domain/contract.h"
#include "domain/entity.h"
#include "domain/field.h"
#include "domain/natid.h"
#include "domain/problem.h"
#include "domain/occupation.h"
#include "domain/region.h"
#include "domain/uscc.h"
#include "io/encoding.h"
#include "io/export.h"
#include "fuzz.h"

/* Problems of one input: a refusal is one problem with a catalogue code. */
static struct dt_problems ps;

static void refused(enum dt_err rc)
{
	FZ_CHECK(rc == DT_OK ? ps.n == 0 : ps.n == 1);
	if (ps.n)
		FZ_CHECK(dt_catalogue_find(ps.v[0].code) != NULL &&
			 strcmp(ps.v[0].code, "internal.unknown_code"));
	dt_problems_reset(&ps);
}

static void natid(const char *s, struct dt_strbuf *err)
{
	(void)err;
	struct dt_date today = { 2026, 11, 26 };
	struct dt_natid id;
	enum dt_err rc = dt_natid_parse(s, today, &id, &ps, "national_id");
	refused(rc);
	if (rc == DT_OK) {
		FZ_CHECK(strlen(id.id) == DT_NATID_LEN);
		FZ_CHECK(dt_natid_check_char(id.id) == id.id[17]);
		FZ_CHECK(id.gender == 'M' || id.gender == 'F');
		FZ_CHECK(dt_date_valid(id.birth.year, id.birth.month, id.birth.day));
		FZ_CHECK(dt_date_cmp(id.birth, today) <= 0);
		char masked[DT_NATID_LEN + 1];
		dt_natid_mask(id.id, masked);
		FZ_CHECK(strlen(masked) == DT_NATID_LEN);
	}
	if (strlen(s) >= 17)
		(void)dt_natid_check_char(s);
}

static void uscc(const char *s, struct dt_strbuf *err)
{
	(void)err;
	char out[DT_USCC_LEN + 1];
	enum dt_err rc = dt_uscc_parse(s, out, &ps, "uscc");
	refused(rc);
	if (rc == DT_OK) {
		FZ_CHECK(strlen(out) == DT_USCC_LEN);
		FZ_CHECK(dt_uscc_check_char(out) == out[17]);
	}
	if (strlen(s) >= 17)
		(void)dt_uscc_check_char(s);
	if (strlen(s) >= 8)
		(void)dt_orgcode_check_char(s);
}

static void region(const char *s, struct dt_strbuf *err)
{
	(void)err;
	int code = 0;
	enum dt_err rc = dt_region_code_parse(s, &code, &ps, "region");
	refused(rc);
	if (rc == DT_OK) {
		int level = dt_region_level(code);
		FZ_CHECK(level >= 1 && level <= 3);
		for (int l = 1; l < level; l++) {
			int up = dt_region_ancestor(code, l);
			FZ_CHECK(dt_region_contains(up, code));
			int lo, hi;
			dt_region_range(up, &lo, &hi);
			FZ_CHECK(lo <= code && code <= hi);
		}
		FZ_CHECK(dt_region_contains(code, code));
	}
	/* the functions on codes, for any 6-digit number the text holds */
	int64_t n = 0;
	if (dt_parse_int64(s, 0, 999999, &n, NULL, NULL) == DT_OK) {
		int c = (int)n, lo, hi;
		(void)dt_region_level(c);
		(void)dt_region_ancestor(c, 1);
		(void)dt_region_ancestor(c, 2);
		(void)dt_region_contains(c, 210102);
		(void)dt_region_contains(210000, c);
		(void)dt_region_province_valid(c);
		dt_region_range(c, &lo, &hi);
	}
}

static void date(const char *s, struct dt_strbuf *err, unsigned extra)
{
	struct dt_date d;
	if (dt_date_parse(s, &d, "date", err) != DT_OK)
		return;
	FZ_CHECK(dt_date_valid(d.year, d.month, d.day));
	char out[DT_DATE_STRLEN];
	dt_date_format(d, out);
	struct dt_date again;
	FZ_CHECK(dt_date_parse(out, &again, NULL, NULL) == DT_OK);
	FZ_CHECK(dt_date_cmp(d, again) == 0);
	FZ_CHECK(dt_date_cmp(dt_date_from_days(dt_date_to_days(d)), d) == 0);
	/* arithmetic stays in the calendar */
	int32_t days = (int32_t)(extra * 2654435761u);
	struct dt_date a = dt_date_add_days(d, days);
	FZ_CHECK(dt_date_valid(a.year, a.month, a.day));
	struct dt_date m = dt_date_add_months(d, (int)(int8_t)extra * 7);
	FZ_CHECK(dt_date_valid(m.year, m.month, m.day));
}

static void number(const char *s, struct dt_strbuf *err, unsigned extra)
{
	static const int64_t bounds[][2] = {
		{ INT64_MIN, INT64_MAX }, { 0, 0 },          { 1, 1000 }, { -5, 5 },
		{ 1, INT64_MAX },         { INT64_MIN, -1 },
	};
	const int64_t *b = bounds[extra % DT_ARRAY_SIZE(bounds)];
	int64_t v = 0;
	if (dt_parse_int64(s, b[0], b[1], &v, "n", err) == DT_OK)
		FZ_CHECK(v >= b[0] && v <= b[1]);
	double d = 0;
	if (dt_parse_double(s, &d, "x", err) == DT_OK)
		FZ_CHECK(isfinite(d));
}

static void names(const char *s, struct dt_strbuf *err, unsigned extra)
{
	(void)err;
	enum dt_contract_status st;
	enum dt_contract_event ev;
	enum dt_party party;
	if (dt_contract_status_parse(s, &st) == DT_OK)
		FZ_CHECK(!strcmp(dt_contract_status_name(st), s));
	if (dt_contract_event_parse(s, &ev) == DT_OK)
		FZ_CHECK(!strcmp(dt_contract_event_name(ev), s));
	if (dt_party_parse(s, &party) == DT_OK)
		FZ_CHECK(!strcmp(dt_party_name(party), s));
	/* the state machine from any state, by any event and party */
	struct dt_approvals ap;
	memset(&ap, 0, sizeof(ap));
	for (int p = 0; p < DT_PARTY_N; p++)
		ap.by[p] = extra & (1u << p);
	enum dt_contract_status to;
	refused(dt_contract_apply((enum dt_contract_status)(extra % DT_CONTRACT_NSTATUS),
				  (enum dt_contract_event)((extra >> 3) % DT_CEV_NEVENT),
				  (enum dt_party)((extra >> 6) % DT_PARTY_N), &ap, &to, &ps));
	(void)dt_export_format_parse(s);
	(void)dt_encoding_parse(s);
	enum dt_err rc = dt_occupation_code_parse(s, &ps, "code");
	refused(rc);
	if (rc == DT_OK)
		FZ_CHECK(strlen(s) <= DT_OCC_CODE_LEN);
}

/*
 * @s as an import cell of field number @extra of the entity table, read and
 * checked; an accepted value is accepted again as it came out.
 */
static void field(const char *s, unsigned extra)
{
	const struct dt_field *f = NULL;
	unsigned n = 0;
	for (const struct dt_entity *e = dt_entities; e->name && !f; e++)
		for (size_t i = 0; i < e->nfields && !f; i++)
			if (n++ == extra % 160)
				f = &e->fields[i];
	if (!f)
		f = &dt_entities[0].fields[0];
	struct dt_value in, out, again;
	struct dt_strbuf scratch = DT_STRBUF_INIT, norm = DT_STRBUF_INIT, norm2 = DT_STRBUF_INIT;
	enum dt_err rc = dt_field_read(f->type, s, &in, &scratch, &ps, f->name);
	refused(rc);
	if (rc == DT_OK) {
		rc = dt_field_check(f, &in, NULL, &out, &norm, &ps, f->name);
		refused(rc);
		if (rc == DT_OK) {
			rc = dt_field_check(f, &out, NULL, &again, &norm2, &ps, f->name);
			refused(rc);
			FZ_CHECK(rc == DT_OK && again.type == out.type);
			if (out.type == DT_V_TEXT)
				FZ_CHECK(again.len == out.len &&
					 !memcmp(again.text, out.text, out.len));
		}
	}
	dt_strbuf_release(&scratch);
	dt_strbuf_release(&norm);
	dt_strbuf_release(&norm2);
}

/*
 * An Accept-Language header: the answer is Chinese or English, and Chinese
 * when the header names no "en" at all.  The text as the arguments of a
 * catalogue message is worded in both languages (words, lists).
 */
static void lang(const char *s)
{
	enum dt_lang l = dt_lang_accept(s);
	FZ_CHECK(l == DT_LANG_ZH || l == DT_LANG_EN);
	if (l == DT_LANG_EN)
		FZ_CHECK(strcasestr(s, "en") != NULL);
	struct dt_strbuf out = DT_STRBUF_INIT;
	dt_message(&out, DT_LANG_ZH, "enum.value", "value", s, "values", s, NULL);
	dt_message(&out, DT_LANG_EN, "ref.kind", "id", s, "kind", s, "expected", s, NULL);
	FZ_CHECK(dt_strbuf_ok(&out));
	dt_strbuf_release(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned which = fz_take(&data, &size);
	unsigned extra = fz_take(&data, &size);
	char *s = fz_strndup(data, size);
	struct dt_strbuf err = DT_STRBUF_INIT;
	switch (which % 7) {
	case 0: natid(s, &err); break;
	case 1: uscc(s, &err); break;
	case 2: region(s, &err); break;
	case 3: date(s, &err, extra); break;
	case 4: number(s, &err, extra); break;
	case 5:
		names(s, &err, extra);
		field(s, extra);
		lang(s);
		break;
	default:
		/* all of them on the same text */
		natid(s, &err);
		uscc(s, &err);
		region(s, &err);
		date(s, &err, extra);
		number(s, &err, extra);
		names(s, &err, extra);
		field(s, extra);
		lang(s);
		break;
	}
	dt_strbuf_release(&err);
	free(s);
	return 0;
}
