// ui_plans.test.mjs - supervision planning (督查计划) in a real browser, in
// Chinese: plan → commit → draw → reveal → verify through the screens, on a
// desktop and on a 390 px phone.  The wizard makes the plan (region, year,
// title, kinds, sample, cross-city, weights, a checklist edited from the
// default, the pool picked from the eligible accounts); the plan's page
// shows the seed hash at commit, the picks per city with their risk weights,
// reasons and inspector pairs after the draw, the seed after the reveal, and
// the verification as matching.  What the screens show is checked against
// the API and against an independent computation: BLAKE2b-256 of the shown
// seed is the shown seed hash.  A draw altered in the database is shown as
// differing, with its first difference.  The phone run checks that no step
// overflows the 390 px width.  English on request: the same page in English.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { blake2b } from './blake2b.mjs';
import { client, expectStatus, okAsync, startServer } from './helpers.mjs';
import { PASSWORD, SHOTS, axe, browserAvailable, launch, newPage, pilotDb, ready, shot, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 180000 };

let pilot;
let srv;
let chrome;
let risky; // an enterprise id with two open alerts

before(async () => {
  if (missing) return;
  pilot = await pilotDb(200);
  // Inspectors of Dalian and of the whole province besides Shenyang's (pilotDb's 'inspector').
  for (const [login, scope] of [['insp-dl', '210200'], ['insp-ln', '210000']]) {
    await okAsync(['user', 'add', '--db', pilot.db, '--login', login, '--role', 'inspector', '--scope', scope, '--password-stdin'], { input: `${PASSWORD}\n` });
  }
  // An enterprise of Shenyang with an open alert and an open data-quality alert: risk points.
  risky = Number(pilot.sqlite("SELECT id FROM organization WHERE kind = 'enterprise' AND region BETWEEN 210100 AND 210199 ORDER BY id LIMIT 1"));
  const region = pilot.sqlite(`SELECT region FROM organization WHERE id = ${risky}`);
  for (const rule of ['target_off_track', 'stipend_below_minimum']) {
    pilot.sqlite(`INSERT INTO alert (rule, severity, status, subject_kind, subject_id, message_zh, message_en, raised_at, region, created_at, updated_at)
      VALUES ('${rule}', 'warning', 'open', 'organization', ${risky}, '测试', 'test', '2026-01-05T00:00:00Z', ${region}, '2026-01-05T00:00:00Z', '2026-01-05T00:00:00Z')`);
  }
  srv = await startServer(pilot.db, { threads: 2 });
  chrome = await launch();
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
  } catch (e) {
    await shot(page, `FAILED-plans-${Date.now()}`).catch(() => {});
    throw e;
  } finally {
    await ctx.close();
  }
}


/** The API's view of plan @id, read as @login. */
async function apiPlan(login, id) {
  const api = client(srv.base);
  const tok = expectStatus(await api.post('/api/v1/session', { login, password: PASSWORD }), 200).json.token;
  return expectStatus(await api.get(`/api/v1/inspection-plans/${id}`, { token: tok }), 200).json;
}

/** No horizontal scrolling of the page at the phone's width. */
async function fitsWidth(page, what) {
  const w = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, win: window.innerWidth }));
  assert.ok(w.doc <= w.win + 1, `${what}: the page is ${w.doc} px wide in a ${w.win} px window`);
}

/** Click the step button @name on the plan page and wait for the page to stand again in @status. */
async function step(page, name, status) {
  await page.getByRole('button', { name }).click();
  await page.waitForSelector(`.plan-page[data-status="${status}"]`);
  await ready(page);
}

/**
 * Run the wizard and the steps as @login; @phone checks the width at each
 * step.  Returns the plan id.
 */
