// boot.js - the first requests of a page load, started as soon as this small
// module has arrived instead of after the whole application has loaded and
// started: the session and the schema of the records (public: it needs no
// session), and when the page is an official's dashboard, the answers that
// the dashboard asks for next.  index.html runs it ahead of
// app.js (async), so the requests overlap with the loading of the other
// modules rather than forming a waterfall after them.  The screens still
// make their own calls; api.js hands them these answers when the URL is the
// same, so what is shown never depends on this module.

import { prefetch, qs } from './api.js';

/**
 * The API paths the dashboard of @user reads for the page query @query
 * (URLSearchParams) in @thisYear, and the region and year it shows.  The one
 * place these are spelled, so that the early requests are the same ones.
 */
export function dashboardRequests(user, query, thisYear) {
  const scope = user.scope.region || '';
  const region = query.get('region') || scope;
  const year = Number(query.get('year') || thisYear);
  return {
    scope,
    region,
    year,
    indicators: `/indicators${qs({ region, year })}`,
    series: `/indicators/series${qs({ region, year })}`,
    rankings: `/rankings${qs({ level: 'city', year })}`,
    alerts: `/alerts${qs({ status: 'open', limit: 5, region: region || undefined })}`,
    // Only when the indicators fail: they list the sub-regions too.
    children: `/regions${qs({ parent: region || undefined, level: region ? undefined : 1, limit: 100, sort: 'id' })}`,
    place: region ? `/regions/${encodeURIComponent(region)}` : null,
  };
}

/** Resolves once the early requests have been started (never rejects). */
async function start() {
  const session = prefetch('/session', true);
  prefetch('/schema');
  if (location.pathname !== '/app/' && location.pathname !== '/app') return; // the dashboard (app.js appPath)
  const query = new URLSearchParams(location.search);
  const user = await session;
  // An official's dashboard (screens.js, isGov): the role may watch the indicators.
  if (!user || !(user.permissions || []).includes('monitor')) return;
  const r = dashboardRequests(user, query, new Date().getFullYear());
  for (const p of [r.indicators, r.series, r.rankings, r.alerts, r.place]) if (p) prefetch(p);
}

/**
 * app.js waits for this before its first call, so that it finds the answers;
 * whatever goes wrong here, the application starts as it would without it.
 */
export const booted = start().catch(() => {});
