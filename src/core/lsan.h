/*
 * lsan.h - LeakSanitizer's suppressions of library caches (core/lsan.c).
 */
#ifndef DT_LSAN_H
#define DT_LSAN_H

/** Does nothing; calling it links core/lsan.c's suppressions into the binary. */
void dt_lsan_keep(void);

#endif
