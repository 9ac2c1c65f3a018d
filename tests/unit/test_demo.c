/*
 * test_demo.c - unit tests of the demo pilot generator (engine/demo).
 *
 * One small pilot (300 trainees, seed 7) is generated into a fresh database
 * made the way `init` makes one; the tests then check that every kind of
 * record exists, contracts stand in every status, every national ID and
 * credit code is valid, the records keep the rules the store does not check
 * itself (dates not in the future, guardians, successors of transfers), the
 * audit chain verifies, the same seed gives the same listings in a second
 * database and another seed different ones, and a second run on a filled
 * database is refused with DT_ECONFLICT and changes nothing.  Then the
 * demo's supervision on it: every plan verifies, inspections are conducted
 * with the whole checklist, findings stand at every status (some overdue),
 * rectifications were accepted and rejected, the evidence files are real
 * PNG and PDF files, and the aggregates still equal a rebuild.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/common.h"
#include "core/date.h"
#include "core/secret.h"
#include "domain/attachment.h"
#include "domain/natid.h"
#include "domain/record.h"
#include "domain/uscc.h"
#include "engine/demo.h"
#include "engine/demo_accounts.h"
#include "engine/demo_supervision.h"
#include "io/refdata.h"
#include "store/store.h"
#include "core/banned.h"

#define TODAY "2026-11-26"
#define TRAINEES 300
#define SEED 7

static const struct dt_actor actor = { "test:demo", NULL, NULL };

struct fixture {
	char dir[64];
	struct dt_keys keys;
	struct dt_store *s; /* the pilot of seed 7 */
	struct dt_demo_stats stats;
	int64_t last_done, last_total, progress_calls;
};

static void db_path(const struct fixture *f, const char *name, struct dt_strbuf *out)
{
	dt_strbuf_reset(out);
	dt_strbuf_addf(out, "%s/%s", f->dir, name);
}

/* A database as `init` makes it: keys, schema, regions and occupations. */
static struct dt_store *make_db(struct fixture *f, const char *name)
{
	struct dt_strbuf path = DT_STRBUF_INIT, err = DT_STRBUF_INIT;
	struct dt_store *s = NULL;
	struct dt_refdata_stats rs;
	db_path(f, name, &path);
	int rc = dt_store_open(&s, path.buf, &f->keys, DT_STORE_CREATE, &err);
	if (rc == DT_OK)
		rc = dt_refdata_load_builtin(s, &actor, DT_REF_REGIONS, &rs, &err);
	if (rc == DT_OK)
		rc = dt_refdata_load_builtin(s, &actor, DT_REF_OCCUPATIONS, &rs, &err);
	if (rc != DT_OK) {
		print_error("%s: %s\n", path.buf, err.buf);
		dt_store_close(s);
		s = NULL;
	}
	dt_strbuf_release(&path);
	dt_strbuf_release(&err);
	return s;
}

static void remove_db(struct fixture *f, const char *name)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	struct dt_strbuf path = DT_STRBUF_INIT;
	for (size_t i = 0; i < DT_ARRAY_SIZE(suffix); i++) {
		db_path(f, name, &path);
		dt_strbuf_adds(&path, suffix[i]);
		unlink(path.buf);
	}
	dt_strbuf_release(&path);
}

static void on_progress(void *ctx, int64_t done, int64_t total)
{
	struct fixture *f = ctx;
	f->last_done = done;
	f->last_total = total;
	f->progress_calls++;
}

static int generate(struct fixture *f, struct dt_store *s, uint64_t seed,
		    struct dt_demo_stats *stats, struct dt_strbuf *err)
{
	struct dt_demo_opts o = {
		.seed = seed, .trainees = TRAINEES, .progress = on_progress, .progress_ctx = f
	};
	return dt_demo_generate(s, &actor, &o, stats, err);
}

