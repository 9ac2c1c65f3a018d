// ui.test.mjs - the web application in a real browser: Debian's chromium,
// headless, driven by playwright-core, over a pilot of 200 trainees (gen
// --seed 3) with one sign-in per role.  One browser for the whole file; each
// test opens its own context (cookies, storage).  The tests run in order:
//
//   serving       index.html, hashed assets (immutable, gzip, ETag/304), the
//                 client-route fallback and the API's own 404s
//   start-up      the first screen's API calls made once and early (boot.js),
//                 the other screens' modules loaded after it
//   scope         each role signs in and sees only its own records and menu
//   forms         a form error shown at its field; a trainee and a contract
//                 created through the forms; the three parties approve; the
//                 contract is activated
//   record book   an entry added and signed off by the company mentor
//   language, care mode, sign-out, session expiry
//   screens       every screen: axe-core (no serious or critical violation)
//                 and a screenshot under build/screenshots/
//
// Every page also collects console errors, page errors and failed requests;
// a test fails when there are any.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';

import { natid, ok, okAsync, startServer } from './helpers.mjs';
import {
  PASSWORD, axe, browserAvailable, go, launch, newPage, pilotDb, ready, shot, signIn,
} from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 300000 };

let pilot; // { db, ids }
let srv; // the server
let chrome; // launch()
const created = {}; // what the form tests made: trainee, contract

