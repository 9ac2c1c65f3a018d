/*
 * indicator.h - the pilot's indicators, defined once, and their formulas.
 *
 * Pure: no SQL.  The store keeps counters per (region, occupation, counter,
 * period) (see store/migrations/003_indicators.sql); the engine loads one
 * region's counters into struct dt_counters and this module turns them into
 * indicator values for a period, and values and targets into attainment,
 * projection and a composite score.  docs/INDICATORS.md documents every
 * formula and the fields it reads.
 */
#ifndef DT_INDICATOR_H
#define DT_INDICATOR_H

#include <stdbool.h>
#include <stdint.h>

/* The counters the store maintains (agg.key). */
enum dt_counter {
	DT_C_BEGUN,
	DT_C_ACTIVE,          /* stock: +1 at start, -1 at end */
	DT_C_PLAN_COMPANY,    /* stock of planned company hours */
	DT_C_PLAN_TOTAL,      /* stock of planned company + school hours */
	DT_C_STIPEND_CHECKED, /* stock of contracts with a known minimum wage */
	DT_C_STIPEND_OK,      /* stock of those paying at least it */
	DT_C_COMPLETED,
	DT_C_DISSOLVED,
	DT_C_TRANSFERRED,
	DT_C_DISSOLVED_PROBATION,
	DT_C_DISSOLVED_L0, /* dissolved in the year the contract began */
	DT_C_DISSOLVED_L1,
	DT_C_DISSOLVED_L2,
	DT_C_DISSOLVED_L3,
	DT_C_HOURS_COMPANY, /* signed-off hours, in hundredths */
	DT_C_HOURS_SCHOOL,
	DT_C_FINAL_TAKEN,
	DT_C_FINAL_PASSED,
	DT_C_FINAL_TAKEN_FIRST,
	DT_C_FINAL_PASSED_FIRST,
	DT_C_RETAINED_3M,
	DT_C_DEMAND, /* yearly */
	DT_C_PLACES, /* yearly */
	DT_C_ACTIVE_NOW,
	DT_C_MENTORS_NOW,
	DT_C_ENTERPRISES_NOW,
	DT_C_ENTERPRISES_ACTIVE_NOW,
	/* supervision, yearly by the plan's year (YYYY00) */
	DT_C_INSP_CANDIDATES, /* candidate objects of the year's plans */
	DT_C_INSP_DRAWN,
	DT_C_INSP_CONDUCTED, /* in progress or done */
	DT_C_INSP_DONE,
	DT_C_FINDINGS_GENERAL, /* findings by severity: 一般 */
	DT_C_FINDINGS_SERIOUS, /* 较重 */
	DT_C_FINDINGS_GRAVE,   /* 严重 */
	/* supervision, by the month of a finding's current deadline */
	DT_C_FINDINGS_CLOSED,
	DT_C_FINDINGS_SUBMITTED,
	DT_C_FINDINGS_PENDING, /* open or rectifying */
	DT_C_N
};

/** The counter named @key (agg.key), or -1. */
int dt_counter_find(const char *key);
/** The agg.key of @c. */
const char *dt_counter_key(enum dt_counter c);

/* How many years of counters are kept for one computation: the year asked and three before (layer method). */
#define DT_CTR_YEARS 5

/**
 * One region's counters: slot 0 of a year holds yearly facts, 1..12 the
 * months; @before sums everything earlier than @first_year (for stocks);
 * @now the current-state counters.
 */
struct dt_counters {
	int first_year;
	int64_t before[DT_C_N];
	int64_t m[DT_C_N][DT_CTR_YEARS][13];
	int64_t now[DT_C_N];
	int last_key; /* the counter of the previous row added (-1: none) */
	/*
	 * Today's month (YYYYMM): months before it are gone by, so a finding
	 * due in one and still pending is overdue.  0: every month is past.
	 */
	int now_month;
};