static int group_setup(void **state)
{
	setenv("DUALTRACK_TODAY", TODAY, 1);
	if (dt_secret_init() != DT_OK)
		return -1;
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/dt_test_demo.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	unsigned char master[32];
	for (int i = 0; i < 32; i++)
		master[i] = (unsigned char)(i * 13 + 5);
	dt_keys_from_master(master, &f->keys);
	f->s = make_db(f, "a.db");
	if (!f->s)
		return -1;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int rc = generate(f, f->s, SEED, &f->stats, &err);
	if (rc != DT_OK)
		print_error("demo: %s\n", err.buf);
	dt_strbuf_release(&err);
	*state = f;
	return rc == DT_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
	struct fixture *f = *state;
	if (!f)
		return 0;
	dt_store_close(f->s);
	remove_db(f, "a.db");
	remove_db(f, "b.db");
	remove_db(f, "c.db");
	rmdir(f->dir);
	free(f);
	return 0;
}

/* ---- helpers over the store ---- */

/* Every object of @entity matching the filters (pairs), in id order. */
static json_t *list_all(struct dt_store *s, const char *entity, const char *const *filters,
			size_t npairs)
{
	json_t *all = json_array();
	char *cursor = NULL;
	struct dt_strbuf err = DT_STRBUF_INIT;
	do {
		struct dt_query q = {
			.filters = filters, .nfilters = npairs, .limit = 1000, .cursor = cursor
		};
		json_t *items = NULL;
		char *next = NULL;
		int rc = dt_store_list(s, NULL, entity, &q, &items, &next, &err);
		if (rc != DT_OK)
			print_error("list %s: %s\n", entity, err.buf);
		assert_int_equal(rc, DT_OK);
		free(cursor);
		cursor = next;
		json_array_extend(all, items);
		json_decref(items);
	} while (cursor);
	dt_strbuf_release(&err);
	return all;
}

static int64_t count_where(struct dt_store *s, const char *entity, const char *field,
			   const char *value)
{
	const char *filters[2] = { field, value };
	struct dt_query q = { .filters = filters, .nfilters = field ? 1 : 0 };
	struct dt_strbuf err = DT_STRBUF_INIT;
	int64_t n = -1;
	int rc = dt_store_count(s, NULL, entity, &q, &n, &err);
	if (rc != DT_OK)
		print_error("count %s: %s\n", entity, err.buf);
	assert_int_equal(rc, DT_OK);
	dt_strbuf_release(&err);
	return n;
}

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* Drop the system timestamps, which record when a write ran, not what it wrote. */
static void strip_times(json_t *arr)
{
	static const char *const times[] = { "created_at",         "updated_at",
					     "submitted_at",       "approved_enterprise_at",
					     "approved_school_at", "approved_trainee_at",
					     "activated_at",       "signed_at" };
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) for (size_t k = 0; k < DT_ARRAY_SIZE(times); k++)
		json_object_del(o, times[k]);
}

static bool same_listing(struct dt_store *a, struct dt_store *b, const char *entity)
{
	json_t *la = list_all(a, entity, NULL, 0), *lb = list_all(b, entity, NULL, 0);
	strip_times(la);
	strip_times(lb);
	bool same = json_equal(la, lb);
	json_decref(la);
	json_decref(lb);
	return same;
}

/* ---- tests ---- */

static void test_every_kind_exists(void **state)
{
	struct fixture *f = *state;
	static const char *const entities[] = { "pilot",       "organization", "programme",
						"partnership", "demand",       "place",
						"trainee",     "contract",     "record_entry",
						"assessment",  "outcome" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(entities); i++) {
		int64_t n = count_where(f->s, entities[i], NULL, NULL);
		if (n <= 0)
			print_error("no %s records\n", entities[i]);
		assert_true(n > 0);
	}
	static const char *const kinds[] = { "enterprise", "school", "government",
					     "assessment_body" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(kinds); i++)
		assert_true(count_where(f->s, "organization", "kind", kinds[i]) > 0);
	static const char *const akinds[] = { "intermediate", "final", "skill_level" };
	for (size_t i = 0; i < DT_ARRAY_SIZE(akinds); i++)
		assert_true(count_where(f->s, "assessment", "kind", akinds[i]) > 0);

	/* The statistics agree with the database. */
	const struct dt_demo_stats *st = &f->stats;
	assert_int_equal(st->pilots, count_where(f->s, "pilot", NULL, NULL));
	assert_int_equal(st->pilots, 13);
	assert_int_equal(st->enterprises, count_where(f->s, "organization", "kind", "enterprise"));
	assert_int_equal(st->schools, count_where(f->s, "organization", "kind", "school"));
	assert_int_equal(st->programmes, count_where(f->s, "programme", NULL, NULL));
	assert_int_equal(st->partnerships, count_where(f->s, "partnership", NULL, NULL));
	assert_int_equal(st->demands, count_where(f->s, "demand", NULL, NULL));
	assert_int_equal(st->places, count_where(f->s, "place", NULL, NULL));
	assert_int_equal(st->trainees, TRAINEES);
	assert_int_equal(st->trainees, count_where(f->s, "trainee", NULL, NULL));
	assert_int_equal(st->contracts, count_where(f->s, "contract", NULL, NULL));
	assert_int_equal(st->entries, count_where(f->s, "record_entry", NULL, NULL));
	assert_int_equal(st->assessments, count_where(f->s, "assessment", NULL, NULL));
	assert_int_equal(st->outcomes, count_where(f->s, "outcome", NULL, NULL));

	/* Progress ended at the total. */
	assert_true(f->progress_calls >= 2);
	assert_int_equal(f->last_done, TRAINEES);
	assert_int_equal(f->last_total, TRAINEES);
}

