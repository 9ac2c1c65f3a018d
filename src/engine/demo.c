/*
 * demo.c - the demo pilot and the scale generator.
 *
 * Builds a complete Northeast pilot: four provinces and nine cities as
 * pilots, government departments and assessment bodies per city, schools
 * with programmes, enterprises with partner schools, demand and training
 * places, trainees with valid national IDs, and three-party contracts driven
 * through the store's contract actions (submit, three approvals, activate,
 * then complete, dissolve or transfer), with record-book entries signed off
 * by mentors, assessments and outcomes.  Every record goes through the
 * store's ordinary create and action functions, so every rule and the audit
 * chain apply; a refused write is a bug here and stops the run with the
 * record named.
 *
 * The run has two halves.  First everything is planned in memory (cities,
 * counties, occupations, organisations, programmes, each trainee's training
 * slot and start date), because places and partnerships are sized by the
 * intake they will receive.  Then it is written in dependency order inside
 * explicit transactions committed every BATCH top-level writes.  All randomness comes
 * from one xoshiro256** stream consumed in a fixed order, so a seed and a
 * size give the same records; "today" comes from dt_date_today(), so dates
 * stay consistent with the rules (entries not in the future, ages).
 *
 * Sizes scale with the trainee count: the demo's 5,000 trainees come with
 * 300 enterprises and 40 schools.  Up to the demo size a record book has
 * about one entry per site per month; above it one per site per quarter,
 * which keeps a million trainees feasible.
 */
#include "core/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/natid.h"
#include "domain/uscc.h"
#include "engine/demo.h"
#include "engine/demo_names.h"
#include "core/banned.h"

#define DEMO_TRAINEES 5000
#define DEMO_ENTERPRISES 300
#define DEMO_SCHOOLS 40
/*
 * Top-level writes per transaction.  Each commit may trigger a WAL
 * checkpoint with its fsyncs; 20,000 writes (a second or two) measured about
 * a fifth faster than 2,000 on a VM disk, and a failure is a bug anyway.
 */
#define BATCH 20000
#define PROGRESS_EVERY 250  /* trainees between progress calls */
#define NYEARS 5            /* intake years: the four Septembers back from today, and next year */

/* ---- the fixed geography of the pilot ---- */

struct city_def {
	int code, province;
	const char *short_zh; /* "沈阳" */
	const char *area;     /* telephone area code */
	int weight;           /* share of enterprises, schools and trainees */
	int stipend;          /* typical monthly stipend (CNY) */
	const char *ind[8];   /* industry keys of the catalogue, main first */
	int iw[8];
	const char *positioning;
};

static const struct city_def city_defs[] = {
	{ 210100, 210000, "沈阳", "024", 18, 2800,
	  { "equipment_manufacturing", "automotive", "digital", "electrical", "construction",
	    "logistics", "elderly_care", "food" },
	  { 40, 20, 10, 10, 6, 6, 5, 3 },
	  "以装备制造、汽车及零部件和数字经济为重点，建设东北老工业基地技术技能人才培养核心区，"
	  "推动龙头企业与职业院校共建双元培育基地。" },
	{ 210200, 210000, "大连", "0411", 16, 3000,
	  { "shipbuilding", "equipment_manufacturing", "petrochemicals", "logistics", "digital",
	    "food", "elderly_care", "electrical" },
	  { 25, 20, 15, 12, 10, 6, 6, 6 },
	  "以船舶与海洋工程、石化和港航物流为重点，打造面向东北亚的高技能人才培养开放高地。" },
	{ 210300, 210000, "鞍山", "0412", 7, 2500,
	  { "metallurgy", "equipment_manufacturing", "electrical", "construction", "logistics",
	    "elderly_care" },
	  { 45, 25, 10, 8, 6, 6 },
	  "以钢铁冶金和精深加工为重点，推动冶金产业工人技能提升和岗位成才。" },
	{ 211100, 210000, "盘锦", "0427", 5, 2600,
	  { "petrochemicals", "equipment_manufacturing", "agriculture", "food", "logistics",
	    "elderly_care" },
	  { 50, 15, 10, 10, 8, 7 },
	  "以石油化工和精细化工为重点，建设石化产业技术技能人才培养示范区。" },
	{ 220100, 220000, "长春", "0431", 14, 2700,
	  { "automotive", "equipment_manufacturing", "food", "digital", "agriculture",
	    "elderly_care", "logistics" },
	  { 40, 15, 12, 10, 8, 8, 7 },
	  "以汽车及新能源汽车产业为重点，建设汽车产业工匠培养基地，带动农产品加工和现代农业人才培育。" },
	{ 220200, 220000, "吉林", "0432", 8, 2500,
	  { "petrochemicals", "electrical", "equipment_manufacturing", "metallurgy", "food",
	    "elderly_care", "construction" },
	  { 35, 15, 15, 10, 10, 8, 7 },
	  "以石化、碳纤维新材料和电力装备为重点，推进产教融合型企业双元育人。" },
	{ 230100, 230000, "哈尔滨", "0451", 15, 2600,
	  { "electrical", "equipment_manufacturing", "food", "agriculture", "digital", "elderly_care",
	    "construction", "logistics" },
	  { 25, 25, 12, 10, 10, 8, 5, 5 },
	  "以电站装备、航空航天配套和绿色食品为重点，建设对俄合作和寒地产业技能人才培养中心。" },
	{ 230200, 230000, "齐齐哈尔", "0452", 6, 2300,
	  { "equipment_manufacturing", "agriculture", "food", "metallurgy", "electrical",
	    "elderly_care" },
	  { 35, 20, 15, 10, 10, 10 },
	  "以重型装备和农机装备制造为重点，传承大国重器工匠精神，培育装备制造业技能人才。" },
	{ 150200, 150000, "包头", "0472", 8, 2800,
	  { "metallurgy", "electrical", "equipment_manufacturing", "construction", "logistics",
	    "automotive" },
	  { 40, 20, 20, 8, 7, 5 },
	  "以钢铁、稀土新材料和风电装备为重点，建设北疆技术技能人才培养高地。" },
};
#define NCITIES ((int)DT_ARRAY_SIZE(city_defs))

struct province_def {
	int code;
	const char *dept; /* "省" or "自治区": department names */
	const char *positioning;
};

static const struct province_def province_defs[] = {
	{ 210000, "省",
	  "统筹沈阳、大连、鞍山、盘锦等试点城市，以先进装备制造、石化和冶金产业为重点，"
	  "推动产业链、教育链、人才链深度融合，为辽宁全面振兴提供技术技能人才支撑。" },
	{ 220000, "省",
	  "统筹长春、吉林等试点城市，以汽车、石化和农产品加工为重点，建立校企双元育人长效机制。" },
	{ 230000, "省",
	  "统筹哈尔滨、齐齐哈尔等试点城市，以装备制造、绿色食品和现代农业为重点，"
	  "探索寒地老工业基地技能人才培养新路径。" },
	{ 150000, "自治区",
	  "以包头为试点城市，以钢铁、稀土和新能源装备为重点，推动蒙东地区融入东北全面振兴。" },
};
#define NPROVINCES ((int)DT_ARRAY_SIZE(province_defs))

/* ---- what is planned in memory ---- */

/* A growable list of indices. */
struct ilist {
	int *v;
	int n, cap;
};

struct county {
	int code;
	char *name;
};

struct industry {
	char *key;
	int *occs; /* occupation indices */
	int nocc;
};

struct occ {
	int64_t id;
	char *code, *name, *levels;
	int industry;
};

struct city {
	const struct city_def *def;
	int pidx;             /* index into province_defs */
	char *name;           /* "沈阳市" from the region table */
	int c0, c1;           /* its counties in g->counties */
	int ind[8], nind;     /* industry indices (only those in the catalogue) */
	int iw[8], iwsum;
	int64_t assessors[2];
	int nassessors;
	int64_t trainees;     /* planned, for the pilot's goals */
	int nent, nsch;
};

struct org {
	int64_t id;
	int city, region, industry, size; /* size: 0 micro .. 3 large */
	bool is_school;
	/* enterprise */
	int partners[2], npartners;
	int slot0, nslots;
	int nmentors;
	double weight;
	/* school */
	int prog0, nprog;
	struct ilist ents;    /* partner enterprises (for transfers) */
};

struct prog {
	int64_t id;
	int school, occ, level, months, company_h, school_h;
};

struct slot {
	int ent, prog;
	int intake[NYEARS];
};

enum plan_kind { PLAN_NONE, PLAN_DRAFT, PLAN_PENDING, PLAN_STARTED };

struct plan {
	int32_t slot;
	int32_t start; /* days since 1970 */
	uint8_t kind;
};

struct gen {
	struct dt_store *s;
	const struct dt_actor *a;
	const struct dt_demo_opts *o;
	struct dt_demo_stats *st;
	struct dt_strbuf *err;
	struct dt_demo_rng rng;
	uint64_t seed;
	int64_t n;       /* trainees */
	bool monthly;    /* record-book density */
	int64_t pending; /* writes since the last commit */
	bool in_tx;

	int32_t today, first_sept, year0; /* year0: year of the first intake September */
	struct dt_date today_d;

	struct county *counties;
	int ncounties;
	int prov_c0[NPROVINCES], prov_c1[NPROVINCES];

	struct industry *inds;
	int ninds;
	struct occ *occs;
	int noccs;

	struct city cities[NCITIES];

	struct org *ents, *schools;
	int nent, nsch;
	struct prog *progs;
	int nprog;
	struct slot *slots;
	int nslots;
	double *slot_cum; /* cumulative slot weights for sampling */

	struct plan *plans;

	/* unique names */
	uint64_t *names;
	size_t names_cap, names_n;

	/* national ID sequence counters per (county, birth day) and gender */
	uint16_t *cells;
	int32_t cell_base, cell_days;

	uint64_t org_counter, cert_counter;
	int64_t contract_seq;
};

/* ---- small helpers ---- */

/* strdup() that takes NULL as ""; NULL only when memory ran out. */
static char *xstrdup(const char *s)
{
	return strdup(s ? s : "");
}

