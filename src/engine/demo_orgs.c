/*
 * demo_orgs.c - the demo generator's organisations.
 *
 * Writes the pilots (provinces and cities), the government departments and
 * assessment bodies, the schools with their programmes, the enterprises with
 * their partnerships, and the training places and demand, from the plan made
 * in demo_plan.c.  Organisation codes (USCCs) are made here with a valid
 * check character.  Part of the generator in demo.c.
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
#include "engine/demo_internal.h"
#include "engine/demo_names.h"
#include "core/banned.h"

/* ---- codes ---- */

static const char uscc_chars[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/*
 * A unified social credit code for authority @auth, type @type and region
 * @region.  Organisation code bodies are unique by construction: a counter
 * through a bijection (an affine map modulo the code space), "MA" + six
 * characters for enterprises (as issued since 2015), eight digits otherwise,
 * so the two families never meet.
 */
static void make_uscc(struct dt_demo_gen *g, char auth, char type, int region,
		      char out[DT_USCC_LEN + 1])
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
/* ---- writing the organisations ---- */

int dt_demo_write_pilots(struct dt_demo_gen *g)
{
	for (int p = 0; p < DT_DEMO_NPROVINCES; p++) {
		const struct dt_demo_province_def *d = &dt_demo_province_defs[p];
		json_t *obj = NULL;
		int rc = dt_store_get(g->s, NULL, "region", d->code, 0, &obj, g->err);
		if (rc != DT_OK)
			return rc;
		const char *pname = json_string_value(json_object_get(obj, "name_zh"));
		int64_t tr = 0;
		int ne = 0, ns = 0;
		struct dt_strbuf cities = DT_STRBUF_INIT, name = DT_STRBUF_INIT,
				 goals = DT_STRBUF_INIT, units = DT_STRBUF_INIT;
		for (int k = 0; k < DT_DEMO_NCITIES; k++) {
			if (g->cities[k].pidx != p)
				continue;
			tr += g->cities[k].trainees;
			ne += g->cities[k].nent;
			ns += g->cities[k].nsch;
			dt_strbuf_addf(&cities, "%s%s", cities.len ? "、" : "", g->cities[k].name);
		}
		dt_strbuf_addf(&name, "%s双元培育试点", pname);
		dt_strbuf_addf(
			&goals,
			"到2026年底，%s（%s）双元培育覆盖%d所职业院校、%d家企业，累计签订三方培养合同%lld份以上；"
			"企业参与率不低于60%%，学员合同解除率控制在10%%以内，结业学员企业留用率达到60%%以上；"
			"建立省级目标评价体系，按年度对试点城市开展评估考核。",
			pname, cities.buf, ns, ne, (long long)(tr / 100 * 100 + 100));
		dt_strbuf_addf(
			&units,
			"%s发展和改革委员会、%s教育厅、%s人力资源和社会保障厅、国家开发银行%s分行",
			pname, d->dept, d->dept, pname);
		json_decref(obj);
		char code[8];
		snprintf(code, sizeof(code), "%06d", d->code);
		json_t *in = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "region", code,
				       "name", name.buf, "period_start", "2024-01-01", "period_end",
				       "2026-12-31", "goals", goals.buf, "positioning",
				       d->positioning, "responsible_units", units.buf);
		rc = dt_demo_w_create(g, "pilot", in, NULL, "pilot %06d", d->code);
		dt_strbuf_release(&cities);
		dt_strbuf_release(&name);
		dt_strbuf_release(&goals);
		dt_strbuf_release(&units);
		if (rc != DT_OK)
			return rc;
		g->st->pilots++;
	}
	for (int k = 0; k < DT_DEMO_NCITIES; k++) {
		struct dt_demo_city *c = &g->cities[k];
		struct dt_strbuf name = DT_STRBUF_INIT, goals = DT_STRBUF_INIT;
		int nprog = 0;
		for (int q = 0; q < g->nprog; q++)
			nprog += g->schools[g->progs[q].school].city == k;
		dt_strbuf_addf(&name, "%s双元培育试点", c->name);
		dt_strbuf_addf(
			&goals,
			"到2026年底，建成%d个校企双元培育项目，%d家企业参与，累计培养技术技能人才%lld人；"
			"企业培训学时占比不低于50%%，学员月津贴不低于当地最低工资标准，"
			"年度合同解除率控制在10%%以内，结业学员企业留用率达到60%%以上，技能等级证书获取率达到85%%。",
			nprog, c->nent, (long long)(c->trainees / 50 * 50 + 50));
		char code[8];
		snprintf(code, sizeof(code), "%06d", c->def->code);
		json_t *in = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "region", code, "name", name.buf,
			"period_start", "2024-01-01", "period_end", "2026-12-31", "goals",
			goals.buf, "positioning", c->def->positioning, "responsible_units",
			"市发展改革委、市教育局、市人力资源社会保障局、市工业和信息化局、市财政局");
		int rc = dt_demo_w_create(g, "pilot", in, NULL, "pilot %06d", c->def->code);
		dt_strbuf_release(&name);
		dt_strbuf_release(&goals);
		if (rc != DT_OK)
			return rc;
		g->st->pilots++;
	}
	return DT_OK;
}

