// ui_year.test.mjs - the year of the people, in a real browser (Debian's
// chromium driven by playwright-core), in Chinese, behind a real SMTP server
// on 127.0.0.1 (python3-aiosmtpd, tests/e2e/smtp_sink.py) given to `serve`
// with --smtp-url and --mail-from:
//
//  1. the school signs in through the form, registers a trainee (学员 form)
//     and opens the trainee's account on 账号管理 (a one-time code);
//  2. the trainee, on a 390 px phone, activates the account with the code,
//     changes the password on 我的账号, finds "account made" in the inbox
//     and switches on e-mail (the address the school gave is filled in);
//  3. the school makes the contract with the enterprise and the two mentors
//     named from the register, and submits it (API);
//  4. the trainee sees the bell's count, follows the inbox's link to the
//     contract and approves it on the phone after a confirmation that sums up
//     the terms (the parties, the named mentors); the company (its own inbox's
//     link) approves on a desktop; the school approves and activates (API);
//  5. the company's administrator opens the company mentor's own account on
//     账号管理, the mentor picked from the register (the school's does the same
//     for the school mentor through the API, `mentor_id`); the trainee writes
//     record-book entries (API); the two named mentors find "entries to sign" in their inboxes and sign every waiting entry on
//     待签核 in one action; the entries are signed by them by name.
//
// Each step's notification is asserted in the inbox (the bell's unread count
// and the inbox screen) and, for every account that chose e-mail, at the SMTP
// server: the recipient's address in the envelope, the subject of the event.
// No console errors or failed requests on any page; the phone's pages do not
// scroll sideways.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';

import { client, expectStatus, freePort, natid, ok, sleep, startServer } from './helpers.mjs';
import { PASSWORD, axe, browserAvailable, launch, newPage, pilotDb, ready, shot, signIn } from './ui_helpers.mjs';

const missing = browserAvailable() || (fs.existsSync('/usr/bin/python3') ? null : 'python3 missing');
const opts = { skip: missing || false, timeout: 600000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const SINK = path.resolve('tests/e2e/smtp_sink.py');
const FROM = 'noreply@dualtrack.example';
const MAIL = {
  school: 'jiaowu@school.example', company: 'hr@company.example', trainee: 'xiaoyu@mail.example',
  wang: 'wang@company.example', li: 'li@school.example',
};

let pilot;
let srv;
let chrome;
let sink;
let api;
const S = {}; // what the walk learns as it goes
const tok = {};

// ---- the SMTP server and what it received ----

async function smtpSink(dir) {
  const port = await freePort();
  const folder = fs.mkdtempSync(path.join(dir, 'mail-'));
  const proc = spawn('/usr/bin/python3', [SINK, String(port), folder], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d) => { out += d; });
  proc.stderr.setEncoding('utf8').on('data', (d) => { out += d; });
  for (let i = 0; !out.includes('ready'); i++) {
    if (i > 600 || proc.exitCode !== null) throw new Error(`SMTP sink did not start: ${out}`);
    await sleep(50);
  }
  return { port, folder, proc, url: `smtp://127.0.0.1:${port}` };
}

/** The messages received so far: { to, subject, body, headers } each. */
function received() {
  const out = [];
  for (const f of fs.readdirSync(sink.folder).filter((n) => n.endsWith('.eml')).sort()) {
    const raw = fs.readFileSync(path.join(sink.folder, f), 'latin1');
    const [head, body] = raw.split(/\r?\n\r?\n/, 2);
    const headers = {};
    for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
    }
    const subject = headers.subject.replace(/=\?UTF-8\?B\?([^?]*)\?=\s*/g, (_, b) => Buffer.from(b, 'base64').toString('latin1'));
    const env = JSON.parse(fs.readFileSync(path.join(sink.folder, f.replace(/\.eml$/, '.json')), 'utf8'));
    out.push({
      to: env.to, from: env.from, headers,
      subject: Buffer.from(subject, 'latin1').toString('utf8'),
      body: Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8'),
    });
  }
  return out;
}

/** Wait (up to 60 s) until the SMTP server holds a message to @to whose subject matches @re; returns it. */
async function mailTo(to, re) {
  const t0 = Date.now();
  for (;;) {
    const m = received().find((x) => x.to.includes(to) && re.test(x.subject));
    if (m) return m;
    if (Date.now() - t0 > 60000) {
      assert.fail(`no e-mail to ${to} matching ${re} within 60 s; received:\n${received().map((x) => `  ${x.to.join(',')}: ${x.subject}`).join('\n')}\n${srv.output().slice(-1500)}`);
    }
    await sleep(100);
  }
}

