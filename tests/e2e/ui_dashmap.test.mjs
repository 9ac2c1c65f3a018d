// ui_dashmap.test.mjs - what a city official takes away from the dashboard
// and the map (issue 17), in the browser: the annual report as PDF and the
// dashboard as XLSX (read back with openpyxl: the figures equal the API's),
// the map drilled down nation → province → city → the city's dashboard; in
// Chinese and English, in care mode and on a 390 px phone.  On the
// dashboard: the current month drawn partial with its note, the ceiling
// indicator "within" rather than a percentage above 100, count projections
// whole, the city's place among all pilots with its score's parts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { TODAY, startServer } from './helpers.mjs';
import { axe, browserAvailable, go, launch, newPage, pilotDb, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 180000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const PYTHON = process.env.DUALTRACK_PYTHON || '/usr/bin/python3';
const YEAR = TODAY.slice(0, 4);

let pilot;
let srv;
let chrome;

before(async () => {
  if (missing) return;
  pilot = await pilotDb(60);
  srv = await startServer(pilot.db, { threads: 2 });
  chrome = await launch();
});

after(async () => {
  if (chrome) await chrome.close();
  if (srv) await srv.stop();
});

async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = path.join(pilot.dir, dl.suggestedFilename());
  await dl.saveAs(file);
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file), file };
}

