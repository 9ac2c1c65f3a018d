/*
 * publication.c - the rule of who may publish a pilot city's figures.
 */
#include <string.h>

#include "domain/publication.h"
#include "domain/region.h"
#include "core/banned.h"

enum dt_pub_may dt_publication_may(const char *role, int scope_region, int region, bool pilot_city)
{
	if (!pilot_city || dt_region_level(region) != 2)
		return DT_PUB_MISSING;
	if (scope_region && !dt_region_contains(scope_region, region))
		return DT_PUB_MISSING;
	if (!role)
		return DT_PUB_OK;
	if (!strcmp(role, "admin") || !strcmp(role, "national"))
		return scope_region ? DT_PUB_DENIED : DT_PUB_OK;
	if (!strcmp(role, "province"))
		return scope_region && dt_region_level(scope_region) == 1 ? DT_PUB_OK
									  : DT_PUB_DENIED;
	return DT_PUB_DENIED;
}
