// map.js - 地图: the pilot's provinces and their cities coloured by a chosen
// indicator, for officials.  The nation shows the pilot provinces, a
// province its cities, a city itself; a region is a link that drills down
// (province → its cities, city → its dashboard).  A legend names the
// classes and which direction is good, and a table gives every figure as
// text (the accessible alternative, and what a screen reader reads).
//
// The boundaries are web/js/vendor/map-geo.js (the pilot provinces' cities
// only, made by scripts/map-assets.mjs from an MIT-licensed npm package),
// projected with d3-geo (web/js/vendor/d3-geo.js); both are loaded only when
// the map is first shown.  No national outline is drawn: a published map
// of China's borders must follow the official standard map.

import { get, qs } from '../api.js';
import { h, svg } from '../dom.js';
import { currentLang, t, unitValue } from '../i18n.js';
import { getSession, nameOf, ref } from '../model.js';
import { errorText, pageHead } from './common.js';

let geoLoad = null;
function loadGeo() {
  geoLoad ??= Promise.all([import('../vendor/d3-geo.js'), import('../vendor/map-geo.js')])
    .then(([, g]) => g.default);
  return geoLoad;
}

const nm = (o) => (currentLang() === 'en' ? (o.name_en || o.name_zh) : o.name_zh);
const level = (code) => (!code || /^0+$/.test(code) ? 0 : code.endsWith('0000') ? 1 : code.endsWith('00') ? 2 : 3);
const CLASSES = 5;

/** Equal-interval classes over @values: [{lo, hi}]; one class when all are equal. */
function classes(values) {
  const v = values.filter((x) => x !== null && x !== undefined);
  if (!v.length) return [];
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  if (lo === hi) return [{ lo, hi }];
  const step = (hi - lo) / CLASSES;
  return [...Array(CLASSES).keys()].map((i) => ({ lo: lo + i * step, hi: i === CLASSES - 1 ? hi : lo + (i + 1) * step }));
}
const classOf = (cls, v) => (v === null || v === undefined ? -1 : Math.max(0, cls.findIndex((c) => v <= c.hi)));