// ---- the browser ----

async function withPage(name, fn, ctxOpts) {
  const ctx = await chrome.newContext(ctxOpts);
  const page = await newPage(ctx);
  page.setDefaultTimeout(60000);
  try {
    await fn(page);
    assert.deepEqual(page.problems(), [], `${name}: console errors or failed requests`);
  } catch (e) {
    await shot(page, `FAILED-year-${name}-${Date.now()}`).catch(() => {});
    throw e;
  } finally {
    await ctx.close();
  }
}

async function noOverflow(page, what) {
  const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  assert.ok(sw <= iw, `${what}: the page is ${sw} px wide on a ${iw} px phone`);
}

/** The bell's unread count as shown (0 when hidden). */
const bell = (page) => page.evaluate(() => {
  const c = document.querySelector('[data-test=bell] .count');
  return !c || c.hidden ? 0 : Number(c.textContent);
});

/** Wait (up to 30 s: the header asks after the first screen) until the bell shows @n. */
async function expectBell(page, n, what) {
  try {
    await page.waitForFunction((k) => {
      const c = document.querySelector('[data-test=bell] .count');
      return c && (c.hidden ? 0 : Number(c.textContent)) === k;
    }, n, { timeout: 30000 });
  } catch {
    assert.fail(`${what}: the bell shows ${await bell(page)} unread, the server counts ${n}`);
  }
}

/** The server's unread count for @token. */
async function unread(token) {
  return expectStatus(await api.get('/api/v1/notifications?limit=1', { token }), 200).json.unread;
}

/** Open the inbox through the bell; its unread notes are the bell's count. */
async function openInbox(page) {
  await page.click('[data-test=bell]');
  await ready(page, '/notifications');
  assert.equal(await page.locator('h1').textContent(), '消息通知');
  const n = await bell(page);
  assert.equal(await page.locator('[data-test=note].unread').count(), Math.min(n, 20), 'unread notes in the inbox = the bell');
  return n;
}

const unreadNote = (page, kind, href) => page.locator(`[data-test=note].unread[data-kind=${kind}]`, { has: page.locator(href ? `a[href="${href}"]` : 'a') });

// ---- the pilot ----

/** @login switches on e-mail (to its account's address, or @extra's). */
async function chooseMail(login, extra = {}) {
  const p = expectStatus(await api.request('PUT', '/api/v1/notifications/preferences', { token: tok[login], body: { email: true, ...extra } }), 200).json;
  assert.equal(p.email_to, MAIL[login]);
}

/** Activate @login with @code (as the activation page does); its token. */
async function activate(login, code) {
  const r = expectStatus(await api.post('/api/v1/session/activate', { login, code, new_password: `Kettle-${login}-2026` }), 200);
  tok[login] = r.json.token;
}

before(async () => {
  if (missing) return;
  pilot = await pilotDb(60);
  const db = pilot.db;
  const c0 = JSON.parse(ok(['show', 'contract', String(pilot.ids.contract), '--db', db]));
  assert.ok(c0.company_mentor_id && c0.school_mentor_id, 'the generated contract names its mentors from the register');
  S.c0 = c0;
  sink = await smtpSink(pilot.dir);
  srv = await startServer(db, { threads: 2, extra: ['--smtp-url', sink.url, '--mail-from', FROM] });
  chrome = await launch();
  api = client(srv.base);
  for (const login of ['admin', 'school', 'company']) {
    tok[login] = expectStatus(await api.post('/api/v1/session', { login, password: PASSWORD }), 200).json.token;
  }
  // the school's and the company's offices, and the mentors, chose e-mail
  for (const login of ['school', 'company']) await chooseMail(login, { email_to: MAIL[login] });
});

after(async () => {
  if (chrome) await chrome.close();
  if (srv) {
    const r = await srv.stop();
    assert.equal(r.code, 0, `server exit: ${JSON.stringify(r)}\n${srv.output().slice(-2000)}`);
  }
  if (sink) sink.proc.kill('SIGTERM');
});

