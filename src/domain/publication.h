/*
 * publication.h - who may publish a pilot city's figures (docs/PORTAL.md,
 * "Publishing the figures"): pure rules, no I/O.
 */
#ifndef DT_DOMAIN_PUBLICATION_H
#define DT_DOMAIN_PUBLICATION_H

#include <stdbool.h>

enum dt_pub_may {
	DT_PUB_OK = 0,
	DT_PUB_DENIED,  /* in sight, but not this caller's to publish: 403 */
	DT_PUB_MISSING, /* outside the caller's scope, or no pilot city: 404 as a missing one */
};

/**
 * May a caller of @role ("admin", "national", "province", ...; NULL: the
 * CLI, unrestricted) whose scope is @scope_region (0: the nation) publish or
 * withdraw the figures of @region, which @pilot_city says is a pilot city?
 * The nation (and admin, and the CLI) for every pilot city, a province for
 * its own; any other role may not.  A region outside the scope, or one that
 * is not a pilot city, is missing.
 */
enum dt_pub_may dt_publication_may(const char *role, int scope_region, int region, bool pilot_city);

#endif
