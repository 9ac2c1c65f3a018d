// ui_assess.test.mjs - assessments and outcomes in the browser (issue 17):
// a school records an assessment from the contract page and an outcome on
// an ended contract, reads them in their lists (enumerations by label, the
// contract's trainee by name), imports a filled XLSX template of
// assessments on the import page (the template downloaded from that page,
// filled in by openpyxl), and prints the contract (print stylesheet and
// the contract PDF).  Once in Chinese on a desktop, once in English in care
// mode on a 390 px phone.  Then an assessment body (role assessor) signs in:
// its workbench, a contract picked by its trainee and enterprise, an
// assessment recorded in its body's name, and a contract of another city
// not found.  One server, one browser.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { TODAY, okAsync, startServer } from './helpers.mjs';
import { PASSWORD, axe, browserAvailable, go, launch, newPage, pilotDb, ready, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 180000 };
const PYTHON = process.env.DUALTRACK_PYTHON || '/usr/bin/python3';

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

// The tests' day (DUALTRACK_TODAY): an assessment may not lie in the future.
const today = TODAY;

// Fill the template's first sheet: the example row replaced by @rows (header -> value; dates as Excel dates).
const FILL = `
import json, sys, datetime, openpyxl
spec = json.loads(sys.argv[1])
wb = openpyxl.load_workbook(spec['template'])
ws = wb.worksheets[0]
header = [c.value for c in ws[1]]
example = [c.value for c in ws[2]]
ws.delete_rows(2, ws.max_row)
for r, row in enumerate(spec['rows'], start=2):
    vals = list(example)
    for k, v in row.items():
        if isinstance(v, dict):
            v = datetime.date.fromisoformat(v['date'])
        vals[header.index(k)] = v
    for i, v in enumerate(vals):
        cell = ws.cell(row=r, column=i + 1, value=v)
        if isinstance(v, datetime.date):
            cell.number_format = 'yyyy/m/d'
wb.save(spec['out'])
`;

// The API as the signed-in page (its cookie and CSRF token).
function api(page, method, url, body) {
  return page.evaluate(async ([m, u, b]) => {
    const r = await fetch(`/api/v1${u}`, {
      method: m, credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': localStorage.getItem('dt.csrf') || '' },
      body: b ? JSON.stringify(b) : undefined,
    });
    return { status: r.status, json: await r.json().catch(() => null) };
  }, [method, url, body]);
}

const count = (table, where) => Number(pilot.sqlite(`SELECT count(*) FROM ${table} WHERE ${where}`).trim());

// Record an assessment of the pilot's contract from its page; returns to the detail page.
async function recordAssessment(page, en) {
  await go(page, srv.base, `/contracts/${pilot.ids.contract}`);
  await page.click('[data-test="new-assessment"]');
  await ready(page, '/assessments/new');
  assert.equal(await page.inputValue('select[name="contract_id"]'), String(pilot.ids.contract), 'the contract comes preselected');
  await page.selectOption('select[name="kind"]', 'skill_level');
  await page.fill('input[name="date"]', today);
  await page.selectOption('select[name="result"]', 'pass');
  await page.fill('input[name="score"]', '88.5');
  // a skill-level assessment needs a level: the server's message at the field
  await page.click('form.form button[type="submit"]');
  await page.waitForSelector('[data-field="level"].has-error');
  assert.match(await page.textContent('[data-field="level"] .field-error'), en ? /skill-level/ : /等级/);
  await page.fill('input[name="level"]', '4');
  await page.click('form.form button[type="submit"]');
  await page.waitForURL(/\/assessments\/\d+$/, { timeout: 15000 }).catch(async (e) => { throw new Error(`${e.message}: ${await page.textContent('main')}`); });
  await ready(page);
  const dl = await page.textContent('main dl');
  assert.match(dl, en ? /Skill level/ : /技能等级认定/);
  assert.match(dl, en ? /Pass/ : /合格/);
  assert.doesNotMatch(dl, /skill_level|\bpass\b/);
}

// An ended contract of the school without an outcome: one is dissolved through the API.
async function endedContract(page) {
  const page1 = await api(page, 'GET', `/contracts?school_id=${pilot.ids.school}&status=active&sort=id&limit=50`);
  const c = page1.json.items.find((x) => x.id !== pilot.ids.contract);
  const r = await api(page, 'POST', `/contracts/${c.id}/dissolve`, { reason: '学员转学', date: today, in_probation: false });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return c;
}