static void date_str(int32_t days, char out[DT_DATE_STRLEN])
{
	dt_date_format(dt_date_from_days(days), out);
}

static int32_t days_of(int y, int m, int d)
{
	return dt_date_to_days((struct dt_date){ y, m, d });
}

static int32_t add_months(int32_t days, int n)
{
	return dt_date_to_days(dt_date_add_months(dt_date_from_days(days), n));
}

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int32_t min32(int32_t a, int32_t b)
{
	return a < b ? a : b;
}

static int32_t max32(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

/* Completed years from @birth to @on. */
static int age_on(struct dt_date birth, struct dt_date on)
{
	return on.year - birth.year -
	       (on.month < birth.month || (on.month == birth.month && on.day < birth.day));
}

/* A sub-generator derived from the seed and a tag, for names that must not
 * depend on how much of the main stream was used (mentors, contacts). */
static void derive(struct gen *g, struct dt_demo_rng *r, uint64_t tag, uint64_t a, uint64_t b)
{
	uint64_t x = g->seed ^ (tag * 0x9e3779b97f4a7c15ULL);
	x ^= dt_demo_splitmix(&x) + a * 0xbf58476d1ce4e5b9ULL;
	x ^= dt_demo_splitmix(&x) + b * 0x94d049bb133111ebULL;
	dt_demo_rng_seed(r, x);
}

static int pick_weighted(struct dt_demo_rng *r, const int *w, int n, int sum)
{
	int x = (int)dt_demo_rng_below(r, (uint32_t)sum);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* ---- the set of names already used ---- */

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h | 1; /* 0 marks an empty slot */
}

static bool names_grow(struct gen *g)
{
	size_t cap = g->names_cap ? g->names_cap * 2 : 1024;
	uint64_t *h = calloc(cap, sizeof(*h));
	if (!h)
		return false;
	for (size_t i = 0; i < g->names_cap; i++) {
		if (!g->names[i])
			continue;
		size_t j = g->names[i] & (cap - 1);
		while (h[j])
			j = (j + 1) & (cap - 1);
		h[j] = g->names[i];
	}
	free(g->names);
	g->names = h;
	g->names_cap = cap;
	return true;
}

/* Add @name; false if it was already there (or memory ran out). */
static bool names_add(struct gen *g, const char *name)
{
	if ((g->names_n + 1) * 2 > g->names_cap && !names_grow(g))
		return false;
	uint64_t h = fnv(name);
	size_t j = h & (g->names_cap - 1);
	while (g->names[j]) {
		if (g->names[j] == h)
			return false;
		j = (j + 1) & (g->names_cap - 1);
	}
	g->names[j] = h;
	g->names_n++;
	return true;
}

/* ---- codes ---- */

static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/*
 * A unified social credit code for authority @auth, type @type and region
 * @region.  Organisation code bodies are unique by construction: a counter
 * through a bijection (an affine map modulo the code space), "MA" + six
 * characters for enterprises (as issued since 2015), eight digits otherwise,
 * so the two families never meet.
 */
static void make_uscc(struct gen *g, char auth, char type, int region, char out[DT_USCC_LEN + 1])
{
	char body[9];
	uint64_t k = g->org_counter++;
	uint64_t off = g->seed * 0x2545F4914F6CDD1DULL;
	if (auth == '9') {
		const uint64_t space = 887503681ULL; /* 31^6 */
		uint64_t v = (k * 600000037ULL + off % space) % space;
		body[0] = 'M';
		body[1] = 'A';
		for (int i = 7; i >= 2; i--) {
			body[i] = uscc_chars[v % 31];
			v /= 31;
		}
	} else {
		const uint64_t space = 100000000ULL;
		uint64_t v = (k * 73939133ULL + off % space) % space;
		for (int i = 7; i >= 0; i--) {
			body[i] = (char)('0' + v % 10);
			v /= 10;
		}
	}
	body[8] = 0;
	snprintf(out, DT_USCC_LEN + 1, "%c%c%06d%s", auth, type, region, body);
	out[16] = dt_orgcode_check_char(body);
	out[17] = dt_uscc_check_char(out);
	out[18] = 0;
}

/* ---- writing through the store ---- */

static int fail(struct gen *g, int rc, struct dt_strbuf *why, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
static int fail(struct gen *g, int rc, struct dt_strbuf *why, const char *fmt, va_list ap)
{
	struct dt_strbuf label = DT_STRBUF_INIT;
	dt_strbuf_vaddf(&label, fmt, ap);
	dt_strbuf_setf(g->err, "%s: %s", label.buf, why->buf);
	dt_strbuf_release(&label);
	return rc;
}

/* Create one record; *@id (may be NULL) receives its id.  Takes @in. */
static int w_create(struct gen *g, const char *entity, json_t *in, int64_t *id, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static int w_create(struct gen *g, const char *entity, json_t *in, int64_t *id, const char *fmt, ...)
{
	json_t *out = NULL;
	struct dt_strbuf e2 = DT_STRBUF_INIT;
	int rc = in ? dt_store_create(g->s, g->a, entity, in, id ? &out : NULL, &e2)
		    : dt_error(&e2, DT_ENOMEM, "out of memory");
	json_decref(in);
	if (rc == DT_OK) {
		if (id)
			*id = json_integer_value(json_object_get(out, "id"));
		g->pending++;
	} else {
		va_list ap;
		va_start(ap, fmt);
		fail(g, rc, &e2, fmt, ap);
		va_end(ap);
	}
	json_decref(out);
	dt_strbuf_release(&e2);
	return rc;
}

/* One contract action; *@out (may be NULL) receives the store's answer.  Takes @args. */
static int w_act(struct gen *g, int64_t cid, enum dt_contract_event ev, enum dt_party party,
		 json_t *args, json_t **out)
{
	struct dt_strbuf e2 = DT_STRBUF_INIT;
	int rc = dt_store_contract_act(g->s, g->a, NULL, cid, ev, party, args, out, &e2);
	json_decref(args);
	if (rc == DT_OK) {
		g->pending++;
	} else {
		dt_strbuf_setf(g->err, "contract %lld: %s: %s", (long long)cid,
			       dt_contract_event_name(ev), e2.buf);
	}
	dt_strbuf_release(&e2);
	return rc;
}

static int w_signoff(struct gen *g, int64_t id)
{
	struct dt_strbuf e2 = DT_STRBUF_INIT;
	int rc = dt_store_record_signoff(g->s, g->a, NULL, id, NULL, &e2);
	if (rc == DT_OK)
		g->pending++;
	else
		dt_strbuf_setf(g->err, "record-book entry %lld: sign-off: %s", (long long)id, e2.buf);
	dt_strbuf_release(&e2);
	return rc;
}

/* Commit when the batch is full and open the next transaction. */
static int batch(struct gen *g, bool force)
{
	if (!force && g->pending < BATCH)
		return DT_OK;
	int rc = dt_store_commit(g->s, g->err);
	g->in_tx = false;
	if (rc == DT_OK) {
		g->pending = 0;
		rc = dt_store_begin(g->s, g->err);
		g->in_tx = rc == DT_OK;
	}
	return rc;
}

/* ---- reading the reference tables ---- */

/* Every object of @entity matching @filters, paged; *@out receives an array. */
static int list_all(struct gen *g, const char *entity, const char *const *filters, size_t nf,
		    json_t **out)
{
	json_t *all = json_array();
	char *cursor = NULL;
	int rc = DT_OK;
	do {
		struct dt_query q = { .filters = filters, .nfilters = nf, .limit = 1000, .cursor = cursor };
		json_t *items = NULL;
		char *next = NULL;
		rc = dt_store_list(g->s, NULL, entity, &q, &items, &next, g->err);
		free(cursor);
		cursor = next;
		if (rc != DT_OK)
			break;
		json_array_extend(all, items);
		json_decref(items);
	} while (cursor);
	free(cursor);
	if (rc == DT_OK)
		*out = all;
	else
		json_decref(all);
	return rc;
}

static int province_index(int code)
{
	for (int i = 0; i < NPROVINCES; i++)
		if (province_defs[i].code == code)
			return i;
	return -1;
}

static int load_regions(struct gen *g)
{
	json_t *arr = NULL;
	static const char *const lv3[] = { "level", "3" };
	int rc = list_all(g, "region", lv3, 1, &arr);
	if (rc != DT_OK)
		return rc;
	g->counties = calloc(json_array_size(arr) + 1, sizeof(*g->counties));
	if (!g->counties) {
		json_decref(arr);
		return dt_error(g->err, DT_ENOMEM, "out of memory");
	}
	size_t i;
	json_t *r;
	json_array_foreach(arr, i, r) {
		int code = (int)json_integer_value(json_object_get(r, "id"));
		const char *name = json_string_value(json_object_get(r, "name_zh"));
		if (province_index(code / 10000 * 10000) < 0 || !name || !strcmp(name, "市辖区"))
			continue;
		g->counties[g->ncounties].code = code;
		g->counties[g->ncounties].name = xstrdup(name);
		if (!g->counties[g->ncounties++].name) {
			json_decref(arr);
			return dt_error(g->err, DT_ENOMEM, "out of memory");
		}
	}
	json_decref(arr);
	/* Listed by id, so each province and each city is one run of the array. */
	for (int p = 0; p < NPROVINCES; p++) {
		g->prov_c0[p] = g->prov_c1[p] = 0;
		for (int c = 0; c < g->ncounties; c++) {
			if (g->counties[c].code / 10000 * 10000 != province_defs[p].code)
				continue;
			if (g->prov_c1[p] == 0)
				g->prov_c0[p] = c;
			g->prov_c1[p] = c + 1;
		}
		if (g->prov_c1[p] == 0)
			return dt_error(g->err, DT_EINVAL,
					"region %06d has no counties in the region table (load the regions first)",
					province_defs[p].code);
	}
	for (int k = 0; k < NCITIES; k++) {
		struct city *c = &g->cities[k];
		c->def = &city_defs[k];
		c->pidx = province_index(c->def->province);
		json_t *obj = NULL;
		rc = dt_store_get(g->s, NULL, "region", c->def->code, 0, &obj, g->err);
		if (rc != DT_OK)
			return dt_error(g->err, rc, "city %06d is not in the region table",
					c->def->code);
		c->name = xstrdup(json_string_value(json_object_get(obj, "name_zh")));
		json_decref(obj);
		if (!c->name)
			return dt_error(g->err, DT_ENOMEM, "out of memory");
		c->c0 = c->c1 = 0;
		for (int j = 0; j < g->ncounties; j++) {
			if (g->counties[j].code / 100 * 100 != c->def->code)
				continue;
			if (c->c1 == 0)
				c->c0 = j;
			c->c1 = j + 1;
		}
		if (c->c1 == 0)
			return dt_error(g->err, DT_EINVAL, "city %06d has no counties in the region table",
					c->def->code);
	}
	for (int p = 0; p < NPROVINCES; p++) {
		json_t *obj = NULL;
		rc = dt_store_get(g->s, NULL, "region", province_defs[p].code, 0, &obj, g->err);
		if (rc != DT_OK)
			return dt_error(g->err, rc, "province %06d is not in the region table",
					province_defs[p].code);
		json_decref(obj);
	}
	return DT_OK;
}

static int industry_find(struct gen *g, const char *key)
{
	for (int i = 0; i < g->ninds; i++)
		if (!strcmp(g->inds[i].key, key))
			return i;
	return -1;
}

static bool has_level(const char *levels, int level)
{
	return strchr(levels, '0' + level) != NULL;
}

static int load_occupations(struct gen *g)
{
	json_t *arr = NULL;
	int rc = list_all(g, "occupation", NULL, 0, &arr);
	if (rc != DT_OK)
		return rc;
	size_t n = json_array_size(arr);
	g->occs = calloc(n + 1, sizeof(*g->occs));
	g->inds = calloc(n + 1, sizeof(*g->inds));
	if (!g->occs || !g->inds) {
		json_decref(arr);
		return dt_error(g->err, DT_ENOMEM, "out of memory");
	}
	size_t i;
	json_t *r;
	json_array_foreach(arr, i, r) {
		const char *levels = json_string_value(json_object_get(r, "levels"));
		const char *ind = json_string_value(json_object_get(r, "industry"));
		if (!levels || !ind || !*ind)
			continue;
		/* A programme trains to level 4 or 3; skip occupations offering neither. */
		if (!has_level(levels, 4) && !has_level(levels, 3))
			continue;
		struct occ *o = &g->occs[g->noccs];
		o->id = json_integer_value(json_object_get(r, "id"));
		o->code = xstrdup(json_string_value(json_object_get(r, "code")));
		o->name = xstrdup(json_string_value(json_object_get(r, "name_zh")));
		o->levels = xstrdup(levels);
		int k = industry_find(g, ind);
		if (k < 0) {
			k = g->ninds++;
			g->inds[k].key = xstrdup(ind);
			g->inds[k].occs = calloc(n, sizeof(int));
		}
		if (!o->code || !o->name || !o->levels || !g->inds[k].key || !g->inds[k].occs) {
			g->noccs++; /* freed with the rest */
			json_decref(arr);
			return dt_error(g->err, DT_ENOMEM, "out of memory");
		}
		o->industry = k;
		g->inds[k].occs[g->inds[k].nocc++] = g->noccs;
		g->noccs++;
	}
	json_decref(arr);
	if (!g->noccs)
		return dt_error(g->err, DT_EINVAL,
				"the occupation catalogue is empty (load the occupations first)");
	/* Each city's industries, as far as the catalogue has them. */
	for (int k = 0; k < NCITIES; k++) {
		struct city *c = &g->cities[k];
		c->nind = c->iwsum = 0;
		for (int j = 0; j < 8 && c->def->ind[j]; j++) {
			int x = industry_find(g, c->def->ind[j]);
			if (x < 0)
				continue;
			c->ind[c->nind] = x;
			c->iw[c->nind] = c->def->iw[j];
			c->iwsum += c->def->iw[j];
			c->nind++;
		}
		if (c->nind == 0) {
			/* A catalogue of other industries: take what there is. */
			for (int j = 0; j < g->ninds && j < 8; j++) {
				c->ind[j] = j;
				c->iw[j] = 1;
			}
			c->nind = c->iwsum = g->ninds < 8 ? g->ninds : 8;
		}
	}
	return DT_OK;
}

/* ---- planning ---- */

/*
 * Split @n over the cities by weight, at least @min each (largest
 * remainders); returns the total given, more than @n when the minimum says so.
 */
static int apportion(int n, int min, int *out)
{
	int wsum = 0, given = 0;
	for (int k = 0; k < NCITIES; k++)
		wsum += city_defs[k].weight;
	double rem[NCITIES];
	for (int k = 0; k < NCITIES; k++) {
		double share = (double)n * city_defs[k].weight / wsum;
		out[k] = (int)share;
		rem[k] = share - out[k];
		if (out[k] < min) {
			out[k] = min;
			rem[k] = 0;
		}
		given += out[k];
	}
	while (given < n) {
		int best = 0;
		for (int k = 1; k < NCITIES; k++)
			if (rem[k] > rem[best])
				best = k;
		out[best]++;
		rem[best] = -1;
		given++;
	}
	return given;
}

static int county_of_city(struct gen *g, int city)
{
	struct city *c = &g->cities[city];
	return g->counties[c->c0 + (int)dt_demo_rng_below(&g->rng, (uint32_t)(c->c1 - c->c0))].code;
}

static int pick_level(struct gen *g, const char *levels)
{
	int want = dt_demo_rng_chance(&g->rng, 0.65) ? 4 : 3;
	if (has_level(levels, want))
		return want;
	return has_level(levels, 7 - want) ? 7 - want : 3;
}

static int plan_schools(struct gen *g)
{
	int per[NCITIES];
	int want = (int)((g->n * DEMO_SCHOOLS + DEMO_TRAINEES - 1) / DEMO_TRAINEES);
	g->nsch = apportion(want < NCITIES ? NCITIES : want, 1, per);
	g->schools = calloc((size_t)g->nsch, sizeof(*g->schools));
	g->progs = calloc((size_t)g->nsch * 5, sizeof(*g->progs));
	if (!g->schools || !g->progs)
		return dt_error(g->err, DT_ENOMEM, "out of memory");
	int s = 0;
	for (int k = 0; k < NCITIES; k++) {
		struct city *c = &g->cities[k];
		c->nsch = per[k];
		for (int j = 0; j < per[k]; j++, s++) {
			struct org *o = &g->schools[s];
			o->is_school = true;
			o->city = k;
			o->region = county_of_city(g, k);
			o->industry = c->ind[j % c->nind]; /* main industries first */
			o->size = dt_demo_rng_chance(&g->rng, 0.5) ? 3 : 2;
			int second = c->ind[pick_weighted(&g->rng, c->iw, c->nind, c->iwsum)];
			bool two = second != o->industry && dt_demo_rng_chance(&g->rng, 0.6);
			/* Programmes: distinct occupations of the school's one or two industries. */
			int np = dt_demo_rng_range(&g->rng, 2, 5);
			o->prog0 = g->nprog;
			for (int t = 0; t < np * 4 && o->nprog < np; t++) {
				int ind = two && dt_demo_rng_chance(&g->rng, 0.35) ? second : o->industry;
				const struct industry *in = &g->inds[ind];
				int occ = in->occs[dt_demo_rng_below(&g->rng, (uint32_t)in->nocc)];
				bool dup = false;
				for (int q = o->prog0; q < g->nprog; q++)
					dup |= g->progs[q].occ == occ;
				if (dup)
					continue;
				struct prog *p = &g->progs[g->nprog++];
				p->school = s;
				p->occ = occ;
				p->level = pick_level(g, g->occs[occ].levels);
				if (p->level == 4)
					p->months = dt_demo_rng_chance(&g->rng, 0.4) ? 24 : 36;
				else
					p->months = dt_demo_rng_chance(&g->rng, 0.7) ? 36 : 30;
				int total = p->months * dt_demo_rng_range(&g->rng, 85, 100) / 10 * 10;
				p->company_h = (int)(total * (0.50 + 0.10 * dt_demo_rng_unit(&g->rng))) / 10 * 10;
				p->school_h = total - p->company_h;
				o->nprog++;
			}
		}
	}
	return DT_OK;
}

static bool ilist_add(struct ilist *l, int x)
{
	if (l->n == l->cap) {
		int cap = l->cap ? l->cap * 2 : 8;
		int *v = realloc(l->v, (size_t)cap * sizeof(int));
		if (!v)
			return false;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = x;
	return true;
}

static int ilist_pick(struct gen *g, const struct ilist *l)
{
	return l->v[dt_demo_rng_below(&g->rng, (uint32_t)l->n)];
}

/*
 * A partner school for an enterprise of @city and @ind: mostly a school of
 * the same city training for its industry, else one of the province that
 * does, else any school of the city.  Lists are per city and industry
 * (ci), per province and industry (pi) and per city (c).
 */
static int pick_partner(struct gen *g, const struct ilist *ci, const struct ilist *pi,
			const struct ilist *c)
{
	double u = dt_demo_rng_unit(&g->rng);
	if (u < 0.75 && ci->n)
		return ilist_pick(g, ci);
	if (u < 0.90 && pi->n)
		return ilist_pick(g, pi);
	return ilist_pick(g, c);
}

static int plan_enterprises(struct gen *g)
{
	static const double size_w[4] = { 0.5, 1.0, 2.0, 4.0 };
	static const int mentors[4] = { 1, 2, 3, 6 };
	int per[NCITIES];
	int want = (int)((g->n * DEMO_ENTERPRISES + DEMO_TRAINEES - 1) / DEMO_TRAINEES);
	g->nent = apportion(want < 3 * NCITIES ? 3 * NCITIES : want, 3, per);
	g->ents = calloc((size_t)g->nent, sizeof(*g->ents));
	g->slots = calloc((size_t)g->nent * 4, sizeof(*g->slots));
	g->slot_cum = calloc((size_t)g->nent * 4, sizeof(*g->slot_cum));
	struct ilist *ci = calloc((size_t)NCITIES * (size_t)g->ninds, sizeof(*ci));
	struct ilist *pi = calloc((size_t)NPROVINCES * (size_t)g->ninds, sizeof(*pi));
	struct ilist cl[NCITIES] = { { NULL, 0, 0 } };
	int rc = DT_OK;
	if (!g->ents || !g->slots || !g->slot_cum || !ci || !pi) {
		rc = dt_error(g->err, DT_ENOMEM, "out of memory");
		goto out;
	}
	for (int s = 0; s < g->nsch; s++) {
		const struct org *sch = &g->schools[s];
		int pidx = g->cities[sch->city].pidx;
		bool ok = ilist_add(&cl[sch->city], s);
		for (int ind = 0; ind < g->ninds && ok; ind++) {
			bool has = false;
			for (int q = sch->prog0; q < sch->prog0 + sch->nprog; q++)
				has |= g->occs[g->progs[q].occ].industry == ind;
			if (has)
				ok = ilist_add(&ci[sch->city * g->ninds + ind], s) &&
				     ilist_add(&pi[pidx * g->ninds + ind], s);
		}
		if (!ok) {
			rc = dt_error(g->err, DT_ENOMEM, "out of memory");
			goto out;
		}
	}
	int e = 0;
	for (int k = 0; k < NCITIES; k++) {
		struct city *c = &g->cities[k];
		c->nent = per[k];
		for (int j = 0; j < per[k]; j++, e++) {
			struct org *o = &g->ents[e];
			o->city = k;
			o->region = county_of_city(g, k);
			o->industry = c->ind[pick_weighted(&g->rng, c->iw, c->nind, c->iwsum)];
			double u = dt_demo_rng_unit(&g->rng);
			o->size = u < 0.10 ? 0 : u < 0.45 ? 1 : u < 0.80 ? 2 : 3;
			o->nmentors = mentors[o->size];
			const struct ilist *lci = &ci[k * g->ninds + o->industry];
			const struct ilist *lpi = &pi[c->pidx * g->ninds + o->industry];
			int want_p = dt_demo_rng_chance(&g->rng, 0.4) ? 2 : 1;
			for (int tries = 0; o->npartners < want_p && tries < 8; tries++) {
				int s = pick_partner(g, lci, lpi, &cl[k]);
				if (o->npartners && o->partners[0] == s)
					continue;
				o->partners[o->npartners++] = s;
				if (!ilist_add(&g->schools[s].ents, e)) {
					rc = dt_error(g->err, DT_ENOMEM, "out of memory");
					goto out;
				}
			}
			/* Training slots: programmes of the partner schools, its own industry first. */
			o->slot0 = g->nslots;
			for (int p = 0; p < o->npartners; p++) {
				const struct org *sch = &g->schools[o->partners[p]];
				int fit[5], nfit = 0;
				for (int q = sch->prog0; q < sch->prog0 + sch->nprog; q++)
					if (g->occs[g->progs[q].occ].industry == o->industry)
						fit[nfit++] = q;
				if (!nfit)
					for (int q = sch->prog0; q < sch->prog0 + sch->nprog; q++)
						fit[nfit++] = q;
				int ns = o->size >= 2 && nfit > 1 && dt_demo_rng_chance(&g->rng, 0.4) ? 2 : 1;
				int first = (int)dt_demo_rng_below(&g->rng, (uint32_t)nfit);
				for (int t = 0; t < ns; t++) {
					struct slot *sl = &g->slots[g->nslots++];
					sl->ent = e;
					sl->prog = fit[(first + t) % nfit];
				}
			}
			o->nslots = g->nslots - o->slot0;
			o->weight = size_w[o->size];
		}
	}
	double cum = 0;
	for (int i = 0; i < g->nslots; i++) {
		const struct org *o = &g->ents[g->slots[i].ent];
		cum += o->weight / o->nslots;
		g->slot_cum[i] = cum;
	}
out:
	for (int i = 0; ci && i < NCITIES * g->ninds; i++)
		free(ci[i].v);
	for (int i = 0; pi && i < NPROVINCES * g->ninds; i++)
		free(pi[i].v);
	for (int i = 0; i < NCITIES; i++)
		free(cl[i].v);
	free(ci);
	free(pi);
	return rc;
}

static int sample_slot(struct gen *g)
{
	double x = dt_demo_rng_unit(&g->rng) * g->slot_cum[g->nslots - 1];
	int lo = 0, hi = g->nslots - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (g->slot_cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int year_index(struct gen *g, int32_t start)
{
	int y = dt_date_from_days(start).year - g->year0;
	return clampi(y, 0, NYEARS - 1);
}

/*
 * Each trainee's slot, start date and kind.  Starts: the four Septembers
 * back from today carry most intakes, Marches some, the rest any first of a
 * month in between; drafts and pending contracts start next month or next
 * March.
 */
static int plan_trainees(struct gen *g)
{
	g->plans = calloc((size_t)g->n, sizeof(*g->plans));
	if (!g->plans)
		return dt_error(g->err, DT_ENOMEM, "out of memory");
	int32_t first_of_month = days_of(g->today_d.year, g->today_d.month, 1);
	int32_t next_month = add_months(first_of_month, 1);
	int32_t next_march = days_of(g->today_d.year + (g->today_d.month >= 3 ? 1 : 0), 3, 1);
	int span = (int)((g->today_d.year - g->year0) * 12 + g->today_d.month - 9); /* months since first_sept */
	for (int64_t i = 0; i < g->n; i++) {
		struct plan *p = &g->plans[i];
		p->slot = sample_slot(g);
		double u = dt_demo_rng_unit(&g->rng);
		if (u < 0.03) {
			p->kind = PLAN_NONE;
			p->start = g->today;
			continue;
		}
		if (u < 0.065) {
			p->kind = u < 0.045 ? PLAN_DRAFT : PLAN_PENDING;
			p->start = dt_demo_rng_chance(&g->rng, 0.4) ? next_month : next_march;
		} else {
			p->kind = PLAN_STARTED;
			double v = dt_demo_rng_unit(&g->rng);
			int y = (int)dt_demo_rng_below(&g->rng, 4); /* 0..3: Septembers year0 .. year0+3 */
			if (v < 0.80) {
				p->start = days_of(g->year0 + y, 9, 1);
			} else if (v < 0.90 && y > 0) {
				p->start = days_of(g->year0 + y, 3, 1);
			} else {
				p->start = add_months(g->first_sept, (int)dt_demo_rng_below(&g->rng, (uint32_t)span + 1));
			}
			if (p->start > g->today)
				p->start = first_of_month;
		}
		struct slot *sl = &g->slots[p->slot];
		sl->intake[year_index(g, p->start)]++;
		g->cities[g->ents[sl->ent].city].trainees++;
	}
	return DT_OK;
}

/* ---- writing the organisations ---- */

static int write_pilots(struct gen *g)
{
	for (int p = 0; p < NPROVINCES; p++) {
		const struct province_def *d = &province_defs[p];
		json_t *obj = NULL;
		int rc = dt_store_get(g->s, NULL, "region", d->code, 0, &obj, g->err);
		if (rc != DT_OK)
			return rc;
		const char *pname = json_string_value(json_object_get(obj, "name_zh"));
		int64_t tr = 0;
		int ne = 0, ns = 0;
		struct dt_strbuf cities = DT_STRBUF_INIT, name = DT_STRBUF_INIT, goals = DT_STRBUF_INIT,
				 units = DT_STRBUF_INIT;
		for (int k = 0; k < NCITIES; k++) {
			if (g->cities[k].pidx != p)
				continue;
			tr += g->cities[k].trainees;
			ne += g->cities[k].nent;
			ns += g->cities[k].nsch;
			dt_strbuf_addf(&cities, "%s%s", cities.len ? "、" : "", g->cities[k].name);
		}
		dt_strbuf_addf(&name, "%s双元培育试点", pname);
		dt_strbuf_addf(&goals,
			       "到2026年底，%s（%s）双元培育覆盖%d所职业院校、%d家企业，累计签订三方培养合同%lld份以上；"
			       "企业参与率不低于60%%，学员合同解除率控制在10%%以内，结业学员企业留用率达到60%%以上；"
			       "建立省级目标评价体系，按年度对试点城市开展评估考核。",
			       pname, cities.buf, ns, ne, (long long)(tr / 100 * 100 + 100));
		dt_strbuf_addf(&units, "%s发展和改革委员会、%s教育厅、%s人力资源和社会保障厅、国家开发银行%s分行",
			       pname, d->dept, d->dept, pname);
		json_decref(obj);
		char code[8];
		snprintf(code, sizeof(code), "%06d", d->code);
		json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "region", code, "name", name.buf,
			       "period_start", "2024-01-01", "period_end", "2026-12-31", "goals",
			       goals.buf, "positioning", d->positioning, "responsible_units", units.buf);
		rc = w_create(g, "pilot", in, NULL, "pilot %06d", d->code);
		dt_strbuf_release(&cities);
		dt_strbuf_release(&name);
		dt_strbuf_release(&goals);
		dt_strbuf_release(&units);
		if (rc != DT_OK)
			return rc;
		g->st->pilots++;
	}
	for (int k = 0; k < NCITIES; k++) {
		struct city *c = &g->cities[k];
		struct dt_strbuf name = DT_STRBUF_INIT, goals = DT_STRBUF_INIT;
		int nprog = 0;
		for (int q = 0; q < g->nprog; q++)
			nprog += g->schools[g->progs[q].school].city == k;
		dt_strbuf_addf(&name, "%s双元培育试点", c->name);
		dt_strbuf_addf(&goals,
			       "到2026年底，建成%d个校企双元培育项目，%d家企业参与，累计培养技术技能人才%lld人；"
			       "企业培训学时占比不低于50%%，学员月津贴不低于当地最低工资标准，"
			       "年度合同解除率控制在10%%以内，结业学员企业留用率达到60%%以上，技能等级证书获取率达到85%%。",
			       nprog, c->nent, (long long)(c->trainees / 50 * 50 + 50));
		char code[8];
		snprintf(code, sizeof(code), "%06d", c->def->code);
		json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "region", code, "name",
				       name.buf, "period_start", "2024-01-01", "period_end", "2026-12-31",
				       "goals", goals.buf, "positioning", c->def->positioning,
				       "responsible_units",
				       "市发展改革委、市教育局、市人力资源社会保障局、市工业和信息化局、市财政局");
		int rc = w_create(g, "pilot", in, NULL, "pilot %06d", c->def->code);
		dt_strbuf_release(&name);
		dt_strbuf_release(&goals);
		if (rc != DT_OK)
			return rc;
		g->st->pilots++;
	}
	return DT_OK;
}

static void contact(struct gen *g, uint64_t tag, uint64_t idx, struct dt_strbuf *name)
{
	struct dt_demo_rng r;
	derive(g, &r, tag, idx, 0);
	dt_demo_person_name(&r, dt_demo_rng_chance(&r, 0.5) ? 'M' : 'F', name);
}

static void landline(struct gen *g, const char *area, char out[24])
{
	snprintf(out, 24, "%s-%d%07d", area, dt_demo_rng_range(&g->rng, 2, 8),
		 dt_demo_rng_range(&g->rng, 0, 9999999));
}

/* Create one organisation; the fields after @name may be NULL. */
static int org_create(struct gen *g, const char *kind, char auth, char type, int region,
		      const char *name, const char *industry, const char *size, int city,
		      int64_t *id)
{
	char uscc[DT_USCC_LEN + 1], code[8], phone[24];
	make_uscc(g, auth, type, region, uscc);
	snprintf(code, sizeof(code), "%06d", region);
	struct dt_strbuf addr = DT_STRBUF_INIT, cname = DT_STRBUF_INIT;
	const char *county = "";
	for (int c = g->cities[city].c0; c < g->cities[city].c1; c++)
		if (g->counties[c].code == region)
			county = g->counties[c].name;
	dt_strbuf_addf(&addr, "%s%s", g->cities[city].name, county);
	dt_demo_street(&g->rng, &addr);
	contact(g, 1, g->org_counter, &cname);
	landline(g, g->cities[city].def->area, phone);
	json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kind", kind, "uscc", uscc,
			       "name", name, "region", code, "address", addr.buf, "contact_name",
			       cname.buf, "contact_phone", phone);
	if (in && industry)
		json_object_set_new(in, "industry", json_string(industry));
	if (in && size)
		json_object_set_new(in, "size", json_string(size));
	int rc = w_create(g, "organization", in, id, "organization %s (%s)", uscc, name);
	dt_strbuf_release(&addr);
	dt_strbuf_release(&cname);
	return rc;
}

static const char *const size_names[4] = { "micro", "small", "medium", "large" };

static int write_authorities(struct gen *g)
{
	static const char *const city_depts[] = { "发展和改革委员会", "教育局", "人力资源和社会保障局" };
	static const char *const prov_depts[] = { "发展和改革委员会", "教育厅", "人力资源和社会保障厅" };
	int rc = DT_OK;
	for (int p = 0; p < NPROVINCES && rc == DT_OK; p++) {
		json_t *obj = NULL;
		rc = dt_store_get(g->s, NULL, "region", province_defs[p].code, 0, &obj, g->err);
		if (rc != DT_OK)
			break;
		/* The province capital's city (first listed pilot city) gives the address. */
		int city = 0;
		for (int k = NCITIES - 1; k >= 0; k--)
			if (g->cities[k].pidx == p)
				city = k;
		for (size_t d = 0; d < DT_ARRAY_SIZE(prov_depts) && rc == DT_OK; d++) {
			struct dt_strbuf name = DT_STRBUF_INIT;
			dt_strbuf_addf(&name, "%s%s", json_string_value(json_object_get(obj, "name_zh")),
				       prov_depts[d]);
			rc = org_create(g, "government", '1', '1', province_defs[p].code, name.buf, NULL,
					NULL, city, NULL);
			dt_strbuf_release(&name);
		}
		json_decref(obj);
	}
	for (int k = 0; k < NCITIES && rc == DT_OK; k++) {
		struct city *c = &g->cities[k];
		for (size_t d = 0; d < DT_ARRAY_SIZE(city_depts) && rc == DT_OK; d++) {
			struct dt_strbuf name = DT_STRBUF_INIT;
			dt_strbuf_addf(&name, "%s%s", c->name, city_depts[d]);
			rc = org_create(g, "government", '1', '1', c->def->code, name.buf, NULL, NULL, k, NULL);
			dt_strbuf_release(&name);
		}
		struct dt_strbuf name = DT_STRBUF_INIT;
		dt_strbuf_addf(&name, "%s职业技能鉴定指导中心", c->name);
		if (rc == DT_OK)
			rc = org_create(g, "assessment_body", '1', '2', c->def->code, name.buf, NULL,
					"medium", k, &c->assessors[0]);
		do {
			dt_strbuf_reset(&name);
			dt_demo_assessor_name(&g->rng, c->def->short_zh, &name);
		} while (!names_add(g, name.buf));
		if (rc == DT_OK)
			rc = org_create(g, "assessment_body", '9', '1', county_of_city(g, k), name.buf,
					NULL, "small", k, &c->assessors[1]);
		c->nassessors = 2;
		dt_strbuf_release(&name);
	}
	return rc;
}

/* A name not used before: a few draws from the word lists, then a numbered variant. */
static void unique_name(struct gen *g, const struct org *o, struct dt_strbuf *name)
{
	const struct city *c = &g->cities[o->city];
	const char *ind = g->inds[o->industry].key;
	for (int t = 0; t < 8; t++) {
		dt_strbuf_reset(name);
		if (o->is_school)
			dt_demo_school_name(&g->rng, c->def->short_zh, ind, name);
		else
			dt_demo_enterprise_name(&g->rng, c->def->short_zh, ind, o->size == 3, name);
		if (names_add(g, name->buf))
			return;
	}
	size_t base = name->len;
	for (int n = 2;; n++) {
		dt_strbuf_setlen(name, base);
		dt_strbuf_addf(name, o->is_school ? "（第%d校区）" : "（第%d分公司）", n);
		if (names_add(g, name->buf) || n > 100000)
			return;
	}
}

static int write_schools(struct gen *g)
{
	struct dt_strbuf name = DT_STRBUF_INIT;
	int rc = DT_OK;
	for (int s = 0; s < g->nsch && rc == DT_OK; s++) {
		struct org *o = &g->schools[s];
		unique_name(g, o, &name);
		bool private = dt_demo_rng_chance(&g->rng, 0.2);
		rc = org_create(g, "school", private ? '5' : '1', '2', o->region, name.buf,
				g->inds[o->industry].key, size_names[o->size], o->city, &o->id);
		if (rc == DT_OK)
			g->st->schools++;
		for (int q = o->prog0; q < o->prog0 + o->nprog && rc == DT_OK; q++) {
			struct prog *p = &g->progs[q];
			const struct occ *oc = &g->occs[p->occ];
			struct dt_strbuf code = DT_STRBUF_INIT, pname = DT_STRBUF_INIT;
			dt_strbuf_addf(&code, "P%05d-%s-L%d", s + 1, oc->code, p->level);
			dt_strbuf_addf(&pname, "%s（%s）双元培育项目", oc->name, p->level == 4 ? "四级/中级工" : "三级/高级工");
			json_t *in = json_pack("{s:s, s:s, s:I, s:I, s:i, s:i, s:i, s:i}", "code", code.buf,
					       "name", pname.buf, "school_id", (json_int_t)o->id,
					       "occupation_id", (json_int_t)oc->id, "level", p->level,
					       "duration_months", p->months, "company_hours", p->company_h,
					       "school_hours", p->school_h);
			rc = w_create(g, "programme", in, &p->id, "programme %s", code.buf);
			if (rc == DT_OK)
				g->st->programmes++;
			dt_strbuf_release(&code);
			dt_strbuf_release(&pname);
		}
		if (rc == DT_OK)
			rc = batch(g, false);
	}
	dt_strbuf_release(&name);
	return rc;
}

static int write_enterprises(struct gen *g)
{
	struct dt_strbuf name = DT_STRBUF_INIT;
	int rc = DT_OK;
	char start[DT_DATE_STRLEN], end[DT_DATE_STRLEN];
	for (int e = 0; e < g->nent && rc == DT_OK; e++) {
		struct org *o = &g->ents[e];
		unique_name(g, o, &name);
		rc = org_create(g, "enterprise", '9', '1', o->region, name.buf, g->inds[o->industry].key,
				size_names[o->size], o->city, &o->id);
		if (rc == DT_OK)
			g->st->enterprises++;
		/* Partnerships, sized by the places this enterprise will offer the school. */
		for (int p = 0; p < o->npartners && rc == DT_OK; p++) {
			const struct org *sch = &g->schools[o->partners[p]];
			int places = 0;
			for (int t = o->slot0; t < o->slot0 + o->nslots; t++)
				if (g->progs[g->slots[t].prog].school == o->partners[p])
					for (int y = 0; y < NYEARS; y++)
						places += g->slots[t].intake[y];
			places = places / 4 + dt_demo_rng_range(&g->rng, 1, 4);
			int32_t s0 = add_months(g->first_sept, -(int)dt_demo_rng_range(&g->rng, 2, 8));
			date_str(s0, start);
			json_t *in = json_pack("{s:I, s:I, s:i, s:s}", "enterprise_id", (json_int_t)o->id,
					       "school_id", (json_int_t)sch->id, "places_per_year", places,
					       "start_date", start);
			if (in && dt_demo_rng_chance(&g->rng, 0.6)) {
				date_str(add_months(s0, 60) - 1, end);
				json_object_set_new(in, "end_date", json_string(end));
			}
			rc = w_create(g, "partnership", in, NULL, "partnership of enterprise %lld and school %lld",
				      (long long)o->id, (long long)sch->id);
			if (rc == DT_OK)
				g->st->partnerships++;
		}
		if (rc == DT_OK)
			rc = batch(g, false);
	}
	dt_strbuf_release(&name);
	return rc;
}

/*
 * Places for every slot and intake year (and always for the three calendar
 * years up to today's), then each enterprise's demand per year: the
 * occupations it trains for, sized around its places, sometimes one more
 * occupation of its industry that no school offers it yet.
 */
static int write_places_and_demand(struct gen *g)
{
	int rc = DT_OK;
	int y_last = g->today_d.year;
	for (int e = 0; e < g->nent && rc == DT_OK; e++) {
		struct org *o = &g->ents[e];
		for (int t = o->slot0; t < o->slot0 + o->nslots && rc == DT_OK; t++) {
			struct slot *sl = &g->slots[t];
			for (int y = 0; y < NYEARS && rc == DT_OK; y++) {
				int year = g->year0 + y;
				bool always = year >= y_last - 2 && year <= y_last;
				if (!sl->intake[y] && !always)
					continue;
				int cap = sl->intake[y] + dt_demo_rng_range(&g->rng, 0, 3);
				if (cap < 1)
					cap = 1;
				json_t *in = json_pack("{s:I, s:I, s:i, s:i}", "enterprise_id", (json_int_t)o->id,
						       "programme_id", (json_int_t)g->progs[sl->prog].id,
						       "year", year, "capacity", cap);
				rc = w_create(g, "place", in, NULL, "place of enterprise %lld, programme %lld, %d",
					      (long long)o->id, (long long)g->progs[sl->prog].id, year);
				if (rc == DT_OK)
					g->st->places++;
			}
		}
		for (int year = y_last - 2; year <= y_last && rc == DT_OK; year++) {
			int y = year - g->year0;
			int seen_occ[6], seen_lv[6], nseen = 0;
			for (int t = o->slot0; t <= o->slot0 + o->nslots && rc == DT_OK; t++) {
				int occ, level, count;
				if (t < o->slot0 + o->nslots) {
					const struct prog *p = &g->progs[g->slots[t].prog];
					occ = p->occ;
					level = p->level;
					int in_y = y >= 0 && y < NYEARS ? g->slots[t].intake[y] : 0;
					count = (int)lround((in_y + 1) * (0.7 + 0.9 * dt_demo_rng_unit(&g->rng)));
				} else {
					/* One more need of its industry, now and then. */
					if (!dt_demo_rng_chance(&g->rng, 0.3))
						break;
					const struct industry *in = &g->inds[o->industry];
					occ = in->occs[dt_demo_rng_below(&g->rng, (uint32_t)in->nocc)];
					level = pick_level(g, g->occs[occ].levels);
					count = dt_demo_rng_range(&g->rng, 1, 6);
				}
				bool dup = false;
				for (int q = 0; q < nseen; q++)
					dup |= seen_occ[q] == occ && seen_lv[q] == level;
				if (dup || !has_level(g->occs[occ].levels, level))
					continue;
				seen_occ[nseen] = occ;
				seen_lv[nseen++] = level;
				json_t *in = json_pack("{s:I, s:I, s:i, s:i, s:i}", "enterprise_id",
						       (json_int_t)o->id, "occupation_id",
						       (json_int_t)g->occs[occ].id, "level", level, "year",
						       year, "count", count < 1 ? 1 : count);
				rc = w_create(g, "demand", in, NULL, "demand of enterprise %lld for %s, %d",
					      (long long)o->id, g->occs[occ].code, year);
				if (rc == DT_OK)
					g->st->demands++;
			}
		}
		if (rc == DT_OK)
			rc = batch(g, false);
	}
	return rc;
}

/* ---- trainees and their contracts ---- */

static void mentor_name(struct gen *g, uint64_t tag, uint64_t idx, uint64_t k, struct dt_strbuf *out)
{
	struct dt_demo_rng r;
	derive(g, &r, tag, idx, k);
	dt_demo_person_name(&r, dt_demo_rng_chance(&r, 0.55) ? 'M' : 'F', out);
}

/*
 * A national ID unique by construction: per (county, birth day) cell each
 * gender counts up, and the k-th man or woman of a cell gets a sequence
 * number from a bijection of k (odd for men, even for women).  A full cell
 * (500 of one gender born the same day in one county) moves the birth a day
 * earlier.
 */
static int make_natid(struct gen *g, int county_idx, int32_t *birth, char gender, char out[DT_NATID_LEN + 1])
{
	for (;;) {
		int32_t d = *birth - g->cell_base;
		if (d < 0 || d >= g->cell_days)
			return dt_error(g->err, DT_EINTERNAL, "birth date out of the planned range");
		uint16_t *cnt = &g->cells[((size_t)county_idx * (size_t)g->cell_days + (size_t)d) * 2 +
					  (gender == 'F')];
		int cap = gender == 'F' ? 499 : 500;
		if (*cnt >= cap) {
			(*birth)--;
			continue;
		}
		unsigned k = (*cnt)++;
		uint64_t hx = ((uint64_t)county_idx << 32) ^ (uint64_t)d ^ g->seed;
		unsigned h = (unsigned)(dt_demo_splitmix(&hx) % (unsigned)cap);
		unsigned m = (k * 7 + h) % (unsigned)cap;
		unsigned seq = gender == 'F' ? 2 * m + 2 : 2 * m + 1;
		struct dt_date b = dt_date_from_days(*birth);
		snprintf(out, DT_NATID_LEN + 1, "%06d%04d%02d%02d%03u", g->counties[county_idx].code,
			 b.year, b.month, b.day, seq);
		out[17] = dt_natid_check_char(out);
		out[18] = 0;
		return DT_OK;
	}
}

static const char *const mobile_prefix[] = { "130", "131", "132", "133", "135", "136", "137", "138",
					     "139", "150", "151", "152", "155", "156", "157", "158",
					     "159", "176", "177", "178", "180", "181", "182", "183",
					     "185", "186", "187", "188", "189", "199" };

static int write_trainee(struct gen *g, int64_t i, const struct plan *p, int school_city,
			 int64_t *tid)
{
	/* Age at the contract start (or today): 16..24, most 16-19. */
	static const int age_w[9] = { 18, 20, 17, 14, 10, 8, 6, 4, 3 };
	int age = 16 + pick_weighted(&g->rng, age_w, 9, 100);
	if (p->kind == PLAN_NONE && age > 21)
		age -= 4;
	int32_t birth = dt_date_to_days(dt_date_add_months(dt_date_from_days(p->start), -12 * age)) -
			dt_demo_rng_range(&g->rng, 1, 364);
	if (age_on(dt_date_from_days(birth), g->today_d) < 16)
		birth = dt_date_to_days(dt_date_add_months(dt_date_from_days(birth), -12));
	char gender = dt_demo_rng_chance(&g->rng, 0.58) ? 'M' : 'F';
	/* Home county: mostly the school's city, otherwise anywhere in its province. */
	const struct city *c = &g->cities[school_city];
	int ci;
	if (dt_demo_rng_chance(&g->rng, 0.7))
		ci = c->c0 + (int)dt_demo_rng_below(&g->rng, (uint32_t)(c->c1 - c->c0));
	else
		ci = g->prov_c0[c->pidx] +
		     (int)dt_demo_rng_below(&g->rng, (uint32_t)(g->prov_c1[c->pidx] - g->prov_c0[c->pidx]));
	char natid[DT_NATID_LEN + 1], bdate[DT_DATE_STRLEN], region[8], phone[16];
	int rc = make_natid(g, ci, &birth, gender, natid);
	if (rc != DT_OK)
		return rc;
	date_str(birth, bdate);
	snprintf(region, sizeof(region), "%06d", g->counties[ci].code);
	snprintf(phone, sizeof(phone), "%s%08u", mobile_prefix[dt_demo_rng_below(&g->rng, DT_ARRAY_SIZE(mobile_prefix))],
		 dt_demo_rng_below(&g->rng, 100000000));
	struct dt_strbuf name = DT_STRBUF_INIT, surname = DT_STRBUF_INIT;
	dt_demo_surname(&g->rng, &surname);
	dt_strbuf_adds(&name, surname.buf);
	dt_demo_given_name(&g->rng, gender, &name);
	json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "national_id", natid, "name", name.buf,
			       "gender", gender == 'M' ? "M" : "F", "birth_date", bdate, "region", region,
			       "phone", phone);
	if (in && age_on(dt_date_from_days(birth), g->today_d) < 18) {
		dt_strbuf_reset(&name);
		dt_strbuf_adds(&name, surname.buf);
		dt_demo_given_name(&g->rng, dt_demo_rng_chance(&g->rng, 0.6) ? 'M' : 'F', &name);
		json_object_set_new(in, "guardian_name", json_string(name.buf));
	}
	rc = w_create(g, "trainee", in, tid, "trainee %lld", (long long)i + 1);
	dt_strbuf_release(&name);
	dt_strbuf_release(&surname);
	if (rc == DT_OK)
		g->st->trainees++;
	return rc;
}

/* What one contract needs to know while it is written. */
struct cctx {
	int64_t id;
	const struct prog *prog;
	const struct org *ent, *sch;
	int32_t start, end;
	double ratio; /* company share of the record book's hours */
	int stipend;
};

/*
 * Record-book entries from @from to @to (inclusive): per month (or quarter)
 * one entry at the company and one at the school, hours split by @c->ratio
 * and scaled down for a part period; entries older than two weeks are
 * signed off (almost all), the recent ones wait.
 */
static int write_entries(struct gen *g, const struct cctx *c, int32_t from, int32_t to)
{
	int step = g->monthly ? 1 : 3;
	int rc = DT_OK;
	const char *ind = g->inds[g->occs[c->prog->occ].industry].key;
	char date[DT_DATE_STRLEN];
	for (int32_t b = c->start; b <= to && rc == DT_OK; b = add_months(b, step)) {
		int32_t b_end = add_months(b, step) - 1;
		int32_t lo = max32(b, from), hi = min32(b_end, to);
		if (lo > hi)
			continue;
		double part = (double)(hi - lo + 1) / (double)(b_end - b + 1);
		if (part < 0.25)
			part = 0.25;
		double total = (g->monthly ? 30 : 36) + 10 * dt_demo_rng_unit(&g->rng);
		for (int site = 0; site < 2 && rc == DT_OK; site++) {
			double share = site == 0 ? c->ratio : 1 - c->ratio;
			double h = floor(total * share * part * 2 + 0.5) / 2;
			h = h < 1 ? 1 : h > 24 ? 24 : h;
			int32_t d = lo + (int32_t)dt_demo_rng_below(&g->rng, (uint32_t)(hi - lo + 1));
			date_str(d, date);
			json_t *in = json_pack("{s:I, s:s, s:s, s:f, s:s}", "contract_id", (json_int_t)c->id,
					       "date", date, "site", site == 0 ? "company" : "school",
					       "hours", h, "content", dt_demo_content(&g->rng, ind, site == 0));
			int64_t eid = 0;
			rc = w_create(g, "record_entry", in, &eid, "record-book entry of contract %lld on %s",
				      (long long)c->id, date);
			if (rc != DT_OK)
				break;
			g->st->entries++;
			if (d <= g->today - 14 && dt_demo_rng_chance(&g->rng, 0.97))
				rc = w_signoff(g, eid);
		}
	}
	return rc;
}

static int write_assessment(struct gen *g, const struct cctx *c, const char *kind, int32_t date,
			    bool pass, int level)
{
	char d[DT_DATE_STRLEN], cert[40];
	date_str(date, d);
	double score = pass ? 60 + dt_demo_rng_range(&g->rng, 0, 76) / 2.0
			    : 30 + dt_demo_rng_range(&g->rng, 0, 58) / 2.0;
	const struct city *city = &g->cities[c->ent->city];
	json_t *in = json_pack("{s:I, s:s, s:s, s:s, s:f, s:I}", "contract_id", (json_int_t)c->id,
			       "kind", kind, "date", d, "result", pass ? "pass" : "fail", "score", score,
			       "assessor_id",
			       (json_int_t)city->assessors[dt_demo_rng_below(&g->rng, (uint32_t)city->nassessors)]);
	if (in && level) {
		json_object_set_new(in, "level", json_integer(level));
		if (pass) {
			snprintf(cert, sizeof(cert), "S%04d%06d%07llu", dt_date_from_days(date).year,
				 city->def->code, (unsigned long long)++g->cert_counter);
			json_object_set_new(in, "certificate_no", json_string(cert));
		}
	}
	int rc = w_create(g, "assessment", in, NULL, "%s assessment of contract %lld", kind,
			  (long long)c->id);
	if (rc == DT_OK)
		g->st->assessments++;
	return rc;
}

/* Intermediate assessment about a year in, when it falls in [from, to]. */
static int maybe_intermediate(struct gen *g, const struct cctx *c, int32_t from, int32_t to)
{
	int32_t d = add_months(c->start, 12) + dt_demo_rng_range(&g->rng, 0, 45);
	if (d < from || d > to)
		return DT_OK;
	bool pass = dt_demo_rng_chance(&g->rng, 0.9);
	int rc = write_assessment(g, c, "intermediate", d, pass, 0);
	/* Half of those who pass take the entry-level certificate one level below the goal. */
	if (rc == DT_OK && pass && c->prog->level < 5 && dt_demo_rng_chance(&g->rng, 0.5))
		rc = write_assessment(g, c, "skill_level", min32(d + dt_demo_rng_range(&g->rng, 7, 30), to),
				      true, c->prog->level + 1);
	return rc;
}

/* Final assessment before the end: 85% pass; most who fail pass a second attempt. */
static int final_assessments(struct gen *g, const struct cctx *c, bool *passed)
{
	int32_t d = c->end - dt_demo_rng_range(&g->rng, 25, 60);
	bool pass = dt_demo_rng_chance(&g->rng, 0.85);
	int rc = write_assessment(g, c, "final", d, pass, c->prog->level);
	if (rc == DT_OK && !pass) {
		pass = dt_demo_rng_chance(&g->rng, 0.8);
		rc = write_assessment(g, c, "final", d + dt_demo_rng_range(&g->rng, 10, 20), pass,
				      c->prog->level);
	}
	if (rc == DT_OK && pass)
		rc = write_assessment(g, c, "skill_level", d + dt_demo_rng_range(&g->rng, 1, 5), true,
				      c->prog->level);
	*passed = pass;
	return rc;
}

static int write_outcome(struct gen *g, const struct cctx *c, int32_t ended, bool completed, bool passed)
{
	if (ended > g->today - 10)
		return DT_OK; /* too recent: nothing known yet */
	const char *kind;
	double u = dt_demo_rng_unit(&g->rng);
	if (completed) {
		double keep = passed ? 0.63 : 0.40;
		kind = u < keep ? "retained" : u < keep + 0.20 ? "employed_elsewhere"
				 : u < keep + 0.30	      ? "further_study"
							      : "not_employed";
	} else {
		if (!dt_demo_rng_chance(&g->rng, 0.6))
			return DT_OK;
		kind = u < 0.45 ? "employed_elsewhere" : u < 0.7 ? "further_study" : "not_employed";
	}
	char d[DT_DATE_STRLEN];
	date_str(min32(ended + dt_demo_rng_range(&g->rng, 0, 75), g->today), d);
	json_t *in = json_pack("{s:I, s:s, s:s}", "contract_id", (json_int_t)c->id, "kind", kind, "date", d);
	if (in && !strcmp(kind, "retained")) {
		json_object_set_new(in, "wage_monthly",
				    json_integer((c->stipend + dt_demo_rng_range(&g->rng, 1200, 3000)) / 50 * 50));
	} else if (in && !strcmp(kind, "employed_elsewhere")) {
		json_object_set_new(in, "wage_monthly",
				    json_integer(dt_demo_rng_range(&g->rng, 3200, 6500) / 50 * 50));
		/* Another enterprise of the same city. */
		int tries = 0;
		for (;;) {
			int e = (int)dt_demo_rng_below(&g->rng, (uint32_t)g->nent);
			if ((g->ents[e].city == c->ent->city && &g->ents[e] != c->ent) || ++tries > 50) {
				if (&g->ents[e] != c->ent)
					json_object_set_new(in, "employer_id", json_integer(g->ents[e].id));
				break;
			}
		}
	}
	int rc = w_create(g, "outcome", in, NULL, "outcome of contract %lld", (long long)c->id);
	if (rc == DT_OK)
		g->st->outcomes++;
	return rc;
}

static json_t *date_args(int32_t d)
{
	char s[DT_DATE_STRLEN];
	date_str(d, s);
	return json_pack("{s:s}", "date", s);
}

/* Submit, approve three times and activate. */
static int activate(struct gen *g, int64_t cid)
{
	int rc = w_act(g, cid, DT_CEV_SUBMIT, DT_PARTY_ENTERPRISE, NULL, NULL);
	for (int p = 0; p < DT_PARTY_N && rc == DT_OK; p++)
		rc = w_act(g, cid, DT_CEV_APPROVE, (enum dt_party)p, NULL, NULL);
	if (rc == DT_OK)
		rc = w_act(g, cid, DT_CEV_ACTIVATE, DT_PARTY_ENTERPRISE, NULL, NULL);
	return rc;
}

static int stipend_for(struct gen *g, const struct org *ent)
{
	const struct city *c = &g->cities[ent->city];
	int s;
	if (dt_demo_rng_chance(&g->rng, 0.05))
		s = dt_demo_rng_range(&g->rng, 1650, 2050); /* below the local minimum wage */
	else
		s = c->def->stipend + 150 * ent->size + dt_demo_rng_range(&g->rng, -450, 1300);
	return clampi(s, 1500, 4800) / 50 * 50;
}

static int write_contract_life(struct gen *g, int64_t i, const struct plan *p, int64_t tid)
{
	const struct slot *sl = &g->slots[p->slot];
	struct cctx c = { 0 };
	c.prog = &g->progs[sl->prog];
	c.ent = &g->ents[sl->ent];
	c.sch = &g->schools[c.prog->school];
	c.start = p->start;
	c.end = add_months(p->start, c.prog->months) - 1;
	c.stipend = stipend_for(g, c.ent);
	double plan = (double)c.prog->company_h / (c.prog->company_h + c.prog->school_h);
	c.ratio = plan + 0.05 * (2 * dt_demo_rng_unit(&g->rng) - 1);
	if (dt_demo_rng_chance(&g->rng, 0.08))
		c.ratio -= 0.12 + 0.08 * dt_demo_rng_unit(&g->rng); /* below plan */

	struct dt_strbuf cm = DT_STRBUF_INIT, sm = DT_STRBUF_INIT;
	int64_t ent_idx = c.ent - g->ents;
	mentor_name(g, 2, (uint64_t)ent_idx, dt_demo_rng_below(&g->rng, (uint32_t)c.ent->nmentors), &cm);
	mentor_name(g, 3, (uint64_t)(c.prog - g->progs), 0, &sm);
	char sd[DT_DATE_STRLEN], ed[DT_DATE_STRLEN];
	date_str(c.start, sd);
	date_str(c.end, ed);
	json_t *in = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:i, s:s, s:s}", "trainee_id",
			       (json_int_t)tid, "enterprise_id", (json_int_t)c.ent->id, "school_id",
			       (json_int_t)c.sch->id, "programme_id", (json_int_t)c.prog->id,
			       "company_mentor", cm.buf, "school_mentor", sm.buf, "stipend_monthly",
			       c.stipend, "start_date", sd, "end_date", ed);
	int rc = w_create(g, "contract", in, &c.id, "contract of trainee %lld", (long long)i + 1);
	dt_strbuf_release(&cm);
	dt_strbuf_release(&sm);
	if (rc != DT_OK)
		return rc;
	g->st->contracts++;
	if (p->kind == PLAN_DRAFT)
		return DT_OK;
	if (p->kind == PLAN_PENDING) {
		rc = w_act(g, c.id, DT_CEV_SUBMIT, DT_PARTY_ENTERPRISE, NULL, NULL);
		int napprove = (int)dt_demo_rng_below(&g->rng, 3);
		int first = (int)dt_demo_rng_below(&g->rng, 3);
		for (int k = 0; k < napprove && rc == DT_OK; k++)
			rc = w_act(g, c.id, DT_CEV_APPROVE, (enum dt_party)((first + k) % 3), NULL, NULL);
		return rc;
	}
	rc = activate(g, c.id);
	if (rc != DT_OK)
		return rc;

	/* How it ends: dissolved (8%), transferred (2%), completed when the end has passed. */
	double u = dt_demo_rng_unit(&g->rng);
	int32_t last = min32(c.end, g->today);
	if (u < 0.08) {
		int32_t d;
		if (dt_demo_rng_chance(&g->rng, 0.35))
			d = c.start + dt_demo_rng_range(&g->rng, 7, 85); /* in probation */
		else
			d = c.start + dt_demo_rng_range(&g->rng, 100, max32(100, c.end - c.start - 30));
		d = min32(d, min32(g->today - 1, c.end - 1));
		if (d < c.start)
			d = c.start;
		rc = write_entries(g, &c, c.start, d);
		if (rc == DT_OK)
			rc = maybe_intermediate(g, &c, c.start, d);
		if (rc == DT_OK) {
			json_t *args = date_args(d);
			if (args)
				json_object_set_new(args, "reason", json_string(dt_demo_dissolution_reason(&g->rng)));
			rc = w_act(g, c.id, DT_CEV_DISSOLVE, DT_PARTY_ENTERPRISE, args, NULL);
		}
		if (rc == DT_OK)
			rc = write_outcome(g, &c, d, false, false);
		return rc;
	}
	int32_t t_lo = c.start + 90, t_hi = min32(c.end - 60, g->today - 14);
	const struct org *sch = c.sch;
	if (u < 0.10 && t_lo <= t_hi && sch->ents.n > 1) {
		/* Transfer to another partner enterprise of the same school. */
		int32_t t = t_lo + (int32_t)dt_demo_rng_below(&g->rng, (uint32_t)(t_hi - t_lo + 1));
		const struct org *to = NULL;
		for (int tries = 0; tries < 16 && !to; tries++) {
			const struct org *o = &g->ents[ilist_pick(g, &sch->ents)];
			if (o != c.ent)
				to = o;
		}
		if (to) {
			rc = write_entries(g, &c, c.start, t - 1);
			if (rc == DT_OK)
				rc = maybe_intermediate(g, &c, c.start, t - 1);
			struct dt_strbuf m2 = DT_STRBUF_INIT;
			mentor_name(g, 2, (uint64_t)(to - g->ents), dt_demo_rng_below(&g->rng, (uint32_t)to->nmentors), &m2);
			json_t *args = date_args(t), *out = NULL;
			if (args) {
				json_object_set_new(args, "enterprise_id", json_integer(to->id));
				json_object_set_new(args, "company_mentor", json_string(m2.buf));
			}
			dt_strbuf_release(&m2);
			if (rc == DT_OK)
				rc = w_act(g, c.id, DT_CEV_TRANSFER, DT_PARTY_ENTERPRISE, args, &out);
			else
				json_decref(args);
			if (rc != DT_OK)
				return rc;
			g->st->contracts++;
			struct cctx c2 = c;
			c2.id = json_integer_value(json_object_get(json_object_get(out, "successor"), "id"));
			json_decref(out);
			c2.ent = to;
			c2.start = t;
			rc = activate(g, c2.id);
			if (rc == DT_OK)
				rc = write_entries(g, &c2, t, last);
			/* The intermediate assessment is due a year after the first contract began. */
			c2.start = c.start;
			if (rc == DT_OK)
				rc = maybe_intermediate(g, &c2, t, last);
			c2.start = t;
			if (rc == DT_OK && c.end < g->today) {
				bool passed = false;
				rc = final_assessments(g, &c2, &passed);
				if (rc == DT_OK)
					rc = w_act(g, c2.id, DT_CEV_COMPLETE, DT_PARTY_ENTERPRISE, date_args(c.end), NULL);
				if (rc == DT_OK)
					rc = write_outcome(g, &c2, c.end, true, passed);
			}
			return rc;
		}
	}
	rc = write_entries(g, &c, c.start, last);
	if (rc == DT_OK)
		rc = maybe_intermediate(g, &c, c.start, last);
	if (rc == DT_OK && c.end < g->today) {
		bool passed = false;
		rc = final_assessments(g, &c, &passed);
		if (rc == DT_OK)
			rc = w_act(g, c.id, DT_CEV_COMPLETE, DT_PARTY_ENTERPRISE, date_args(c.end), NULL);
		if (rc == DT_OK)
			rc = write_outcome(g, &c, c.end, true, passed);
	}
	return rc;
}