static void test_every_status(void **state)
{
	struct fixture *f = *state;
	for (int st = 0; st < DT_CONTRACT_NSTATUS; st++) {
		const char *name = dt_contract_status_name((enum dt_contract_status)st);
		int64_t n = count_where(f->s, "contract", "status", name);
		if (n <= 0)
			print_error("no %s contracts\n", name);
		assert_true(n > 0);
	}
	/* Most contracts are active or completed; dissolution is the exception. */
	int64_t all = count_where(f->s, "contract", NULL, NULL);
	int64_t live = count_where(f->s, "contract", "status", "active") +
		       count_where(f->s, "contract", "status", "completed");
	assert_true(live * 10 > all * 7);
	assert_true(count_where(f->s, "contract", "status", "dissolved") * 5 < all);
}

static void test_contract_shapes(void **state)
{
	struct fixture *f = *state;
	json_t *cs = list_all(f->s, "contract", NULL, 0);
	size_t i;
	json_t *c;
	int partial = 0, successors = 0, below_min = 0, in_probation = 0;
	json_array_foreach(cs, i, c)
	{
		const char *st = str(c, "status");
		if (!strcmp(st, "pending")) {
			int n = !json_is_null(json_object_get(c, "approved_enterprise_at")) +
				!json_is_null(json_object_get(c, "approved_school_at")) +
				!json_is_null(json_object_get(c, "approved_trainee_at"));
			assert_true(n < 3);
			partial += n > 0;
		}
		if (!strcmp(st, "dissolved")) {
			assert_non_null(str(c, "dissolution_reason"));
			assert_true(strlen(str(c, "dissolution_reason")) > 0);
			in_probation += json_is_true(json_object_get(c, "dissolved_in_probation"));
		}
		if (!strcmp(st, "completed") || !strcmp(st, "dissolved") ||
		    !strcmp(st, "transferred")) {
			assert_non_null(str(c, "ended_on"));
			assert_true(strcmp(str(c, "ended_on"), TODAY) <= 0);
		}
		if (!strcmp(st, "transferred")) {
			/* The successor names this contract as its predecessor. */
			char id[24];
			snprintf(id, sizeof(id), "%lld",
				 (long long)json_integer_value(json_object_get(c, "id")));
			const char *filters[2] = { "predecessor_id", id };
			json_t *succ = list_all(f->s, "contract", filters, 1);
			assert_int_equal(json_array_size(succ), 1);
			json_t *s2 = json_array_get(succ, 0);
			assert_string_equal(str(s2, "start_date"), str(c, "ended_on"));
			assert_int_equal(json_integer_value(json_object_get(s2, "trainee_id")),
					 json_integer_value(json_object_get(c, "trainee_id")));
			assert_true(json_integer_value(json_object_get(s2, "enterprise_id")) !=
				    json_integer_value(json_object_get(c, "enterprise_id")));
			json_decref(succ);
			successors++;
		}
		if (json_integer_value(json_object_get(c, "stipend_monthly")) < 2100)
			below_min++;
		assert_true(strlen(str(c, "company_mentor")) > 0);
		assert_true(strlen(str(c, "school_mentor")) > 0);
	}
	assert_true(partial > 0);
	assert_true(successors > 0);
	assert_true(below_min > 0);
	assert_true(in_probation > 0);
	json_decref(cs);

	/* The record book: nothing in the future, most signed off, some waiting. */
	json_t *es = list_all(f->s, "record_entry", NULL, 0);
	size_t signed_n = 0;
	double company = 0, school = 0;
	json_array_foreach(es, i, c)
	{
		assert_true(strcmp(str(c, "date"), TODAY) <= 0);
		signed_n += !json_is_null(json_object_get(c, "signed_at"));
		double h = json_number_value(json_object_get(c, "hours"));
		assert_true(h > 0 && h <= 24);
		if (!strcmp(str(c, "site"), "company"))
			company += h;
		else
			school += h;
	}
	assert_true(signed_n * 10 > json_array_size(es) * 8);
	assert_true(signed_n < json_array_size(es));
	/* No trainee's day holds more than the record book's daily limit (brute force). */
	json_t *trainee_of = json_object(), *day = json_object();
	json_t *cons = list_all(f->s, "contract", NULL, 0);
	json_array_foreach(cons, i, c)
	{
		char k[32];
		snprintf(k, sizeof(k), "%lld",
			 (long long)json_integer_value(json_object_get(c, "id")));
		json_object_set(trainee_of, k, json_object_get(c, "trainee_id"));
	}
	json_array_foreach(es, i, c)
	{
		char k[32], key[64];
		snprintf(k, sizeof(k), "%lld",
			 (long long)json_integer_value(json_object_get(c, "contract_id")));
		snprintf(key, sizeof(key), "%lld %s",
			 (long long)json_integer_value(json_object_get(trainee_of, k)),
			 str(c, "date"));
		double sum = json_number_value(json_object_get(day, key)) +
			     json_number_value(json_object_get(c, "hours"));
		if (sum > DT_RECORD_DAY_LIMIT)
			fail_msg("trainee and day %s: %g hours", key, sum);
		json_object_set_new(day, key, json_real(sum));
	}
	json_decref(trainee_of);
	json_decref(day);
	/* Every level assessed is one the occupation of the contract's programme has. */
	json_t *levels_of = json_object(), *prog_levels = json_object();
	json_t *occs = list_all(f->s, "occupation", NULL, 0),
	       *progs = list_all(f->s, "programme", NULL, 0);
	json_array_foreach(occs, i, c)
	{
		char k[32];
		snprintf(k, sizeof(k), "%lld",
			 (long long)json_integer_value(json_object_get(c, "id")));
		json_object_set(levels_of, k, json_object_get(c, "levels"));
	}
	json_array_foreach(progs, i, c)
	{
		char k[32], o[32];
		snprintf(k, sizeof(k), "%lld",
			 (long long)json_integer_value(json_object_get(c, "id")));
		snprintf(o, sizeof(o), "%lld",
			 (long long)json_integer_value(json_object_get(c, "occupation_id")));
		json_object_set(prog_levels, k, json_object_get(levels_of, o));
	}
	json_t *prog_of = json_object();
	json_array_foreach(cons, i, c)
	{
		char k[32], pk[32];
		snprintf(k, sizeof(k), "%lld",
			 (long long)json_integer_value(json_object_get(c, "id")));
		snprintf(pk, sizeof(pk), "%lld",
			 (long long)json_integer_value(json_object_get(c, "programme_id")));
		json_object_set(prog_of, k, json_object_get(prog_levels, pk));
	}
	json_t *as = list_all(f->s, "assessment", NULL, 0);
	size_t leveled = 0;
	json_array_foreach(as, i, c)
	{
		json_t *lv = json_object_get(c, "level");
		if (!json_is_integer(lv))
			continue;
		char k[32];
		snprintf(k, sizeof(k), "%lld",
			 (long long)json_integer_value(json_object_get(c, "contract_id")));
		const char *levels = json_string_value(json_object_get(prog_of, k));
		assert_non_null(levels);
		assert_non_null(strchr(levels, '0' + (int)json_integer_value(lv)));
		leveled++;
	}
	assert_true(leveled > 0);
	json_decref(as);
	json_decref(prog_of);
	json_decref(occs);
	json_decref(progs);
	json_decref(levels_of);
	json_decref(prog_levels);
	json_decref(cons);
	/* The dual ratio lies around the plans' 50-60% company share. */
	assert_true(company / (company + school) > 0.45 && company / (company + school) < 0.62);
	json_decref(es);

	/* Outcomes: retained by the training firm is the most common. */
	int64_t retained = count_where(f->s, "outcome", "kind", "retained");
	static const char *const others[] = { "employed_elsewhere", "further_study",
					      "not_employed" };
	for (size_t k = 0; k < DT_ARRAY_SIZE(others); k++)
		assert_true(retained > count_where(f->s, "outcome", "kind", others[k]));
}

