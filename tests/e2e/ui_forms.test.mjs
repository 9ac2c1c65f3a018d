// ui_forms.test.mjs - the trainee and contract forms help as one types
// (issue 17): a national ID typed into the trainee form fills birth date,
// gender and the household region (the ID's region of issue, shown with its
// parents, not the school's district); the region search tells the three
// 铁西区 apart by their parents; the contract form shows the stipend's unit,
// the local minimum wage and a warning below it, and offers as mentors the
// chosen organisations' mentors from the register.  Chinese and English.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { TODAY, natid, startServer } from './helpers.mjs';
import { axe, browserAvailable, go, launch, newPage, pilotDb, signIn } from './ui_helpers.mjs';

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

const optionTexts = (page, sel) => page.$$eval(`${sel} option`, (os) => os.map((o) => o.textContent));

test('the trainee form reads the national ID as it is typed; regions show their parents', opts, async () => {
  const ctx = await chrome.newContext({ timezoneId: 'Asia/Shanghai' });
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'school');
  await go(page, srv.base, '/trainees/new');
  // before the ID: the household region is not the school's district
  assert.equal(await page.inputValue('select[name="region"]'), '');
  const id = natid('210106', '20060315', '013'); // 沈阳市铁西区, a man
  await page.locator('input[name="national_id"]').pressSequentially(id, { delay: 5 });
  await page.waitForFunction(() => document.querySelector('select[name="region"]').value === '210106');
  assert.equal(await page.inputValue('input[name="birth_date"]'), '2006-03-15');
  assert.equal(await page.inputValue('select[name="gender"]'), 'M');
  assert.match(await page.textContent('select[name="region"] option:checked'), /^辽宁省 沈阳市 铁西区 \(210106\)$/);
  assert.match(await page.textContent('[data-test="natid-filled"]'), /身份证号/);
  await axe(page, 'the trainee form, filled from the ID');
  // a woman's ID issued under a code not in the table (abolished since): its city is taken
  assert.equal(pilot.sqlite('SELECT count(*) FROM region WHERE id = 210199').trim(), '0');
  const old = natid('210199', '20050101', '024');
  await page.fill('input[name="national_id"]', '');
  await page.locator('input[name="national_id"]').pressSequentially(old, { delay: 2 });
  await page.waitForFunction(() => document.querySelector('select[name="region"]').value === '210100');
  assert.equal(await page.inputValue('select[name="gender"]'), 'F');
  assert.equal(await page.inputValue('input[name="birth_date"]'), '2005-01-01');
  // an invalid ID (wrong check character) fills nothing
  await page.fill('input[name="national_id"]', '');
  await page.selectOption('select[name="gender"]', '');
  const bad = `${natid('210106', '20070707', '015').slice(0, 17)}${natid('210106', '20070707', '015').endsWith('0') ? '1' : '0'}`;
  await page.locator('input[name="national_id"]').pressSequentially(bad, { delay: 2 });
  assert.equal(await page.inputValue('select[name="gender"]'), '');
  assert.equal(await page.textContent('[data-test="natid-filled"]'), '');
  // saved: the server agrees
  await page.fill('input[name="national_id"]', '');
  await page.locator('input[name="national_id"]').pressSequentially(id, { delay: 2 });
  await page.waitForFunction(() => document.querySelector('select[name="region"]').value === '210106');
  await page.fill('input[name="name"]', '林晓东');
  await page.click('form.form button[type="submit"]');
  await page.waitForURL(/\/trainees\/\d+$/);
  const saved = pilot.sqlite("SELECT birth_date, gender, region FROM trainee WHERE name = '林晓东'").trim();
  assert.equal(saved, '2006-03-15|M|210106');
  // the region search: the three 铁西区 told apart by their parents
  await go(page, srv.base, '/trainees/new');
  await page.fill('[data-field="region"] input[type="search"]', '铁西');
  await page.waitForFunction(() => [...document.querySelectorAll('select[name="region"] option')].some((o) => /鞍山市 铁西区/.test(o.textContent)));
  const found = await optionTexts(page, 'select[name="region"]');
  assert.ok(found.includes('辽宁省 沈阳市 铁西区 (210106)'), found.join(' | '));
  assert.ok(found.includes('辽宁省 鞍山市 铁西区 (210303)'), found.join(' | '));
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

test('the contract form: stipend unit, the local minimum wage and mentors from the register', opts, async () => {
  const ctx = await chrome.newContext();
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'school');
  const wage = Number(pilot.sqlite(`SELECT m.monthly FROM min_wage m, organization o WHERE o.id = ${pilot.ids.enterprise}
    AND m.region IN (o.region, o.region / 100 * 100, o.region / 10000 * 10000) AND m.valid_from <= '${TODAY}'
    ORDER BY m.region DESC, m.valid_from DESC LIMIT 1`).trim());
  assert.ok(wage > 0, 'the pilot has a minimum wage');
  for (const en of [false, true]) {
    if (en) { await page.click('[data-test="lang"]'); await page.waitForFunction(() => document.documentElement.lang === 'en-GB'); }
    await go(page, srv.base, '/contracts/new');
    assert.match(await page.textContent('[data-field="stipend_monthly"] .unit'), en ? /CNY a month/ : /元\/月/);
    await page.waitForFunction(() => document.querySelector('select[name="enterprise_id"] option'));
    await page.selectOption('select[name="enterprise_id"]', String(pilot.ids.enterprise));
    await page.fill('input[name="start_date"]', TODAY);
    const note = page.locator('[data-test="min-wage"]');
    const shown = wage.toLocaleString(en ? 'en-GB' : 'zh-CN');
    await page.waitForFunction((n) => document.querySelector('[data-test="min-wage"]').textContent.includes(n), shown);
    await page.fill('input[name="stipend_monthly"]', String(wage - 1));
    await page.waitForFunction(() => /⚠/.test(document.querySelector('[data-test="min-wage"]').textContent));
    if (!en) await axe(page, 'the contract form with the minimum wage warning');
    assert.match(await note.textContent(), en ? /below the local minimum wage/ : /低于当地最低工资标准/);
    await page.fill('input[name="stipend_monthly"]', String(wage));
    await page.waitForFunction(() => !/⚠/.test(document.querySelector('[data-test="min-wage"]').textContent));
    // the company mentors offered: the chosen enterprise's company mentors, and only those
    const want = pilot.sqlite(`SELECT id FROM mentor WHERE organization_id = ${pilot.ids.enterprise} AND kind = 'company' ORDER BY id`).trim().split('\n').filter(Boolean);
    assert.ok(want.length, 'the enterprise has mentors in the register');
    await page.waitForFunction((n) => document.querySelectorAll('select[name="company_mentor_id"] option[value]:not([value=""])').length === n, want.length);
    const offered = await page.$$eval('select[name="company_mentor_id"] option', (os) => os.map((o) => o.value).filter(Boolean).sort((a, b) => a - b));
    assert.deepEqual(offered, want);
    await page.selectOption('select[name="company_mentor_id"]', want[0]);
    const name = pilot.sqlite(`SELECT name FROM mentor WHERE id = ${want[0]}`).trim();
    await page.waitForFunction((n) => document.querySelector('input[name="company_mentor"]').value === n, name);
  }
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});