test('the year of the people: register, account, approve on a phone, sign off in bulk, told at each step', opts, async () => {
  // ---- 1. the school registers a trainee and opens the trainee's account ----
  S.name = '林小雨';
  S.natid = natid('210102', '20050612', String(100 + (process.pid % 800)).padStart(3, '0'));
  await withPage('school', async (page) => {
    await signIn(page, srv.base, 'school');
    await page.click('nav.side a[href="/trainees"]');
    await ready(page, '/trainees');
    await page.goto(`${srv.base}/trainees/new`);
    await ready(page, '/trainees/new');
    await page.getByLabel('身份证号').fill(S.natid);
    await page.locator('input[name=name]').fill(S.name);
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/trainees\/\d+$/);
    await ready(page);
    S.trainee = Number(new URL(page.url()).pathname.split('/').pop());
    assert.match(await page.textContent('main h1'), new RegExp(S.name));

    await page.click('nav.side a[href="/accounts"]');
    await ready(page, '/accounts');
    await page.click('[data-test="acct-new"]');
    await ready(page, '/accounts/new');
    await page.getByLabel('登录名').fill('xiaoyu');
    await page.getByLabel('角色').selectOption('trainee');
    await page.getByLabel('管辖范围').fill(`trainee:${S.trainee}`);
    await page.getByLabel('姓名').fill(S.name);
    await page.getByLabel('电子邮箱').fill(MAIL.trainee);
    await page.getByRole('button', { name: '创建账号' }).click();
    const box = page.locator('[data-test="code"]');
    await box.waitFor();
    S.code = (await box.locator('.acct-code').textContent()).trim();
    assert.match(S.code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
  });

  // ---- 2. the trainee activates the account on a phone, changes the password, chooses e-mail ----
  await withPage('trainee-1', async (page) => {
    await page.goto(`${srv.base}/login`);
    await page.click('[data-test="activate-link"]');
    await page.waitForSelector('#acct-h');
    await noOverflow(page, 'activation');
    await page.getByLabel('登录名').fill('xiaoyu');
    await page.getByLabel('激活码').fill(S.code);
    await page.getByLabel('新密码', { exact: true }).fill('Bamboo-River-2026');
    await page.getByLabel('再次输入新密码').fill('Bamboo-River-2026');
    await page.getByRole('button', { name: '激活并登录' }).click();
    await ready(page, '/');
    assert.match(await page.locator('[data-test="who"]').textContent(), /xiaoyu/);
    // the account's notification is in the inbox
    await expectBell(page, 1, 'the trainee, after activation: the account made');
    await page.goto(`${srv.base}/account`);
    await ready(page, '/account');
    await noOverflow(page, 'my account');
    await page.getByLabel('原密码').fill('Bamboo-River-2026');
    await page.getByLabel('新密码', { exact: true }).fill('Maple-Lantern-4471');
    await page.getByLabel('再次输入新密码').fill('Maple-Lantern-4471');
    await page.getByRole('button', { name: '修改密码' }).click();
    await page.getByText('密码已修改').first().waitFor();
    await openInbox(page);
    await noOverflow(page, 'inbox');
    const made = page.locator('[data-test=note][data-kind=account_created]');
    assert.equal(await made.count(), 1);
    assert.match(await made.textContent(), /已为您开通账号 xiaoyu/);
    // e-mail: the address the school gave is the channel's
    assert.equal(await page.inputValue('#np-email-to'), MAIL.trainee);
    await page.check('#np-email');
    await page.click('[data-test=notify-prefs] button[type=submit]');
    await ready(page, '/notifications');
    assert.equal(await page.isChecked('#np-email'), true);
    await page.locator('[data-test=note][data-kind=account_created] [data-test=mark-read]').click();
    await ready(page, '/notifications');
    await expectBell(page, 0, 'the trainee, all read');
  }, PHONE);
  const trn = client(srv.base);
  tok.trainee = expectStatus(await trn.post('/api/v1/session', { login: 'xiaoyu', password: 'Maple-Lantern-4471' }), 200).json.token;

  // ---- 3. the school makes the contract with the register's mentors and submits it ----
  const c0 = S.c0;
  const c = expectStatus(await api.post('/api/v1/contracts', {
    trainee_id: S.trainee, enterprise_id: c0.enterprise_id, school_id: c0.school_id, programme_id: c0.programme_id,
    company_mentor_id: c0.company_mentor_id, school_mentor_id: c0.school_mentor_id,
    stipend_monthly: c0.stipend_monthly, start_date: '2026-09-01', end_date: '2029-08-31',
    planned_company_hours: 1800, planned_school_hours: 1200,
  }, { token: tok.school }), 201).json;
  S.contract = c.id;
  assert.equal(c.company_mentor, c0.company_mentor);
  assert.equal(c.school_mentor, c0.school_mentor);
  expectStatus(await api.post(`/api/v1/contracts/${c.id}/submit`, undefined, { token: tok.school }), 200);
  // each party that chose e-mail is told at the SMTP server
  const approval = new RegExp(`^【双元培育】合同 ${c.id} 待您审批`);
  for (const who of ['trainee', 'school', 'company']) {
    const m = await mailTo(MAIL[who], approval);
    assert.deepEqual(m.to, [MAIL[who]]);
    assert.match(m.headers.from, new RegExp(FROM.replace('.', '\\.')));
    assert.match(m.body, new RegExp(`/contracts/${c.id}`));
  }

  // ---- 4. the trainee approves on the phone, through the inbox's link ----
  await withPage('trainee-2', async (page) => {
    await signIn(page, srv.base, 'xiaoyu', 'Maple-Lantern-4471');
    await expectBell(page, 1, 'the trainee, after the submit');
    assert.equal(await openInbox(page), 1, 'one unread: the contract to approve');
    await noOverflow(page, 'inbox with the contract');
    const note = unreadNote(page, 'contract_approval', `/contracts/${c.id}`);
    assert.equal(await note.count(), 1);
    await note.locator('a').click();
    await ready(page, `/contracts/${c.id}`);
    await noOverflow(page, 'the contract');
    assert.match(await page.locator('.notice.warn').textContent(), /这份合同等待您确认/);
    const summary = await page.textContent('main');
    for (const s of [S.name, c0.company_mentor, c0.school_mentor]) assert.ok(summary.includes(s), `the contract page shows ${s}`);
    await axe(page, 'the contract on a phone');
    await shot(page, 'year-trainee-contract-phone');
    await page.getByRole('button', { name: '以学员身份确认' }).click();
    // the terms once more before agreeing: the parties and the named mentors
    const terms = page.locator('dialog [data-test=approve-summary]');
    await terms.waitFor();
    const text = await terms.textContent();
    for (const x of [S.name, c0.company_mentor, c0.school_mentor, '以学员身份同意']) assert.ok(text.includes(x), `the confirmation shows ${x}`);
    await noOverflow(page, 'the confirmation');
    await axe(page, 'the confirmation on a phone');
    await page.getByRole('button', { name: '确认同意' }).click();
    await page.locator('tr[data-party=trainee] .ok').waitFor();
    // following the link read it
    await page.click('[data-test=bell]');
    await ready(page, '/notifications');
    await expectBell(page, 0, 'the trainee, after following the link');
    assert.equal(await page.locator('[data-test=note][data-kind=contract_approval].read').count(), 1);
  }, PHONE);

  // the company approves through its own inbox's link
  await withPage('company', async (page) => {
    const n = await unread(tok.company);
    assert.ok(n >= 1, `the company has ${n} unread`);
    await signIn(page, srv.base, 'company');
    await expectBell(page, n, 'the company');
    assert.equal(await openInbox(page), n);
    const note = unreadNote(page, 'contract_approval', `/contracts/${c.id}`);
    assert.equal(await note.count(), 1);
    await note.locator('a').click();
    await ready(page, `/contracts/${c.id}`);
    await page.getByRole('button', { name: '以企业身份确认' }).click();
    await page.getByRole('button', { name: '确认同意' }).click();
    await page.locator('tr[data-party=enterprise] .ok').waitFor();
    await page.click('[data-test=bell]');
    await ready(page, '/notifications');
    await expectBell(page, n - 1, 'the company, after following the link');
    // its administrator opens the company mentor's own account, picked from the register
    await page.click('nav.side a[href="/accounts"]');
    await ready(page, '/accounts');
    await page.click('[data-test="acct-new"]');
    await ready(page, '/accounts/new');
    await page.getByLabel('登录名').fill('wang');
    assert.equal(await page.getByLabel('角色').inputValue(), 'enterprise');
    await page.getByLabel('姓名').fill(c0.company_mentor);
    await page.getByLabel('电子邮箱').fill(MAIL.wang);
    await page.getByLabel('导师（名册）').selectOption(String(c0.company_mentor_id));
    await page.getByRole('button', { name: '创建账号' }).click();
    const box = page.locator('[data-test="code"]');
    await box.waitFor();
    S.wangCode = (await box.locator('.acct-code').textContent()).trim();
  });
  await activate('wang', S.wangCode);
  await chooseMail('wang');
  // the school's administrator does the same for the school mentor, through the API
  const li = expectStatus(await api.post('/api/v1/accounts', { login: 'li', role: 'school', scope: `org:${c0.school_id}`, display_name: c0.school_mentor, email: MAIL.li, mentor_id: c0.school_mentor_id }, { token: tok.school }), 201).json;
  assert.equal(li.mentor_id, c0.school_mentor_id);
  await activate('li', li.activation_code);
  await chooseMail('li');
  const load = expectStatus(await api.get('/api/v1/mentors/load', { token: tok.admin }), 200).json.items;
  assert.equal(load.find((m) => m.id === c0.company_mentor_id).account, 'wang');
  assert.equal(load.find((m) => m.id === c0.school_mentor_id).account, 'li');
  expectStatus(await api.post(`/api/v1/contracts/${c.id}/approve`, {}, { token: tok.school }), 200);
  const active = expectStatus(await api.post(`/api/v1/contracts/${c.id}/activate`, undefined, { token: tok.school }), 200).json;
  assert.equal(active.status, 'active');
  for (const p of ['enterprise', 'school', 'trainee']) assert.ok(active[`approved_${p}_at`], `approved by the ${p}`);

  // ---- 5. record-book entries; the named mentors sign them off in bulk ----
  S.entries = { company: [], school: [] };
  for (const [d, site, hours] of [['2026-11-16', 'company', 6], ['2026-11-17', 'company', 6], ['2026-11-18', 'company', 7], ['2026-11-19', 'school', 3], ['2026-11-20', 'school', 4]]) {
    const e = expectStatus(await api.post('/api/v1/record-entries', { contract_id: c.id, date: d, site, hours, content: `${site === 'company' ? '车间实训' : '理论课'} ${d}` }, { token: tok.trainee }), 201).json;
    S.entries[site].push(e.id);
  }
  const signoffMail = /^【双元培育】有新的培养记录待您签核/;
  for (const who of ['wang', 'li']) {
    const m = await mailTo(MAIL[who], signoffMail);
    assert.deepEqual(m.to, [MAIL[who]]);
  }
  // (and the organisations' offices: the company's entries to the company, the school's to the school)
  await mailTo(MAIL.company, signoffMail);
  await mailTo(MAIL.school, signoffMail);

  for (const [who, site, mentorId, mentorName] of [['wang', 'company', c0.company_mentor_id, c0.company_mentor], ['li', 'school', c0.school_mentor_id, c0.school_mentor]]) {
    const waiting = expectStatus(await api.get('/api/v1/record-entries/waiting?limit=1000', { token: tok[who] }), 200).json;
    const mine = waiting.items.filter((e) => e.contract_id === c.id).map((e) => e.id).sort((a, b) => a - b);
    assert.deepEqual(mine, S.entries[site], `${who} waits for the contract's ${site} entries`);
    await withPage(who, async (page) => {
      const n = await unread(tok[who]);
      assert.ok(n >= 1, `${who} has ${n} unread`);
      await signIn(page, srv.base, who, `Kettle-${who}-2026`);
      await expectBell(page, n, who);
      assert.equal(await openInbox(page), n);
      const note = unreadNote(page, 'record_signoff', `/contracts/${c.id}/record-book`);
      assert.equal(await note.count(), 1, `${who}: one "entries to sign" (a digest a day)`);
      await page.click('nav.side a[href="/signoff"]');
      await ready(page, '/signoff');
      const rows = page.locator('[data-test=entry-box]');
      assert.equal(await rows.count(), Math.min(waiting.total, 200));
      const names = await page.$$eval('.signoff-row .so-who', (ns) => ns.map((x) => x.textContent));
      assert.ok(names.includes(S.name), `${who}: 待签核 names the trainee`);
      await page.locator('[data-test=select-all]').check();
      await page.locator('[data-test=sign-selected]').click();
      await page.getByText(`签核人：${mentorName}`).first().waitFor();
    });
    for (const id of S.entries[site]) {
      const e = expectStatus(await api.get(`/api/v1/record-entries/${id}`, { token: tok.admin }), 200).json;
      assert.equal(e.signed_by, mentorName, `entry ${id} signed by the mentor by name`);
      assert.equal(e.signed_mentor_id, mentorId);
      assert.equal(e.signed_delegate, false);
    }
  }
  // every e-mail went to an address that chose it, from the configured sender
  const all = received();
  const allowed = new Set(Object.values(MAIL));
  for (const m of all) {
    assert.ok(m.to.every((a) => allowed.has(a)), `e-mail to ${m.to}`);
    assert.equal(m.from, FROM);
  }
});