export async function mapView(ctx) {
  const s = getSession();
  const q = ctx.query;
  const scope = s.user.scope.region || '';
  const region = q.get('region') || scope;
  const year = Number(q.get('year')) || new Date().getFullYear();
  const lv = level(region);
  const [geo, ind, here] = await Promise.all([
    loadGeo(),
    get(`/indicators${qs({ region, year })}`).then((data) => ({ data }), (error) => ({ error })),
    region ? ref('region', region) : null,
  ]);
  const placeName = here ? nameOf('region', here) : t('dash.nation');
  const title = t('map.title', { place: placeName });
  const link = (over) => {
    const u = new URLSearchParams(q);
    for (const [k, v] of Object.entries(over)) { if (v) u.set(k, v); else u.delete(k); }
    const str = u.toString();
    return `/map${str ? `?${str}` : ''}`;
  };
  if (ind.error) {
    return { title, node: h('div', { class: 'page map' }, pageHead(title), h('div', { class: 'notice error', role: 'alert' }, errorText(ind.error))) };
  }
  const indicators = ind.data.indicators;
  const chosen = indicators.find((i) => i.code === q.get('indicator')) || indicators.find((i) => i.code === 'active_contracts') || indicators[0];
  const fmt = (v) => unitValue(v, chosen.unit);
  // class bounds of counts as whole numbers (the classes hold whole counts)
  const whole = (v) => (chosen.unit === 'count' ? Math.round(v) : v);

  // What is drawn: the nation's pilot provinces (each the union of its
  // cities' shapes), a province's cities, or the city itself.
  const feats = geo.features;
  let areas;
  if (lv === 0) {
    areas = ind.data.children.filter((c) => feats.some((f) => f.properties.province === c.region.code))
      .map((c) => ({ code: c.region.code, name: nm(c.region), value: c.values[chosen.code], features: feats.filter((f) => f.properties.province === c.region.code), href: link({ region: c.region.code }) }));
  } else if (lv === 1) {
    areas = ind.data.children.filter((c) => feats.some((f) => f.properties.code === c.region.code))
      .map((c) => ({ code: c.region.code, name: nm(c.region), value: c.values[chosen.code], features: feats.filter((f) => f.properties.code === c.region.code), href: `/${qs({ region: c.region.code, year, indicator: chosen.code })}` }));
  } else {
    const city = `${region.slice(0, 4)}00`;
    const mine = ind.data.indicators.find((i) => i.code === chosen.code);
    areas = feats.filter((f) => f.properties.code === city).map((f) => ({ code: city, name: placeName, value: mine.value, features: [f], href: `/${qs({ region, year, indicator: chosen.code })}` }));
  }
  const cls = classes(areas.map((a) => a.value));

  // ---- the map ----
  const narrow = window.matchMedia && window.matchMedia('(max-width: 600px)').matches;
  const W = narrow ? 360 : 640;
  const H = narrow ? 320 : 440;
  let figure;
  if (areas.length) {
    const d3 = globalThis.d3;
    const all = { type: 'FeatureCollection', features: areas.flatMap((a) => a.features) };
    const projection = d3.geoMercator().fitExtent([[8, 8], [W - 8, H - 8]], all);
    const path = d3.geoPath(projection);
    const shapes = areas.map((a) => {
      const k = classOf(cls, a.value);
      const label = t('map.areaLabel', { name: a.name, v: a.value === null || a.value === undefined ? t('map.noData') : fmt(a.value) });
      const [cx, cy] = path.centroid({ type: 'FeatureCollection', features: a.features });
      return svg('a', {
        href: a.href, 'aria-label': label, class: `area c${k}`, 'data-code': a.code,
        on: { click: (e) => { e.preventDefault(); ctx.navigate(a.href); } },
      },
      svg('title', null, label),
      a.features.map((f) => svg('path', { d: path(f) })),
      Number.isFinite(cx) ? svg('text', { x: cx, y: cy, class: 'area-label', 'text-anchor': 'middle' }, a.name) : null);
    });
    figure = h('figure', { class: 'chart map-figure' },
      h('figcaption', null, t('map.caption', { name: nm(chosen), place: placeName, year })),
      svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'map-svg', role: 'group', 'aria-label': t('map.caption', { name: nm(chosen), place: placeName, year }) }, shapes),
      h('div', { class: 'map-legend', 'data-test': 'map-legend' },
        h('p', { class: 'dir-note' }, `${t(`dash.dir.${chosen.direction}`)} · ${t('map.darker')}`),
        h('ul', { class: 'legend' }, [...cls.map((c, i) => h('li', null, h('span', { class: `swatch area c${i}`, 'aria-hidden': 'true' }), `${fmt(whole(c.lo))} – ${fmt(whole(c.hi))}`)),
          h('li', null, h('span', { class: 'swatch area c-1', 'aria-hidden': 'true' }), t('map.noData'))])),
      h('p', { class: 'muted small' }, t('map.source')));
  } else {
    figure = h('p', { class: 'empty', 'data-test': 'map-empty' }, t('map.none'));
  }

  // ---- the table alternative ----
  const table = h('div', { class: 'table-wrap' }, h('table', { 'data-test': 'map-table' },
    h('caption', null, t('map.tableCaption', { name: nm(chosen), place: placeName, year })),
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('map.region')), h('th', { scope: 'col', class: 'num' }, nm(chosen)))),
    h('tbody', null, [...areas].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity)).map((a) => h('tr', null,
      h('th', { scope: 'row' }, h('a', { href: a.href }, a.name)),
      h('td', { class: 'num' }, a.value === null || a.value === undefined ? t('map.noData') : fmt(a.value)))))));

  const controls = h('form', {
    class: 'filters', 'aria-label': t('dash.choose'),
    on: { submit: (ev) => { ev.preventDefault(); const fd = new FormData(ev.target); ctx.navigate(link({ indicator: fd.get('indicator'), year: fd.get('year') })); } },
  },
  h('div', { class: 'field inline' }, h('label', { for: 'map-year' }, t('dash.year')),
    h('select', { id: 'map-year', name: 'year' }, [year + 1, year, year - 1, year - 2].map((y) => h('option', { value: y, selected: y === year }, String(y))))),
  h('div', { class: 'field inline' }, h('label', { for: 'map-ind' }, t('dash.indicator')),
    h('select', { id: 'map-ind', name: 'indicator' }, indicators.map((i) => h('option', { value: i.code, selected: i.code === chosen.code }, nm(i))))),
  h('button', { type: 'submit', class: 'btn' }, t('dash.show')));

  // the way up, within the caller's scope
  const crumbs = [];
  if (!scope && lv > 0) crumbs.push([link({ region: '' }), t('dash.nation')]);
  if (lv === 2 && level(scope) < 2) crumbs.push([link({ region: `${region.slice(0, 2)}0000` }), t('map.province')]);

  return {
    title,
    node: h('div', { class: 'page map' },
      pageHead(title, { crumbs, sub: t('map.sub'), actions: [h('a', { class: 'btn', href: `/${qs({ region, year, indicator: chosen.code })}` }, t('map.toDashboard'))] }),
      controls,
      h('div', { class: 'grid2' }, h('section', { class: 'panel' }, figure), h('section', { class: 'panel' }, table))),
  };
}
