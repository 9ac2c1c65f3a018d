/*
 * entity.h - the nouns of the data model, described once.
 *
 * Each entity lists its fields with type, flags, limits and bilingual labels.
 * The store builds its SQL and shapes output from this table, every value is
 * checked against it by one validator (field.h), and the CLI, the API and
 * imports read the same table, so a field is added in one place.  It knows
 * no SQL: it is part of the domain.
 */
#ifndef DT_ENTITY_H
#define DT_ENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

#include "core/err.h"

struct dt_problems;

/*
 * The domain check of a TEXT field (field.h): DT_OK with the normalised
 * value appended to @norm, or a problem about @field in @ps and its kind.
 */
typedef enum dt_err dt_text_check_fn(const char *value, struct dt_strbuf *norm,
				     struct dt_problems *ps, const char *field);

enum dt_ftype {
	DT_F_TEXT,   /* UTF-8 string, length limit max (code points) */
	DT_F_INT,    /* integer in [min, max] */
	DT_F_REAL,   /* number in [min, max] */
	DT_F_DATE,   /* YYYY-MM-DD */
	DT_F_TIME,   /* ISO 8601 instant, set by the system */
	DT_F_BOOL,   /* stored 0/1 */
	DT_F_ENUM,   /* one of the '|'-separated words in `values` */
	DT_F_REF,    /* id of an object of entity `ref` */
	DT_F_REGION, /* a region code present in the region table (JSON: "210100") */
};

enum dt_fflag {
	DT_FF_REQUIRED = 1 << 0,  /* must be given at create */
	DT_FF_SYSTEM = 1 << 1,    /* set by the store only; refused in input */
	DT_FF_IMMUTABLE = 1 << 2, /* given at create, refused in an update */
	DT_FF_FILTER = 1 << 3,    /* usable as a list filter */
	DT_FF_SORT = 1 << 4,      /* usable as a sort key (NOT NULL columns only) */
	DT_FF_SEARCH = 1 << 5,    /* searched by the free-text q */
	DT_FF_PII = 1 << 6,       /* personal identity number: encrypted, masked */
	DT_FF_OPENREF =
		1
		<< 7, /* REF that may point outside the writer's scope (an employer, an assessor) */
	/*
	 * Part of what a personal identity number is made of (a birth date, a
	 * household region): shown to readers without pii:read only coarsened
	 * (a date as its year, a region as its city), and filtered or sorted
	 * by them only at that grain; see dt_crud_coarsen().
	 */
	DT_FF_QUASI = 1 << 8,
	/*
	 * An instant (DT_F_TIME) stored as an integer, milliseconds since
	 * 1970-01-01 UTC (migration 018: record_entry's times), and shown as
	 * "YYYY-MM-DDTHH:MM:SS.mmmZ" like every instant: the store converts on
	 * write (dt_crud_stored) and on read (an INTEGER column of a time).
	 */
	DT_FF_MS = 1 << 9,
	/*
	 * Migration 020 (record_entry's date, site and hours), the same way:
	 * stored as integers, shown as every field of the type is, the store
	 * converting on write (dt_crud_stored) and on read (dt_crud_column_text,
	 * dt_crud_column_real).  DT_FF_DAYNUM: a date (DT_F_DATE) as the integer
	 * YYYYMMDD (20251027 for "2025-10-27"; it sorts as the text does).
	 * DT_FF_CODE: an enum (DT_F_ENUM) as the index of its word in `values`
	 * (0 for the first), so the order of the words is fixed once stored.
	 * DT_FF_CENTI: a number (DT_F_REAL) as an integer of hundredths (750
	 * for 7.5); the field takes at most two decimals ("number.step").
	 */
	DT_FF_DAYNUM = 1 << 10,
	DT_FF_CODE = 1 << 11,
	DT_FF_CENTI = 1 << 12,
	/*
	 * Stored NULL where the store can derive the value from other columns
	 * of the row (migration 026: record_entry's signed_by, the signing
	 * mentor's name or the delegate account's login), and read through
	 * the store's expression for it (dt_crud_field_sql), so that every
	 * reader, list filter and the records check sees the value as
	 * written.  The store keeps that exact: what a derivation reads is
	 * copied into the rows first before it changes (a mentor's rename).
	 */
	DT_FF_DERIVED = 1 << 13,
};

