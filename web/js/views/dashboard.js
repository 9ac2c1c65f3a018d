// dashboard.js - the first screen.  Officials (and inspectors, admins) see
// the monitoring dashboard of their region: indicator cards with value,
// target, attainment and trend; monthly trend lines; bars per sub-region;
// company vs school hours; the ranking of pilot cities; open alerts; and a
// drill-down nation → province → city.  Schools, enterprises and trainees
// see their workbench: what waits for them; an assessment body the
// contracts it may assess and the assessments it recorded.  Missing monitoring endpoints
// give a clear "no data" state, never a broken page.

import { get, qs } from '../api.js';
import { h } from '../dom.js';
import { currentLang, date, num, pct, t, unitValue } from '../i18n.js';
import { contractLabel, fieldsOf, getSession, nameOf, ref, resolveRefs, role } from '../model.js';
import { isGov, myParty } from '../screens.js';
import { lineChart, barChart, meter, sparkline } from '../charts.js';
import { dashboardRequests } from '../boot.js';
import { badge, errorText, pageHead, regionName, value } from './common.js';

const nm = (o) => (o ? (currentLang() === 'en' ? (o.name_en || o.name_zh) : o.name_zh) : '');

async function optional(path) {
  try {
    return { data: await get(path) };
  } catch (e) {
    return { error: e };
  }
}

/** nation → province → city for @code. */
async function regionPath(code) {
  const path = [];
  let c = code;
  for (let i = 0; c && i < 4; i++) {
    const r = await ref('region', c);
    if (!r) break;
    path.unshift(r);
    c = r.parent;
  }
  return path;
}