before(async () => {
  if (missing) return;
  pilot = await pilotDb(200);
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

/** A fresh context and page; @fn(page) runs, then the page must be clean. */
async function withPage(fn, ctxOpts) {
  const ctx = await chrome.newContext(ctxOpts);
  const page = await newPage(ctx);
  try {
    await fn(page, ctx);
    assert.deepEqual(page.problems(), [], 'console errors or failed requests');
  } catch (e) {
    await shot(page, `FAILED-${Date.now()}`).catch(() => {});
    throw e;
  } finally {
    await ctx.close();
  }
}

const cli = (args) => JSON.parse(ok([...args, '--db', pilot.db, ...(args[0] === 'list' ? ['--format', 'json'] : [])]));
const rowIds = (page, sel = 'table tbody tr') => page.$$eval(sel, (rows) => rows.map((r) => Number((r.querySelector('a[href^="/contracts/"]')?.getAttribute('href') || '').split('/')[2])).filter(Boolean));

// ---- catalogues (no browser needed) ----

test('catalogues: zh and en have the same keys, and every literal key used exists', async () => {
  const fs = await import('node:fs');
  const path = await import('node:path');
  const zh = (await import('../../web/js/i18n/zh.js')).default;
  const en = (await import('../../web/js/i18n/en.js')).default;
  assert.deepEqual(Object.keys(en).sort(), Object.keys(zh).sort());
  const files = [];
  const walk = (d) => { for (const f of fs.readdirSync(d, { withFileTypes: true })) { if (f.isDirectory()) walk(path.join(d, f.name)); else if (f.name.endsWith('.js')) files.push(path.join(d, f.name)); } };
  walk('web/js');
  const missingKeys = [];
  for (const f of files) {
    if (f.includes(`${path.sep}i18n${path.sep}`)) continue;
    for (const m of fs.readFileSync(f, 'utf8').matchAll(/\bt\('([a-zA-Z][\w.-]*)'/g)) if (!(m[1] in zh)) missingKeys.push(`${f}: ${m[1]}`);
  }
  assert.deepEqual(missingKeys, []);
  for (const [k, v] of Object.entries(zh)) {
    const ps = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort().join(',');
    assert.equal(ps(en[k]), ps(v), `parameters of ${k}`);
  }
});

// ---- serving ----

test('serving: index, hashed assets with long cache and gzip, client routes, API 404s', opts, async () => {
  const base = srv.base;
  const r = await fetch(`${base}/app/`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  assert.match(r.headers.get('content-security-policy'), /default-src 'self'/);
  const html = await r.text();
  const m = /\/assets\/([0-9a-f]{16})\/js\/app\.js/.exec(html);
  assert.ok(m, 'index.html loads /assets/VERSION/js/app.js');
  assert.doesNotMatch(html, /\{\{V\}\}/);

  // A hashed asset: cached for a year, gzip when accepted, 304 on its ETag.
  const a = await fetch(`${base}/assets/${m[1]}/js/app.js`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(a.status, 200);
  assert.match(a.headers.get('cache-control'), /max-age=31536000, immutable/);
  assert.match(a.headers.get('content-type'), /^text\/javascript/);
  assert.match(a.headers.get('vary'), /Accept-Encoding/);
  const etag = a.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  await a.arrayBuffer();
  const raw = await new Promise((resolve, reject) => {
    // fetch() decodes gzip itself: read the bytes with node:http to see them.
    import('node:http').then(({ get }) => get(`${base}/assets/${m[1]}/css/app.css`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      const parts = [];
      res.on('data', (d) => parts.push(d));
      res.on('end', () => resolve({ enc: res.headers['content-encoding'], body: Buffer.concat(parts) }));
    }).on('error', reject));
  });
  assert.equal(raw.enc, 'gzip');
  assert.match(zlib.gunzipSync(raw.body).toString('utf8'), /care mode/);
  const n = await fetch(`${base}/assets/${m[1]}/js/app.js`, { headers: { 'if-none-match': etag } });
  assert.equal(n.status, 304);
  // An older version's URL still answers, uncached.
  const old = await fetch(`${base}/assets/0000000000000000/js/app.js`);
  assert.equal(old.status, 200);
  assert.equal(old.headers.get('cache-control'), 'no-cache');
  await old.arrayBuffer();

  // Client-side routes get index.html; missing files and the API's own paths do not.
  const page = await fetch(`${base}/contracts/12/record-book`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<div id="app">/);
  for (const p of [`/assets/${m[1]}/js/nope.js`, '/favicon.ico', '/nope', '/api/v1/nope', '/api/nope']) {
    const x = await fetch(base + p);
    assert.equal(x.status, 404, p);
    if (p.startsWith('/api')) assert.match(x.headers.get('content-type'), /problem\+json/, p);
    await x.arrayBuffer();
  }
  const head = await fetch(`${base}/app/`, { method: 'HEAD' });
  assert.equal(head.status, 200);
});

// ---- start-up ----

test('start-up: the first screen\'s API calls are made once, early, and later screens load on demand', opts, async () => {
  // index.html preloads the session and runs boot.js first; every module it
  // preloads exists.
  const html = await (await fetch(`${srv.base}/app/`)).text();
  assert.match(html, /<link rel="preload" href="\/api\/v1\/session" as="fetch" crossorigin="anonymous">/);
  assert.match(html, /<script type="module" async blocking="render" src="\/assets\/[0-9a-f]{16}\/js\/boot\.js">/);
  const preloads = [...html.matchAll(/rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]);
  assert.ok(preloads.some((u) => u.endsWith('/js/views/dashboard.js')), 'the dashboard is preloaded');
  assert.ok(!preloads.some((u) => u.endsWith('/js/views/registry.js')), 'other screens are not');
  for (const u of preloads) {
    const r = await fetch(srv.base + u);
    assert.equal(r.status, 200, u);
    await r.arrayBuffer();
  }

  await withPage(async (page) => {
    await signIn(page, srv.base, 'shenyang');
    // A cold load of the dashboard: note each request and when the first
    // screen was marked ready.
    await page.addInitScript(() => {
      new MutationObserver(() => {
        if (document.getElementById('app')?.hasAttribute('data-ready')) window.readyAt ??= performance.now();
      }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-ready'] });
    });
    const seen = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/api/')) seen.push(new URL(r.url()).pathname + new URL(r.url()).search); });
    await go(page, srv.base, '/');
    const counts = {};
    for (const u of seen) counts[u] = (counts[u] || 0) + 1;
    for (const want of ['/api/v1/session', '/api/v1/indicators?region=210100&year=', '/api/v1/indicators/series?region=210100&year=',
      '/api/v1/rankings?level=city&year=', '/api/v1/alerts?status=open&limit=5&region=210100', '/api/v1/regions/210100']) {
      assert.ok(seen.some((u) => u.startsWith(want)), `requested ${want} (${seen.join(' ')})`);
    }
    // The sub-regions come with the indicators.
    assert.ok(!seen.some((u) => u.startsWith('/api/v1/regions?')), `no region list (${seen.join(' ')})`);
    assert.ok((await page.locator('#d-sub + ul.links li').count()) > 0, 'sub-regions listed');
    assert.deepEqual(Object.entries(counts).filter(([, n]) => n > 1), [], 'no API call twice during start-up');
    assert.ok((await page.locator('.ind-cards li').count()) > 0, 'indicator cards with data');

    // The other screens' modules were not part of the start-up.
    // They are fetched when the browser is idle, one after another: wait
    // for all fifteen rather than for the first.
    const later = /\/js\/views\/(registry|contract|records|pilots|alerts|audit|imports|inspect|findings|plans|accounts|signoff|inbox|map|publicity)\.js$/;
    await page.waitForFunction((re) => performance.getEntriesByType('resource')
      .filter((e) => new RegExp(re).test(e.name)).length >= 15, later.source);
    const late = await page.evaluate((re) => performance.getEntriesByType('resource')
      .filter((e) => new RegExp(re).test(e.name))
      .map((e) => ({ file: e.name.replace(/.*\/js\//, ''), before: e.startTime < window.readyAt })), later.source);
    assert.equal(late.length, 15, JSON.stringify(late));
    assert.deepEqual(late.filter((e) => e.before), [], 'loaded after the first screen');

    // Answers fetched at start-up are not reused later: back on the
    // dashboard, it asks again.
    const before = seen.filter((u) => u.startsWith('/api/v1/indicators?')).length;
    await page.click('nav.side a[href="/contracts"]');
    await ready(page, '/contracts');
    await page.click('nav.side a[href="/"]');
    await ready(page, '/');
    assert.equal(seen.filter((u) => u.startsWith('/api/v1/indicators?')).length, before + 1);
  });
});

// ---- scope ----

const ROLES = {
  admin: { nav: ['/audit', '/pilots', '/enterprises'], notNav: [] },
  nation: { nav: ['/pilots', '/alerts'], notNav: ['/audit', '/record-book'] },
  liaoning: { nav: ['/pilots'], notNav: ['/audit'], region: /^21/ },
  shenyang: { nav: ['/pilots'], notNav: ['/audit'], region: /^2101/ },
  inspector: { nav: ['/audit'], notNav: ['/import'], region: /^2101/ },
  school: { nav: ['/contracts', '/programmes'], notNav: ['/audit', '/pilots', '/demands'], field: 'school_id', id: 'school' },
  company: { nav: ['/contracts', '/demands'], notNav: ['/audit', '/pilots'], field: 'enterprise_id', id: 'enterprise' },
  trainee: { nav: ['/record-book', '/contracts'], notNav: ['/audit', '/pilots', '/trainees', '/enterprises'], field: 'trainee_id', id: 'trainee' },
};

test('scope: each role signs in and sees only its own records and menu', opts, async () => {
  // A contract outside Shenyang, which the city, school, company and trainee must not see.
  const outside = cli(['list', 'contract', '--filter', 'region=220000', '--limit', '1'])[0];
  assert.ok(outside, 'a contract in Jilin');
  for (const [login, want] of Object.entries(ROLES)) {
    await withPage(async (page) => {
      await signIn(page, srv.base, login);
      await ready(page, '/');
      const who = await page.textContent('[data-test=who]');
      assert.match(who, new RegExp(login));
      const nav = await page.$$eval('nav.side a', (as) => as.map((a) => a.getAttribute('href')));
      for (const n of want.nav) assert.ok(nav.includes(n), `${login}: menu has ${n} (${nav})`);
      for (const n of want.notNav) assert.ok(!nav.includes(n), `${login}: menu lacks ${n} (${nav})`);
      await shot(page, `dashboard-${login}`);
      // Every axis label of every chart lies inside its chart, none cut off at the left.
      const cut = await page.$$eval('.chart svg text.axis', (ts) => ts.filter((t) => t.getBBox().x < 0).map((t) => t.textContent));
      assert.deepEqual(cut, [], `${login}: axis labels cut off`);

      await go(page, srv.base, '/contracts');
      const ids = await rowIds(page);
      assert.ok(ids.length > 0, `${login}: sees contracts`);
      if (want.region || want.field) {
        for (const id of ids.slice(0, 10)) {
          const c = cli(['show', 'contract', String(id)]);
          if (want.region) assert.match(c.region, want.region, `${login}: contract ${id} in ${c.region}`);
          if (want.field) assert.equal(c[want.field], pilot.ids[want.id], `${login}: contract ${id} is its own`);
        }
      }
      // A record outside the scope is "not found", never shown.
      await go(page, srv.base, `/contracts/${outside.id}`);
      const h1 = await page.textContent('main h1');
      if (['admin', 'nation'].includes(login)) assert.match(h1, new RegExp(`#${outside.id}`));
      else assert.match(h1, /找不到/, `${login} must not see contract ${outside.id}`);

      // Actions the role cannot take are not offered.
      await go(page, srv.base, '/enterprises');
      const canCreate = await page.locator('main .page-head a.btn.primary').count();
      if (['inspector', 'trainee', 'school', 'company'].includes(login)) assert.equal(canCreate, 0, `${login}: no "register an enterprise"`);
    });
  }
});

// ---- forms and the contract workflow ----

test('forms: a field error is shown at its field; a trainee and a contract are created through the forms', opts, async () => {
  const c0 = cli(['show', 'contract', String(pilot.ids.contract)]);
  await withPage(async (page) => {
    await signIn(page, srv.base, 'company');
    await go(page, srv.base, '/trainees/new');
    const seq = String(100 + (process.pid % 800));
    const good = natid('210102', '20080315', seq);
    const bad = `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'}`;
    await page.getByLabel('身份证号').fill(bad);
    await page.locator('input[name=name]').fill('测试学员');
    await page.getByRole('button', { name: '提交' }).click();
    // The error is at the national ID field, and listed in the summary.
    const field = page.locator('[data-field=national_id]');
    await field.locator('.field-error').waitFor();
    assert.equal(await page.getByLabel('身份证号').getAttribute('aria-invalid'), 'true');
    assert.ok((await field.locator('.field-error').textContent()).length > 3);
    await page.locator('.form-errors a').first().waitFor();
    await shot(page, 'form-error');
    await axe(page, 'form with an error');

    await page.getByLabel('身份证号').fill(good);
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/trainees\/\d+$/);
    await ready(page);
    created.trainee = Number(page.url().split('/').pop());
    assert.match(await page.textContent('main h1'), /测试学员/);
    // Without pii:read the company is shown the year of birth, labelled as such.
    const dl = await page.textContent('main dl');
    assert.match(dl, /出生年份\s*2008年/);
    assert.doesNotMatch(dl, /出生日期|3月15日/);

    // The contract: the company is preselected, the school is its partner.
    await go(page, srv.base, '/contracts/new');
    const pick = async (name, id) => {
      await page.waitForSelector(`select[name=${name}] option[value="${id}"]`, { state: 'attached' });
      await page.selectOption(`select[name=${name}]`, String(id));
    };
    await page.locator('[data-field=trainee_id] input[type=search]').fill('测试学员');
    await pick('trainee_id', created.trainee);
    assert.equal(await page.inputValue('select[name=enterprise_id]'), String(pilot.ids.enterprise));
    await pick('school_id', pilot.ids.school);
    await pick('programme_id', c0.programme_id);
    await page.getByLabel('企业导师', { exact: true }).fill('王师傅');
    await page.getByLabel('学校导师', { exact: true }).fill('李老师');
    await page.getByLabel('月津贴').fill('3200');
    await page.getByLabel('开始日期').fill('2026-09-01');
    // An end before the start: the API's error appears at end_date.
    await page.getByLabel('结束日期').fill('2026-08-01');
    await page.getByRole('button', { name: '提交' }).click();
    await page.locator('[data-field=end_date] .field-error').waitFor();
    await page.getByLabel('结束日期').fill('2029-08-31');
    await page.getByLabel('计划企业学时').fill('1800');
    await page.getByLabel('计划学校学时').fill('1200');
    await page.getByRole('button', { name: '提交' }).click();
    await page.waitForURL(/\/contracts\/\d+$/);
    await ready(page);
    created.contract = Number(page.url().split('/').pop());
    assert.match(await page.textContent('.stepper [aria-current=step]'), /草稿/);
  });
  assert.ok(created.contract);
  await okAsync(['user', 'add', '--db', pilot.db, '--login', 'newtrainee', '--role', 'trainee', '--scope', `trainee:${created.trainee}`, '--password-stdin'], { input: `${PASSWORD}\n` });
});

test('contract workflow: submitted, approved by the three parties, activated', opts, async () => {
  assert.ok(created.contract, 'the form test made a contract');
  const url = `/contracts/${created.contract}`;
  const approveAs = async (login, party) => {
    await withPage(async (page) => {
      await signIn(page, srv.base, login);
      await go(page, srv.base, url);
      if (login === 'company') {
        await page.getByRole('button', { name: '提交三方确认' }).click();
        await page.locator('.stepper [aria-current=step]', { hasText: '待三方确认' }).waitFor();
      }
      await page.locator('.notice', { hasText: '等待您确认' }).waitFor();
      const row = page.locator(`tr[data-party=${party}]`);
      await row.getByRole('button').click();
      // the terms once more, to be confirmed
      await page.locator('dialog [data-test=approve-summary]').waitFor();
      await page.getByRole('button', { name: '确认同意' }).click();
      await row.locator('.ok').waitFor();
      // The other parties' buttons are not offered to this user.
      for (const other of ['enterprise', 'school', 'trainee'].filter((p) => p !== party)) {
        assert.equal(await page.locator(`tr[data-party=${other}] button`).count(), 0, `${login} cannot approve as ${other}`);
      }
      if (login === 'newtrainee') {
        assert.equal(await page.getByRole('button', { name: '合同生效' }).count(), 0, 'a trainee does not activate');
        await shot(page, 'contract-approved');
      }
    });
  };
  await approveAs('company', 'enterprise');
  await approveAs('school', 'school');
  await approveAs('newtrainee', 'trainee');
  await withPage(async (page) => {
    await signIn(page, srv.base, 'school');
    await go(page, srv.base, url);
    await page.getByRole('button', { name: '合同生效' }).click();
    await page.locator('.stepper [aria-current=step]', { hasText: '履行中' }).waitFor();
    const times = await page.$$eval('tr[data-party] .ok', (els) => els.length);
    assert.equal(times, 3, 'three approvals with their times');
    const events = await page.$$eval('.timeline li', (els) => els.map((e) => e.textContent));
    assert.ok(events.length >= 5, `timeline: ${events}`);
    await shot(page, 'contract-active');
    await axe(page, 'contract');
  });
  assert.equal(cli(['show', 'contract', String(created.contract)]).status, 'active');
});

test('record book: an entry is added and signed off by the company mentor', opts, async () => {
  assert.ok(created.contract);
  await withPage(async (page) => {
    await signIn(page, srv.base, 'company');
    await go(page, srv.base, `/contracts/${created.contract}/record-book`);
    const entry = page.locator('form', { has: page.locator('textarea[name=content]') });
    await entry.locator('input[name=date]').fill('2026-11-20');
    await entry.locator('select[name=site]').selectOption('company');
    await entry.locator('input[name=hours]').fill('7.5');
    await entry.getByLabel('学习内容').fill('数控车床操作与安全规程');
    await page.getByRole('button', { name: '添加记录' }).click();
    const row = page.locator('tr[data-entry]', { hasText: '数控车床操作' });
    await row.getByRole('button', { name: '签核' }).waitFor();
    await row.getByRole('button', { name: '签核' }).click();
    await page.locator('tr[data-entry]', { hasText: '数控车床操作' }).locator('.ok').waitFor();
    assert.match(await page.textContent('.cards'), /7\.5/);
    await shot(page, 'record-book');
    await axe(page, 'record book');
  });
  const e = cli(['list', 'record_entry', '--filter', `contract_id=${created.contract}`]);
  assert.equal(e.length, 1);
  assert.ok(e[0].signed_at, 'signed off');
  // The trainee sees the record book without sign-off buttons.
  await withPage(async (page) => {
    await signIn(page, srv.base, 'newtrainee');
    await go(page, srv.base, '/record-book');
    await page.locator('tr[data-entry]').first().waitFor();
    assert.equal(await page.locator('tr[data-entry] button').count(), 0);
  });
});

// ---- language, care mode, sign-out, expiry ----

test('language: switch to English and back, remembered across reloads', opts, async () => {
  await withPage(async (page) => {
    await signIn(page, srv.base, 'shenyang');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.click('[data-test=lang]');
    await page.locator('nav.side a', { hasText: 'Contracts' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en-GB');
    await go(page, srv.base, '/contracts');
    assert.equal((await page.textContent('main h1')).trim(), 'Contracts');
    // Dates per language: "1 September 2026", not "2026年9月1日".
    assert.match(await page.textContent('main table'), /\d{1,2} [A-Z][a-z]+ \d{4}/);
    await page.reload();
    await ready(page, '/contracts');
    assert.equal((await page.textContent('main h1')).trim(), 'Contracts');
    await shot(page, 'contracts-en');
    await axe(page, 'contracts in English');
    // The city has no pii:read: trainees come with their birth year, labelled so.
    await go(page, srv.base, '/trainees');
    assert.match(await page.textContent('main table thead'), /Birth year/);
    assert.doesNotMatch(await page.textContent('main table'), /Birth date|\d{1,2} [A-Z][a-z]+ (19|20)\d\d/);
    await page.click('[data-test=lang]');
    await page.locator('nav.side a', { hasText: '培养合同' }).waitFor();
    assert.match(await page.textContent('main table thead'), /出生年份/);
    assert.match(await page.textContent('main table tbody'), /(19|20)\d\d年/);
    await go(page, srv.base, '/contracts');
    assert.match(await page.textContent('main table'), /\d{4}年\d{1,2}月\d{1,2}日/);
  });
});

test('care mode: larger text and simpler layout, from every page, remembered', opts, async () => {
  await withPage(async (page) => {
    await page.goto(`${srv.base}/login`);
    await page.click('[data-test=care]');
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('care')), true);
    const size = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    assert.ok(size >= 19, `care mode font size ${size}`);
    await signIn(page, srv.base, 'school');
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('care')), true, 'remembered after sign-in');
    assert.equal(await page.getAttribute('[data-test=care]', 'aria-pressed'), 'true');
    await go(page, srv.base, `/contracts/${pilot.ids.contract}`);
    await shot(page, 'care-contract');
    await axe(page, 'care mode');
    await page.click('[data-test=care]');
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('care')), false);
  });
});

test('sign-out ends the session; an expired session asks to sign in again and returns', opts, async () => {
  await withPage(async (page, ctx) => {
    await signIn(page, srv.base, 'inspector');
    await page.click('[data-test=signout]');
    await page.locator('main h1', { hasText: '登录' }).waitFor();
    assert.match(await page.textContent('main'), /已安全退出/);
    await page.goto(`${srv.base}/contracts`);
    await page.locator('#login').waitFor();

    // Expiry: the cookie goes (as at its Max-Age); the next request is 401.
    await signIn(page, srv.base, 'inspector');
    await go(page, srv.base, '/trainees');
    await ctx.clearCookies();
    await page.click('nav.side a[href="/contracts"]');
    await page.locator('[data-test=expired]').waitFor();
    assert.match(await page.textContent('[data-test=expired]'), /过期/);
    await shot(page, 'session-expired');
    await page.getByLabel('账号').fill('inspector');
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/contracts$/);
    await ready(page, '/contracts');
  });
});

// ---- every screen ----

// 31 screens, each checked by axe-core: more than one test's usual two minutes on a loaded machine.
test('every screen: no serious accessibility violation (axe-core), keyboard focus, screenshot', { ...opts, timeout: 360000 }, async () => {
  const enterprise = pilot.ids.enterprise;
  const screens = {
    admin: ['/', '/enterprises', `/enterprises/${enterprise}`, '/enterprises/new', `/enterprises/${enterprise}/edit`, '/schools',
      '/programmes', '/partnerships', '/demands', '/places', '/trainees', `/trainees/${created.trainee || 1}`, '/contracts',
      `/contracts/${pilot.ids.contract}`, `/contracts/${pilot.ids.contract}/record-book`, '/pilots', '/pilots/1', '/alerts',
      '/audit', '/import', '/contracts/999999'],
    shenyang: ['/', '/pilots/1', '/plans', '/plans/new'],
    company: ['/', '/demands/new', '/import'],
    trainee: ['/', '/record-book'],
  };
  await withPage(async (page) => {
    await page.goto(`${srv.base}/login`);
    await page.locator('#login').waitFor();
    await axe(page, 'sign-in');
    await shot(page, 'login');
  });
  for (const [login, paths] of Object.entries(screens)) {
    await withPage(async (page) => {
      await signIn(page, srv.base, login);
      for (const p of paths) {
        await go(page, srv.base, p);
        await axe(page, `${login} ${p}`);
        await shot(page, `screen-${login}${p.replace(/[^a-z0-9]+/gi, '-')}`.replace(/-$/, ''));
      }
      // Keyboard: the skip link, first in the page, shows when focused and moves focus to the main region.
      assert.equal(await page.evaluate(() => document.querySelector('#app a, #app button').className), 'skip');
      await page.focus('a.skip');
      assert.ok(await page.evaluate(() => document.querySelector('a.skip').getBoundingClientRect().left >= 0), 'skip link visible on focus');
      await page.keyboard.press('Enter');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
    });
  }
});
