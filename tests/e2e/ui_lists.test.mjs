// ui_lists.test.mjs - the lists as an official reads them (issue 17): the
// total count, numbered pages and a jump to a page (the API's offset and
// total); filters by sub-region, organisation and date range shown by name,
// each total checked against the database; years without a thousands
// separator; an organisation's industry by its label; alerts linked to what
// they are about; the audit log's people and actions in words.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './helpers.mjs';
import { browserAvailable, go, launch, newPage, pilotDb, ready, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 60000 };

let pilot;
let srv;
let chrome;

before(async () => {
  if (missing) return;
  pilot = await pilotDb(200);
  srv = await startServer(pilot.db, { threads: 2 });
  chrome = await launch();
});

after(async () => {
  if (chrome) await chrome.close();
  if (srv) await srv.stop();
});

const count = (where) => Number(pilot.sqlite(`SELECT count(*) FROM contract WHERE region BETWEEN 210100 AND 210199 AND ${where}`).trim());
const totalShown = async (page) => Number((await page.textContent('[data-test="total"]')).replace(/\D/g, ''));
const firstIds = (page) => page.$$eval('main table tbody tr', (rs) => rs.map((r) => r.querySelector('a')?.textContent));

test('an official pages, jumps and filters a list; totals match the database', opts, async () => {
  const ctx = await chrome.newContext();
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'shenyang');
  await go(page, srv.base, '/contracts');
  const all = count('1 = 1');
  assert.ok(all > 25, `more than a page of contracts in Shenyang (${all})`);
  assert.equal(await totalShown(page), all);
  const pages = Math.ceil(all / 25);
  assert.equal(await page.textContent('[data-test="pager"] [aria-current="page"]'), '1');
  const first = await firstIds(page);
  // page 2 by its number
  await page.click('[data-test="pager"] a[aria-label="第 2 页"]');
  await ready(page, '/contracts');
  assert.match(page.url(), /page=2/);
  const second = await firstIds(page);
  assert.equal(second.length, Math.min(25, all - 25));
  assert.ok(!second.some((x) => first.includes(x)), 'page 2 holds other contracts');
  // the jump: to the last page
  await page.fill('[data-test="pager"] input[type="number"]', String(pages + 5));
  await page.click('[data-test="pager"] .jump button');
  await page.waitForFunction((p) => document.querySelector('[data-test="pager"] [aria-current="page"]')?.textContent === String(p), pages);
  assert.equal((await firstIds(page)).length, all - 25 * (pages - 1));

  // a sub-region by name
  const district = pilot.sqlite('SELECT region, count(*) FROM contract WHERE region BETWEEN 210100 AND 210199 GROUP BY region ORDER BY 2 DESC LIMIT 1').trim().split('|')[0];
  const name = pilot.sqlite(`SELECT name_zh FROM region WHERE id = ${district}`).trim();
  await go(page, srv.base, '/contracts');
  const label = await page.$eval(`#flt-region option[value="${district}"]`, (o) => o.textContent);
  assert.equal(label, name);
  await page.selectOption('#flt-region', district);
  // the organisation by name, and a date range
  const ent = pilot.sqlite(`SELECT enterprise_id FROM contract WHERE region = ${district} LIMIT 1`).trim();
  await page.selectOption('#flt-enterprise_id', ent);
  await page.fill('#flt-start_date_from', '2024-01-01');
  await page.click('form.filters button[type="submit"]');
  await ready(page, '/contracts');
  const want = count(`region = ${district} AND enterprise_id = ${ent} AND start_date >= '2024-01-01'`);
  assert.equal(await totalShown(page), want);
  // the filters stay shown by name
  assert.equal(await page.$eval('#flt-region option:checked', (o) => o.textContent), name);
  const entName = pilot.sqlite(`SELECT name FROM organization WHERE id = ${ent}`).trim();
  assert.equal(await page.$eval('#flt-enterprise_id option:checked', (o) => o.textContent), entName);
  assert.equal(await page.inputValue('#flt-start_date_from'), '2024-01-01');
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

test('years, industries, alerts and the audit log in words', opts, async () => {
  const ctx = await chrome.newContext();
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'admin');
  await go(page, srv.base, '/demands');
  const cells = await page.$$eval('main table tbody td', (cs) => cs.map((c) => c.textContent.trim()));
  assert.ok(cells.some((c) => /^20\d\d$/.test(c)), `a year as 2026: ${cells.slice(0, 6)}`);
  assert.ok(!cells.some((c) => /^2,0\d\d$/.test(c)), `no year as 2,026: ${cells.slice(0, 6)}`);
  await go(page, srv.base, '/enterprises');
  const text = await page.textContent('main table');
  assert.doesNotMatch(text, /equipment_manufacturing|elderly_care/);
  assert.match(text, /装备制造|汽车|电气|冶金|石化|物流/);
  // alerts: the message is a link to the record
  await go(page, srv.base, '/alerts');
  const links = await page.$$eval('[data-test="alert-subject"]', (as) => as.map((a) => a.getAttribute('href')));
  assert.ok(links.length, 'alerts link to their record');
  assert.ok(links.every((h) => /^\/(contracts|pilots|findings|inspections|enterprises|schools)\/\d+$/.test(h)), links.join(' '));
  await page.click('[data-test="alert-subject"]');
  await ready(page);
  assert.doesNotMatch(await page.textContent('main h1'), /未找到|Not found/);
  // the audit log: people and actions in words
  await go(page, srv.base, '/audit');
  const rows = await page.$$eval('table.audit > tbody > tr', (rs) => rs.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.ok(rows.length);
  for (const r of rows) {
    assert.doesNotMatch(r[2], /^cli:/, `the actor in words: ${r[2]}`);
    assert.doesNotMatch(r[3], /^[a-z_.]+$/, `the action in words: ${r[3]}`);
  }
  assert.ok(rows.some((r) => /^命令行（\w+）$/.test(r[2])), rows.map((r) => r[2]).join(' '));
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

test('a mistyped address, the loading state, toasts beside buttons, focus rings and the national sub-regions', opts, async () => {
  // the server: a browser gets the application's page with 404, an API client the problem
  const html = await fetch(`${srv.base}/no-such-page/at/all`, { headers: { accept: 'text/html,application/xhtml+xml' } });
  assert.equal(html.status, 404);
  assert.match(await html.text(), /<div id="app">/);
  const api = await fetch(`${srv.base}/api/v1/nope`, { headers: { accept: 'text/html' } });
  assert.equal(api.status, 404);
  assert.match(api.headers.get('content-type'), /problem\+json/);
  await api.arrayBuffer();

  const ctx = await chrome.newContext();
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'school');
  const resp = await page.goto(`${srv.base}/no-such-page`);
  assert.equal(resp.status(), 404);
  await page.waitForFunction(() => document.querySelector('main h1'));
  assert.match(await page.textContent('main h1'), /^找不到/);
  assert.doesNotMatch(await page.textContent('body'), /"status"|"title"|problem/);

  // the loading state: a slow answer shows it
  await page.route('**/api/v1/contracts?*', async (route) => { await new Promise((r) => setTimeout(r, 900)); await route.continue(); });
  await page.click('nav.side a[href="/contracts"]');
  await page.waitForFunction(() => {
    const m = document.getElementById('main');
    return m.getAttribute('aria-busy') === 'true' && getComputedStyle(m, '::before').opacity === '1';
  });
  assert.equal(await page.$eval('#main', (m) => getComputedStyle(m, '::before').content), '"正在加载…"');
  await ready(page, '/contracts');
  await page.unroute('**/api/v1/contracts?*');

  // focus: a mouse user's title has no ring; a keyboard user's has
  const ring = () => page.$eval('main h1', (h) => (document.activeElement === h ? getComputedStyle(h).outlineStyle : 'not focused'));
  await page.fill('#list-q', 'x');
  await page.click('nav.side a[href="/trainees"]');
  await ready(page, '/trainees');
  assert.equal(await ring(), 'none');
  await page.focus('nav.side a[href="/programmes"]');
  await page.keyboard.press('Enter');
  await ready(page, '/programmes');
  assert.notEqual(await ring(), 'none');

  // a toast lies beside the buttons, never over one
  await go(page, srv.base, `/contracts/${pilot.ids.contract}`);
  await page.click('[data-test="new-assessment"]');
  await ready(page, '/assessments/new');
  await page.selectOption('select[name="kind"]', 'intermediate');
  await page.fill('input[name="date"]', '2026-11-20');
  await page.selectOption('select[name="result"]', 'pass');
  await page.click('form.form button[type="submit"]');
  await page.waitForSelector('.toast');
  await ready(page);
  const overlaps = await page.evaluate(() => {
    const t = document.querySelector('.toast').getBoundingClientRect();
    return [...document.querySelectorAll('button, .btn, a')].filter((b) => {
      const r = b.getBoundingClientRect();
      return r.width && r.height && r.left < t.right && r.right > t.left && r.top < t.bottom && r.bottom > t.top;
    }).map((b) => b.textContent);
  });
  assert.deepEqual(overlaps, []);
  await ctx.close();

  // the national dashboard's sub-regions: the provinces with a pilot only
  const ctx2 = await chrome.newContext();
  const p2 = await newPage(ctx2);
  await signIn(p2, srv.base, 'nation');
  await go(p2, srv.base, '/');
  const shown = await p2.$$eval('#d-sub + ul.links li a', (as) => as.map((a) => new URL(a.href).searchParams.get('region').slice(0, 2)));
  const want = [...new Set(pilot.sqlite('SELECT substr(region, 1, 2) FROM pilot').trim().split('\n'))].sort();
  assert.deepEqual([...new Set(shown)].sort(), want);
  assert.deepEqual(page.problems().concat(p2.problems()).filter((x) => !/404/.test(x)), []);
  await ctx2.close();
});