static int write_trainees(struct gen *g)
{
	int rc = DT_OK;
	for (int64_t i = 0; i < g->n && rc == DT_OK; i++) {
		const struct plan *p = &g->plans[i];
		const struct slot *sl = &g->slots[p->slot];
		int city = g->schools[g->progs[sl->prog].school].city;
		int64_t tid = 0;
		rc = write_trainee(g, i, p, city, &tid);
		if (rc == DT_OK && p->kind != PLAN_NONE)
			rc = write_contract_life(g, i, p, tid);
		if (rc == DT_OK)
			rc = batch(g, false);
		if (g->o && g->o->progress && (i + 1) % PROGRESS_EVERY == 0)
			g->o->progress(g->o->progress_ctx, i + 1, g->n);
	}
	return rc;
}

/* ---- the whole run ---- */

static void gen_free(struct gen *g)
{
	if (!g)
		return;
	for (int i = 0; g->counties && i < g->ncounties; i++)
		free(g->counties[i].name);
	free(g->counties);
	for (int i = 0; g->inds && i < g->ninds; i++) {
		free(g->inds[i].key);
		free(g->inds[i].occs);
	}
	free(g->inds);
	for (int i = 0; g->occs && i < g->noccs; i++) {
		free(g->occs[i].code);
		free(g->occs[i].name);
		free(g->occs[i].levels);
	}
	free(g->occs);
	for (int k = 0; k < NCITIES; k++)
		free(g->cities[k].name);
	for (int s = 0; s < g->nsch && g->schools; s++)
		free(g->schools[s].ents.v);
	free(g->schools);
	free(g->ents);
	free(g->progs);
	free(g->slots);
	free(g->slot_cum);
	free(g->plans);
	free(g->names);
	free(g->cells);
}

