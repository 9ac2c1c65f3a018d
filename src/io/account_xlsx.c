/*
 * account_xlsx.c - the activation-code sheet of account_xlsx.h: name,
 * login, code, valid until, and where to activate, one row a trainee, for
 * the school to print or hand out.  The codes are in it once: the file is
 * made for the response that creates them and kept nowhere.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "core/common.h"
#include "io/account_xlsx.h"
#include "core/banned.h"

static const struct {
	const char *key, *zh, *en;
	double width;
} cols[] = {
	{ "display_name", "姓名", "Name", 16 },
	{ "trainee_id", "学员编号", "Trainee id", 12 },
	{ "login", "登录名", "Login", 18 },
	{ "activation_code", "激活码", "Activation code", 20 },
	{ "activation_expires", "有效期至", "Valid until", 24 },
};

enum dt_err dt_account_codes_xlsx(const json_t *items, bool en, const char *path,
				  struct dt_strbuf *err)
{
	lxw_workbook *wb = workbook_new(path);
	if (!wb)
		return dt_error(err, DT_EIO, "%s: cannot create the workbook", path);
	lxw_format *hdr = workbook_add_format(wb);
	format_set_bold(hdr);
	format_set_border(hdr, LXW_BORDER_THIN);
	lxw_format *mono = workbook_add_format(wb);
	format_set_font_name(mono, "Consolas");
	format_set_bold(mono);
	lxw_worksheet *ws = workbook_add_worksheet(wb, en ? "Activation codes" : "账号激活码");
	lxw_error e = ws ? LXW_NO_ERROR : LXW_ERROR_MEMORY_MALLOC_FAILED;
	for (uint16_t c = 0; c < DT_ARRAY_SIZE(cols) && e == LXW_NO_ERROR; c++) {
		e = worksheet_set_column(ws, c, c, cols[c].width, NULL);
		if (e == LXW_NO_ERROR)
			e = worksheet_write_string(ws, 0, c, en ? cols[c].en : cols[c].zh, hdr);
	}
	if (e == LXW_NO_ERROR)
		worksheet_freeze_panes(ws, 1, 0);
	size_t i;
	const json_t *o;
	json_array_foreach(items, i, o)
	{
		for (uint16_t c = 0; c < DT_ARRAY_SIZE(cols) && e == LXW_NO_ERROR; c++) {
			json_t *v = json_object_get(o, cols[c].key);
			lxw_row_t r = (lxw_row_t)i + 1;
			if (json_is_integer(v))
				e = worksheet_write_number(ws, r, c, (double)json_integer_value(v),
							   NULL);
			else if (json_is_string(v))
				e = worksheet_write_string(ws, r, c, json_string_value(v),
							   c == 3 ? mono : NULL);
		}
	}
	lxw_error ce = workbook_close(wb);
	if (e == LXW_NO_ERROR)
		e = ce;
	if (e != LXW_NO_ERROR) {
		unlink(path);
		return dt_error(err, DT_EIO, "%s: %s", path, lxw_strerror(e));
	}
	return DT_OK;
}