async function planToVerify(page, login, { title, phone, region, edit, sample = '2' }) {
  await signIn(page, srv.base, login);
  // The menu leads to the plans.
  await page.click('nav.side a[href="/plans"]');
  await ready(page, '/plans');
  assert.equal(await page.locator('h1').textContent(), '督查计划');
  await page.getByRole('link', { name: '新建督查计划' }).click();
  await ready(page, '/plans/new');

  // 1. basics
  await page.getByRole('heading', { name: /第 1 步（共 6 步）：基本信息/ }).waitFor();
  if (region) {
    // A province plans for itself or one of its cities.
    const opts = await page.locator('#pw-region option').allTextContents();
    assert.ok(opts.length > 1 && opts.some((o) => o.includes('沈阳市')), `regions offered: ${opts}`);
    await page.selectOption('#pw-region', region);
  }
  // Only the last step creates; the first has no way back.
  assert.equal(await page.getByRole('button', { name: '创建计划' }).isVisible(), false);
  assert.equal(await page.getByRole('button', { name: '上一步' }).isVisible(), false);
  // A step refuses to go on without what it needs, and says so.
  await page.getByRole('button', { name: '下一步' }).click();
  await page.getByText('请填写计划名称。').waitFor();
  await page.getByLabel('计划名称').fill(title);
  if (phone) await fitsWidth(page, 'wizard: basics');
  // Enter in a field goes to the next step; it does not create the plan.
  await page.getByLabel('计划名称').press('Enter');

  // 2. objects and sample: enterprises and schools, 2 per city, cross-city
  await page.getByRole('heading', { name: /对象与比例/ }).waitFor();
  await page.getByLabel('培养合同').uncheck();
  await page.getByLabel('抽取数量或比例').fill(sample);
  assert.ok(await page.getByLabel('跨市交叉督查').isChecked());
  if (phone) await fitsWidth(page, 'wizard: sample');
  await page.getByRole('button', { name: '下一步' }).click();

  // 3. weights: an alert counts 3
  await page.getByRole('heading', { name: /风险权重/ }).waitFor();
  assert.equal(await page.getByLabel('基础分').inputValue(), '1');
  await page.getByLabel('每条预警', { exact: true }).fill('3');
  await page.getByRole('button', { name: '下一步' }).click();

  // 4. the checklist: the default's seven items; one removed, one added
  await page.getByRole('heading', { name: /检查清单/ }).waitFor();
  assert.equal(await page.locator('.check-row').count(), 7);
  if (edit) {
    await page.locator('.check-row[data-code="insurance"]').getByRole('button', { name: '删除' }).click();
    await page.getByRole('button', { name: '增加检查项' }).click();
    const row = page.locator('.check-row').last();
    await row.getByLabel('代码').fill('ppe_issued');
    await row.getByLabel('检查内容（中文）').fill('已为学徒发放劳动防护用品');
    await row.getByLabel('依据').fill('《安全生产法》第四十五条');
  }
  if (phone) await fitsWidth(page, 'wizard: checklist');
  else await shot(page, 'plan-wizard-checklist');
  await page.getByRole('button', { name: '下一步' }).click();

  // 5. the pool: the province's inspectors, all ticked
  await page.getByRole('heading', { name: /督查人员/ }).waitFor();
  await page.locator('.pool-list li').first().waitFor();
  const pool = await page.locator('.pool-list li .mono').allTextContents();
  assert.deepEqual(pool, ['insp-dl', 'insp-ln', 'inspector']);
  if (phone) await fitsWidth(page, 'wizard: pool');
  await page.getByRole('button', { name: '下一步' }).click();

  // 6. review, create
  await page.getByRole('heading', { name: /核对提交/ }).waitFor();
  assert.equal(await page.getByRole('button', { name: '下一步' }).isVisible(), false);
  assert.match(await page.locator('.review').textContent(), new RegExp(title));
  if (!phone) await axe(page, 'plan wizard');
  if (phone) await fitsWidth(page, 'wizard: review');
  await page.getByRole('button', { name: '创建计划' }).click();
  await page.waitForURL(/\/plans\/\d+$/);
  await ready(page);
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  await page.waitForSelector('.plan-page[data-status="draft"]');
  assert.equal(await page.locator('h1').textContent(), title);

  // Commit: confirmed in a dialog; the seed hash is shown, the seed kept secret.
  await page.getByRole('button', { name: '提交并公布种子哈希' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '提交并公布种子哈希' }).click();
  await page.waitForSelector('.plan-page[data-status="committed"]');
  await ready(page);
  const seedHash = (await page.locator('[data-test="seed-hash"]').textContent()).trim();
  assert.match(seedHash, /^[0-9a-f]{64}$/);
  assert.match(await page.locator('.plan-page').textContent(), /尚未公开（保密中）/);
  assert.equal(await page.locator('[data-test="seed"]').count(), 0, 'no seed before the reveal');
  if (phone) await fitsWidth(page, 'plan: committed');

  // Draw: the picks per city with weights, reasons and pairs.
  await step(page, '随机抽取', 'drawn');
  const api = await apiPlan(login, id);
  assert.equal(api.seed_hash, seedHash);
  assert.ok(api.inspections.length >= 2, 'objects drawn');
  const rows = await page.$$eval('.city-picks tbody tr', (trs) => trs.map((tr) => ({
    pos: Number(tr.querySelector('th').textContent),
    weight: tr.querySelector('[data-test="weight"]').textContent,
    pair: tr.querySelector('[data-test="pair"]').textContent,
    reasons: tr.children[3].textContent,
  })));
  const logins = Object.fromEntries(api.inspectors.map((x) => [x.account, x.login]));
  const weightOf = Object.fromEntries(api.candidates.map((c) => [`${c.object_kind}:${c.object_id}`, c]));
  assert.deepEqual(rows.map((r) => r.pos).sort((a, b) => a - b), api.inspections.map((i) => i.draw_pos));
  for (const i of api.inspections) {
    const r = rows.find((x) => x.pos === i.draw_pos);
    const c = weightOf[`${i.object_kind}:${i.object_id}`];
    assert.equal(r.weight, String(c.weight), `weight of pick ${i.draw_pos}`);
    assert.equal(r.pair, [i.inspector_a, i.inspector_b].filter(Boolean).map((a) => logins[a]).join('、'), `pair of pick ${i.draw_pos}`);
    // cross-city: nobody inspects his own city
    assert.ok(!(i.city === '210100' && r.pair.split('、').includes('inspector')), 'no Shenyang inspector in Shenyang');
    if (c.reasons.length) for (const x of c.reasons) assert.match(r.reasons, new RegExp(`\\+${x.points}`));
    else assert.equal(r.reasons, '无风险记录（基础分）');
  }
  // one heading per city drawn
  assert.equal(await page.locator('.city-picks').count(), new Set(api.inspections.map((i) => i.city)).size);
  if (phone) await fitsWidth(page, 'plan: drawn');

  // Reveal: the seed, which hashes to the committed seed hash.
  await step(page, '公开随机种子', 'drawn');
  await page.waitForSelector('[data-test="seed"]');
  const seed = (await page.locator('[data-test="seed"]').textContent()).trim();
  assert.match(seed, /^[0-9a-f]{64}$/);
  assert.equal(blake2b(Buffer.from(seed, 'hex'), 32), seedHash, 'BLAKE2b-256(seed) is the seed hash shown at commit');

  // Verify: the re-run matches.
  await page.getByRole('button', { name: '验证抽取结果' }).click();
  await page.waitForSelector('[data-test="verify-result"] [data-ok]');
  assert.equal(await page.locator('[data-test="verify-result"] [data-ok]').getAttribute('data-ok'), 'true');
  assert.match(await page.locator('[data-test="verify-result"]').textContent(),
    new RegExp(`复核一致：重新抽取的 ${api.inspections.length} 个对象及督查员搭配与记录完全相同`));
  if (phone) await fitsWidth(page, 'plan: verified');
  return { id, api };
}

