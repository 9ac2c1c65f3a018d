/*
 * delegation.c - the rule of delegation.h, on resolved accounts.
 */
#include <string.h>

#include "domain/delegation.h"
#include "domain/region.h"
#include "core/banned.h"

static bool is(const struct dt_delegate *p, const char *role)
{
	return p->role && !strcmp(p->role, role);
}

static bool is_gov(const struct dt_delegate *p)
{
	return is(p, "province") || is(p, "city") || is(p, "inspector");
}

static bool is_org(const struct dt_delegate *p)
{
	return is(p, "school") || is(p, "enterprise") || is(p, "assessor");
}

bool dt_delegation_delegates(const struct dt_delegate *mgr)
{
	return is(mgr, "admin") || ((is(mgr, "province") || is(mgr, "city")) && mgr->region) ||
	       (is_org(mgr) && mgr->org_id && mgr->org_admin) || (is(mgr, "school") && mgr->org_id);
}

bool dt_delegation_bulk_trainees(const struct dt_delegate *mgr)
{
	return is(mgr, "school") && mgr->org_id;
}

bool dt_delegation_may_manage(const struct dt_delegate *mgr, const struct dt_delegate *target)
{
	if (!mgr->role || !target->role)
		return false;
	if (mgr->id && mgr->id == target->id)
		return false; /* one's own account: through the session */
	if (is(mgr, "admin"))
		return true;
	if (is(target, "admin") || is(target, "national"))
		return false;
	if (is(mgr, "province") || is(mgr, "city")) {
		if (!mgr->region || !target->region)
			return false;
		if (!is_gov(target) && !is_org(target))
			return false; /* trainees are their school's */
		if (is_org(target) && !target->org_id)
			return false;
		return dt_region_contains(mgr->region, target->region);
	}
	if (is_org(mgr) && mgr->org_id) {
		/* an organisation's administrator: its other staff */
		if (mgr->org_admin && is(target, mgr->role) && target->org_id == mgr->org_id &&
		    !target->org_admin)
			return true;
		/* a school: its trainees */
		if (is(mgr, "school") && is(target, "trainee") && target->trainee_id &&
		    target->org_id == mgr->org_id)
			return true;
	}
	return false;
}