static void test_national_ids(void **state)
{
	struct fixture *f = *state;
	json_t *ts = list_all(f->s, "trainee", NULL, 0);
	struct dt_date today;
	assert_int_equal(dt_date_parse(TODAY, &today, NULL, NULL), DT_OK);
	size_t i;
	json_t *t;
	int minors = 0;
	json_array_foreach(ts, i, t)
	{
		json_t *full = NULL;
		struct dt_strbuf err = DT_STRBUF_INIT;
		int64_t id = json_integer_value(json_object_get(t, "id"));
		assert_int_equal(
			dt_store_get(f->s, NULL, "trainee", id, DT_READ_UNMASK, &full, &err),
			DT_OK);
		struct dt_natid nid;
		struct dt_problems ps = DT_PROBLEMS_INIT;
		int rc = dt_natid_parse(str(full, "national_id"), today, &nid, &ps, "national_id");
		if (rc != DT_OK)
			print_error("trainee %lld: %s: %s\n", (long long)id,
				    str(full, "national_id"), ps.v[0].code);
		dt_problems_release(&ps);
		assert_int_equal(rc, DT_OK);
		/* Region, birth date and gender agree with the ID; the province is a pilot's. */
		char region[8], birth[DT_DATE_STRLEN];
		snprintf(region, sizeof(region), "%06d", nid.region);
		dt_date_format(nid.birth, birth);
		assert_string_equal(region, str(full, "region"));
		assert_string_equal(birth, str(full, "birth_date"));
		assert_int_equal(nid.gender, str(full, "gender")[0]);
		int prov = nid.region / 10000;
		assert_true(prov == 21 || prov == 22 || prov == 23 || prov == 15);
		int age = today.year - nid.birth.year -
			  (today.month < nid.birth.month ||
			   (today.month == nid.birth.month && today.day < nid.birth.day));
		assert_true(age >= 16 && age <= 30);
		if (age < 18) {
			assert_non_null(str(full, "guardian_name"));
			minors++;
		}
		/* The identity number is found again through the blind index. */
		int64_t found = 0;
		assert_int_equal(dt_store_trainee_by_natid(f->s, nid.id, &found, &err), DT_OK);
		assert_int_equal(found, id);
		json_decref(full);
		dt_strbuf_release(&err);
	}
	assert_true(minors > 0);
	json_decref(ts);
}

