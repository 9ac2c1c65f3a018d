/*
 * embedded.c - look-up in the table of embedded files.
 */
#include <string.h>

#include "core/embedded.h"
#include "core/banned.h"

const struct dt_embedded *dt_embedded_find(const char *path)
{
	for (const struct dt_embedded *e = dt_embedded; e->path; e++)
		if (!strcmp(e->path, path))
			return e;
	return NULL;
}