static int refuse_if_filled(struct gen *g)
{
	static const char *const kinds[] = { "organization", "pilot" };
	for (size_t k = 0; k < DT_ARRAY_SIZE(kinds); k++) {
		int64_t n = 0;
		int rc = dt_store_count(g->s, NULL, kinds[k], NULL, &n, g->err);
		if (rc != DT_OK)
			return rc;
		if (n > 0)
			return dt_error(g->err, DT_ECONFLICT,
					"the database already holds %lld %s record%s: the demo goes into an empty pilot database (run init on a new file)",
					(long long)n, kinds[k], n == 1 ? "" : "s");
	}
	return DT_OK;
}

enum dt_err dt_demo_generate(struct dt_store *s, const struct dt_actor *a, const struct dt_demo_opts *o,
		     struct dt_demo_stats *stats, struct dt_strbuf *err)
{
	struct gen *g = calloc(1, sizeof(*g));
	struct dt_demo_stats local;
	if (!g)
		return dt_error(err, DT_ENOMEM, "out of memory");
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	g->s = s;
	g->a = a;
	g->o = o;
	g->st = stats;
	g->err = err;
	g->seed = o && o->seed ? o->seed : 1;
	g->n = o && o->trainees ? o->trainees : DEMO_TRAINEES;
	g->monthly = g->n <= DEMO_TRAINEES;
	dt_demo_rng_seed(&g->rng, g->seed);
	g->today_d = dt_date_today();
	g->today = dt_date_to_days(g->today_d);
	/* The latest September not after today; the first intake is three years earlier. */
	int y = g->today_d.month >= 9 ? g->today_d.year : g->today_d.year - 1;
	g->year0 = y - 3;
	g->first_sept = days_of(g->year0, 9, 1);