static void test_credit_codes(void **state)
{
	struct fixture *f = *state;
	json_t *os = list_all(f->s, "organization", NULL, 0);
	size_t i;
	json_t *o;
	json_array_foreach(os, i, o)
	{
		struct dt_strbuf err = DT_STRBUF_INIT;
		const char *u = str(o, "uscc");
		struct dt_problems ps = DT_PROBLEMS_INIT;
		int rc = dt_uscc_parse(u, NULL, &ps, "uscc");
		if (rc != DT_OK)
			print_error("%s %s: %s\n", str(o, "name"), u, ps.v[0].code);
		dt_problems_release(&ps);
		assert_int_equal(rc, DT_OK);
		/* The code carries the organisation's own region. */
		assert_memory_equal(u + 2, str(o, "region"), 6);
		const char *kind = str(o, "kind");
		if (!strcmp(kind, "enterprise"))
			assert_memory_equal(u, "91", 2);
		else if (!strcmp(kind, "school"))
			assert_true(!memcmp(u, "12", 2) || !memcmp(u, "52", 2));
		else if (!strcmp(kind, "government"))
			assert_memory_equal(u, "11", 2);
		dt_strbuf_release(&err);
	}
	json_decref(os);
}

static void test_audit_chain(void **state)
{
	struct fixture *f = *state;
	struct dt_strbuf err = DT_STRBUF_INIT;
	int64_t checked = 0;
	int rc = dt_store_audit_verify(f->s, &checked, &err);
	if (rc != DT_OK)
		print_error("%s\n", err.buf);
	assert_int_equal(rc, DT_OK);
	/* the record books' entries are created and signed off in batches, an event each */
	assert_true(checked > f->stats.trainees + f->stats.contracts);
	assert_true(checked < f->stats.entries);
	/* and the records check finds every entry as those batches say */
	struct dt_strbuf report = DT_STRBUF_INIT;
	int64_t found = -1, records = 0;
	rc = dt_store_records_check(f->s, &report, 5, &found, &records, &err);
	assert_int_equal(rc, DT_OK);
	if (found)
		fail_msg("records check: %s", report.buf);
	assert_true(records > f->stats.entries);
	dt_strbuf_release(&report);
	dt_strbuf_release(&err);
}

