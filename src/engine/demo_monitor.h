/*
 * demo_monitor.h - the monitoring side of the demo pilot: minimum wages,
 * targets, pilot tasks, and a first evaluation of the alert rules.
 */
#ifndef DT_DEMO_MONITOR_H
#define DT_DEMO_MONITOR_H

#include "store/store.h"

/**
 * Write demo minimum wages per province, national default targets, each
 * pilot's yearly targets (set around what the pilot achieved the year
 * before, so that some are on track and some are not), four tasks per
 * pilot, and raise the alerts.  Deterministic for a database and @today
 * (YYYYMMDD).
 */
enum dt_err dt_demo_monitoring(struct dt_store *s, const struct dt_actor *a, int today,
			       struct dt_strbuf *err);

#endif
