// ui_lists.test.mjs - the lists as an official reads them (issue 17): the
// total count, numbered pages and a jump to a page (the API's offset and
// total); filters by sub-region, organisation and date range shown by name,
// each total checked against the database; a school of another city named
// on the contract an official reads (names only); years without a thousands
// separator; an organisation's industry by its label; alerts linked to what
// they are about; the audit log's people and actions in words; a contract
// found by its trainee's name.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { TODAY, client, expectStatus, natid, startServer } from './helpers.mjs';
import { PASSWORD } from './ui_helpers.mjs';
import { axe, browserAvailable, go, launch, newPage, pilotDb, ready, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 180000 };

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
  await axe(page, 'a filtered list with numbered pages');
  // a contract of a Shenyang enterprise with a school of another city: the official reads the
  // school's name (names only: the school itself stays out of reach)
  const api = client(srv.base);
  const admin = expectStatus(await api.post('/api/v1/session', { login: 'admin', password: PASSWORD }), 200).json.token;
  const [sid, prog] = pilot.sqlite("SELECT o.id, (SELECT min(id) FROM programme WHERE school_id = o.id) FROM organization o WHERE kind = 'school' AND region NOT BETWEEN 210100 AND 210199 AND EXISTS (SELECT 1 FROM programme WHERE school_id = o.id) LIMIT 1").trim().split('|');
  const tr = expectStatus(await api.post('/api/v1/trainees', { national_id: natid('210102', '20060606', '031'), name: '跨市学员', gender: 'M', birth_date: '2006-06-06', region: '210102' }, { token: admin }), 201).json;
  const far = expectStatus(await api.post('/api/v1/contracts', { trainee_id: tr.id, enterprise_id: pilot.ids.enterprise, school_id: Number(sid), programme_id: Number(prog), stipend_monthly: 3000, start_date: TODAY, end_date: '2028-08-31', company_mentor: '王师傅', school_mentor: '李老师' }, { token: admin }), 201).json;
  const schoolName = pilot.sqlite(`SELECT name FROM organization WHERE id = ${sid}`).trim();
  assert.equal((await api.get(`/api/v1/organizations/${sid}`, { token: admin })).status, 200);
  await go(page, srv.base, `/contracts/${far.id}`);
  const terms = await page.textContent('#c-parties + dl');
  assert.ok(terms.includes(schoolName), `the school by name: ${terms}`);
  assert.doesNotMatch(terms, new RegExp(`#${sid}\\b`));
  assert.equal(await page.locator(`#c-parties + dl a[href$="/${sid}"]`).count(), 0, 'no link to a record out of reach');
  await go(page, srv.base, `/contracts?sort=-id`);
  assert.ok((await page.textContent('main table tbody tr')).includes(schoolName));
  // the search box says what it searches, and finds a contract by its trainee's name
  await go(page, srv.base, '/contracts');
  assert.match(await page.getAttribute('#list-q', 'placeholder'), /^按学员、企业、院校、企业导师、学校导师搜索$/);
  await page.fill('#list-q', '跨市学员');
  await page.click('form.filters button[type="submit"]');
  await ready(page, '/contracts');
  assert.equal(await totalShown(page), 1);
  assert.deepEqual(await firstIds(page), [`#${far.id}`]);
  assert.deepEqual(page.problems().filter((x) => !/404/.test(x)), []);
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
  // a pilot task's or an organisation's link gets its record's address once that is read
  await page.waitForFunction(() => [...document.querySelectorAll('[data-test="alert-subject"]')]
    .every((a) => /\/\d+$/.test(a.getAttribute('href'))));
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
