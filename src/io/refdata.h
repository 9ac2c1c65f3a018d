/*
 * refdata.h - loading reference tables (regions, occupations) from CSV.
 *
 * The project ships data/regions.csv (GB/T 2260) and data/occupations.csv
 * (a starter catalogue) inside the binary; `init` loads them, and a newer
 * file can be loaded over them: rows with a new code are added, known codes
 * updated, nothing deleted.  All rows are checked before anything is
 * written; the load is one transaction, each change an audit event.
 */
#ifndef DT_REFDATA_H
#define DT_REFDATA_H

#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "store/store.h"

enum dt_refdata_kind { DT_REF_REGIONS, DT_REF_OCCUPATIONS };

struct dt_refdata_stats {
	int64_t rows, added, updated, unchanged;
};

/**
 * Load @len bytes of CSV @data (UTF-8, optional BOM, header row required)
 * as @kind.  DT_EINVAL names the row and column of the first fault and
 * writes nothing.
 */
enum dt_err dt_refdata_load(struct dt_store *s, const struct dt_actor *a, enum dt_refdata_kind kind,
			    const char *data, size_t len, struct dt_refdata_stats *stats,
			    struct dt_strbuf *err);
/** Load the copy embedded in the binary. */
enum dt_err dt_refdata_load_builtin(struct dt_store *s, const struct dt_actor *a,
				    enum dt_refdata_kind kind, struct dt_refdata_stats *stats,
				    struct dt_strbuf *err);

#endif