	int rc = DT_OK;
	if (g->n < 1 || g->n > 100000000) {
		rc = dt_error(err, DT_EINVAL, "trainees: %lld is out of range 1..100000000",
			      (long long)g->n);
		goto out;
	}
	rc = refuse_if_filled(g);
	if (rc == DT_OK)
		rc = load_regions(g);
	if (rc == DT_OK)
		rc = load_occupations(g);
	if (rc == DT_OK)
		rc = plan_schools(g);
	if (rc == DT_OK)
		rc = plan_enterprises(g);
	if (rc == DT_OK)
		rc = plan_trainees(g);
	if (rc != DT_OK)
		goto out;
	/* Birth days from 26 years before the first intake to today. */
	g->cell_base = dt_date_to_days((struct dt_date){ g->year0 - 27, 1, 1 });
	g->cell_days = g->today - g->cell_base + 1;
	g->cells = calloc((size_t)g->ncounties * (size_t)g->cell_days * 2, sizeof(uint16_t));
	if (!g->cells) {
		rc = dt_error(err, DT_ENOMEM, "out of memory");
		goto out;
	}
	if (o && o->progress)
		o->progress(o->progress_ctx, 0, g->n);

	rc = dt_store_begin(s, err);
	if (rc != DT_OK)
		goto out;
	g->in_tx = true;
	rc = write_pilots(g);
	if (rc == DT_OK)
		rc = write_authorities(g);
	if (rc == DT_OK)
		rc = write_schools(g);
	if (rc == DT_OK)
		rc = write_enterprises(g);
	if (rc == DT_OK)
		rc = write_places_and_demand(g);
	if (rc == DT_OK)
		rc = write_trainees(g);
	if (rc == DT_OK) {
		rc = dt_store_commit(s, err);
		g->in_tx = false;
	}
	if (rc == DT_OK && o && o->progress && g->n % PROGRESS_EVERY)
		o->progress(o->progress_ctx, g->n, g->n);
out:
	if (g->in_tx)
		dt_store_rollback(s);
	gen_free(g);
	free(g);
	return rc;
}
