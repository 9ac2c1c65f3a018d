/*
 * demo_geo.c - the demo generator's geography and reference tables.
 *
 * The fixed shape of the Northeast pilot (four provinces, nine pilot cities
 * with their weights, industries, stipends and positioning texts) and the
 * loading of what the store already holds about it: the region table's
 * provinces, cities and counties, and the occupation catalogue grouped by
 * industry.  Part of the generator in demo.c; shared state is in
 * demo_internal.h.
 */
#include "core/common.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "domain/assessment.h"
#include "domain/natid.h"
#include "domain/uscc.h"
#include "engine/demo.h"
#include "engine/demo_internal.h"
#include "engine/demo_names.h"
#include "core/banned.h"

const struct dt_demo_city_def dt_demo_city_defs[] = {
	{ 210100,
	  210000,
	  "沈阳",
	  "024",
	  18,
	  2800,
	  { "equipment_manufacturing", "automotive", "digital", "electrical", "construction",
	    "logistics", "elderly_care", "food" },
	  { 40, 20, 10, 10, 6, 6, 5, 3 },
	  "以装备制造、汽车及零部件和数字经济为重点，建设东北老工业基地技术技能人才培养核心区，"
	  "推动龙头企业与职业院校共建双元培育基地。" },
	{ 210200,
	  210000,
	  "大连",
	  "0411",
	  16,
	  3000,
	  { "shipbuilding", "equipment_manufacturing", "petrochemicals", "logistics", "digital",
	    "food", "elderly_care", "electrical" },
	  { 25, 20, 15, 12, 10, 6, 6, 6 },
	  "以船舶与海洋工程、石化和港航物流为重点，打造面向东北亚的高技能人才培养开放高地。" },
	{ 210300,
	  210000,
	  "鞍山",
	  "0412",
	  7,
	  2500,
	  { "metallurgy", "equipment_manufacturing", "electrical", "construction", "logistics",
	    "elderly_care" },
	  { 45, 25, 10, 8, 6, 6 },
	  "以钢铁冶金和精深加工为重点，推动冶金产业工人技能提升和岗位成才。" },
	{ 211100,
	  210000,
	  "盘锦",
	  "0427",
	  5,
	  2600,
	  { "petrochemicals", "equipment_manufacturing", "agriculture", "food", "logistics",
	    "elderly_care" },
	  { 50, 15, 10, 10, 8, 7 },
	  "以石油化工和精细化工为重点，建设石化产业技术技能人才培养示范区。" },
	{ 220100,
	  220000,
	  "长春",
	  "0431",
	  14,
	  2700,
	  { "automotive", "equipment_manufacturing", "food", "digital", "agriculture",
	    "elderly_care", "logistics" },
	  { 40, 15, 12, 10, 8, 8, 7 },
	  "以汽车及新能源汽车产业为重点，建设汽车产业工匠培养基地，带动农产品加工和现代农业人才培育。" },
	{ 220200,
	  220000,
	  "吉林",
	  "0432",
	  8,
	  2500,
	  { "petrochemicals", "electrical", "equipment_manufacturing", "metallurgy", "food",
	    "elderly_care", "construction" },
	  { 35, 15, 15, 10, 10, 8, 7 },
	  "以石化、碳纤维新材料和电力装备为重点，推进产教融合型企业双元育人。" },
	{ 230100,
	  230000,
	  "哈尔滨",
	  "0451",
	  15,
	  2600,
	  { "electrical", "equipment_manufacturing", "food", "agriculture", "digital",
	    "elderly_care", "construction", "logistics" },
	  { 25, 25, 12, 10, 10, 8, 5, 5 },
	  "以电站装备、航空航天配套和绿色食品为重点，建设对俄合作和寒地产业技能人才培养中心。" },
	{ 230200,
	  230000,
	  "齐齐哈尔",
	  "0452",
	  6,
	  2300,
	  { "equipment_manufacturing", "agriculture", "food", "metallurgy", "electrical",
	    "elderly_care" },
	  { 35, 20, 15, 10, 10, 10 },
	  "以重型装备和农机装备制造为重点，传承大国重器工匠精神，培育装备制造业技能人才。" },
	{ 150200,
	  150000,
	  "包头",
	  "0472",
	  8,
	  2800,
	  { "metallurgy", "electrical", "equipment_manufacturing", "construction", "logistics",
	    "automotive" },
	  { 40, 20, 20, 8, 7, 5 },
	  "以钢铁、稀土新材料和风电装备为重点，建设北疆技术技能人才培养高地。" },
};
_Static_assert(DT_ARRAY_SIZE(dt_demo_city_defs) == DT_DEMO_NCITIES, "DT_DEMO_NCITIES");
const struct dt_demo_province_def dt_demo_province_defs[] = {
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
_Static_assert(DT_ARRAY_SIZE(dt_demo_province_defs) == DT_DEMO_NPROVINCES, "DT_DEMO_NPROVINCES");
/* ---- reading the reference tables ---- */

/* Every object of @entity matching @filters, paged; *@out receives an array. */
static int list_all(struct dt_demo_gen *g, const char *entity, const char *const *filters,
		    size_t nf, json_t **out)
{
	json_t *all = json_array();
	char *cursor = NULL;
	int rc = DT_OK;
	do {
		struct dt_query q = {
			.filters = filters, .nfilters = nf, .limit = 1000, .cursor = cursor
		};
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
	for (int i = 0; i < DT_DEMO_NPROVINCES; i++)
		if (dt_demo_province_defs[i].code == code)
			return i;
	return -1;
}

int dt_demo_load_regions(struct dt_demo_gen *g)
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
	json_array_foreach(arr, i, r)
	{
		int code = (int)json_integer_value(json_object_get(r, "id"));
		const char *name = json_string_value(json_object_get(r, "name_zh"));
		if (province_index(code / 10000 * 10000) < 0 || !name || !strcmp(name, "市辖区"))
			continue;
		g->counties[g->ncounties].code = code;
		g->counties[g->ncounties].name = dt_demo_copy_text(name);
		if (!g->counties[g->ncounties++].name) {
			json_decref(arr);
			return dt_error(g->err, DT_ENOMEM, "out of memory");
		}
	}
	json_decref(arr);
	/* Listed by id, so each province and each city is one run of the array. */
	for (int p = 0; p < DT_DEMO_NPROVINCES; p++) {
		g->prov_c0[p] = g->prov_c1[p] = 0;
		for (int c = 0; c < g->ncounties; c++) {
			if (g->counties[c].code / 10000 * 10000 != dt_demo_province_defs[p].code)
				continue;
			if (g->prov_c1[p] == 0)
				g->prov_c0[p] = c;
			g->prov_c1[p] = c + 1;
		}
		if (g->prov_c1[p] == 0)
			return dt_error(
				g->err, DT_EINVAL,
				"region %06d has no counties in the region table (load the regions first)",
				dt_demo_province_defs[p].code);
	}
	for (int k = 0; k < DT_DEMO_NCITIES; k++) {
		struct dt_demo_city *c = &g->cities[k];
		c->def = &dt_demo_city_defs[k];
		c->pidx = province_index(c->def->province);
		json_t *obj = NULL;
		rc = dt_store_get(g->s, NULL, "region", c->def->code, 0, &obj, g->err);
		if (rc != DT_OK)
			return dt_error(g->err, rc, "city %06d is not in the region table",
					c->def->code);
		c->name = dt_demo_copy_text(json_string_value(json_object_get(obj, "name_zh")));
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
			return dt_error(g->err, DT_EINVAL,
					"city %06d has no counties in the region table",
					c->def->code);
	}
	for (int p = 0; p < DT_DEMO_NPROVINCES; p++) {
		json_t *obj = NULL;
		rc = dt_store_get(g->s, NULL, "region", dt_demo_province_defs[p].code, 0, &obj,
				  g->err);
		if (rc != DT_OK)
			return dt_error(g->err, rc, "province %06d is not in the region table",
					dt_demo_province_defs[p].code);
		json_decref(obj);
	}
	return DT_OK;
}

static int industry_find(struct dt_demo_gen *g, const char *key)
{
	for (int i = 0; i < g->ninds; i++)
		if (!strcmp(g->inds[i].key, key))
			return i;
	return -1;
}

/* The record rule's answer (domain/assessment.c), so that the demo asks for no level the store refuses. */
bool dt_demo_has_level(const char *levels, int level)
{
	return dt_occupation_level_check(NULL, "level", level, NULL, levels) == DT_OK;
}

int dt_demo_load_occupations(struct dt_demo_gen *g)
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
	json_array_foreach(arr, i, r)
	{
		const char *levels = json_string_value(json_object_get(r, "levels"));
		const char *ind = json_string_value(json_object_get(r, "industry"));
		if (!levels || !ind || !*ind)
			continue;
		/* A programme trains to level 4 or 3; skip occupations offering neither. */
		if (!dt_demo_has_level(levels, 4) && !dt_demo_has_level(levels, 3))
			continue;
		struct dt_demo_occ *o = &g->occs[g->noccs];
		o->id = json_integer_value(json_object_get(r, "id"));
		o->code = dt_demo_copy_text(json_string_value(json_object_get(r, "code")));
		o->name = dt_demo_copy_text(json_string_value(json_object_get(r, "name_zh")));
		o->levels = dt_demo_copy_text(levels);
		int k = industry_find(g, ind);
		if (k < 0) {
			k = g->ninds++;
			g->inds[k].key = dt_demo_copy_text(ind);
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
	for (int k = 0; k < DT_DEMO_NCITIES; k++) {
		struct dt_demo_city *c = &g->cities[k];
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