/** Clear @c to hold years [year - DT_CTR_YEARS + 1, year]. */
void dt_counters_init(struct dt_counters *c, int year);
/** Add one aggregate row (agg.key, period YYYYMM / YYYY00 / 0, value); rows after the last year are ignored. */
void dt_counters_add(struct dt_counters *c, const char *key, int period, int64_t value);

/** A period: a year, one of its quarters or one of its months. */
struct dt_period {
	int year;
	int quarter; /* 1..4, or 0 */
	int month;   /* 1..12, or 0 */
};

/** First and last month of @p (1..12). */
void dt_period_months(const struct dt_period *p, int *m0, int *m1);
/** The period before @p of the same length (the previous year, quarter or month). */
struct dt_period dt_period_prev(const struct dt_period *p);
/**
 * How much of @p has elapsed on @today_ymd (YYYYMMDD) as a fraction 0..1
 * (1 for a past period, 0 for a future one).
 */
double dt_period_elapsed(const struct dt_period *p, int today_ymd);

enum dt_unit { DT_U_COUNT, DT_U_PERCENT, DT_U_RATIO, DT_U_HOURS };
/*
 * FLOW indicators add up over time (a yearly target is pro-rated by the
 * elapsed part of the year and projected to its end); LEVEL indicators are
 * rates, stocks or ratios compared with the target as they are.
 */
enum dt_ikind { DT_I_FLOW, DT_I_LEVEL };

/*
 * Which way is good.  HIGHER and LOWER: the more (the less) the better, and
 * beating the target counts (attainment above 100%, capped); CEILING: the
 * target is a limit not to exceed ("at most 4 trainees per mentor"), and
 * anything within it is simply attained (100%), since less is not better.
 */
enum dt_direction { DT_D_HIGHER, DT_D_LOWER, DT_D_CEILING };

struct dt_indicator {
	const char *code;
	const char *name_zh, *name_en;
	enum dt_unit unit;
	enum dt_direction direction;
	enum dt_ikind kind;
	bool by_occupation; /* meaningful per occupation */
	double weight;      /* default weight in the composite score (0: not scored) */
	const char *numerator_zh, *denominator_zh; /* short descriptions for the docs and the API */
};

extern const struct dt_indicator dt_indicators[];
extern const int dt_nindicators;
/** The indicator @code, or NULL. */
const struct dt_indicator *dt_indicator_find(const char *code);
/** The unit's word ("count", "percent", "ratio", "hours"). */
const char *dt_unit_name(enum dt_unit u);
/** The direction's word ("higher", "lower", "ceiling"), as the API and documents give it. */
const char *dt_direction_name(enum dt_direction d);

/** A computed value: @value is NAN when undefined (a zero denominator). */
struct dt_ivalue {
	double value;
	double numerator;
	double denominator; /* NAN when the indicator has none */
};

/**
 * The dual ratio: the company's share of signed-off record-book hours,
 * @company_hours of @all_hours (company and school), in percent; NAN when
 * there are no hours.  The one definition, for the dual_ratio indicator and
 * for `dualtrack summary`.
 */
double dt_dual_ratio(double company_hours, double all_hours);

/** Compute indicator number @i of dt_indicators[] for period @p from @c. */
struct dt_ivalue dt_indicator_compute(int i, const struct dt_counters *c,
				      const struct dt_period *p);

/**
 * Attainment of @value against the yearly @target (1.0 = on target), for
 * period @p with @elapsed of it gone: flows are compared with the target
 * pro-rated to the period and to the elapsed part of it; "lower is better"
 * indicators invert the ratio; a ceiling is attained (1.0) by any value
 * within it and otherwise target / value.  Capped at 2.0; NAN when
 * undefined.  The one attainment of the dashboard, the API, the ranking
 * and the annual report.
 * *@projection receives the value projected to the end of the period.
 */
double dt_attainment(const struct dt_indicator *ind, const struct dt_period *p, double value,
		     double target, double elapsed, double *projection);

#endif
