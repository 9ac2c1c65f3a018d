/*
 * db_pgsql.c - the PostgreSQL driver behind db.h (libpq).
 */
#include "store/db_internal.h"
#include "core/banned.h"

enum dt_err dt_db_pgsql_open(struct dt_db **out, const char *uri, unsigned flags,
			     struct dt_strbuf *err)
{
	(void)flags;
	*out = NULL;
	return dt_error(err, DT_EIO, "%s: PostgreSQL is not supported yet", uri);
}
