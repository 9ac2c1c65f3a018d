// ui_accounts.test.mjs - accounts (账号管理) in a real browser, in Chinese: a
// school makes a trainee's account on the accounts screen and reads its
// one-time code once; the trainee activates it on a 390 px phone with the
// code, lands signed in, and changes the password on "my account", which
// then signs in.  A reset by the school makes the next sign-in (with the
// new code) show only the forced password change until it is done.  The
// school's bulk screen makes its other trainees' accounts with a printable
// sheet.  Nothing overflows the phone's width; axe-core finds nothing
// serious on the pages.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { client, expectStatus, startServer } from './helpers.mjs';
import { PASSWORD, axe, browserAvailable, launch, newPage, pilotDb, ready, shot, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 180000 };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

let pilot;
let srv;
let chrome;
let traineeId; // a trainee of the school without an account

before(async () => {
  if (missing) return;
  pilot = await pilotDb(200);
  srv = await startServer(pilot.db, { threads: 2 });
  chrome = await launch();
  const api = client(srv.base);
  const tok = expectStatus(await api.post('/api/v1/session', { login: 'school', password: PASSWORD }), 200).json.token;
  const trainees = expectStatus(await api.get('/api/v1/trainees?limit=100&sort=id', { token: tok }), 200).json.items;
  traineeId = trainees.map((x) => x.id).find((id) => id !== pilot.ids.trainee);
  assert.ok(traineeId, 'the school has another trainee');
});

after(async () => {
  if (chrome) await chrome.close();
  if (srv) {
    const r = await srv.stop();
    assert.equal(r.code, 0, `server exit: ${JSON.stringify(r)}\n${srv.output().slice(-2000)}`);
  }
});

async function withPage(fn, ctxOpts) {
  const ctx = await chrome.newContext(ctxOpts);
  const page = await newPage(ctx);
  try {
    await fn(page, ctx);
    assert.deepEqual(page.problems(), [], 'console errors or failed requests');
  } finally {
    await ctx.close();
  }
}

async function noOverflow(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 390, `${what}: the page is ${w} px wide on a 390 px phone`);
}

test('a school makes a trainee account; the trainee activates it on a phone and changes the password', opts, async () => {
  let code;
  await withPage(async (page) => {
    await signIn(page, srv.base, 'school');
    await page.click('nav.side a[href="/accounts"]');
    await ready(page, '/accounts');
    await page.click('[data-test="acct-new"]');
    await ready(page, '/accounts/new');
    await page.getByLabel('登录名').fill('xiaoming');
    await page.getByLabel('角色').selectOption('trainee');
    await page.getByLabel('管辖范围').fill(`trainee:${traineeId}`);
    await page.getByLabel('姓名').fill('小明');
    await page.getByRole('button', { name: '创建账号' }).click();
    const box = page.locator('[data-test="code"]');
    await box.waitFor();
    code = (await box.locator('.acct-code').textContent()).trim();
    assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await axe(page, 'the one-time code');
    await page.keyboard.press('Escape');
    // the list shows it waiting for activation
    await page.goto(`${srv.base}/accounts`);
    await ready(page, '/accounts');
    assert.match(await page.locator('[data-login="xiaoming"]').textContent(), /待激活/);
  });
  await withPage(async (page) => {
    await page.goto(`${srv.base}/login`);
    await page.click('[data-test="activate-link"]');
    await page.waitForSelector('#acct-h');
    assert.equal(new URL(page.url()).pathname, '/app/activate');
    await noOverflow(page, 'activation');
    await axe(page, 'activation');
    await page.getByLabel('登录名').fill('xiaoming');
    await page.getByLabel('激活码').fill(code.toLowerCase());
    await page.getByLabel('新密码', { exact: true }).fill('Bamboo-River-2026');
    await page.getByLabel('再次输入新密码').fill('Bamboo-River-2026');
    await page.getByRole('button', { name: '激活并登录' }).click();
    await ready(page, '/');
    assert.match(await page.locator('[data-test="who"]').textContent(), /xiaoming/);
    await shot(page, 'accounts-phone-home');
    // my account: change the password, see the session
    await page.goto(`${srv.base}/account`);
    await ready(page, '/account');
    await noOverflow(page, 'my account');
    await axe(page, 'my account');
    assert.ok(await page.locator('[data-test="sessions"] li').count() >= 1);
    await page.getByLabel('原密码').fill('Bamboo-River-2026');
    await page.getByLabel('新密码', { exact: true }).fill('Maple-Lantern-4471');
    await page.getByLabel('再次输入新密码').fill('Maple-Lantern-4471');
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.getByText('密码已修改').first().waitFor();
  }, PHONE);
  const api = client(srv.base);
  expectStatus(await api.post('/api/v1/session', { login: 'xiaoming', password: 'Maple-Lantern-4471' }), 200);
  expectStatus(await api.post('/api/v1/session', { login: 'xiaoming', password: 'Bamboo-River-2026' }), 401);
});

test('after a reset, the next sign-in shows only the forced password change', opts, async () => {
  let code;
  await withPage(async (page) => {
    page.on('dialog', (d) => d.accept());
    await signIn(page, srv.base, 'school');
    await page.goto(`${srv.base}/accounts?q=xiaoming`);
    await ready(page, '/accounts');
    await page.click('[data-login="xiaoming"] a');
    await page.waitForSelector('[data-test="acct-reset"]');
    await page.click('[data-test="acct-reset"]');
    const box = page.locator('[data-test="code"]');
    await box.waitFor();
    code = (await box.locator('.acct-code').textContent()).trim();
  });
  await withPage(async (page) => {
    await signIn(page, srv.base, 'xiaoming', code);
    await page.waitForSelector('#acct-h');
    assert.match(await page.locator('#acct-h').textContent(), /请设置新密码/);
    assert.equal(await page.locator('nav.side').count(), 0, 'no menu before the new password');
    await noOverflow(page, 'forced change');
    await page.getByLabel('原密码或激活码').fill(code);
    await page.getByLabel('新密码', { exact: true }).fill('Willow-Compass-8052');
    await page.getByLabel('再次输入新密码').fill('Willow-Compass-8052');
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.locator('nav.side').waitFor();
    await ready(page, '/');
    assert.match(await page.locator('[data-test="who"]').textContent(), /xiaoming/);
  }, PHONE);
});

test("a school's bulk screen makes its trainees' accounts with a printable sheet", opts, async () => {
  await withPage(async (page) => {
    await signIn(page, srv.base, 'school');
    await page.goto(`${srv.base}/accounts/bulk`);
    await ready(page, '/accounts/bulk');
    await page.getByRole('button', { name: '开通账号' }).click();
    const sheet = page.locator('[data-test="acct-sheet"] li');
    await sheet.first().waitFor();
    assert.ok(await sheet.count() >= 1);
    assert.match(await sheet.first().textContent(), /[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}/);
    assert.equal(await page.locator('[data-test="acct-xlsx"]').count(), 1);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('nav.side').isVisible(), false, 'the printed sheet has no menu');
    assert.equal(await sheet.first().isVisible(), true);
  });
});