static void contact(struct dt_demo_gen *g, uint64_t tag, uint64_t idx, struct dt_strbuf *name)
{
	struct dt_demo_rng r;
	dt_demo_derive(g, &r, tag, idx, 0);
	dt_demo_person_name(&r, dt_demo_rng_chance(&r, 0.5) ? 'M' : 'F', name);
}

static void landline(struct dt_demo_gen *g, const char *area, char out[24])
{
	snprintf(out, 24, "%s-%d%07d", area, dt_demo_rng_range(&g->rng, 2, 8),
		 dt_demo_rng_range(&g->rng, 0, 9999999));
}

/* Create one organisation; the fields after @name may be NULL. */
static int org_create(struct dt_demo_gen *g, const char *kind, char auth, char type, int region,
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
	int rc = dt_demo_w_create(g, "organization", in, id, "organization %s (%s)", uscc, name);
	dt_strbuf_release(&addr);
	dt_strbuf_release(&cname);
	return rc;
}

static const char *const size_names[4] = { "micro", "small", "medium", "large" };

int dt_demo_write_authorities(struct dt_demo_gen *g)
{
	static const char *const city_depts[] = { "发展和改革委员会", "教育局",
						  "人力资源和社会保障局" };
	static const char *const prov_depts[] = { "发展和改革委员会", "教育厅",
						  "人力资源和社会保障厅" };
	int rc = DT_OK;
	for (int p = 0; p < DT_DEMO_NPROVINCES && rc == DT_OK; p++) {
		json_t *obj = NULL;
		rc = dt_store_get(g->s, NULL, "region", dt_demo_province_defs[p].code, 0, &obj,
				  g->err);
		if (rc != DT_OK)
			break;
		/* The province capital's city (first listed pilot city) gives the address. */
		int city = 0;
		for (int k = DT_DEMO_NCITIES - 1; k >= 0; k--)
			if (g->cities[k].pidx == p)
				city = k;
		for (size_t d = 0; d < DT_ARRAY_SIZE(prov_depts) && rc == DT_OK; d++) {
			struct dt_strbuf name = DT_STRBUF_INIT;
			dt_strbuf_addf(&name, "%s%s",
				       json_string_value(json_object_get(obj, "name_zh")),
				       prov_depts[d]);
			rc = org_create(g, "government", '1', '1', dt_demo_province_defs[p].code,
					name.buf, NULL, NULL, city, NULL);
			dt_strbuf_release(&name);
		}
		json_decref(obj);
	}
	for (int k = 0; k < DT_DEMO_NCITIES && rc == DT_OK; k++) {
		struct dt_demo_city *c = &g->cities[k];
		for (size_t d = 0; d < DT_ARRAY_SIZE(city_depts) && rc == DT_OK; d++) {
			struct dt_strbuf name = DT_STRBUF_INIT;
			dt_strbuf_addf(&name, "%s%s", c->name, city_depts[d]);
			rc = org_create(g, "government", '1', '1', c->def->code, name.buf, NULL,
					NULL, k, NULL);
			dt_strbuf_release(&name);
		}
		struct dt_strbuf name = DT_STRBUF_INIT;
		dt_strbuf_addf(&name, "%s职业技能鉴定指导中心", c->name);
		if (rc == DT_OK)
			rc = org_create(g, "assessment_body", '1', '2', c->def->code, name.buf,
					NULL, "medium", k, &c->assessors[0]);
		do {
			dt_strbuf_reset(&name);
			dt_demo_assessor_name(&g->rng, c->def->short_zh, &name);
		} while (!dt_demo_names_add(g, name.buf));
		if (rc == DT_OK)
			rc = org_create(g, "assessment_body", '9', '1',
					dt_demo_county_of_city(g, k), name.buf, NULL, "small", k,
					&c->assessors[1]);
		c->nassessors = 2;
		dt_strbuf_release(&name);
	}
	return rc;
}