async function recordOutcome(page, c, en) {
  await go(page, srv.base, `/contracts/${c.id}`);
  await page.click('[data-test="new-outcome"]');
  await ready(page, '/outcomes/new');
  await page.selectOption('select[name="kind"]', 'employed_elsewhere');
  await page.fill('input[name="date"]', today);
  await page.fill('input[name="wage_monthly"]', '4800');
  await page.click('form.form button[type="submit"]');
  await page.waitForURL(/\/outcomes\/\d+$/);
  await ready(page);
  assert.match(await page.textContent('main dl'), en ? /Employed elsewhere/ : /其他单位就业/);
  // the contract page lists it and offers no second one
  await go(page, srv.base, `/contracts/${c.id}`);
  assert.match(await page.textContent('[data-test="assessments"]'), en ? /Employed elsewhere/ : /其他单位就业/);
  assert.equal(await page.locator('[data-test="new-outcome"]').count(), 0);
}

// The list of assessments: labels, not codes; the trainee by name.
async function readList(page, en) {
  await go(page, srv.base, '/assessments?kind=skill_level');
  const text = await page.textContent('main table');
  assert.match(text, en ? /Skill level/ : /技能等级认定/);
  assert.doesNotMatch(text, /skill_level/);
  const trainee = await api(page, 'GET', `/trainees/${pilot.ids.trainee}`);
  assert.ok(text.includes(trainee.json.name), `the trainee's name in the list: ${text}`);
}

// The import page: the assessments' templates offered; the Excel one downloaded, filled, uploaded.
async function importXlsx(page, en, tag) {
  await go(page, srv.base, '/import');
  await page.selectOption('#imp-kind', 'assessments');
  const href = await page.getAttribute('.exports a[href*="assessments.xlsx"]', 'href');
  assert.ok(href, 'an Excel template of assessments');
  assert.ok(await page.locator('.exports a[href*="assessments.csv"]').count(), 'a CSV template of assessments');
  assert.equal(/lang=en/.test(href), en, `the template in the interface's language: ${href}`);
  const tpl = await page.request.get(srv.base + href);
  assert.equal(tpl.status(), 200);
  const template = path.join(pilot.dir, `tpl-${tag}.xlsx`);
  fs.writeFileSync(template, await tpl.body());
  const c = (await api(page, 'GET', `/contracts/${pilot.ids.contract}`)).json;
  const nid = (await api(page, 'GET', `/trainees/${c.trainee_id}?unmask=1`)).json.national_id;
  const header = en
    ? { trainee_national_id: nid, contract_start_date: { date: c.start_date }, kind: 'intermediate', date: { date: today }, result: 'fail', score: 55, assessor_uscc: null }
    : { 学员身份证号: nid, 合同开始日期: { date: c.start_date }, 考核类型: '中期考核', 考核日期: { date: today }, 结果: '不合格', 成绩: 55, 评价机构统一社会信用代码: null };
  const out = path.join(pilot.dir, `filled-${tag}.xlsx`);
  const r = spawnSync(PYTHON, ['-c', FILL, JSON.stringify({ template, out, rows: [header] })], { encoding: 'utf8' });
  assert.equal(r.status, 0, `openpyxl: ${r.stderr}`);
  const before1 = count('assessment', `contract_id = ${pilot.ids.contract} AND result = 'fail'`);
  await page.setInputFiles('#imp-file', out);
  await page.click('form.form button[type="submit"]');
  const notice = page.locator('main .notice');
  await notice.waitFor();
  const msg = await notice.textContent();
  assert.match(await notice.getAttribute('class'), /\bok\b/, `the import succeeded: ${msg} ${await page.textContent('main')}`);
  assert.equal(count('assessment', `contract_id = ${pilot.ids.contract} AND result = 'fail'`), before1 + 1);
}

