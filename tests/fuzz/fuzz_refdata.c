/*
 * fuzz_refdata.c - loading reference tables from CSV (src/io/refdata.c):
 * `dualtrack refdata load` of a newer regions (GB/T 2260) or occupations
 * file over the built-in ones: BOM, header, each row's code, name, parent
 * and level checks, and the add / update / unchanged decision per row.
 *
 * Input: byte 0 picks the table (bit 0: regions or occupations); the rest
 * is the file.  The load opens and commits its own transaction; during an
 * input the commit becomes a rollback (fuzz.h), so every input starts from
 * the built-in tables.
 *
 * Oracles: the counts add up (added + updated + unchanged == rows) and a
 * refused load names what is wrong.
 */
#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_store(0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned which = fz_take(&data, &size);
	struct dt_refdata_stats st;
	struct dt_strbuf err = DT_STRBUF_INIT;
	memset(&st, 0, sizeof(st));
	fz_input_begin();
	int rc = dt_refdata_load(fz_g.s, &fz_g.actor,
				 (which & 1) ? DT_REF_OCCUPATIONS : DT_REF_REGIONS,
				 (const char *)data, size, &st, &err);
	fz_input_end();
	if (rc == DT_OK)
		FZ_CHECK(st.added + st.updated + st.unchanged == st.rows);
	else if (rc == DT_EINVAL)
		FZ_CHECK(err.len > 0);
	dt_strbuf_release(&err);
	return 0;
}
