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

import { client, expectStatus, okAsync, startServer } from './helpers.mjs';
import { PASSWORD, axe, browserAvailable, launch, newPage, pilotDb, shot } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 300000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let pilot, srv, chrome, city, caseId;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082', 'hex');

// A good-practice case of Shenyang with a photo, written, reviewed, published and featured through the API.
async function publishCase() {
  const api = client(srv.base);
  const tok = {};
  for (const login of ['shenyang', 'liaoning', 'nation']) tok[login] = expectStatus(await api.post('/api/v1/session', { login, password: PASSWORD }), 200).json.token;
  const photo = expectStatus(await api.request('POST', '/api/v1/attachments?name=workshop', { token: tok.shenyang, raw: PNG, headers: { 'content-type': 'image/png' } }), 201).json.hash;
  const body = `## 做法\n\n校企共建实训基地，双导师带徒，结业考核通过率明显提高。\n\n![实训车间](/api/v1/attachments/${photo})`;
  const c = expectStatus(await api.post('/api/v1/cases', { title: '沈阳校企共建实训基地', summary: '双导师带徒', body, images: [photo] }, { token: tok.shenyang }), 201).json;
  for (const [who, step] of [['shenyang', 'submit'], ['shenyang', 'recommend'], ['liaoning', 'approve'], ['liaoning', 'publish'], ['nation', 'feature']]) {
    expectStatus(await api.post(`/api/v1/cases/${c.id}/${step}`, {}, { token: tok[who] }), 200, step);
  }
  return c.id;
}

before(async () => {
  if (missing) return;
  pilot = await pilotDb(200);
  await okAsync(['publish', '--db', pilot.db]);
  srv = await startServer(pilot.db, { extra: ['--portal-rate', '0'] });
  chrome = await launch();
  const home = await (await fetch(`${srv.base}/`)).text();
  city = home.match(/href="\/cities\/(\d{6})"/)[1];
  caseId = await publishCase();
});
after(async () => {
  if (chrome) await chrome.close();
  if (srv) await srv.stop();
});

const PAGES = ['/', () => `/cities/${city}`, '/inspection-results', '/training-places', '/no-such-page',
  '/cases', () => `/cases/${caseId}`, '/news', '/policies', '/search?q=实训基地'];
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

test('without JavaScript: the cases list to a case, its image, in English; the search form', opts, async () => {
  const ctx = await chrome.newContext({ javaScriptEnabled: false });
  const page = await newPage(ctx);
  await page.goto(`${srv.base}/`);
  await page.getByRole('link', { name: '典型经验' }).first().click();
  await page.waitForURL(/\/cases$/);
  await page.selectOption('#f-region', '210100');
  await page.getByRole('button', { name: '查找' }).click();
  await page.waitForURL(/region=210100/);
  await page.getByRole('link', { name: '沈阳校企共建实训基地' }).click();
  await page.waitForURL(new RegExp(`/cases/${caseId}$`));
  assert.equal(await page.locator('h1').textContent(), '沈阳校企共建实训基地');
  const img = page.locator('.prose img').first();
  assert.match(await img.getAttribute('src'), /^\/files\/[0-9a-f]{64}$/);
  assert.ok(await img.evaluate((i) => i.complete && i.naturalWidth > 0), 'the image loads from the public files');
  await page.getByRole('link', { name: 'English' }).click();
  await page.waitForURL(new RegExp(`/en/cases/${caseId}$`));
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.ok(await page.getByRole('link', { name: 'Back to the cases' }).count());
  await page.goto(`${srv.base}/en/search`);
  await page.fill('#f-q', '实训基地');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/\/en\/search\?q=/);
  assert.ok(await page.getByRole('link', { name: '沈阳校企共建实训基地' }).count(), 'the search finds the case');
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

test('with JavaScript, zh and en, desktop and care mode: no serious accessibility violation', opts, async () => {
  const ctx = await chrome.newContext();
  const page = await newPage(ctx);
  // every page in Chinese; home, a city and the search in English and in care mode
  const urls = [...PAGES.map(path), '/en/', `/en/cities/${city}`, '/en/training-places', `/en/cases/${caseId}`, '/en/cases?care=1',
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
  for (const url of [...PAGES.map(path), '/?care=1', `/cities/${city}?care=1`, `/cases/${caseId}?care=1`]) {
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
