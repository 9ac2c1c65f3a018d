// ui_field.test.mjs - supervision in the field, in a real browser (Debian's
// chromium driven by playwright-core), in Chinese, on a 390 px phone: an
// inspection plan made, committed, drawn and revealed with the CLI; then in
// the web application the inspector drawn for it records the visit, the
// checklist and a photo taken "with the camera" (a file input with capture),
// records a finding with a photo; the inspected enterprise sees it on its
// rectification board, starts and submits its rectification with a PDF; the
// second inspector rejects it with a reason and a new deadline; the
// enterprise submits again; the first inspector accepts (销号) and finishes
// the inspection.  Then a city official sees the board by status with
// red / yellow / green, exports it to Excel and prints the rectification
// notice (整改通知书).  Every page: no console error, no horizontal
// scrolling at 390 px, axe-core without serious or critical violations.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { TODAY, ok, okAsync, startServer } from './helpers.mjs';
import {
  PASSWORD, axe, browserAvailable, go, launch, newPage, pilotDb, ready, shot, signIn,
} from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 180000 };
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000'
  + '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082', 'hex');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

let pilot;
let srv;
let chrome;
const S = {}; // plan, inspection, org, finding

before(async () => {
  if (missing) return;
  pilot = await pilotDb(200);
  const db = pilot.db;
  await okAsync(['user', 'add', '--db', db, '--login', 'inspector2', '--role', 'inspector', '--scope', '210100', '--password-stdin'], { input: `${PASSWORD}\n` });
  const plan = S.planJson = JSON.parse(ok(['inspection', 'plan', '--db', db, '--region', '210100', '--year', '2026',
    '--title', '沈阳市2026年双元培育专项督查', '--kinds', 'enterprise', '--count', '1',
    '--inspector', 'inspector', '--inspector', 'inspector2', '--format', 'json']));
  S.plan = plan.id;
  for (const step of ['commit', 'draw', 'reveal']) ok(['inspection', step, String(plan.id), '--db', db]);
  const shown = JSON.parse(ok(['inspection', 'show', String(plan.id), '--db', db, '--format', 'json']));
  const insp = shown.inspections[0];
  assert.ok(insp && insp.org_id, `one enterprise drawn: ${JSON.stringify(shown.inspections)}`);
  S.inspection = insp.id;
  S.org = insp.org_id;
  S.orgName = JSON.parse(ok(['show', 'organization', String(insp.org_id), '--db', db])).name;
  await okAsync(['user', 'add', '--db', db, '--login', 'drawn-ent', '--role', 'enterprise', '--scope', `org:${insp.org_id}`, '--password-stdin'], { input: `${PASSWORD}\n` });
  srv = await startServer(db, { threads: 2 });
  chrome = await launch();
});

after(async () => {
  if (chrome) await chrome.close();
  if (srv) {
    const r = await srv.stop();
    assert.equal(r.code, 0, `server exit: ${JSON.stringify(r)}\n${srv.output().slice(-2000)}`);
  }
});

/** A fresh context (a phone unless @ctxOpts says otherwise) and page; the page must end clean. */
async function withPage(fn, ctxOpts = PHONE) {
  const ctx = await chrome.newContext(ctxOpts);
  const page = await newPage(ctx);
  // the browser's calendar is the server's (helpers.mjs sets DUALTRACK_TODAY)
  await page.clock.setFixedTime(new Date(`${TODAY}T10:00:00+08:00`));
  try {
    await fn(page, ctx);
    assert.deepEqual(page.problems(), [], 'console errors or failed requests');
  } catch (e) {
    await shot(page, `FAILED-field-${Date.now()}`).catch(() => {});
    throw e;
  } finally {
    await ctx.close();
  }
}

/** Nothing is wider than the screen: no sideways scrolling on a phone. */
async function fitsWidth(page, what) {
  const { sw, iw } = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, iw: window.innerWidth }));
  assert.ok(sw <= iw, `${what}: page ${sw} px wide on a ${iw} px screen`);
}

/** Click the button named @name and wait for the page to render again. */
async function press(page, name, path) {
  await page.getByRole('button', { name }).click();
  await page.waitForFunction(() => !document.getElementById('main').hasAttribute('aria-busy'));
  if (path) await ready(page, path);
}

const token = async (login) => (await (await fetch(`${srv.base}/api/v1/session`, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: PASSWORD }),
})).json()).token;
const api = async (login, p) => {
  const s = { token: await token(login) };
  return (await fetch(`${srv.base}/api/v1${p}`, { headers: { authorization: `Bearer ${s.token}` } })).json();
};