/* A name not used before: a few draws from the word lists, then a numbered variant. */
static void unique_name(struct dt_demo_gen *g, const struct dt_demo_org *o, struct dt_strbuf *name)
{
	const struct dt_demo_city *c = &g->cities[o->city];
	const char *ind = g->inds[o->industry].key;
	for (int t = 0; t < 8; t++) {
		dt_strbuf_reset(name);
		if (o->is_school)
			dt_demo_school_name(&g->rng, c->def->short_zh, ind, name);
		else
			dt_demo_enterprise_name(&g->rng, c->def->short_zh, ind, o->size == 3, name);
		if (dt_demo_names_add(g, name->buf))
			return;
	}
	size_t base = name->len;
	for (int n = 2;; n++) {
		dt_strbuf_setlen(name, base);
		dt_strbuf_addf(name, o->is_school ? "（第%d校区）" : "（第%d分公司）", n);
		if (dt_demo_names_add(g, name->buf) || n > 100000)
			return;
	}
}

int dt_demo_write_schools(struct dt_demo_gen *g)
{
	struct dt_strbuf name = DT_STRBUF_INIT;
	int rc = DT_OK;
	for (int s = 0; s < g->nsch && rc == DT_OK; s++) {
		struct dt_demo_org *o = &g->schools[s];
		unique_name(g, o, &name);
		bool private = dt_demo_rng_chance(&g->rng, 0.2);
		rc = org_create(g, "school", private ? '5' : '1', '2', o->region, name.buf,
				g->inds[o->industry].key, size_names[o->size], o->city, &o->id);
		if (rc == DT_OK)
			g->st->schools++;
		for (int q = o->prog0; q < o->prog0 + o->nprog && rc == DT_OK; q++) {
			struct dt_demo_prog *p = &g->progs[q];
			const struct dt_demo_occ *oc = &g->occs[p->occ];
			struct dt_strbuf code = DT_STRBUF_INIT, pname = DT_STRBUF_INIT;
			dt_strbuf_addf(&code, "P%05d-%s-L%d", s + 1, oc->code, p->level);
			dt_strbuf_addf(&pname, "%s（%s）双元培育项目", oc->name,
				       p->level == 4 ? "四级/中级工" : "三级/高级工");
			json_t *in = json_pack(
				"{s:s, s:s, s:I, s:I, s:i, s:i, s:i, s:i}", "code", code.buf,
				"name", pname.buf, "school_id", (json_int_t)o->id, "occupation_id",
				(json_int_t)oc->id, "level", p->level, "duration_months", p->months,
				"company_hours", p->company_h, "school_hours", p->school_h);
			rc = dt_demo_w_create(g, "programme", in, &p->id, "programme %s", code.buf);
			if (rc == DT_OK)
				g->st->programmes++;
			dt_strbuf_release(&code);
			dt_strbuf_release(&pname);
		}
		if (rc == DT_OK)
			rc = dt_demo_batch(g, false);
	}
	dt_strbuf_release(&name);
	return rc;
}

