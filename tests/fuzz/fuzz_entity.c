/*
 * fuzz_entity.c - a JSON request body on its way to a record: the body
 * parsed as the dispatcher parses it (json_loadb, duplicates refused), then
 * the store's create or update validation of src/store/crud.c and
 * src/store/rules.c for every kind: unknown and system fields, types,
 * ranges, lengths, dates, enums, references (and their scope), the domain
 * checks (national ID, credit code, region, occupation code), each
 * entity's cross-field rules, and the write itself with its audit event.
 * Settings (key and value, as `settings set` and the API take them) and
 * targets (PUT /api/v1/targets) go the same way.
 *
 * Input: byte 0 picks the kind (any entity; system kinds must be refused);
 * byte 1 the operation and caller: bits 0-1 create, update of an existing
 * record, update of a missing one, or a setting / targets write; bits 2-3
 * the writer's scope (none, a city, a school, an enterprise).  The rest is
 * the body.  Each input runs inside dt_store_begin()/dt_store_rollback()
 * (targets, which open their own transaction, under fuzz.h's commit hook).
 *
 * Oracles: a write that succeeds returns an object with a positive id,
 * and reading it back gives the same record; a write refused as invalid
 * names at least one field; field errors are an array of {field, message}.
 */
#include "fuzz.h"

static size_t nkinds;
static struct dt_scope scopes[3];
static int64_t first_id[32]; /* per entity: an existing record, or 0 */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_store(40);
	for (nkinds = 0; dt_entities[nkinds].name; nkinds++) {
		if (nkinds >= DT_ARRAY_SIZE(first_id))
			fz_die("too many entities", NULL);
		char sql[160];
		snprintf(sql, sizeof(sql), "SELECT id FROM %s ORDER BY id LIMIT 1 OFFSET 1",
			 dt_entities[nkinds].table);
		first_id[nkinds] = fz_sql_int(sql);
	}
	scopes[0].region = 210100;
	scopes[1].org_id = fz_sql_int("SELECT id FROM organization WHERE kind = 'school' "
				      "AND region BETWEEN 210000 AND 219999 ORDER BY id LIMIT 1");
	scopes[2].org_id = fz_sql_int("SELECT id FROM organization WHERE kind = 'enterprise' "
				      "AND region BETWEEN 210000 AND 219999 ORDER BY id LIMIT 1");
	return 0;
}

static void check_field_errors(struct dt_store *s, int rc)
{
	json_t *fe = dt_store_field_errors(s);
	FZ_CHECK(json_is_array(fe));
	size_t i;
	json_t *e;
	json_array_foreach(fe, i, e)
	{
		FZ_CHECK(json_is_string(json_object_get(e, "field")));
		FZ_CHECK(json_is_string(json_object_get(e, "message")));
	}
	(void)rc;
}

/* A record written: it reads back as the store returned it. */
static void check_written(struct dt_store *s, const struct dt_entity *e, json_t *out)
{
	FZ_CHECK(json_is_object(out));
	json_int_t id = json_integer_value(json_object_get(out, "id"));
	FZ_CHECK(id > 0);
	json_t *again = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	FZ_CHECK(dt_store_get(s, NULL, e->name, id, 0, &again, &err) == DT_OK);
	FZ_CHECK(json_equal(again, out));
	json_decref(again);
	dt_strbuf_release(&err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned kind = fz_take(&data, &size);
	unsigned opt = fz_take(&data, &size);
	struct dt_store *s = fz_g.s;
	const struct dt_entity *e = &dt_entities[kind % nkinds];
	struct dt_actor actor = { "fuzz:entity", NULL, NULL };
	unsigned who = (opt >> 2) & 3;
	if (who)
		actor.scope = &scopes[who - 1];

	json_error_t je;
	json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
	if (!body)
		return 0;
	json_t *out = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	fz_input_begin();
	/* targets open their own transaction (the commit hook undoes it) */
	if ((opt & 3) != 3 && dt_store_begin(s, &err) != DT_OK)
		fz_die("begin", &err);
	int rc = DT_OK;
	switch (opt & 3) {
	case 0:
		if (!json_is_object(body))
			break;
		rc = dt_store_create(s, &actor, e->name, body, &out, &err);
		check_field_errors(s, rc);
		if (rc == DT_OK)
			check_written(s, e, out);
		else if (rc == DT_EINVAL)
			FZ_CHECK(err.len > 0);
		break;
	case 1:
	case 2: {
		if (!json_is_object(body))
			break;
		int64_t id = (opt & 3) == 1 ? first_id[kind % nkinds] : 999999999;
		rc = dt_store_update(s, &actor, actor.scope, e->name, id ? id : 1, body, &out,
				     &err);
		check_field_errors(s, rc);
		if (rc == DT_OK)
			check_written(s, e, out);
		if ((opt & 3) == 2)
			FZ_CHECK(rc != DT_OK);
		break;
	}
	default:
		/* a setting: {"key": value} pairs; or targets: [{indicator, value, baseline}] */
		if (json_is_object(body)) {
			const char *key;
			json_t *v;
			json_object_foreach(body, key, v)
			{
				if (json_is_string(v))
					(void)dt_store_setting_set(s, &actor, key,
								   json_string_value(v), &err);
				dt_strbuf_reset(&err);
			}
		} else if (json_is_array(body)) {
			int region = (opt & 0x10) ? 210100 : (opt & 0x20) ? 210000 : 0;
			rc = dt_store_targets_set(s, &actor, region, 2026 + (int)(opt >> 6), body,
						  &out, &err);
			check_field_errors(s, rc);
		}
		break;
	}
	if (getenv("FZ_DUMP")) /* to look at one input: FZ_DUMP=1 fuzz_entity FILE */
		fprintf(stderr, "%s op %u: rc %d: %s\n", e->name, opt & 3, rc, err.buf);
	fz_input_end();
	json_decref(out);
	json_decref(body);
	dt_strbuf_release(&err);
	return 0;
}