/* The longest text any field takes: what one Excel cell holds (32,767 characters). */
#define DT_TEXT_MAX 32767
/* The limit of a TEXT field whose max is 0 (characters). */
#define DT_TEXT_DEFAULT_MAX 200

struct dt_field {
	const char *name; /* JSON field and SQL column */
	enum dt_ftype type;
	unsigned flags;
	int64_t min, max;        /* INT/REAL range; TEXT max length in characters: every TEXT field
			       has one, at most DT_TEXT_MAX (tests/unit/test_store.c checks) */
	const char *values;      /* ENUM: "a|b|c" */
	const char *ref;         /* REF: target entity; REF to organization: see ref_kind */
	const char *ref_kind;    /* REF to organization: required kind */
	dt_text_check_fn *check; /* TEXT: the field's own check, or NULL */
	const char *label_zh;
	const char *label_en;
};

struct dt_store;
struct json_t;

/*
 * How a caller's scope (store.h: a region, one organisation or one trainee)
 * limits an entity's records, for reading and for changing them; crud.c
 * turns the rule into SQL.  Every entity names one: an entity left at
 * DT_SCOPE_UNSET is invisible and unchangeable to every scoped caller (fail
 * closed), and the unit tests refuse such a table.
 */
enum dt_scope_rule {
	DT_SCOPE_UNSET = 0, /* forgotten: nothing for a scoped caller */
	DT_SCOPE_PUBLIC, /* reference data (regions, occupations): read by all, changed unscoped only */
	DT_SCOPE_GOV,  /* a region's government records (pilots, tasks): officials
			       within the region read and change them; organisations and trainees nothing */
	DT_SCOPE_AREA, /* rules in force over an area (targets, minimum wages): officials read those
			       within their region and those in force for it (the national default,
			       their province's and city's), and change only those within their region;
			       organisations nothing (all of those DT_EF_PARTY_READ), trainees nothing */
	DT_SCOPE_PARTY, /* a region's records with parties (alerts too, by their subject):
			       officials within the region; an organisation or a trainee by its
			       ties (crud.c's party rules) */
};

struct dt_entity {
	const char *name;   /* "trainee" */
	const char *plural; /* "trainees": API paths, CLI */
	const char *table;  /* SQL table */
	const char *label_zh;
	const char *label_en;
	const struct dt_field *fields;
	size_t nfields;
	/*
	 * Where the region comes from: NULL when "region" is a field the user
	 * gives; otherwise the REF field whose target's region is copied.
	 */
	const char *region_from;
	unsigned flags;
	enum dt_scope_rule scope; /* who reads and changes its records */
};

enum dt_eflag {
	DT_EF_DELETE = 1 << 0, /* may be deleted (when nothing refers to it) */
	DT_EF_NATIONAL =
		1 << 1, /* its region may be empty (occupations; national default targets) */
	DT_EF_SYSTEM =
		1 << 2, /* written by the system only (alerts): no create, update or delete */
	DT_EF_PARTY_READ = 1 << 3, /* an area rule schools and enterprises read wherever it
				     applies (minimum wages: the contract form shows the
				     enterprise's); they change none */
	DT_EF_REGION_VIA = 1 << 4, /* no index on its region (record-book entries, migration
				     024): lists find it by region through the record its
				     region comes from (region_from) */
};

/** All entities, ended by an entry whose name is NULL. */
extern const struct dt_entity dt_entities[];

/** Find by name ("trainee") or plural ("trainees"); NULL if unknown. */
const struct dt_entity *dt_entity_find(const char *name);
/** Find a field by name; NULL if the entity has none. */
const struct dt_field *dt_entity_field(const struct dt_entity *e, const char *name);

#endif
