/*
 * demo_names.h - the demo generator's random numbers and its word lists.
 *
 * The generator (engine/demo.c) must give the same records for the same
 * seed on every machine, so it carries its own PRNG (xoshiro256**, seeded
 * through splitmix64) instead of rand().  The word lists build fictional but
 * plausible Chinese names of people, enterprises and schools, record-book
 * contents per industry and dissolution reasons.  Nothing here touches the
 * store.
 */
#ifndef DT_DEMO_NAMES_H
#define DT_DEMO_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"

/** A xoshiro256** generator. */
struct dt_demo_rng {
	uint64_t s[4];
};

/** One step of splitmix64 over *@x (also a good 64-bit mixer). */
uint64_t dt_demo_splitmix(uint64_t *x);
/** Seed @r from @seed (any value, 0 included). */
void dt_demo_rng_seed(struct dt_demo_rng *r, uint64_t seed);
/** The next 64 random bits. */
uint64_t dt_demo_rng_next(struct dt_demo_rng *r);
/** Uniform in 0..@n-1 (@n > 0); 0 when @n is 0. */
uint32_t dt_demo_rng_below(struct dt_demo_rng *r, uint32_t n);
/** Uniform in @lo..@hi inclusive. */
int dt_demo_rng_range(struct dt_demo_rng *r, int lo, int hi);
/** Uniform in [0, 1). */
double dt_demo_rng_unit(struct dt_demo_rng *r);
/** True with probability @p. */
bool dt_demo_rng_chance(struct dt_demo_rng *r, double p);

/** Append a person's name (surname + one or two given characters) for gender 'M' or 'F'. */
void dt_demo_person_name(struct dt_demo_rng *r, char gender, struct dt_strbuf *out);
/** Append a surname only. */
void dt_demo_surname(struct dt_demo_rng *r, struct dt_strbuf *out);
/** Append a given name (one or two characters) for gender 'M' or 'F'. */
void dt_demo_given_name(struct dt_demo_rng *r, char gender, struct dt_strbuf *out);

/**
 * Append an enterprise name such as "沈阳华锐重型机械有限公司": @city is the
 * short city name ("沈阳"), @industry an industry key of the occupation
 * catalogue ("equipment_manufacturing"; unknown keys get generic words),
 * @large allows a group suffix.
 */
void dt_demo_enterprise_name(struct dt_demo_rng *r, const char *city, const char *industry,
			     bool large, struct dt_strbuf *out);
/** Append a school name such as "大连船舶技工学校" for @city and @industry. */
void dt_demo_school_name(struct dt_demo_rng *r, const char *city, const char *industry,
			 struct dt_strbuf *out);
/** Append an assessment company name such as "沈阳华锐职业技能评价有限公司". */
void dt_demo_assessor_name(struct dt_demo_rng *r, const char *city, struct dt_strbuf *out);
/** Append a street address part such as "建设路118号". */
void dt_demo_street(struct dt_demo_rng *r, struct dt_strbuf *out);

/** A record-book content line for @industry at @site ("company" or "school"); static text. */
const char *dt_demo_content(struct dt_demo_rng *r, const char *industry, bool company);
/** A dissolution reason; static text. */
const char *dt_demo_dissolution_reason(struct dt_demo_rng *r);
/** The Chinese label of an industry key ("装备制造"); the key itself when unknown. */
const char *dt_demo_industry_zh(const char *industry);

#endif
