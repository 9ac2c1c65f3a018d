/*
 * account_xlsx.h - a school's sheet of new trainee accounts with their
 * one-time activation codes (POST /api/v1/accounts/bulk), as XLSX.
 */
#ifndef DT_ACCOUNT_XLSX_H
#define DT_ACCOUNT_XLSX_H

#include <stdbool.h>

#include <jansson.h>

#include "core/strbuf.h"

/**
 * Write @items ([{login, display_name, trainee_id, activation_code,
 * activation_expires}], borrowed) to the new file @path: a bold, frozen
 * header row and one row an account, Chinese unless @en.  DT_EIO naming the
 * file when it cannot be written (a partly written file is removed).
 */
enum dt_err dt_account_codes_xlsx(const json_t *items, bool en, const char *path,
				  struct dt_strbuf *err);

#endif