export async function dashboardView(ctx) {
  if (role() === 'assessor') return assessorBench();
  if (!isGov()) return workbench(ctx);
  const s = getSession();
  const q = ctx.query;
  const thisYear = new Date().getFullYear();
  const req = dashboardRequests(s.user, q, thisYear);
  const { scope, region, year } = req;
  const pick = q.get('indicator') || '';

  const [ind, series, rank, alerts, path] = await Promise.all([
    optional(req.indicators),
    optional(req.series),
    optional(req.rankings),
    optional(req.alerts),
    region ? regionPath(region) : Promise.resolve([]),
  ]);
  // The indicators answer lists the sub-regions with their values; only
  // without it are they read from the region table.
  const children = ind.data ? {} : await optional(req.children);
  const here = path.length ? path[path.length - 1] : null;
  const placeName = here ? nameOf('region', here) : t('dash.nation');
  const title = t('dash.title', { place: placeName });
  const link = (over) => {
    const u = new URLSearchParams(q);
    for (const [k, v] of Object.entries(over)) { if (v) u.set(k, v); else u.delete(k); }
    const str = u.toString();
    return `/${str ? `?${str}` : ''}`;
  };

  // Drill-down: the way up (within the user's scope) and the way down.
  const scopeDepth = scope ? path.findIndex((r) => String(r.id) === String(scope)) : -1;
  const crumbs = [];
  if (!scope) crumbs.push(h('li', null, region ? h('a', { href: link({ region: '' }) }, t('dash.nation')) : h('span', { 'aria-current': 'page' }, t('dash.nation'))));
  path.forEach((r, i) => {
    if (scope && i < scopeDepth) return;
    const last = i === path.length - 1;
    crumbs.push(h('li', null, last ? h('span', { 'aria-current': 'page' }, nameOf('region', r)) : h('a', { href: link({ region: String(r.id) }) }, nameOf('region', r))));
  });

  const indicators = ind.data ? ind.data.indicators : [];
  let childRows = ind.data && ind.data.children && ind.data.children.length ? ind.data.children
    : (children.data ? children.data.items.filter((r) => r.level <= 2).map((r) => ({ region: { code: String(r.id), name_zh: r.name_zh, name_en: r.name_en, level: r.level }, values: {} })) : []);
  // The nation's provinces: those with a pilot only (a province or a city of it takes part)
  if (!region && childRows.length) {
    const pilots = await optional(`/pilots${qs({ limit: 1000 })}`);
    if (pilots.data) {
      const taking = new Set(pilots.data.items.map((p) => String(p.region).slice(0, 2)));
      childRows = childRows.filter((c) => taking.has(String(c.region.code).slice(0, 2)));
    }
  }
  const chosen = indicators.find((i) => i.code === pick) || indicators.find((i) => i.value !== null) || indicators[0];
  const ser = series.data ? series.data : null;
  // Month labels carry the year (on the first month: "2026年1月", "Jan 2026").
  const periods = ser ? ser.periods.map((p, i) => {
    const m = Number(p.slice(5, 7));
    const y = p.slice(0, 4);
    if (currentLang() === 'zh') return i ? `${m}月` : `${y}年${m}月`;
    const mon = new Date(Date.UTC(2000, m - 1, 1)).toLocaleString('en-GB', { month: 'short', timeZone: 'UTC' });
    return i ? mon : `${mon} ${y}`;
  }) : [];
  // The month not yet over is drawn as partial; the months after it are not real yet.
  const partial = ser && ser.current ? ser.periods.indexOf(ser.current) : -1;
  const upToNow = (vals) => (partial >= 0 ? vals.map((v, i) => (i > partial ? null : v)) : vals);

  const controls = h('form', {
    class: 'filters', 'aria-label': t('dash.choose'),
    on: { submit: (ev) => { ev.preventDefault(); const fd = new FormData(ev.target); ctx.navigate(link({ year: fd.get('year'), indicator: fd.get('indicator') })); } },
  },
  h('div', { class: 'field inline' }, h('label', { for: 'dash-year' }, t('dash.year')),
    h('select', { id: 'dash-year', name: 'year' }, [thisYear + 1, thisYear, thisYear - 1, thisYear - 2, thisYear - 3].map((y) => h('option', { value: y, selected: y === year }, String(y))))),
  indicators.length ? h('div', { class: 'field inline' }, h('label', { for: 'dash-ind' }, t('dash.indicator')),
    h('select', { id: 'dash-ind', name: 'indicator' }, indicators.map((i) => h('option', { value: i.code, selected: chosen && i.code === chosen.code }, nm(i))))) : null,
  h('button', { type: 'submit', class: 'btn' }, t('dash.show')));

  // ---- cards ----
  let cards;
  if (ind.data && indicators.length) {
    cards = h('ul', { class: 'cards ind-cards', 'aria-label': t('dash.indicators') }, indicators.map((i) => {
      const vals = ser && ser.series[i.code] ? upToNow(ser.series[i.code]) : [];
      const att = i.attainment;
      // a ceiling: within it is simply "within target", never "115%"
      const attText = att === null || att === undefined ? null
        : i.direction === 'ceiling' ? (att >= 1 ? t('dash.withinCeiling') : t('dash.overCeiling', { v: pct(att, 0) }))
          : t('dash.attainment', { v: pct(att, 0) });
      const proj = i.projection === null || i.projection === undefined ? null : i.unit === 'count' ? Math.round(i.projection) : i.projection;
      const delta = i.value !== null && i.previous !== null && i.previous !== undefined ? i.value - i.previous : null;
      const better = delta === null || delta === 0 ? null : (i.direction === 'lower' ? delta < 0 : delta > 0);
      return h('li', { class: 'card ind', 'data-indicator': i.code },
        h('p', { class: 'card-title' }, h('a', { href: link({ indicator: i.code }), 'aria-label': t('dash.showTrend', { name: nm(i) }) }, nm(i))),
        h('p', { class: 'card-value' }, unitValue(i.value, i.unit)),
        h('p', { class: 'dir-note', 'data-direction': i.direction }, t(`dash.dir.${i.direction}`)),
        h('p', { class: 'card-note' },
          i.target !== null && i.target !== undefined ? t('dash.target', { v: unitValue(i.target, i.unit) }) : t('dash.noTarget'),
          delta !== null ? h('span', { class: `delta ${better ? 'up' : better === false ? 'down' : ''}` }, ` · ${t('dash.vsPrev', { v: (delta > 0 ? '+' : '') + unitValue(delta, i.unit === 'count' || i.unit === 'hours' || i.unit === 'yuan' ? i.unit : i.unit) })}`) : null),
        attText ? h('div', { class: 'att' }, meter(att, attText), h('span', { class: 'att-text' }, attText)) : null,
        proj !== null ? h('p', { class: 'card-note small' }, t('dash.projection', { v: unitValue(proj, i.unit) })) : null,
        sparkline(vals));
    }));
  } else {
    cards = h('div', { class: 'notice info', role: 'status', 'data-test': 'no-indicators' },
      h('p', null, ind.error ? errorText(ind.error) : t('dash.noData')));
  }

  // ---- charts ----
  const charts = [];
  if (chosen && ser && ser.series[chosen.code]) {
    const fmt = (v) => unitValue(v, chosen.unit);
    const lines = [{ name: nm(chosen), values: upToNow(ser.series[chosen.code]), cls: 's1' }];
    if (chosen.target !== null && chosen.target !== undefined && chosen.unit !== 'count') lines.push({ name: t('chart.target'), values: ser.series[chosen.code].map(() => chosen.target), cls: 'tgt' });
    charts.push(h('section', { class: 'panel' }, lineChart(t('dash.trend', { name: nm(chosen), year }), periods, lines, fmt, { partial })));
  }
  if (ser && (ser.series.hours_company || ser.series.hours_school)) {
    charts.push(h('section', { class: 'panel' }, lineChart(t('dash.hours', { year }), periods, [
      { name: t('enum.site.company'), values: upToNow(ser.series.hours_company || []), cls: 's1' },
      { name: t('enum.site.school'), values: upToNow(ser.series.hours_school || []), cls: 's2' },
    ], (v) => t('unit.hours', { n: num(v) }), { partial })));
  }
  if (chosen && childRows.some((c) => c.values && c.values[chosen.code] !== undefined && c.values[chosen.code] !== null)) {
    const items = childRows.map((c) => ({ label: nm(c.region), value: c.values[chosen.code], target: null }))
      .filter((i) => i.value !== null && i.value !== undefined && (i.value !== 0 || chosen.unit === 'percent')).sort((a, b) => b.value - a.value).slice(0, 20);
    charts.push(h('section', { class: 'panel' }, barChart(t('dash.bySub', { name: nm(chosen) }), items, (v) => unitValue(v, chosen.unit), { cls: 's3' })));
  }

  // ---- sub-regions (drill-down) ----
  const subs = childRows.length ? h('section', { class: 'panel', 'aria-labelledby': 'd-sub' },
    h('h2', { id: 'd-sub' }, t('dash.subregions')),
    h('ul', { class: 'links cols' }, childRows.map((c) => h('li', null,
      h('a', { href: link({ region: c.region.code }) }, nm(c.region)),
      chosen && c.values && c.values[chosen.code] !== undefined && c.values[chosen.code] !== null ? h('span', { class: 'muted' }, ` ${unitValue(c.values[chosen.code], chosen.unit)}`) : null)))) : null;

  // ---- ranking ----
  let ranking;
  if (rank.data && rank.data.items && rank.data.items.length) {
    const all = rank.data.items;
    const mine = here ? all.find((it) => it.region.code === String(here.id).padStart(6, '0')) : null;
    // this city's place among all pilots, and the weighted parts of its score
    const parts = indicators.filter((i) => i.score_part !== null && i.score_part !== undefined);
    const place = mine ? h('div', { class: 'my-rank', 'data-test': 'my-rank' },
      h('p', { class: 'card-value' }, mine.rank ? t('dash.place', { place: placeName, rank: mine.rank, total: rank.data.total || all.length }) : t('dash.unranked', { place: placeName })),
      parts.length ? h('details', { class: 'chart-data', open: true },
        h('summary', null, t('dash.parts', { score: num(ind.data.score, 1) })),
        h('div', { class: 'table-wrap' }, h('table', { 'data-test': 'score-parts' },
          h('caption', { class: 'sr-only' }, t('dash.parts', { score: num(ind.data.score, 1) })),
          h('thead', null, h('tr', null, [t('dash.indicator'), t('dash.weight'), t('dash.attainmentCol'), t('dash.points')].map((c, k) => h('th', { scope: 'col', class: k ? 'num' : null }, c)))),
          h('tbody', null, parts.map((i) => h('tr', null, h('th', { scope: 'row' }, nm(i)),
            h('td', { class: 'num' }, num(i.weight, 1)), h('td', { class: 'num' }, pct(i.attainment, 0)), h('td', { class: 'num' }, num(i.score_part, 1)))))))) : null,
      h('p', { class: 'dir-note' }, t('dash.weightsPublished'))) : h('p', { class: 'dir-note' }, t('dash.weightsPublished'));
    ranking = [place, h('div', { class: 'table-wrap' }, h('table', null,
      h('caption', { class: 'sr-only' }, t('dash.ranking', { year })),
      h('thead', null, h('tr', null, [t('dash.rank'), t('dash.city'), t('dash.score'), t('dash.change')].map((c, i) => h('th', { scope: 'col', class: i !== 1 ? 'num' : null }, c)))),
      h('tbody', null, all.map((it) => {
        const ch = it.previous_rank ? it.previous_rank - it.rank : null;
        return h('tr', { class: it === mine ? 'mine' : null, 'aria-current': it === mine ? 'true' : null }, h('td', { class: 'num' }, it.rank ? String(it.rank) : '—'),
          h('th', { scope: 'row' }, h('a', { href: link({ region: it.region.code }) }, nm(it.region))),
          h('td', { class: 'num' }, num(it.score, 1)),
          h('td', { class: 'num' }, ch === null ? '—' : ch > 0 ? `↑${ch}` : ch < 0 ? `↓${-ch}` : '–'));
      }))))];
  } else {
    ranking = h('p', { class: 'empty' }, rank.error ? errorText(rank.error) : t('dash.noData'));
  }

  // ---- alerts ----
  let alertList;
  if (alerts.data) {
    alertList = alerts.data.items.length ? h('ul', { class: 'alert-list' }, alerts.data.items.map((a) => h('li', { class: `sev-${a.severity}` },
      badge('severity', a.severity), ' ', currentLang() === 'en' ? a.message_en : a.message_zh,
      h('span', { class: 'muted small' }, ` · ${date(a.raised_at)}`))))
      : h('p', { class: 'empty' }, t('dash.noAlerts'));
  } else {
    alertList = h('p', { class: 'empty' }, alerts.error ? errorText(alerts.error) : t('dash.noData'));
  }

  return {
    title,
    node: h('div', { class: 'page dash' },
      pageHead(title, {
        sub: t('dash.sub', { year }),
        // the annual report of the region shown (GET /api/v1/reports/{region}/{year}.pdf)
        actions: [here && here.level >= 1 && here.level <= 2 ? h('a', {
          class: 'btn', href: `/api/v1/reports/${String(here.id).padStart(6, '0')}/${year}.pdf${qs({ lang: currentLang() })}`,
          download: '', title: t('pdf.reportHint', { place: placeName, year }), 'data-test': 'pdf-report',
        }, t('pdf.report')) : null,
        // the view as shown (region, year, charted indicator) as a workbook with charts
        h('a', {
          class: 'btn', href: `/api/v1/indicators.xlsx${qs({ region: region || '', year, indicator: chosen ? chosen.code : '', lang: currentLang() })}`,
          download: '', title: t('dash.xlsxHint', { place: placeName, year }), 'data-test': 'xlsx-dashboard',
        }, t('dash.xlsx'))].filter(Boolean),
      }),
      h('nav', { class: 'crumbs region-path', 'aria-label': t('dash.regionPath') }, h('ol', null, crumbs)),
      controls,
      h('section', { 'aria-labelledby': 'd-ind' }, h('h2', { id: 'd-ind', class: 'sr-only' }, t('dash.indicators')), cards),
      charts.length ? h('div', { class: 'grid2 charts' }, charts) : null,
      h('div', { class: 'grid2' },
        h('section', { class: 'panel', 'aria-labelledby': 'd-rank' }, h('h2', { id: 'd-rank' }, t('dash.ranking', { year })), ranking),
        h('section', { class: 'panel', 'aria-labelledby': 'd-alerts' }, h('h2', { id: 'd-alerts' }, t('dash.openAlerts')), alertList,
          h('p', null, h('a', { href: '/alerts' }, t('dash.allAlerts'))))),
      subs),
  };
}