test('desktop, Chinese: a city plans, commits, draws, reveals and verifies; an altered draw shows its first difference', opts, async () => {
  await withPage(async (page) => {
    const title = '2026年沈阳市双元培育专项督查';
    // Every candidate of Shenyang drawn (6), so that the risky one is among the picks.
    const { id, api } = await planToVerify(page, 'shenyang', { title, edit: true, sample: '6' });
    const c = api.candidates.find((x) => x.object_kind === 'enterprise' && x.object_id === risky);
    assert.deepEqual({ weight: c.weight, reasons: c.reasons }, {
      weight: 1 + 3 + 2, reasons: [{ code: 'alert', n: 1, points: 3 }, { code: 'quality', n: 1, points: 2 }],
    });
    const pick = api.inspections.find((i) => i.object_kind === 'enterprise' && i.object_id === risky);
    const tr = page.locator('.city-picks tbody tr').filter({ has: page.locator('th', { hasText: new RegExp(`^${pick.draw_pos}$`) }) });
    assert.equal(await tr.locator('[data-test="weight"]').textContent(), '6');
    assert.match(await tr.textContent(), /未处理预警 1 条（\+3）；数据质量预警 1 条（\+2）/);
    // The candidates by city: one of Shenyang's has a risk record.
    assert.match(await page.locator('#pl-cands + p + .table-wrap tbody tr').first().textContent(), /沈阳市\s*6\s*1\s*11\s*6/);
    // The checklist as edited.
    const checks = await page.locator('.checklist li').allTextContents();
    assert.equal(checks.length, 7);
    assert.ok(checks.some((c) => c.includes('已为学徒发放劳动防护用品') && c.includes('《安全生产法》第四十五条')));
    assert.ok(!checks.some((c) => c.includes('实习责任保险')), 'insurance item removed');
    assert.deepEqual(api.checklist.map((c) => c.code).slice(-1), ['ppe_issued']);
    assert.deepEqual(api.weights, { base: 1, alert: 3, quality: 2, finding: 3, max: 20 });
    await axe(page, 'plan page');
    await shot(page, 'plan-verified-desktop');

    // The list shows it, drawn.
    await page.click('nav.side a[href="/plans"]');
    await ready(page, '/plans');
    const row = page.locator('tbody tr', { hasText: title });
    assert.match(await row.textContent(), /已抽取/);

    // An inspector pair changed behind the plan's back: verify names the first difference.
    const first = api.inspections[0];
    pilot.sqlite(`UPDATE inspection SET inspector_a = ${first.inspector_b}, inspector_b = ${first.inspector_a} WHERE id = ${first.id}`);
    await page.goto(`${srv.base}/plans/${id}`);
    await ready(page);
    await page.getByRole('button', { name: '验证抽取结果' }).click();
    await page.waitForSelector('[data-test="verify-result"] [data-ok]');
    assert.equal(await page.locator('[data-test="verify-result"] [data-ok]').getAttribute('data-ok'), 'false');
    const text = await page.locator('[data-test="verify-result"]').textContent();
    assert.match(text, /复核不一致/);
    const login = Object.fromEntries(api.inspectors.map((x) => [x.account, x.login]));
    assert.equal(await page.locator('[data-test="difference"]').textContent(),
      `第一处差异：第 1 位：记录的督查员为 ${login[first.inspector_b]}、${login[first.inspector_a]}，重新抽取的搭配为 ${login[first.inspector_a]}、${login[first.inspector_b]}。`);
    // and the technical record, as the CLI prints it
    assert.match(text, new RegExp(`draw_pos 1 \\(${first.object_kind} ${first.object_id}\\): recorded inspectors ${first.inspector_b} and ${first.inspector_a}, the re-run pairs ${first.inspector_a} and ${first.inspector_b}`));
    pilot.sqlite(`UPDATE inspection SET inspector_a = ${first.inspector_a}, inspector_b = ${first.inspector_b} WHERE id = ${first.id}`);

    // Start, then close refused while the inspections are not done (the server's words, in Chinese).
    await step(page, '开始实施', 'in_progress');
    await page.getByRole('button', { name: '结束计划' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '结束计划' }).click();
    await page.locator('.toast.error').waitFor();
    assert.match(await page.locator('.toast.error').textContent(), new RegExp(`还有 ${api.inspections.length} 次督查未完成，不能结束`));

    // English on request: the same page in English.
    await page.click('[data-test="lang"]');
    await page.getByRole('button', { name: 'Verify the draw' }).waitFor();
    assert.match(await page.locator('.plan-page').textContent(), /Seed hash/);
    await page.click('[data-test="lang"]');
    await page.getByRole('button', { name: '验证抽取结果' }).waitFor();
  });
});

