/*
 * coarsen.c - what a reader without pii:read sees of a record.
 *
 * The one place that decides it: the viewer of a store connection, and the
 * coarsening of a record (dt_crud_coarsen) or of an audit event
 * (dt_crud_coarsen_event) on the way out of the store's public reads:
 * personal identity numbers masked to their first 4 characters and
 * DT_FF_QUASI fields cut to their coarse grain.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "core/num.h"
#include "core/utf8.h"
#include "domain/natid.h"
#include "domain/region.h"
#include "store/store_internal.h"
#include "core/banned.h"

/* ---- what a reader without pii:read sees ---- */

/*
 * The rule of docs/API.md ("Personal data"): with the ID masked to its first
 * 4 digits, the birth year, the gender and the household city known, an ID
 * still has (districts of the city) x (days of the year) x 500 sequence
 * numbers left: well above 10,000 for every trainee.  Each further digit
 * shown divides that by 10 (the check character by 11), a known birth date
 * by 365, a known district by the city's count of districts.
 */

void dt_store_set_viewer(struct dt_store *s, const struct dt_viewer *v)
{
	s->viewer = v ? *v : (struct dt_viewer){ .pii = true, .own_trainee = 0 };
}

bool dt_store_coarse(const struct dt_store *s)
{
	return !s->viewer.pii;
}

/* Does @e have fields that dt_crud_coarsen() changes? */
bool dt_crud_has_coarse_fields(const struct dt_entity *e)
{
	for (size_t i = 0; i < e->nfields; i++)
		if (e->fields[i].flags & (DT_FF_PII | DT_FF_QUASI))
			return true;
	return false;
}

/* The coarse form of value @v of field @f (a new reference). */
static json_t *coarse_value(const struct dt_field *f, json_t *v)
{
	if (f->type == DT_F_REGION && (json_is_string(v) || json_is_integer(v))) {
		long code = json_is_integer(v) ? (long)json_integer_value(v)
					       : strtol(json_string_value(v), NULL, 10);
		char buf[16];
		snprintf(buf, sizeof(buf), "%06d", dt_region_ancestor((int)code, 2));
		return json_string(buf);
	}
	if (!json_is_string(v))
		return json_incref(v);
	const char *t = json_string_value(v);
	if (f->flags & DT_FF_PII) {
		char m[DT_NATID_LEN + 1];
		dt_natid_mask_city(t, m);
		return json_string(m);
	}
	if (f->type == DT_F_DATE)
		return json_stringn(t, strlen(t) < 4 ? strlen(t) : 4); /* "2005-03-15" -> "2005" */
	return json_incref(v);
}

void dt_crud_coarsen(const struct dt_store *s, const struct dt_entity *e, json_t *o)
{
	if (s->viewer.pii || !json_is_object(o) || !dt_crud_has_coarse_fields(e))
		return;
	/* A trainee's own record is theirs to read (PIPL art. 45). */
	if (s->viewer.own_trainee && !strcmp(e->name, "trainee") &&
	    json_integer_value(json_object_get(o, "id")) == s->viewer.own_trainee)
		return;
	for (size_t i = 0; i < e->nfields; i++) {
		const struct dt_field *f = &e->fields[i];
		json_t *v = json_object_get(o, f->name);
		if (v && (f->flags & (DT_FF_PII | DT_FF_QUASI)))
			json_object_set_new(o, f->name, coarse_value(f, v));
	}
}

void dt_crud_coarsen_event(const struct dt_store *s, json_t *ev)
{
	if (s->viewer.pii)
		return;
	/*
	 * The hash covers the event's full content: with it, each candidate
	 * for the coarsened parts could be checked, here and in every later
	 * hash of the chain.  So no hash at all for such a reader.
	 */
	json_object_set_new(ev, "hash", json_null());
	const char *name = json_string_value(json_object_get(ev, "entity"));
	const struct dt_entity *e = name ? dt_entity_find(name) : NULL;
	if (!e || !dt_crud_has_coarse_fields(e))
		return;
	dt_crud_coarsen(s, e, json_object_get(ev, "before"));
	dt_crud_coarsen(s, e, json_object_get(ev, "after"));
	const struct dt_field *rf = dt_entity_field(e, "region");
	json_t *r = json_object_get(ev, "region");
	bool own = s->viewer.own_trainee && !strcmp(e->name, "trainee") &&
		   json_integer_value(json_object_get(ev, "entity_id")) == s->viewer.own_trainee;
	if (rf && (rf->flags & DT_FF_QUASI) && r && !json_is_null(r) && !own)
		json_object_set_new(ev, "region", coarse_value(rf, r));
}
