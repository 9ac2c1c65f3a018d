// ui_orgalerts.test.mjs - the alerts about one's own organisation, in a real
// browser (Debian's chromium driven by playwright-core), in Chinese, on a
// 390 px phone: a school and an enterprise find 本单位预警 in their menu and
// see, as cards, the alerts about themselves and their contracts with what
// each is about and what to do, and none about another school; no button
// acknowledges them (officials do).  No console error, no sideways
// scrolling, axe-core without serious or critical violations.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from './helpers.mjs';
import { axe, browserAvailable, go, launch, newPage, pilotDb, shot, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 180000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

let pilot, srv, chrome;
const A = {};

// An open alert about @kind @id, as the watcher would have raised it; its id.
function insertAlert(rule, kind, id, zh) {
  return Number(pilot.sqlite(`INSERT INTO alert (rule, severity, subject_kind, subject_id, message_zh, message_en,
    raised_at, region, created_at, updated_at) VALUES ('${rule}', 'critical', '${kind}', ${id}, '${zh}',
    'test alert', '2026-11-20T00:00:00Z', 210100, '2026-11-20T00:00:00Z', '2026-11-20T00:00:00Z') RETURNING id`));
}

before(async () => {
  if (missing) return;
  pilot = await pilotDb(200);
  const other = Number(pilot.sqlite(`SELECT id FROM organization WHERE kind = 'school' AND id <> ${pilot.ids.school} ORDER BY id LIMIT 1`));
  // rules no watcher raises, so that the open-alert uniqueness never meets them
  A.school = insertAlert('mentor_overload_t', 'organization', pilot.ids.school, '测试：本校预警');
  A.contract = insertAlert('stipend_below_minimum', 'contract', pilot.ids.contract, '测试：合同报酬低于最低工资');
  A.other = insertAlert('mentor_overload_t', 'organization', other, '测试：别校预警');
  srv = await startServer(pilot.db, { threads: 2 });
  chrome = await launch();
});

after(async () => {
  if (chrome) await chrome.close();
  if (srv) await srv.stop();
});

for (const [login, own, not] of [['school', ['school', 'contract'], ['other']], ['company', ['contract'], ['school', 'other']]]) {
  test(`${login}: its alerts on a phone, with what each is about and what to do`, opts, async () => {
    const ctx = await chrome.newContext(PHONE);
    try {
      const page = await newPage(ctx);
      await signIn(page, srv.base, login);
      const nav = await page.$$eval('nav.side a', (as) => as.map((a) => a.getAttribute('href')));
      assert.ok(nav.includes('/alerts'), `${login}: the menu has the alerts (${nav})`);
      await go(page, srv.base, '/alerts?status=open');
      const cards = await page.$$eval('[data-test=org-alert]', (ls) => ls.map((l) => ({ text: l.textContent, rule: l.dataset.rule, todo: l.querySelector('[data-test=todo]').textContent, links: [...l.querySelectorAll('a')].map((a) => a.getAttribute('href')) })));
      const texts = cards.map((c) => c.text).join('\n');
      const msg = { school: '测试：本校预警', contract: '测试：合同报酬低于最低工资', other: '测试：别校预警' };
      for (const k of own) assert.ok(texts.includes(msg[k]), `${login} sees ${k}: ${texts.slice(0, 400)}`);
      for (const k of not) assert.ok(!texts.includes(msg[k]), `${login} must not see ${k}`);
      const c = cards.find((x) => x.text.includes(msg.contract));
      assert.ok(c.links.includes(`/contracts/${pilot.ids.contract}`), 'the card links to its contract');
      assert.match(c.todo, /最低工资/, 'what to do about the pay');
      assert.equal(await page.locator('button', { hasText: /^(确认|处置|Acknowledge|Resolve)$/ }).count(), 0, 'no acknowledging');
      const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
      assert.ok(sw <= iw, `no sideways scrolling (${sw} > ${iw})`);
      await axe(page, `${login} alerts`);
      await shot(page, `orgalerts-${login}-phone`);
      assert.deepEqual(page.problems(), [], 'console errors or failed requests');
    } finally {
      await ctx.close();
    }
  });
}
