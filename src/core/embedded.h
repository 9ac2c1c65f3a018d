/*
 * embedded.h - files compiled into the binary (migrations, reference data).
 *
 * scripts/embed.sh generates the table at build time from the paths listed in
 * the Makefile's EMBED variable.  Each entry's data is NUL-terminated.
 */
#ifndef DT_EMBEDDED_H
#define DT_EMBEDDED_H

#include <stddef.h>

struct dt_embedded {
	const char *path;          /* as given to the Makefile, e.g. "data/regions.csv" */
	const unsigned char *data; /* NUL-terminated */
	size_t len;                /* without the NUL */
};

/** The table, ended by an entry whose path is NULL. */
extern const struct dt_embedded dt_embedded[];

/** Find @path in the table; NULL if absent. */
const struct dt_embedded *dt_embedded_find(const char *path);

#endif