test('phone 390 px, Chinese: a province plans, commits, draws, reveals and verifies; nothing overflows', opts, async () => {
  await withPage(async (page) => {
    await planToVerify(page, 'liaoning', { title: '2026年辽宁省双随机抽查', phone: true, region: '210000' });
    await shot(page, 'plan-verified-phone');
    // The picks as cards on the phone: each cell names its column.
    await page.locator('#pl-picks').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/plan-picks-phone.png` });
    assert.equal(await page.locator('table.picks thead').first().evaluate((el) => el.getBoundingClientRect().width), 1, 'the column heads hidden as such on a phone');
    assert.match(await page.locator('table.picks td').first().evaluate((el) => getComputedStyle(el, '::before').content), /检查对象/);
  }, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
});

test('who sees the plans: the menu and the wizard follow the permissions', opts, async () => {
  await withPage(async (page) => {
    // An inspector reads plans but does not make them.
    await signIn(page, srv.base, 'inspector');
    assert.equal(await page.locator('nav.side a[href="/plans"]').count(), 1);
    await page.click('nav.side a[href="/plans"]');
    await ready(page, '/plans');
    assert.equal(await page.getByRole('link', { name: '新建督查计划' }).count(), 0);
  });
  for (const login of ['school', 'company', 'trainee']) {
    await withPage(async (page) => {
      await signIn(page, srv.base, login);
      assert.equal(await page.locator('nav.side a[href="/plans"]').count(), 0, `${login} has no plans menu`);
    });
  }
});