// Print the contract: the print stylesheet hides the buttons; the contract PDF downloads.
async function printContract(page) {
  await go(page, srv.base, `/contracts/${pilot.ids.contract}`);
  await page.emulateMedia({ media: 'print' });
  const seen = await page.evaluate(() => {
    const shown = (el) => getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
    return { buttons: [...document.querySelectorAll('main button, main .btn')].filter(shown).length, panel: shown(document.querySelector('[data-test="assessments"]')) };
  });
  assert.deepEqual(seen, { buttons: 0, panel: true });
  await page.emulateMedia({ media: 'screen' });
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-test="pdf-contract"]')]);
  assert.equal(fs.readFileSync(await dl.path()).subarray(0, 5).toString(), '%PDF-');
}

test('a school records an assessment and an outcome, imports an Excel file and prints a contract (Chinese, desktop)', opts, async () => {
  const ctx = await chrome.newContext({ acceptDownloads: true });
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'school');
  // the menu offers both lists
  assert.ok(await page.locator('nav.side a[href="/assessments"]').count());
  assert.ok(await page.locator('nav.side a[href="/outcomes"]').count());
  await recordAssessment(page, false);
  await readList(page, false);
  await axe(page, 'the assessments list');
  await go(page, srv.base, `/outcomes/new?contract_id=${pilot.ids.contract}`);
  await axe(page, 'the outcome form');
  await recordOutcome(page, await endedContract(page), false);
  await importXlsx(page, false, 'zh');
  await printContract(page);
  // a reload of a list lands on the same screen (the server knows the address)
  await page.goto(`${srv.base}/outcomes`);
  await ready(page, '/outcomes');
  assert.match(await page.textContent('main h1'), /培养去向/);
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

test('the same in English, care mode, on a 390 px phone', opts, async () => {
  const ctx = await chrome.newContext({ acceptDownloads: true, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-GB' });
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'school');
  await page.click('[data-test="lang"]');
  await page.waitForFunction(() => document.documentElement.lang === 'en-GB');
  await page.click('[data-test="care"]');
  await page.waitForFunction(() => document.documentElement.classList.contains('care'));
  await recordAssessment(page, true);
  await readList(page, true);
  await recordOutcome(page, await endedContract(page), true);
  // nothing wider than the phone
  for (const url of ['/assessments', '/outcomes', `/contracts/${pilot.ids.contract}`, '/import']) {
    await go(page, srv.base, url);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    const culprits = wide > 390 ? await page.evaluate(() => [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > 392).slice(0, 4).map((e) => `${e.tagName}.${e.className}`).join(', ')) : '';
    assert.ok(wide <= 390, `${url}: ${wide} px wide on a 390 px phone (${culprits})`);
  }
  await importXlsx(page, true, 'en');
  await printContract(page);
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

// ---- an assessment body (评价机构) ----

test('an assessment body signs in, records an assessment of its city\'s contract and finds none of another city', opts, async () => {
  const list = async (...args) => JSON.parse(await okAsync(['list', ...args, '--db', pilot.db, '--format', 'json']));
  const [body] = await list('organization', '--filter', 'kind=assessment_body', '--filter', 'region=210100', '--sort', 'id', '--limit', '1');
  assert.ok(body, 'an assessment body in Shenyang');
  await okAsync(['user', 'add', '--db', pilot.db, '--login', 'assessor-ui', '--role', 'assessor', '--scope', `org:${body.id}`, '--password-stdin'], { input: `${PASSWORD}\n` });
  const outside = (await list('contract', '--filter', 'status=active', '--limit', '500')).find((c) => !String(c.region).startsWith('2101'));
  assert.ok(outside, 'an active contract outside Shenyang');
  const trainee = JSON.parse(await okAsync(['show', 'trainee', String(pilot.ids.trainee), '--db', pilot.db]));
  const ent = JSON.parse(await okAsync(['show', 'organization', String(pilot.ids.enterprise), '--db', pilot.db]));

  const ctx = await chrome.newContext();
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'assessor-ui');
  // its workbench, and a menu of contracts and assessments only
  assert.match(await page.textContent('main h1'), /评价工作台/);
  assert.match(await page.textContent('[data-test="who"]'), /评价机构/);
  const menu = await page.$$eval('nav.side a', (as) => as.map((a) => a.getAttribute('href')));
  for (const href of ['/contracts', '/assessments']) assert.ok(menu.includes(href), `${href} in the menu: ${menu}`);
  for (const href of ['/outcomes', '/trainees', '/import', '/alerts']) assert.ok(!menu.includes(href), `no ${href} in the menu: ${menu}`);
  await axe(page, "the assessment body's workbench");

  // the form: the contract by its trainee and enterprise, the assessor its own body
  await go(page, srv.base, `/assessments/new?contract_id=${pilot.ids.contract}`);
  const chosen = await page.textContent('select[name="contract_id"] option:checked');
  assert.ok(chosen.includes(trainee.name) && chosen.includes(ent.name), `the contract by its trainee and enterprise: ${chosen}`);
  assert.equal(await page.inputValue('select[name="assessor_id"]'), String(body.id), 'its own body preselected');
  const before1 = count('assessment', `contract_id = ${pilot.ids.contract} AND assessor_id = ${body.id}`);
  await page.selectOption('select[name="kind"]', 'intermediate');
  await page.fill('input[name="date"]', today);
  await page.selectOption('select[name="result"]', 'pass');
  await page.fill('input[name="score"]', '91');
  await page.click('form.form button[type="submit"]');
  await page.waitForURL(/\/assessments\/\d+$/, { timeout: 15000 }).catch(async (e) => { throw new Error(`${e.message}: ${await page.textContent('main')}`); });
  await ready(page);
  const dl = await page.textContent('main dl');
  assert.match(dl, /中期考核/);
  assert.ok(dl.includes(body.name), `recorded in its body's name: ${dl}`);
  assert.equal(count('assessment', `contract_id = ${pilot.ids.contract} AND assessor_id = ${body.id}`), before1 + 1);
  // its list names the trainee, though it reads no trainee record
  await go(page, srv.base, '/assessments');
  assert.ok((await page.textContent('main table')).includes(trainee.name), 'the trainee by name in its list');
  assert.equal((await api(page, 'GET', `/trainees/${pilot.ids.trainee}`)).status, 404, 'no trainee record');
  // the contract page offers an assessment, no outcome
  await go(page, srv.base, `/contracts/${pilot.ids.contract}`);
  assert.equal(await page.locator('[data-test="new-assessment"]').count(), 1);
  assert.equal(await page.locator('[data-test="new-outcome"]').count(), 0);
  assert.equal(await page.locator('[data-test="pdf-contract"]').count(), 0, 'no contract document offered (it prints personal data)');
  assert.equal((await api(page, 'GET', `/contracts/${pilot.ids.contract}/pdf`)).status, 404);

  // another city's contract: not found, in the page as in the API, and nothing written for it
  await go(page, srv.base, `/contracts/${outside.id}`);
  assert.match(await page.textContent('main h1'), /找不到/);
  const missing = await api(page, 'GET', '/contracts/999999999');
  const other = await api(page, 'GET', `/contracts/${outside.id}`);
  assert.equal(other.status, 404);
  assert.equal(other.json.detail.replace(String(outside.id), '{id}'), missing.json.detail.replace('999999999', '{id}'));
  const r = await api(page, 'POST', '/assessments', { contract_id: outside.id, kind: 'intermediate', date: today, result: 'pass' });
  assert.equal(r.status, 422, JSON.stringify(r.json));
  assert.equal(count('assessment', `contract_id = ${outside.id} AND assessor_id = ${body.id}`), 0);
  assert.deepEqual(page.problems(), []);
  await ctx.close();

  // the same body's staff on a 390 px phone, in English and care mode: its workbench and lists fit
  const phone = await chrome.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'en-GB' });
  const p2 = await newPage(phone);
  await signIn(p2, srv.base, 'assessor-ui');
  await p2.click('[data-test="lang"]');
  await p2.waitForFunction(() => document.documentElement.lang === 'en-GB');
  await p2.click('[data-test="care"]');
  await p2.waitForFunction(() => document.documentElement.classList.contains('care'));
  await go(p2, srv.base, '/');
  assert.match(await p2.textContent('main h1'), /Assessment workbench/);
  assert.match(await p2.textContent('[data-test="who"]'), /Assessment body/);
  for (const url of ['/', '/assessments', `/contracts/${pilot.ids.contract}`]) {
    await go(p2, srv.base, url);
    const wide = await p2.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= 390, `${url}: ${wide} px wide on a 390 px phone`);
  }
  await axe(p2, "the assessment body's screens on a phone, in English, care mode");
  assert.deepEqual(p2.problems(), []);
  await phone.close();
});
