// ui_notify.test.mjs - the notifications in a real browser, in Chinese: the
// header's bell shows the unread count; the inbox lists unread first, each
// with a link to the thing; following one marks it read and lands on the
// contract; "mark all read" empties the count; the channels are saved and a
// bad address is refused in place.  On a 390 px phone nothing overflows the
// width and the buttons are thumb-sized.  English on request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { client, expectStatus, startServer } from './helpers.mjs';
import { PASSWORD, axe, browserAvailable, launch, newPage, pilotDb, ready, shot, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 180000 };

let pilot;
let srv;
let chrome;
let draft;

before(async () => {
  if (missing) return;
  pilot = await pilotDb(60);
  srv = await startServer(pilot.db, { threads: 2 });
  chrome = await launch();
  // A contract of the company's submitted by the admin: the company has one to approve.
  const api = client(srv.base);
  const tok = expectStatus(await api.post('/api/v1/session', { login: 'admin', password: PASSWORD }), 200).json.token;
  const c = expectStatus(await api.get(`/api/v1/contracts?enterprise_id=${pilot.ids.enterprise}&status=draft&limit=1`, { token: tok }), 200).json.items[0]
    || expectStatus(await api.get('/api/v1/contracts?status=draft&limit=1', { token: tok }), 200).json.items[0];
  draft = c;
  expectStatus(await api.post(`/api/v1/contracts/${c.id}/submit`, undefined, { token: tok }), 200);
  draft.who = c.enterprise_id === pilot.ids.enterprise ? 'company' : null;
});

after(async () => {
  if (chrome) await chrome.close();
  if (srv) await srv.stop();
});

async function withPage(fn, ctxOpts) {
  const ctx = await chrome.newContext(ctxOpts);
  const page = await newPage(ctx);
  try {
    await fn(page);
    assert.deepEqual(page.problems(), [], 'console errors or failed requests');
  } finally {
    await ctx.close();
  }
}

async function bellCount(page) {
  const c = page.locator('[data-test=bell] .count');
  return (await c.isHidden()) ? 0 : Number(await c.textContent());
}

test('the bell, the inbox, mark read, follow a link, the channels', opts, async () => {
  // the trainee of the demo contract: its own account made; the admin's draft if it is his
  await withPage(async (page) => {
    await signIn(page, srv.base, 'company');
    await page.waitForFunction(() => !document.querySelector('[data-test=bell] .count')?.hidden);
    const n0 = await bellCount(page);
    assert.ok(n0 >= 1, `unread ${n0}`);
    await page.click('[data-test=bell]');
    await ready(page, '/notifications');
    assert.equal(await page.locator('h1').textContent(), '消息通知');
    const notes = page.locator('[data-test=note]');
    assert.ok(await notes.count() >= 1);
    // unread first
    const classes = await notes.evaluateAll((ls) => ls.map((l) => l.className));
    const firstRead = classes.findIndex((c) => c.includes(' read'));
    assert.ok(firstRead === -1 || classes.slice(firstRead).every((c) => c.includes(' read')), classes.join());
    await axe(page, 'inbox');
    await shot(page, 'notify-inbox');
    // mark one read: the bell follows
    await page.locator('[data-test=mark-read]').first().click();
    await ready(page, '/notifications');
    await page.waitForFunction((n) => Number(document.querySelector('[data-test=bell] .count')?.textContent || 0) === n - 1 || (n === 1 && document.querySelector('[data-test=bell] .count')?.hidden), n0);
    // a contract to approve links to the contract
    if (draft.who === 'company') {
      await page.locator('[data-kind=contract_approval] a').first().click();
      await ready(page, `/contracts/${draft.id}`);
      await page.goto(`${srv.base}/notifications`);
      await ready(page, '/notifications');
      assert.equal(await page.locator('[data-kind=contract_approval].unread').count(), 0);
    }
    // all read
    if (await page.locator('[data-test=read-all]').count()) {
      await page.click('[data-test=read-all]');
      await ready(page, '/notifications');
    }
    await page.waitForFunction(() => document.querySelector('[data-test=bell] .count')?.hidden);
    // channels: a bad address is refused in place; a good one is kept
    await page.check('#np-email');
    await page.fill('#np-email-to', 'not an address');
    await page.click('[data-test=notify-prefs] button[type=submit]');
    await page.waitForSelector('[data-test=notify-prefs] .form-errors:not([hidden])');
    await page.fill('#np-email-to', 'hr@company.example');
    await page.click('[data-test=notify-prefs] button[type=submit]');
    await ready(page, '/notifications');
    assert.equal(await page.inputValue('#np-email-to'), 'hr@company.example');
    assert.equal(await page.isChecked('#np-email'), true);
  });
});

test('on a phone: no overflow, thumb-sized buttons; English', opts, async () => {
  await withPage(async (page) => {
    await signIn(page, srv.base, 'trainee');
    await page.click('[data-test=bell]');
    await ready(page, '/notifications');
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(over <= 0, `the page is ${over}px wider than the phone`);
    const b = page.locator('[data-test=mark-read]').first();
    if (await b.count()) {
      const box = await b.boundingBox();
      assert.ok(box.height >= 44, `the button is ${box.height}px high`);
    }
    await shot(page, 'notify-inbox-phone');
    await page.click('[data-test=lang]');
    // the screen is drawn again in English (ready() alone may still see the Chinese one)
    await page.waitForFunction(() => document.documentElement.lang.startsWith('en'));
    await page.locator('h1', { hasText: 'Notifications' }).waitFor();
    await ready(page, '/notifications');
    assert.equal(await page.locator('h1').textContent(), 'Notifications');
    assert.match(await page.locator('[data-test=note] a').first().textContent(), /[A-Za-z]/);
  }, { viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true });
});
