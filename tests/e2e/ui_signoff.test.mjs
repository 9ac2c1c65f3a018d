// ui_signoff.test.mjs - bulk sign-off by a named mentor, in a real browser
// (Debian's chromium driven by playwright-core), in Chinese, on a 390 px
// phone: the company mentor of a Shenyang contract (an account linked to the
// register with `mentor link`) sees on the workbench the true number of
// entries waiting for it, opens 待签核, sees every waiting entry with the
// trainee's name, selects all and signs them in one action; the entries are
// then signed by the mentor by name (not the shared login), with one audit
// event for the batch; the register lists the mentor with its trainees.
// No console error, no sideways scrolling, axe-core
// without serious or critical violations.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { TODAY, ok, okAsync, startServer } from './helpers.mjs';
import { PASSWORD, axe, browserAvailable, go, launch, newPage, pilotDb, ready, shot, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 180000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let pilot, srv, chrome;
const S = {};

before(async () => {
  if (missing) return;
  pilot = await pilotDb(200);
  const db = pilot.db;
  const c = JSON.parse(ok(['show', 'contract', String(pilot.ids.contract), '--db', db]));
  assert.ok(c.company_mentor_id, 'the generated contract names its company mentor from the register');
  S.mentor = c.company_mentor_id;
  S.mentorName = c.company_mentor;
  await okAsync(['user', 'add', '--db', db, '--login', 'wang', '--role', 'enterprise', '--scope', `org:${c.enterprise_id}`, '--password-stdin'], { input: `${PASSWORD}\n` });
  ok(['mentor', 'link', String(S.mentor), 'wang', '--db', db]);
  srv = await startServer(db, { threads: 2 });
  chrome = await launch();
});

after(async () => {
  if (chrome) await chrome.close();
  if (srv) await srv.stop();
});

const token = async (login) => (await (await fetch(`${srv.base}/api/v1/session`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: PASSWORD }),
})).json()).token;
const api = async (tok, p, init = {}) => (await fetch(`${srv.base}/api/v1${p}`, { ...init, headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/json' } })).json();

test('a named mentor signs every waiting entry at once on a phone', opts, async () => {
  const wang = await token('wang');
  const admin = await token('admin');
  let waiting = await api(wang, '/record-entries/waiting?limit=1000');
  if (waiting.total === 0) {
    // make sure something waits: an entry of the contract the day before today
    const d = new Date(Date.parse(`${TODAY}T00:00:00Z`) - 86400000).toISOString().slice(0, 10);
    await api(admin, '/record-entries', { method: 'POST', body: JSON.stringify({ contract_id: pilot.ids.contract, date: d, site: 'company', hours: 0.5, content: '补充实训' }) });
    waiting = await api(wang, '/record-entries/waiting?limit=1000');
  }
  assert.ok(waiting.total > 0 && waiting.total <= 200, `entries waiting for the mentor: ${waiting.total}`);
  const auditBefore = (await api(admin, '/audit?limit=1')).items[0].id;

  const ctx = await chrome.newContext(PHONE);
  const page = await newPage(ctx);
  await page.clock.setFixedTime(new Date(`${TODAY}T10:00:00+08:00`));
  try {
    await signIn(page, srv.base, 'wang');
    // the workbench shows the true count and links to 待签核
    const card = page.locator('[data-test=to-sign]');
    assert.equal((await card.locator('.card-value').textContent()).replace(/\D/g, ''), String(waiting.total));
    const nav = await page.$$eval('nav.side a', (as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    assert.ok(nav.some(([h, t]) => h === '/signoff' && t === '待签核'), JSON.stringify(nav));
    await card.click();
    await ready(page, '/signoff');
    await go(page, srv.base, '/signoff'); // the address itself, as after a reload
    assert.equal(await page.textContent('main h1'), '待签核记录');
    const rows = page.locator('[data-test=entry-box]');
    assert.equal(await rows.count(), waiting.total);
    const names = await page.$$eval('.signoff-row .so-who', (ns) => ns.map((n) => n.textContent));
    assert.deepEqual(names, waiting.items.map((e) => e.trainee_name));
    const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
    assert.ok(sw <= iw, `待签核 is ${sw} px wide on a ${iw} px phone`);
    await axe(page, '待签核');
    // select one, then all; sign in one action
    assert.ok(await page.locator('[data-test=sign-selected]').isDisabled());
    await rows.first().check();
    assert.match(await page.textContent('[data-test=selected-count]'), /已选 1 条/);
    await page.locator('[data-test=select-all]').check();
    assert.match(await page.textContent('[data-test=selected-count]'), new RegExp(`已选 ${waiting.total} 条`));
    await shot(page, 'signoff-phone');
    await page.locator('[data-test=sign-selected]').click();
    await page.locator('.empty').waitFor();
    // the register lists the mentor with the trainees it has
    await go(page, srv.base, '/mentors');
    assert.equal(await page.textContent('main h1'), '导师名册');
    const row = page.locator('tbody tr', { hasText: S.mentorName }).first();
    assert.ok(Number((await row.locator('td').last().textContent()).trim()) >= 1, 'trainees of the mentor');
    assert.deepEqual(page.problems(), [], 'console errors or failed requests');
  } catch (e) {
    await shot(page, `FAILED-signoff-${Date.now()}`).catch(() => {});
    throw e;
  } finally {
    await ctx.close();
  }

  // signed by the mentor as a person, in one audited batch
  assert.equal((await api(wang, '/record-entries/waiting')).total, 0);
  const e = await api(admin, `/record-entries/${waiting.items[0].id}`);
  assert.equal(e.signed_by, S.mentorName);
  assert.equal(e.signed_mentor_id, S.mentor);
  assert.equal(e.signed_delegate, false);
  const events = (await api(admin, '/audit?limit=20')).items.filter((x) => x.id > auditBefore && x.entity === 'record_entry');
  assert.deepEqual(events.map((x) => x.action), ['record_entry.signoff_batch']);
  assert.equal(events[0].after.ids.length, waiting.total);
});