static void test_refused_when_filled(void **state)
{
	struct fixture *f = *state;
	int64_t before = count_where(f->s, "trainee", NULL, NULL);
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_demo_stats st;
	int rc = generate(f, f->s, SEED, &st, &err);
	assert_int_equal(rc, DT_ECONFLICT);
	assert_non_null(strstr(err.buf, "already"));
	assert_int_equal(count_where(f->s, "trainee", NULL, NULL), before);
	dt_strbuf_release(&err);
}

static void test_same_seed_same_pilot(void **state)
{
	struct fixture *f = *state;
	struct dt_store *b = make_db(f, "b.db");
	assert_non_null(b);
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_demo_stats st;
	int rc = generate(f, b, SEED, &st, &err);
	if (rc != DT_OK)
		print_error("%s\n", err.buf);
	assert_int_equal(rc, DT_OK);
	assert_memory_equal(&st, &f->stats, sizeof(st));
	assert_true(same_listing(f->s, b, "organization"));
	assert_true(same_listing(f->s, b, "contract"));
	assert_true(same_listing(f->s, b, "trainee"));
	assert_true(same_listing(f->s, b, "record_entry"));
	dt_store_close(b);
	dt_strbuf_release(&err);
}

static void test_other_seed_other_pilot(void **state)
{
	struct fixture *f = *state;
	struct dt_store *c = make_db(f, "c.db");
	assert_non_null(c);
	struct dt_strbuf err = DT_STRBUF_INIT;
	struct dt_demo_stats st;
	int rc = generate(f, c, SEED + 1, &st, &err);
	if (rc != DT_OK)
		print_error("%s\n", err.buf);
	assert_int_equal(rc, DT_OK);
	assert_int_equal(st.trainees, TRAINEES);
	assert_false(same_listing(f->s, c, "organization"));
	assert_false(same_listing(f->s, c, "contract"));
	dt_store_close(c);
	dt_strbuf_release(&err);
}

/* The type of stored file @hash (DT_ATTACH_NONE when it is no accepted file). */
static enum dt_attachment_type file_type(struct dt_store *s, const char *hash)
{
	struct dt_attachment_file file = { .name = DT_STRBUF_INIT, .content = DT_STRBUF_INIT };
	struct dt_strbuf err = DT_STRBUF_INIT;
	enum dt_attachment_type t = DT_ATTACH_NONE;
	if (dt_store_attachment_get(s, NULL, hash, &file, &err) == DT_OK &&
	    dt_attachment_check(NULL, (const unsigned char *)file.content.buf, file.content.len,
				&t) != DT_OK)
		t = DT_ATTACH_NONE;
	dt_strbuf_release(&file.name);
	dt_strbuf_release(&file.content);
	dt_strbuf_release(&err);
	return t;
}