test('the catalogue words the default checklist as the server does', opts, async () => {
  const zh = (await import('../../web/js/i18n/zh.js')).default;
  const en = (await import('../../web/js/i18n/en.js')).default;
  assert.equal(S.planJson.checklist.length, 7);
  for (const c of S.planJson.checklist) {
    assert.equal(zh[`field.check.${c.code}`], c.text_zh, c.code);
    assert.equal(en[`field.check.${c.code}`], c.text_en, c.code);
  }
});

test('the inspector on a phone: my inspections, the checklist, a photo from the camera, a finding', opts, async () => {
  await withPage(async (page) => {
    await signIn(page, srv.base, 'inspector');
    const nav = await page.$$eval('nav.side a', (as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    assert.ok(nav.some(([h, t]) => h === '/inspections' && t === '我的督查'), JSON.stringify(nav));
    assert.ok(nav.some(([h, t]) => h === '/findings' && t === '问题整改'), JSON.stringify(nav));
    await go(page, srv.base, '/inspections');
    assert.equal(await page.textContent('main h1'), '我的督查');
    const item = page.locator(`[data-inspection="${S.inspection}"]`);
    await item.getByText('待督查').waitFor();
    await item.getByText(S.orgName).waitFor();
    await fitsWidth(page, 'my inspections');
    await item.locator('a').click();
    await ready(page, `/inspections/${S.inspection}`);
    assert.equal(await page.textContent('main h1'), `督查 #${S.inspection}`);
    await page.getByText('沈阳市2026年双元培育专项督查').waitFor();
    await page.getByText(/^(inspector、inspector2|inspector2、inspector)$/).waitFor();
    // The default checklist, seven items, each pass / fail / n.a.
    assert.equal(await page.locator('fieldset.check-item').count(), 7);
    assert.equal(await page.textContent('[data-check="insurance"] legend'), '已为学徒投保实习责任保险或工伤保险');
    await page.getByText('请先保存督查日期和检查结果，再登记问题。').waitFor();
    // the camera: a file input for photos and PDFs with capture
    const ev = page.locator('input[data-test=evidence]').first();
    assert.equal(await ev.getAttribute('capture'), 'environment');
    assert.equal(await ev.getAttribute('accept'), 'image/*,application/pdf');
    await fitsWidth(page, 'the inspection form');
    await axe(page, 'the inspection form on a phone');
    await shot(page, 'field-inspection-phone');

    for (const c of ['contract_signed', 'stipend_min_wage', 'mentors_named', 'record_book', 'hours_as_planned']) {
      await page.locator(`[data-check="${c}"] label.choice-pass`).tap();
    }
    await page.locator('[data-check="insurance"] label.choice-na').tap();
    await page.locator('[data-check="safety_training"] label.choice-fail').tap();
    await page.locator('[data-check="safety_training"] input[type=text]').fill('无岗前安全培训记录');
    await ev.setInputFiles({ name: '现场照片.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('li.uploaded').getByText('现场照片.png').waitFor();
    await press(page, '保存');
    await page.locator('.ist-in_progress').first().waitFor();
    const res = await api('inspector', `/inspections/${S.inspection}/results`);
    assert.equal(res.checks.safety_training.result, 'fail');
    assert.equal(res.checks.safety_training.remark, '无岗前安全培训记录');
    assert.equal(res.checks.insurance.result, 'na');
    assert.equal(res.attachments.length, 1, 'the photo is attached to the inspection');
    assert.equal(await page.locator('[data-check="safety_training"] input[value=fail]').isChecked(), true, 'saved results shown again');

    // A finding of the failed item, with a photo.
    await page.locator('select[data-test=f-check]').selectOption('safety_training');
    await page.locator('select[data-test=f-severity]').selectOption('serious');
    await page.locator('textarea[data-test=f-desc]').fill('未开展岗前安全培训，学员无培训记录');
    await page.locator('.finding-form input[data-test=evidence]').setInputFiles({ name: '培训台账.png', mimeType: 'image/png', buffer: PNG });
    await page.locator('.finding-form li.uploaded').waitFor();
    await press(page, '登记问题');
    const card = page.locator('.fcard').first();
    await card.getByText('未开展岗前安全培训，学员无培训记录').waitFor();
    assert.equal(await card.locator('.sev-serious').textContent(), '较重');
    assert.match(await card.locator('.signal').textContent(), /^绿 · 剩 30 天$/);
    S.finding = Number(await card.getAttribute('data-finding'));
    const f = await api('inspector', `/findings/${S.finding}`);
    assert.equal(f.org_id, S.org);
    assert.equal(f.check_code, 'safety_training');
    assert.equal(f.attachments.length, 1);
    await fitsWidth(page, 'the inspection with a finding');
    await shot(page, 'field-finding-phone');
  });
});

test('the enterprise on a phone: its findings, rectification with a PDF', opts, async () => {
  assert.ok(S.finding, 'the test before recorded a finding');
  await withPage(async (page) => {
    await signIn(page, srv.base, 'drawn-ent');
    const nav = await page.$$eval('nav.side a', (as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    assert.ok(nav.some(([h, t]) => h === '/findings' && t === '整改任务'), JSON.stringify(nav));
    assert.ok(!nav.some(([h]) => h === '/inspections'), 'inspections are not announced to the inspected');
    await go(page, srv.base, '/findings');
    assert.equal(await page.textContent('main h1'), '整改任务');
    const open = page.locator('.board-col[data-status=open]');
    await open.locator(`[data-finding="${S.finding}"]`).waitFor();
    await fitsWidth(page, 'the rectification board');
    await axe(page, 'the rectification board on a phone');
    await open.locator(`[data-finding="${S.finding}"] a.fcard-title`).click();
    await ready(page, `/findings/${S.finding}`);
    await page.getByText('已开展岗前安全教育培训并有记录').waitFor(); // the checklist item in words
    await page.locator('img.thumb').first().waitFor();
    // no verification for the organisation
    assert.equal(await page.getByRole('button', { name: '通过，销号' }).count(), 0);
    await press(page, '开始整改');
    await page.locator('.fst-rectifying').waitFor();
    await page.locator('textarea[data-test=rect-body]').fill('已组织全体学员补训岗前安全课程');
    await page.locator('input[data-test=evidence]').setInputFiles({ name: '培训签到表.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.locator('li.uploaded').getByText('培训签到表.pdf').waitFor();
    await axe(page, 'the rectification form on a phone');
    await fitsWidth(page, 'the rectification form');
    await shot(page, 'field-rectify-phone');
    await press(page, '提交整改');
    await page.locator('.fst-submitted').waitFor();
    await page.locator('ol.rects').getByText('待督查人员核验', { exact: true }).waitFor();
    await page.getByRole('link', { name: /培训签到表\.pdf/ }).waitFor();
  });
});

test('the second inspector rejects with a reason and a new deadline; the enterprise submits again', opts, async () => {
  await withPage(async (page) => {
    await signIn(page, srv.base, 'inspector2');
    await go(page, srv.base, `/findings/${S.finding}`);
    await page.getByRole('button', { name: '退回' }).click();
    await page.getByText('退回时请写明理由。').waitFor();
    await page.locator('textarea[data-test=reason]').fill('缺少培训考核记录');
    const nd = await page.locator('input[data-test=new-deadline]').inputValue();
    assert.match(nd, /^\d{4}-\d{2}-\d{2}$/);
    await axe(page, 'the verification on a phone');
    await press(page, '退回');
    await page.locator('.fst-rectifying').waitFor();
    await page.getByText(/退回重新整改.*缺少培训考核记录/).waitFor();
    const f = await api('inspector2', `/findings/${S.finding}`);
    assert.equal(f.status, 'rectifying');
    assert.equal(f.deadline, nd);
    assert.match(await page.locator('dd .signal').textContent(), /^(绿|黄) · 剩 1[34] 天$/);
  });
  await withPage(async (page) => {
    await signIn(page, srv.base, 'drawn-ent');
    await go(page, srv.base, `/findings/${S.finding}`);
    await page.locator('textarea[data-test=rect-body]').fill('补充培训考核记录');
    await press(page, '提交整改');
    await page.locator('.fst-submitted').waitFor();
  });
});

test('the first inspector accepts (销号) and finishes the inspection', opts, async () => {
  await withPage(async (page) => {
    await signIn(page, srv.base, 'inspector');
    await go(page, srv.base, `/findings/${S.finding}`);
    assert.equal(await page.locator('ol.rects > li').count(), 2);
    await press(page, '通过，销号');
    await page.locator('.fst-closed').waitFor();
    await page.getByText('核验通过，已销号').waitFor();
    assert.equal((await api('inspector', `/findings/${S.finding}`)).status, 'closed');
    await go(page, srv.base, `/inspections/${S.inspection}`);
    await page.locator('textarea[data-test=conclusion]').fill('发现一项较重问题，已整改销号');
    await press(page, '完成督查');
    await page.getByText('本次督查已完成。').waitFor();
    const insp = await api('inspector', `/inspections/${S.inspection}`);
    assert.equal(insp.status, 'done');
    assert.equal(insp.publishable, true);
    assert.equal(await page.locator('button[data-test=save]').count(), 0, 'a finished inspection is read-only');
    await fitsWidth(page, 'the finished inspection');
  });
});

test('a city official: the board by status and colour, Excel, the printable notice', opts, async () => {
  // A second, overdue finding to see red (its deadline moved into the past).
  const tok = await token('inspector');
  const other = JSON.parse(ok(['inspection', 'plan', '--db', pilot.db, '--region', '210100', '--year', '2026', '--title', '沈阳市第二批督查', '--kinds', 'school', '--count', '1', '--inspector', 'inspector', '--inspector', 'inspector2', '--format', 'json']));
  for (const step of ['commit', 'draw', 'reveal']) ok(['inspection', step, String(other.id), '--db', pilot.db]);
  const i2 = JSON.parse(ok(['inspection', 'show', String(other.id), '--db', pilot.db, '--format', 'json'])).inspections[0];
  const hdr = { authorization: `Bearer ${tok}`, 'content-type': 'application/json' };
  assert.equal((await fetch(`${srv.base}/api/v1/inspections/${i2.id}`, { method: 'PATCH', headers: hdr, body: JSON.stringify({ visited_on: '2026-01-05' }) })).status, 200);
  const r = await fetch(`${srv.base}/api/v1/findings`, { method: 'POST', headers: hdr, body: JSON.stringify({ inspection_id: i2.id, severity: 'grave', description: '学徒津贴低于最低工资', deadline: new Date(Date.parse(`${TODAY}T00:00:00Z`) + 5 * 86400e3).toISOString().slice(0, 10) }) });
  assert.equal(r.status, 201, await r.clone().text());
  const late = (await r.json()).id;
  pilot.sqlite(`UPDATE finding SET deadline = '2026-01-20' WHERE id = ${late}`);

  await withPage(async (page) => {
    await signIn(page, srv.base, 'shenyang');
    await go(page, srv.base, '/findings');
    assert.equal(await page.textContent('main h1'), '问题整改');
    await page.locator(`.board-col[data-status=closed] [data-finding="${S.finding}"]`).waitFor();
    const red = page.locator(`.board-col[data-status=open] [data-finding="${late}"]`);
    assert.match(await red.locator('.signal').textContent(), /^红 · 逾期 \d+ 天$/);
    assert.equal(await red.getAttribute('class'), 'fcard colour-red');
    assert.match(await page.textContent('[data-test=board-sum]'), /共 2 个问题，其中红色预警 1 个/);
    await axe(page, 'the findings board');
    await shot(page, 'field-board-desktop');
    // only the overdue
    await page.getByLabel('只看逾期').check();
    await page.getByRole('button', { name: '查询' }).click();
    await ready(page, '/findings');
    assert.equal(await page.locator('.fcard').count(), 1);
    // Excel: the button's file, with the board's filter
    const href = await page.getAttribute('[data-test=export-findings]', 'href');
    assert.equal(href, '/api/v1/exports/findings.xlsx?overdue=true');
    const x = await page.evaluate(async (u) => { const res = await fetch(u); return { status: res.status, type: res.headers.get('content-type'), n: res.headers.get('x-record-count') }; }, href);
    assert.deepEqual(x, { status: 200, type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', n: '1' });

    // The notice of the first inspection, printable.
    await go(page, srv.base, `/inspections/${S.inspection}/notice`);
    assert.equal(await page.textContent('main h1'), '督查整改通知书');
    const doc = await page.textContent('.notice-doc');
    for (const s of [`${S.orgName}：`, '《沈阳市2026年双元培育专项督查》', '未开展岗前安全培训，学员无培训记录', '较重', '已销号', `督整〔2026〕${S.inspection} 号`, '发现一项较重问题，已整改销号']) {
      assert.ok(doc.includes(s), `the notice says ${s}: ${doc}`);
    }
    await axe(page, 'the notice');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.top').isVisible(), false, 'no header on paper');
    assert.equal(await page.locator('nav.side').isVisible(), false, 'no menu on paper');
    assert.equal(await page.getByRole('button', { name: '打印' }).isVisible(), false, 'no buttons on paper');
    assert.equal(await page.locator('.notice-doc table').isVisible(), true);
    await shot(page, 'field-notice-print');
  }, { viewport: { width: 1280, height: 900 } });
  // and the notice on a phone, in English on request
  await withPage(async (page) => {
    await signIn(page, srv.base, 'shenyang');
    await page.click('[data-test=lang]');
    await page.waitForFunction(() => document.documentElement.lang.startsWith('en'));
    await go(page, srv.base, `/inspections/${S.inspection}/notice`);
    assert.equal(await page.textContent('main h1'), 'Rectification notice');
    await fitsWidth(page, 'the notice on a phone');
    await go(page, srv.base, '/findings');
    assert.equal(await page.textContent('main h1'), 'Findings');
    await fitsWidth(page, 'the board on a phone');
  });
});
