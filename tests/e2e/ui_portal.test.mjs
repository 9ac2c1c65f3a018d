// ui_portal.test.mjs - the public portal in a real browser (Debian's chromium
// driven by playwright-core): without JavaScript (the pages, a city reached
// by its link, the training-places search form submitted, the language and
// care-mode links) and with it; in Chinese and English, care mode, and on a
// 390 px phone (no sideways scrolling).  axe-core (WCAG 2.1 A/AA) reports no
// serious or critical violation on any of them (run with scripts enabled:
// the portal's pages carry none of their own, so they are the same pages).
// A small generated pilot whose pilot cities' figures are published with
// `dualtrack publish`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { okAsync, startServer } from './helpers.mjs';
import { axe, browserAvailable, launch, newPage, pilotDb, shot } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 120000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let pilot, srv, chrome, city;

before(async () => {
  if (missing) return;
  pilot = await pilotDb(200);
  await okAsync(['publish', '--db', pilot.db]);
  srv = await startServer(pilot.db, { extra: ['--portal-rate', '0'] });
  chrome = await launch();
  const home = await (await fetch(`${srv.base}/`)).text();
  city = home.match(/href="\/cities\/(\d{6})"/)[1];
});
after(async () => {
  if (chrome) await chrome.close();
  if (srv) await srv.stop();
});

const PAGES = ['/', () => `/cities/${city}`, '/inspection-results', '/training-places', '/no-such-page'];
const path = (p) => (typeof p === 'function' ? p() : p);

test('without JavaScript: pages, links, the search form, language and care mode', opts, async () => {
  const ctx = await chrome.newContext({ javaScriptEnabled: false });
  const page = await newPage(ctx);
  await page.goto(`${srv.base}/`);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  await page.getByRole('link', { name: '跳到主要内容' }).focus();
  await page.locator('.cards a').first().click();
  await page.waitForURL(/\/cities\/\d{6}$/);
  assert.match(await page.locator('h2').allTextContents().then((t) => t.join('|')), /得分构成/);
  // the search form, submitted as a plain GET
  await page.goto(`${srv.base}/training-places`);
  const options = await page.locator('#f-city option').evaluateAll((os) => os.map((o) => o.value).filter(Boolean));
  assert.ok(options.length >= 1, 'cities with places to choose from');
  await page.selectOption('#f-city', options[0]);
  await page.getByRole('button', { name: '查找' }).click();
  await page.waitForURL(new RegExp(`city=${options[0]}`));
  const rows = await page.locator('tbody tr').count();
  assert.ok(rows >= 1, 'places of the chosen city');
  for (const t of await page.locator('tbody td:first-child').allTextContents()) assert.ok(t.length > 0);
  // English, then care mode, by their links
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL(/\/en\/training-places/);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.getByRole('link', { name: 'Care mode' }).click();
  await page.waitForURL(/care=1/);
  assert.equal(await page.getAttribute('body', 'class'), 'care');
  assert.ok(await page.getByRole('link', { name: 'Standard mode' }).count());
  // the sign-in link leads to the application
  assert.equal(await page.getByRole('link', { name: 'Sign in' }).getAttribute('href'), '/app/login');
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

test('with JavaScript, zh and en, desktop and care mode: no serious accessibility violation', opts, async () => {
  const ctx = await chrome.newContext();
  const page = await newPage(ctx);
  // every page in Chinese; home, a city and the search in English and in care mode
  const urls = [...PAGES.map(path), '/en/', `/en/cities/${city}`, '/en/training-places',
    '/?care=1', `/en/cities/${city}?care=1`, '/training-places?care=1'];
  for (const url of urls) {
    const r = await page.goto(srv.base + url);
    assert.equal(r.status(), url === '/no-such-page' ? 404 : 200, url);
    await axe(page, url);
    // a care-mode page stays in care mode through its links
    if (url.includes('care=1')) for (const h of await page.locator('main a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))) assert.match(h, /care=1/, `${url}: ${h}`);
  }
  await shot(page, 'portal-city-en-care');
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

test('on a 390 px phone: no sideways scrolling, accessible', opts, async () => {
  const ctx = await chrome.newContext(PHONE);
  const page = await newPage(ctx);
  for (const url of [...PAGES.map(path), '/?care=1', `/cities/${city}?care=1`]) {
    {
      await page.goto(srv.base + url);
      const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
      assert.ok(sw <= iw, `${url}: the page is ${sw} px wide on a ${iw} px screen`);
      await axe(page, `phone ${url}`);
    }
  }
  await shot(page, 'portal-phone');
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});