static void test_supervision(void **state)
{
	struct fixture *f = *state;
	struct dt_strbuf err = DT_STRBUF_INIT;
	json_t *acc = NULL;
	assert_int_equal(dt_demo_accounts(f->s, &actor, &acc, &err), DT_OK);
	json_decref(acc);
	int plans = 0;
	struct dt_demo_sup_stats st = { 0 };
	int rc = dt_demo_supervision(f->s, &actor, &plans, &st, &err);
	if (rc != DT_OK)
		print_error("supervision: %s\n", err.buf);
	assert_int_equal(rc, DT_OK);
	assert_int_equal(plans, 3);
	/* every plan re-runs to its recorded draw */
	for (int64_t p = 1; p <= plans; p++) {
		json_t *rep = NULL;
		assert_int_equal(dt_store_plan_verify(f->s, NULL, 0, p, &rep, &err), DT_OK);
		assert_true(json_is_true(json_object_get(rep, "ok")));
		json_decref(rep);
	}
	/* conducted inspections: the visit, every checklist item, a photo */
	json_t *ins = NULL;
	assert_int_equal(dt_store_inspection_list(f->s, NULL, 0, 0, &ins, &err), DT_OK);
	int done = 0;
	size_t i;
	json_t *v;
	json_array_foreach(ins, i, v)
	{
		if (strcmp(str(v, "status"), "done"))
			continue;
		json_t *c = NULL;
		assert_int_equal(
			dt_store_inspection_conducted(
				f->s, NULL, json_integer_value(json_object_get(v, "id")), &c, &err),
			DT_OK);
		assert_int_equal(json_object_size(json_object_get(c, "checks")), 7);
		assert_non_null(str(c, "visited_on"));
		json_t *file = json_array_get(json_object_get(c, "attachments"), 0);
		assert_int_equal(file_type(f->s, str(file, "hash")), DT_ATTACH_PNG);
		json_decref(c);
		done++;
	}
	json_decref(ins);
	assert_true(done >= 3);
	assert_int_equal(st.inspections >= done, true);
	/* findings at every status, some overdue; decisions both ways; PDF reports */
	static const char *const statuses[] = { "open", "rectifying", "submitted", "closed" };
	for (size_t k = 0; k < DT_ARRAY_SIZE(statuses); k++) {
		struct dt_finding_filter flt = { .status = statuses[k], .limit = 1000 };
		json_t *items = NULL;
		assert_int_equal(dt_store_finding_list(f->s, NULL, &flt, &items, &err), DT_OK);
		if (json_array_size(items) < 1)
			fail_msg("no finding is %s (%d findings)", statuses[k], st.findings);
		json_decref(items);
	}
	struct dt_finding_filter over = { .overdue = true, .limit = 1000 };
	json_t *items = NULL;
	assert_int_equal(dt_store_finding_list(f->s, NULL, &over, &items, &err), DT_OK);
	assert_true(json_array_size(items) >= 1);
	json_decref(items);
	struct dt_finding_filter all = { .limit = 1000 };
	assert_int_equal(dt_store_finding_list(f->s, NULL, &all, &items, &err), DT_OK);
	assert_int_equal((int)json_array_size(items), st.findings);
	int accepted = 0, rejected = 0, pdfs = 0;
	json_array_foreach(items, i, v)
	{
		json_t *fd = NULL;
		assert_int_equal(dt_store_finding_get(f->s, NULL,
						      json_integer_value(json_object_get(v, "id")),
						      &fd, &err),
				 DT_OK);
		size_t k;
		json_t *r;
		json_array_foreach(json_object_get(fd, "rectifications"), k, r)
		{
			const char *d = str(r, "decision");
			accepted += d && !strcmp(d, "accepted");
			rejected += d && !strcmp(d, "rejected");
			json_t *file = json_array_get(json_object_get(r, "attachments"), 0);
			pdfs += file_type(f->s, str(file, "hash")) == DT_ATTACH_PDF;
		}
		json_decref(fd);
	}
	json_decref(items);
	assert_true(accepted >= 1);
	assert_true(rejected >= 1);
	assert_true(pdfs >= accepted + rejected);
	/* the supervision facts are in the aggregates, equal to a rebuild */
	int64_t bad = -1;
	json_t *sample = NULL;
	assert_int_equal(dt_store_indicators_verify(f->s, &bad, &sample, &err), DT_OK);
	assert_int_equal(bad, 0);
	json_decref(sample);
	dt_strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_kind_exists),
		cmocka_unit_test(test_every_status),
		cmocka_unit_test(test_contract_shapes),
		cmocka_unit_test(test_national_ids),
		cmocka_unit_test(test_credit_codes),
		cmocka_unit_test(test_audit_chain),
		cmocka_unit_test(test_refused_when_filled),
		cmocka_unit_test(test_same_seed_same_pilot),
		cmocka_unit_test(test_other_seed_other_pilot),
		cmocka_unit_test(test_supervision),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
