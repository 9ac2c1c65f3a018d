/*
 * lang.h - the two languages dualtrack speaks, and how a reader's is chosen.
 *
 * Over HTTP Chinese is the default: a request without Accept-Language is
 * answered in Chinese, English is given on request (Accept-Language: en…).
 * On the command line the locale decides: zh_* is Chinese, anything else
 * English (a terminal set to C or en_US cannot be assumed to show Chinese).
 */
#ifndef DT_LANG_H
#define DT_LANG_H

enum dt_lang {
	DT_LANG_ZH = 0,
	DT_LANG_EN = 1,
};

/**
 * The language of an HTTP Accept-Language value (RFC 9110 12.5.4): the
 * highest-weighted of "zh…" and "en…" wins, ties going to the one listed
 * first; anything else (NULL, "*", "fr") is Chinese.
 */
enum dt_lang dt_lang_accept(const char *accept_language);

/**
 * The language of the process's locale for messages: LC_ALL, then
 * LC_MESSAGES, then LANG, the first one set and not empty.  "zh…" is
 * Chinese; anything else, unset included, is English.
 */
enum dt_lang dt_lang_env(void);

/** "zh" or "en". */
const char *dt_lang_code(enum dt_lang lang);

#endif