int dt_demo_write_enterprises(struct dt_demo_gen *g)
{
	struct dt_strbuf name = DT_STRBUF_INIT;
	int rc = DT_OK;
	char start[DT_DATE_STRLEN], end[DT_DATE_STRLEN];
	for (int e = 0; e < g->nent && rc == DT_OK; e++) {
		struct dt_demo_org *o = &g->ents[e];
		unique_name(g, o, &name);
		rc = org_create(g, "enterprise", '9', '1', o->region, name.buf,
				g->inds[o->industry].key, size_names[o->size], o->city, &o->id);
		if (rc == DT_OK)
			g->st->enterprises++;
		/* Partnerships, sized by the places this enterprise will offer the school. */
		for (int p = 0; p < o->npartners && rc == DT_OK; p++) {
			const struct dt_demo_org *sch = &g->schools[o->partners[p]];
			int places = 0;
			for (int t = o->slot0; t < o->slot0 + o->nslots; t++)
				if (g->progs[g->slots[t].prog].school == o->partners[p])
					for (int y = 0; y < DT_DEMO_NYEARS; y++)
						places += g->slots[t].intake[y];
			places = places / 4 + dt_demo_rng_range(&g->rng, 1, 4);
			int32_t s0 = dt_demo_add_months(g->first_sept,
							-(int)dt_demo_rng_range(&g->rng, 2, 8));
			dt_demo_date_str(s0, start);
			json_t *in = json_pack("{s:I, s:I, s:i, s:s}", "enterprise_id",
					       (json_int_t)o->id, "school_id", (json_int_t)sch->id,
					       "places_per_year", places, "start_date", start);
			if (in && dt_demo_rng_chance(&g->rng, 0.6)) {
				dt_demo_date_str(dt_demo_add_months(s0, 60) - 1, end);
				json_object_set_new(in, "end_date", json_string(end));
			}
			rc = dt_demo_w_create(g, "partnership", in, NULL,
					      "partnership of enterprise %lld and school %lld",
					      (long long)o->id, (long long)sch->id);
			if (rc == DT_OK)
				g->st->partnerships++;
		}
		if (rc == DT_OK)
			rc = dt_demo_batch(g, false);
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
int dt_demo_write_places_and_demand(struct dt_demo_gen *g)
{
	int rc = DT_OK;
	int y_last = g->today_d.year;
	for (int e = 0; e < g->nent && rc == DT_OK; e++) {
		struct dt_demo_org *o = &g->ents[e];
		for (int t = o->slot0; t < o->slot0 + o->nslots && rc == DT_OK; t++) {
			struct dt_demo_slot *sl = &g->slots[t];
			for (int y = 0; y < DT_DEMO_NYEARS && rc == DT_OK; y++) {
				int year = g->year0 + y;
				bool always = year >= y_last - 2 && year <= y_last;
				if (!sl->intake[y] && !always)
					continue;
				int cap = sl->intake[y] + dt_demo_rng_range(&g->rng, 0, 3);
				if (cap < 1)
					cap = 1;
				json_t *in = json_pack("{s:I, s:I, s:i, s:i}", "enterprise_id",
						       (json_int_t)o->id, "programme_id",
						       (json_int_t)g->progs[sl->prog].id, "year",
						       year, "capacity", cap);
				rc = dt_demo_w_create(
					g, "place", in, NULL,
					"place of enterprise %lld, programme %lld, %d",
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
					const struct dt_demo_prog *p = &g->progs[g->slots[t].prog];
					occ = p->occ;
					level = p->level;
					int in_y = y >= 0 && y < DT_DEMO_NYEARS
							   ? g->slots[t].intake[y]
							   : 0;
					count = (int)lround(
						(in_y + 1) *
						(0.7 + 0.9 * dt_demo_rng_unit(&g->rng)));
				} else {
					/* One more need of its industry, now and then. */
					if (!dt_demo_rng_chance(&g->rng, 0.3))
						break;
					const struct dt_demo_industry *in = &g->inds[o->industry];
					occ = in->occs[dt_demo_rng_below(&g->rng,
									 (uint32_t)in->nocc)];
					level = dt_demo_pick_level(g, g->occs[occ].levels);
					count = dt_demo_rng_range(&g->rng, 1, 6);
				}
				bool dup = false;
				for (int q = 0; q < nseen; q++)
					dup |= seen_occ[q] == occ && seen_lv[q] == level;
				if (dup || !dt_demo_has_level(g->occs[occ].levels, level))
					continue;
				seen_occ[nseen] = occ;
				seen_lv[nseen++] = level;
				json_t *in =
					json_pack("{s:I, s:I, s:i, s:i, s:i}", "enterprise_id",
						  (json_int_t)o->id, "occupation_id",
						  (json_int_t)g->occs[occ].id, "level", level,
						  "year", year, "count", count < 1 ? 1 : count);
				rc = dt_demo_w_create(g, "demand", in, NULL,
						      "demand of enterprise %lld for %s, %d",
						      (long long)o->id, g->occs[occ].code, year);
				if (rc == DT_OK)
					g->st->demands++;
			}
		}
		if (rc == DT_OK)
			rc = dt_demo_batch(g, false);
	}
	return rc;
}