// ---- the workbench of an assessment body (评价机构) ----

/** The contracts of its region in force (whom it may assess) and the assessments its body recorded. */
async function assessorBench() {
  const s = getSession();
  const [recent, active] = await Promise.all([
    get(`/assessments${qs({ sort: '-date', limit: 10, total: 1 })}`),
    get(`/contracts${qs({ status: 'active', sort: '-id', limit: 10, total: 1 })}`),
  ]);
  const labels = new Map(await Promise.all([...active.items, ...recent.items.map((a) => ({ id: a.contract_id }))]
    .map(async (c) => [c.id, await contractLabel(c)])));
  const af = fieldsOf('assessment');
  const cell = (a, name) => value('assessment', af.find((x) => x.name === name), a);
  const title = t('work.titleAssessor');
  return {
    title,
    node: h('div', { class: 'page work' },
      pageHead(title, { sub: s.scopeName }),
      h('div', { class: 'cards' },
        h('a', { class: 'card', href: '/contracts?status=active' }, h('p', { class: 'card-title' }, t('work.toAssess')), h('p', { class: 'card-value' }, num(active.total ?? active.items.length))),
        h('a', { class: 'card', href: '/assessments' }, h('p', { class: 'card-title' }, t('work.assessed')), h('p', { class: 'card-value' }, num(recent.total ?? recent.items.length)))),
      h('div', { class: 'grid2' },
        h('section', { class: 'panel', 'aria-labelledby': 'w-assess', 'data-test': 'to-assess' }, h('h2', { id: 'w-assess' }, t('work.toAssess')),
          active.items.length ? h('ul', { class: 'links' }, active.items.map((c) => h('li', null,
            h('a', { href: `/contracts/${c.id}` }, labels.get(c.id)), ' ',
            h('a', { class: 'btn small', href: `/assessments/new?contract_id=${c.id}` }, t('new.assessments'))))) : h('p', { class: 'empty' }, t('work.nothing')),
          h('p', null, h('a', { href: '/contracts?status=active' }, t('work.allActive')))),
        h('section', { class: 'panel', 'aria-labelledby': 'w-assessed', 'data-test': 'assessed' }, h('h2', { id: 'w-assessed' }, t('work.assessed')),
          recent.items.length ? h('ul', { class: 'links' }, recent.items.map((a) => h('li', null,
            h('a', { href: `/assessments/${a.id}` }, cell(a, 'date'), ' · ', cell(a, 'kind')), ' · ', cell(a, 'result'), ' · ', labels.get(a.contract_id)))) : h('p', { class: 'empty' }, t('work.nothing')),
          h('p', null, h('a', { href: '/assessments' }, t('work.allAssessed')))))),
  };
}

