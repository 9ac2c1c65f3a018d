/*
 * fuzz_import.c - the CSV import through its real entry point,
 * dt_import_csv(): encoding detection and conversion, the CSV parser, the
 * header's column matching (Chinese and English labels, machine names,
 * unknown and system columns), every cell's check, references by natural
 * key, duplicates, the bulk path for trainees, all-or-nothing and
 * --partial, and the error report.
 *
 * Input: byte 0 picks the kind of record (any entity, reference data and
 * system kinds included: they must be refused cleanly); byte 1 the options:
 * bit 0 --partial, bits 1-2 the encoding asked for (auto, UTF-8, GB18030),
 * bits 3-4 who imports (the CLI unscoped, a city official, a school, an
 * enterprise: scope limits references); bit 5 the general path for every
 * row instead of the bulk one.  The rest is the file.  The import runs on
 * the calling thread (DT_IMPORT_SERIAL) against the shared store, whose
 * commit is turned into a rollback (fuzz.h).
 *
 * References by natural key are hard to guess, so the harness fills them
 * in: "@E", "@S", "@N" and "@P" in the file become the credit code of an
 * enterprise and of a school of the demo pilot, a trainee's national ID and
 * a programme's code, all in Liaoning (so within the city official's and
 * the school's scope for some).
 *
 * Oracles: the counts agree with each other (written + rejected <= rows,
 * nothing written unless committed), the report is valid UTF-8, and an
 * all-or-nothing import with a rejected row writes nothing.
 */
#include "core/utf8.h"
#include "io/encoding.h"
#include "io/import.h"
#include "fuzz.h"

static size_t nkinds;
static struct dt_scope scopes[3];
static char *subst[4]; /* @E @S @N @P */

/* A text column of row @id of @entity (read unmasked), strdup'd. */
static char *field_of(const char *entity, int64_t id, const char *field)
{
	json_t *o = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	if (dt_store_get(fz_g.s, NULL, entity, id, DT_READ_UNMASK, &o, &err) != DT_OK)
		fz_die(entity, &err);
	const char *v = json_string_value(json_object_get(o, field));
	if (!v)
		fz_die(field, NULL);
	char *copy = strdup(v);
	json_decref(o);
	dt_strbuf_release(&err);
	return copy;
}

/* @data with the placeholders replaced, into @out. */
static void expand(const uint8_t *data, size_t size, struct dt_strbuf *out)
{
	static const char marks[] = "ESNP";
	for (size_t i = 0; i < size; i++) {
		const char *m = i + 1 < size && data[i] == '@' ? strchr(marks, data[i + 1]) : NULL;
		if (m && data[i + 1]) {
			dt_strbuf_adds(out, subst[m - marks]);
			i++;
		} else {
			dt_strbuf_addch(out, (char)data[i]);
		}
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_store(40);
	while (dt_entities[nkinds].name)
		nkinds++;
	scopes[0].region = 210100;
	scopes[1].org_id = fz_sql_int("SELECT id FROM organization WHERE kind = 'school' "
				      "AND region BETWEEN 210000 AND 219999 ORDER BY id LIMIT 1");
	scopes[2].org_id = fz_sql_int("SELECT id FROM organization WHERE kind = 'enterprise' "
				      "AND region BETWEEN 210000 AND 219999 ORDER BY id LIMIT 1");
	int64_t trainee =
		fz_sql_int("SELECT trainee_id FROM contract WHERE enterprise_id = "
			   "(SELECT id FROM organization WHERE kind = 'enterprise' "
			   "AND region BETWEEN 210000 AND 219999 ORDER BY id LIMIT 1) LIMIT 1");
	int64_t prog =
		fz_sql_int("SELECT id FROM programme WHERE school_id = "
			   "(SELECT id FROM organization WHERE kind = 'school' "
			   "AND region BETWEEN 210000 AND 219999 ORDER BY id LIMIT 1) LIMIT 1");
	subst[0] = field_of("organization", scopes[2].org_id, "uscc");
	subst[1] = field_of("organization", scopes[1].org_id, "uscc");
	subst[2] = trainee ? field_of("trainee", trainee, "national_id") : strdup("");
	subst[3] = prog ? field_of("programme", prog, "code") : strdup("");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned kind = fz_take(&data, &size);
	unsigned opt = fz_take(&data, &size);
	struct dt_store *s = fz_g.s;
	struct dt_actor actor = { "fuzz:import", NULL, NULL };
	unsigned who = (opt >> 3) & 3;
	if (who)
		actor.scope = &scopes[who - 1];
	struct dt_import_opts o;
	memset(&o, 0, sizeof(o));
	o.kind =
		(kind & 0x80) ? dt_entities[kind % nkinds].plural : dt_entities[kind % nkinds].name;
	o.encoding = (int)((opt >> 1) & 3) % 3;
	o.flags = DT_IMPORT_SERIAL | ((opt & 1) ? DT_IMPORT_PARTIAL : 0) |
		  ((opt & 0x20) ? DT_IMPORT_GENERAL : 0);
	o.actor = &actor;

	struct dt_import_result r;
	struct dt_strbuf err = DT_STRBUF_INIT, file = DT_STRBUF_INIT;
	expand(data, size, &file);
	dt_import_result_init(&r);
	fz_input_begin();
	int rc = dt_import_csv(s, &o, file.buf, file.len, &r, &err);
	fz_input_end();

	if (getenv("FZ_DUMP")) /* to look at one input: FZ_DUMP=1 fuzz_import FILE */
		fprintf(stderr, "rc %d: %s\n%.*s\n", rc, err.buf, (int)r.report.len, r.report.buf);
	FZ_CHECK(r.written >= 0 && r.rejected >= 0 && r.written + r.rejected <= r.rows);
	FZ_CHECK(r.bulk <= r.written);
	if (!r.committed)
		FZ_CHECK(r.written == 0);
	if (r.rejected && !(opt & 1))
		FZ_CHECK(r.written == 0);
	if (rc == DT_OK)
		FZ_CHECK(!r.rejected || (opt & 1));
	FZ_CHECK(dt_utf8_valid(r.report.buf, r.report.len, NULL));
	json_t *summary = dt_import_result_json(&r);
	FZ_CHECK(summary != NULL);
	json_decref(summary);

	dt_import_result_release(&r);
	dt_strbuf_release(&err);
	dt_strbuf_release(&file);
	return 0;
}
