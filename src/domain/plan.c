/*
 * plan.c - the rules of pilots, targets, alerts and an organisation's
 * region (plan.h).  Pure.
 */
#include "core/common.h"

#include <stdio.h>
#include <string.h>

#include "domain/period.h"
#include "domain/plan.h"
#include "domain/region.h"
#include "domain/uscc.h"
#include "core/banned.h"

enum dt_err dt_pilot_check(struct dt_problems *ps, int region, const struct dt_date *start,
			   const struct dt_date *end)
{
	enum dt_err rc = DT_OK, r = DT_OK;
	if (start && end)
		rc = dt_period_order(ps, "period_start", *start, "period_end", *end, false);
	if (region && dt_region_level(region) == 3)
		r = dt_problem_add(ps, "region", "pilot.county", NULL);
	return rc ? rc : r;
}

enum dt_err dt_target_scope_check(struct dt_problems *ps, int scope_region, bool party, int region)
{
	if (!party && region && dt_region_contains(scope_region, region))
		return DT_OK;
	return dt_problem_add(ps, "region", "target.scope", NULL);
}

enum dt_err dt_alert_act_check(struct dt_problems *ps, int64_t id, const char *status, bool ack)
{
	if (status && !strcmp(status, "resolved"))
		return dt_problem_add(ps, NULL, "alert.resolved", "alert", DT_I(id), NULL);
	if (ack && !(status && !strcmp(status, "open")))
		return dt_problem_add(ps, NULL, "alert.not_open", "alert", DT_I(id), "status",
				      status, NULL);
	return DT_OK;
}

enum dt_err dt_org_region_check(struct dt_problems *ps, int region, const char *uscc)
{
	if (!uscc || strlen(uscc) != DT_USCC_LEN || !region)
		return DT_OK;
	int code = 0;
	for (int i = 2; i < 8; i++) {
		if (uscc[i] < '0' || uscc[i] > '9')
			return DT_OK; /* not a region code: nothing to compare */
		code = code * 10 + (uscc[i] - '0');
	}
	if (!dt_region_province_valid(code / 10000) || dt_region_contains(region, code) ||
	    dt_region_contains(code, region))
		return DT_OK;
	char a[16], b[16];
	snprintf(a, sizeof(a), "%06d", region);
	snprintf(b, sizeof(b), "%06d", code);
	return dt_problem_warn(ps, "region", "organization.region_uscc", "region", a, "uscc_region",
			       b, NULL);
}
