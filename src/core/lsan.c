/*
 * lsan.c - LeakSanitizer's default suppressions, one definition for the
 * whole program (a sanitizer build reads them; otherwise nothing does).
 *
 * What libraries keep for the life of the process and never free is not
 * ours to fix, and is bounded:
 *   - h2o (http/server.c): h2o_mem_alloc_recycle() keeps freed chunks of
 *     every worker's pools, and with evloop h2o_multithread_destroy_queue()
 *     does not free the queue;
 *   - the PDF documents (io/pdf.c): fontconfig, pango, cairo, harfbuzz,
 *     freetype and glib keep their font caches.
 * A module that needs them calls dt_lsan_keep(), so that this object is
 * linked from the static library whichever binary uses the module.
 */
#include "core/lsan.h"
#include "core/banned.h"

#if defined(__SANITIZE_ADDRESS__)
#define DT_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DT_UNDER_ASAN 1
#endif
#endif
#ifdef DT_UNDER_ASAN
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:h2o_mem_alloc_recycle\nleak:h2o_multithread_create_queue\n"
	       "leak:libfontconfig.so\nleak:libpango-1.0.so\nleak:libpangocairo-1.0.so\n"
	       "leak:libpangoft2-1.0.so\nleak:libcairo.so\nleak:libglib-2.0.so\n"
	       "leak:libgobject-2.0.so\nleak:libharfbuzz.so\nleak:libfreetype.so\n";
}
#endif

void dt_lsan_keep(void)
{
}
