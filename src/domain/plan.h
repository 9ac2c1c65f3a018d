/*
 * plan.h - the rules of the pilot's planning and monitoring records:
 * pilots (a province or a city, with a period), partnerships (a period),
 * targets (set within the setter's own region), alerts (acknowledged while
 * open, resolved once), and an organisation's region against the one
 * inside its unified social credit code.
 */
#ifndef DT_PLAN_H
#define DT_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "domain/problem.h"

/**
 * A pilot covers a province or a city, not a county ("pilot.county" on
 * "region"); its period ends no earlier than it starts ("date.order" on
 * "period_end").  @start or @end NULL: not given.
 */
enum dt_err dt_pilot_check(struct dt_problems *ps, int region, const struct dt_date *start,
			   const struct dt_date *end);

/**
 * A target for @region (0: the national default) set by a writer scoped to
 * @scope_region, on behalf of an organisation or trainee when @party:
 * national defaults are set by unscoped (national) writers only, who need
 * no check; a scoped writer sets targets of regions within its own, and
 * never on behalf of a party ("target.scope" on "region").
 */
enum dt_err dt_target_scope_check(struct dt_problems *ps, int scope_region, bool party, int region);

/**
 * Acknowledge (@ack) or resolve alert @id in @status ("open",
 * "acknowledged", "resolved"): "alert.resolved" {alert} once resolved,
 * "alert.not_open" {alert, status} to acknowledge one that is not open
 * (both DT_ECONFLICT).
 */
enum dt_err dt_alert_act_check(struct dt_problems *ps, int64_t id, const char *status, bool ack);

/**
 * The region of an organisation (@region) and the registration region
 * inside its USCC (@uscc, characters 3-8): a code records where the
 * organisation was first registered, so a difference is a warning
 * ("organization.region_uscc" {region, uscc_region} on "region"), never a
 * refusal.  Regions agree when one contains the other (a city and one of
 * its districts).  Returns DT_OK.
 */
enum dt_err dt_org_region_check(struct dt_problems *ps, int region, const char *uscc);

#endif
