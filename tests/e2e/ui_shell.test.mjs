// ui_shell.test.mjs - the frame around every screen (issue 17): a mistyped
// address answers 404 with the application's own page in its language (an
// API client still gets the problem); a slow screen shows its loading state;
// a toast lies beside the buttons, never over one; the title's focus ring is
// for keyboard users, not mouse users; the national dashboard lists the
// provinces that take part in the pilot.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './helpers.mjs';
import { browserAvailable, go, launch, newPage, pilotDb, ready, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 180000 };

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

test('a mistyped address, the loading state, toasts beside buttons, focus rings and the national sub-regions', opts, async () => {
  // the server: under /app/ a browser gets the application's page with 404, an API client
  // the problem; outside it the public portal answers with its own 404 page
  const html = await fetch(`${srv.base}/app/no-such-page/at/all`, { headers: { accept: 'text/html,application/xhtml+xml' } });
  assert.equal(html.status, 404);
  assert.match(await html.text(), /<div id="app">/);
  const portal = await fetch(`${srv.base}/no-such-page/at/all`, { headers: { accept: 'text/html' } });
  assert.equal(portal.status, 404);
  assert.doesNotMatch(await portal.text(), /<div id="app">/);
  const noHtml = await fetch(`${srv.base}/app/no-such-page`);
  assert.equal(noHtml.status, 404);
  assert.doesNotMatch(await noHtml.text(), /<div id="app">/);
  const api = await fetch(`${srv.base}/api/v1/nope`, { headers: { accept: 'text/html' } });
  assert.equal(api.status, 404);
  assert.match(api.headers.get('content-type'), /problem\+json/);
  await api.arrayBuffer();

  const ctx = await chrome.newContext();
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'school');
  const resp = await page.goto(`${srv.base}/app/no-such-page`);
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
  const want = [...new Set(pilot.sqlite('SELECT region / 10000 FROM pilot').trim().split('\n'))].sort();
  assert.deepEqual([...new Set(shown)].sort(), want);
  assert.deepEqual(page.problems().concat(p2.problems()).filter((x) => !/404/.test(x)), []);
  await ctx2.close();
});