// The indicators sheet of a workbook: { code: value }, and the sheet names.
function workbook(file) {
  const py = `
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
rows = [list(r) for r in ws.iter_rows(min_row=5, values_only=True)]
print(json.dumps({'sheets': wb.sheetnames, 'values': {r[1]: r[4] for r in rows if r[1]}, 'charts': sum(len(w._charts) for w in wb.worksheets)}))
`;
  const r = spawnSync(PYTHON, ['-c', py, file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

// Nothing wider than the screen; chart and map text not below @min px once scaled.
async function fitsPhone(page, what, min = 10) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 390, `${what}: the page is ${w} px wide on a 390 px phone`);
  const small = await page.evaluate((m) => [...document.querySelectorAll('svg text')].filter((t) => t.getClientRects().length)
    .map((t) => ({ text: t.textContent, px: t.getBoundingClientRect().height })).filter((t) => t.px > 0 && t.px < m), min);
  assert.deepEqual(small, [], `${what}: chart text readable (≥ ${min} px)`);
}

test('a city official takes the annual report (PDF) and the dashboard (XLSX) in Chinese', opts, async () => {
  const ctx = await chrome.newContext({ acceptDownloads: true });
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'shenyang');
  await go(page, srv.base, '/');
  const pdf = await download(page, '[data-test="pdf-report"]');
  assert.match(pdf.name, /^report-210100-\d{4}\.pdf$/);
  assert.equal(pdf.bytes.subarray(0, 5).toString(), '%PDF-');
  const x = await download(page, '[data-test="xlsx-dashboard"]');
  assert.match(x.name, /^dashboard-210100-\d{4}\.xlsx$/);
  const book = workbook(x.file);
  assert.deepEqual(book.sheets, ['指标', '月度', '下级地区', '排名']);
  assert.ok(book.charts >= 3, `native charts: ${book.charts}`);
  const api = await page.evaluate(async (y) => (await (await fetch(`/api/v1/indicators?region=210100&year=${y}`)).json()).indicators, YEAR);
  for (const i of api) assert.equal(book.values[i.code] ?? null, i.value, `${i.code}: the workbook's value is the dashboard's`);

  // the dashboard itself: the partial month, the ceiling, whole projections, the place
  assert.equal(await page.locator('[data-test="partial-note"]').count() > 0, true, 'the current month noted as partial');
  assert.ok(await page.locator('path.line.partial').count() > 0, 'the partial month dashed');
  const tpm = page.locator('.ind[data-indicator="trainees_per_mentor"]');
  assert.equal(await tpm.locator('[data-direction="ceiling"]').count(), 1);
  assert.doesNotMatch(await tpm.textContent(), /目标达成 1\d\d%/, 'a ceiling is not over 100%');
  for (const txt of await page.locator('.ind[data-indicator="new_contracts"] .card-note.small').allTextContents()) assert.doesNotMatch(txt, /\d\.\d/, `a whole projection: ${txt}`);
  const place = await page.locator('[data-test="my-rank"]').textContent();
  assert.match(place, /沈阳市：\d+ 个试点中第 \d+ 名/);
  assert.ok(await page.locator('[data-test="score-parts"] tbody tr').count() >= 3, 'the parts of the score');
  assert.match(place, /weight\.\*/, 'where the weights are published');
  assert.match(await page.locator('figure.chart svg text').first().evaluate((e) => e.closest('svg').textContent), new RegExp(`${YEAR}年1月`), 'the axis names the year');
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

test('the map: nation → province → city → dashboard, with legend and table (English)', opts, async () => {
  const ctx = await chrome.newContext();
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'nation');
  await page.click('[data-test=lang]');
  await page.locator('nav.side a', { hasText: 'Map' }).waitFor();
  await page.click('nav.side a[href="/map"]');
  await page.waitForFunction(() => document.getElementById('app')?.getAttribute('data-ready') === '/map');
  // only the pilot provinces, no national outline
  const provinces = await page.locator('svg.map-svg a.area').evaluateAll((as) => as.map((a) => a.getAttribute('data-code')).sort());
  assert.deepEqual(provinces, ['150000', '210000', '220000', '230000']);
  assert.ok((await page.locator('[data-test="map-legend"] li').count()) >= 2, 'a legend');
  assert.equal(await page.locator('[data-test="map-table"] tbody tr').count(), 4, 'the table lists what the map shows');
  // colour by another indicator, then drill into Liaoning
  await page.selectOption('#map-ind', 'new_contracts');
  await page.click('form.filters button[type=submit]');
  await page.waitForFunction(() => location.search.includes('indicator=new_contracts') && document.getElementById('app')?.getAttribute('data-ready') === '/map');
  await page.click('svg.map-svg a.area[data-code="210000"]');
  await page.waitForFunction(() => location.search.includes('region=210000') && !document.getElementById('main')?.hasAttribute('aria-busy') && document.querySelectorAll('svg.map-svg a.area').length > 4);
  const cities = await page.locator('svg.map-svg a.area').evaluateAll((as) => as.map((a) => a.getAttribute('data-code')));
  assert.ok(cities.includes('210100') && cities.includes('210200') && cities.every((c) => c.startsWith('21')), cities.join(' '));
  assert.match(await page.locator('[data-test="map-table"] caption').textContent(), /New contracts/);
  const rows = await page.locator('[data-test="map-table"] tbody th').allTextContents();
  assert.ok(rows.includes('Shenyang'), rows.join(', '));
  await axe(page, 'the map of Liaoning');
  // keyboard: the city is a link; Enter opens its dashboard
  await page.locator('svg.map-svg a.area[data-code="210100"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.pathname === '/app/' && location.search.includes('region=210100') && document.getElementById('app')?.getAttribute('data-ready') === '/');
  assert.match(await page.locator('main h1').textContent(), /Shenyang/);
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

test('on a 390 px phone in care mode: the dashboard and the map fit and their text is readable', opts, async () => {
  const ctx = await chrome.newContext(PHONE);
  const page = await newPage(ctx);
  await page.goto(`${srv.base}/login`);
  await page.click('[data-test=care]');
  await signIn(page, srv.base, 'shenyang');
  await go(page, srv.base, '/');
  await fitsPhone(page, 'dashboard');
  assert.equal(await page.locator('[data-test="partial-note"]').first().isVisible(), true, 'the partial note in care mode');
  await go(page, srv.base, '/map');
  assert.equal(await page.locator('svg.map-svg a.area').count(), 1, 'the city official sees his city');
  await fitsPhone(page, 'map');
  await page.locator('svg.map-svg a.area').first().tap();
  await page.waitForFunction(() => location.pathname === '/app/' && document.getElementById('app')?.getAttribute('data-ready') === '/');
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});
