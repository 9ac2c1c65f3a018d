// ui_publicity.test.mjs - the publicity screens in a real browser (Debian's
// chromium driven by playwright-core): on a 390 px phone, in Chinese, a
// school writes a good-practice case with hostile Markdown, previews it as
// the server renders it (no script, no raw HTML, a heading), saves and
// submits it; the city, in English, sees it under review with its history
// and recommends it with a comment; a policy document written by the city is
// published from its screen.  No console error, no sideways scrolling,
// axe-core without serious or critical violations.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './helpers.mjs';
import { axe, browserAvailable, go, launch, newPage, pilotDb, shot, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 300000 };
// a 1×1 PNG
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
  + '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex');
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let pilot, srv, chrome;
let caseUrl;

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

async function noOverflow(page) {
  const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  assert.ok(sw <= iw, `no sideways scrolling (${sw} > ${iw})`);
}

test('a school writes, previews and submits a case on a phone (zh)', opts, async () => {
  const ctx = await chrome.newContext(PHONE);
  try {
    const page = await newPage(ctx);
    await signIn(page, srv.base, 'school');
    const nav = await page.$$eval('nav.side a', (as) => as.map((a) => a.getAttribute('href')));
    for (const p of ['/cases', '/news', '/policies']) assert.ok(nav.includes(p), `the menu has ${p} (${nav})`);
    await go(page, srv.base, '/cases');
    await page.click('[data-test=new-case]');
    await page.waitForSelector('[data-test=title]');
    await page.fill('[data-test=title]', '企业导师带徒的做法');
    await page.fill('[data-test=summary]', '师带徒制度化');
    await page.fill('[data-test=body]', '# 做法\n\n<script>window.pwned = 1</script>\n\n[点我](javascript:window.pwned=2) <img src=x onerror="window.pwned=3">\n\n- 双导师');
    await page.click('[data-test=preview-btn]');
    await page.waitForSelector('[data-test=preview] h1');
    const pv = await page.$eval('[data-test=preview]', (d) => ({ html: d.innerHTML, scripts: d.querySelectorAll('script, img, iframe').length, links: [...d.querySelectorAll('a')].map((a) => a.getAttribute('href')) }));
    assert.equal(pv.scripts, 0, pv.html);
    assert.deepEqual(pv.links, [], 'the script link is plain text');
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    // a photo uploaded with the case goes into the text at the cursor, and the preview shows it
    await page.locator('input[data-test=evidence]').setInputFiles({ name: '师徒[合影].png', mimeType: 'image/png', buffer: PNG });
    await page.waitForSelector('[data-test=file-action]');
    await page.$eval('[data-test=body]', (el) => el.setSelectionRange(el.value.indexOf('- 双导师'), el.value.indexOf('- 双导师')));
    await page.click('[data-test=file-action]');
    const text = await page.inputValue('[data-test=body]');
    const md = text.match(/!\[([^\]]*)\]\(\/api\/v1\/attachments\/([0-9a-f]{64})\)\n\n- 双导师/);
    assert.ok(md, `the image's Markdown before the list: ${text}`);
    assert.equal(md[1], '师徒合影.png', 'brackets taken out of the alt text');
    await page.click('[data-test=preview-btn]');
    await page.waitForSelector('[data-test=preview] img');
    assert.equal(await page.$eval('[data-test=preview] img', (i) => i.getAttribute('src')), `/api/v1/attachments/${md[2]}`);
    await axe(page, 'case editor');
    await noOverflow(page);
    await page.click('[data-test=save]');
    await page.waitForSelector('[data-step=submit]');
    // the application's own path (it lives under /app/; /cases is the portal's)
    caseUrl = new URL(page.url()).pathname.replace(/^\/app(?=\/)/, '');
    assert.match(new URL(page.url()).pathname, /^\/app\/cases\/\d+$/);
    assert.equal(await page.locator('[data-test=md] h1').textContent(), '做法');
    assert.equal(await page.locator('[data-test=md] img').getAttribute('src'), `/api/v1/attachments/${md[2]}`, 'the saved case shows its photo in the text');
    await page.click('[data-step=submit]');
    await page.waitForSelector('.badge[data-status=submitted]');
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    await noOverflow(page);
    await axe(page, 'case');
    await shot(page, 'publicity-case-phone');
    assert.deepEqual(page.problems(), [], 'console errors or failed requests');
  } finally {
    await ctx.close();
  }
});

test('the city recommends it with a comment, and publishes a policy document (en)', opts, async () => {
  const ctx = await chrome.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', extraHTTPHeaders: { 'Accept-Language': 'en' } });
  try {
    const page = await newPage(ctx);
    await signIn(page, srv.base, 'shenyang');
    if (!(await page.locator('html[lang=en]').count())) await page.click('[data-test=lang]');
    // the switch done before the next screen (it was still Chinese under load)
    await page.waitForFunction(() => document.documentElement.lang.startsWith('en'));
    await go(page, srv.base, caseUrl);
    await page.locator('.badge[data-status=submitted]', { hasText: 'Submitted' }).waitFor();
    await page.fill('[data-test=comment]', 'Worth spreading');
    await page.click('[data-step=recommend]');
    await page.waitForSelector('.badge[data-status=recommended]');
    assert.match(await page.locator('ol.history').textContent(), /Worth spreading/);
    assert.equal(await page.locator('[data-step=approve]').count(), 0, 'a city does not approve');
    await axe(page, 'case (city)');
    // a policy document: written, then published from its screen
    await go(page, srv.base, '/policies/new');
    await page.fill('[data-test=title]', 'Shenyang training subsidy rules');
    await page.fill('[data-test=body]', 'Subsidies are paid in **two** parts.');
    await page.click('[data-test=save]');
    await page.waitForSelector('[data-step=publish]');
    await page.click('[data-step=publish]');
    await page.waitForSelector('.badge[data-status=published]');
    assert.equal(await page.locator('[data-test=md] strong').textContent(), 'two');
    await go(page, srv.base, '/policies');
    assert.ok(await page.locator('a', { hasText: 'Shenyang training subsidy rules' }).count());
    await axe(page, 'policies');
    assert.deepEqual(page.problems(), [], 'console errors or failed requests');
  } finally {
    await ctx.close();
  }
});