// ---- the workbench of schools, enterprises and trainees ----

async function workbench() {
  const s = getSession();
  const party = myParty();
  const site = role() === 'enterprise' ? 'company' : role() === 'school' ? 'school' : null;
  const [pending, active, waiting] = await Promise.all([
    get(`/contracts${qs({ status: 'pending', limit: 100, sort: '-id' })}`),
    get(`/contracts${qs({ status: 'active', limit: 100, sort: '-id' })}`),
    // what waits for this signer across trainees, with the true count (待签核)
    site ? get(`/record-entries/waiting${qs({ limit: 10 })}`) : Promise.resolve({ items: [], total: 0 }),
  ]);
  const mine = pending.items.filter((c) => party && !c[`approved_${party}_at`]);
  const toSign = waiting.items;
  await resolveRefs('contract', [...mine, ...active.items.slice(0, 10)], ['trainee_id', 'enterprise_id', 'school_id']);
  const title = role() === 'trainee' ? t('work.titleTrainee') : t('work.title');
  const f = { name: 'trainee_id', type: 'ref', ref: 'trainee' };
  const contractRow = (c) => h('li', null, h('a', { href: `/contracts/${c.id}` }, t('contract.title', { id: c.id })), ' · ', value('contract', f, c), ' ', badge('status', c.status));
  return {
    title,
    node: h('div', { class: 'page work' },
      pageHead(title, { sub: s.scopeName }),
      h('div', { class: 'cards' },
        h('div', { class: 'card' }, h('p', { class: 'card-title' }, t('work.awaitingMe')), h('p', { class: 'card-value' }, num(mine.length))),
        h('div', { class: 'card' }, h('p', { class: 'card-title' }, t('work.active')), h('p', { class: 'card-value' }, active.next ? `${num(active.items.length)}+` : num(active.items.length))),
        site ? h('a', { class: 'card', href: '/signoff', 'data-test': 'to-sign' }, h('p', { class: 'card-title' }, t('work.toSign')), h('p', { class: 'card-value' }, num(waiting.total))) : null),
      h('div', { class: 'grid2' },
        h('section', { class: 'panel', 'aria-labelledby': 'w-ap' }, h('h2', { id: 'w-ap' }, t('work.awaitingMe')),
          mine.length ? h('ul', { class: 'links' }, mine.map(contractRow)) : h('p', { class: 'empty' }, t('work.nothing'))),
        h('section', { class: 'panel', 'aria-labelledby': 'w-sign' }, h('h2', { id: 'w-sign' }, site ? t('work.toSign') : t('work.myContracts')),
          site ? (toSign.length ? [h('ul', { class: 'links' }, toSign.map((e) => h('li', null, h('a', { href: `/contracts/${e.contract_id}/record-book` }, `${e.trainee_name} · ${date(e.date)} · ${e.content}`), h('span', { class: 'muted' }, ` · ${num(e.hours)} h`)))),
            h('p', null, h('a', { class: 'btn primary', href: '/signoff', 'data-test': 'to-sign-all' }, t('mentor.toSignAll', { n: num(waiting.total) })))] : h('p', { class: 'empty' }, t('work.nothing')))
            : (active.items.length || pending.items.length ? h('ul', { class: 'links' }, [...active.items, ...pending.items].map(contractRow)) : h('p', { class: 'empty' }, t('work.nothing'))))),
      active.items.length ? h('section', { class: 'panel', 'aria-labelledby': 'w-act' }, h('h2', { id: 'w-act' }, t('work.active')),
        h('ul', { class: 'links' }, active.items.slice(0, 10).map(contractRow)),
        h('p', null, h('a', { href: '/contracts?status=active' }, t('work.allActive')))) : null),
  };
}

export { regionName };
