// ui_helpers.mjs - shared helpers of the browser tests: one headless
// Chromium (Debian's, driven by playwright-core) per test file, launched so
// that it runs as root and never reaches for the network; a small pilot
// database with one sign-in per role; sign-in through the form; axe-core on
// the current page; screenshots under build/screenshots/; and a collector
// of console errors and failed requests that every test checks at its end.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

import { dbPath, ok, okAsync, sqlite, tmpdir } from './helpers.mjs';

const require = createRequire(import.meta.url);

export const PASSWORD = 'ui-test-password-2026';
export const CHROMIUM = process.env.DUALTRACK_CHROMIUM || '/usr/bin/chromium';
export const SHOTS = path.resolve('build/screenshots');

/** Are playwright-core and chromium installed (scripts/deps.sh does it)? */
export function browserAvailable() {
  try {
    require.resolve('playwright-core');
    require.resolve('axe-core');
  } catch {
    return 'playwright-core / axe-core missing: run scripts/deps.sh (npm ci)';
  }
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} missing: run scripts/deps.sh (apt-get install chromium)`;
  return null;
}

/**
 * Launch headless Chromium.  playwright-core gives every launch a fresh
 * temporary user-data-dir (removed on close); the flags keep Chromium off
 * the network and let it run as root.  Returns { browser, newContext() }.
 */
export async function launch() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
  });
  return {
    browser,
    // Every test gets a fresh, isolated context (own cookies and storage).
    newContext: (opts = {}) => browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...opts }),
    close: () => browser.close(),
  };
}

/**
 * A pilot of @trainees trainees (gen --seed 3) and one account per role,
 * found as the demo does: the parties of an active contract in Shenyang.
 * Returns { dir, db, ids: { school, enterprise, trainee, contract } }.
 */
export async function pilotDb(trainees = 200) {
  const dir = tmpdir('dualtrack-ui-');
  const db = dbPath(dir);
  ok(['init', '--db', db]);
  ok(['gen', '--db', db, '--trainees', String(trainees), '--seed', '3']);
  const c = JSON.parse(ok(['list', 'contract', '--db', db, '--filter', 'region=210100', '--filter', 'status=active', '--sort', 'id', '--limit', '1', '--format', 'json']))[0];
  assert.ok(c, 'an active contract in Shenyang');
  const accounts = [
    ['admin', 'admin', null], ['nation', 'national', null], ['liaoning', 'province', '210000'],
    ['shenyang', 'city', '210100'], ['inspector', 'inspector', '210100'],
    ['school', 'school', `org:${c.school_id}`], ['company', 'enterprise', `org:${c.enterprise_id}`],
    ['trainee', 'trainee', `trainee:${c.trainee_id}`],
  ];
  for (const [login, role, scope] of accounts) {
    const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
    if (scope) args.push('--scope', scope);
    await okAsync(args, { input: `${PASSWORD}\n` });
  }
  return { dir, db, ids: { school: c.school_id, enterprise: c.enterprise_id, trainee: c.trainee_id, contract: c.id }, sqlite: (q) => sqlite(db, q) };
}

/**
 * A page that records console errors, page errors and failed requests
 * (other than the expected 4xx of the API); @page.problems() lists them.
 */
export async function newPage(ctx) {
  const page = await ctx.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => { if (!/ERR_ABORTED/.test(r.failure()?.errorText || '')) problems.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`); });
  page.on('response', (r) => { if (r.status() >= 500) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  page.problems = () => problems;
  page.setDefaultTimeout(15000);
  return page;
}

/** Wait until the application has rendered @path (data-ready on #app). */
export async function ready(page, pathname) {
  await page.waitForFunction((p) => {
    const app = document.getElementById('app');
    const main = document.getElementById('main');
    // data-ready holds the application's own path: /app/contracts/12 is /contracts/12
    const own = location.pathname.replace(/^\/app(?=\/|$)/, '') || '/';
    return app && app.getAttribute('data-ready') === (p || own) && main && !main.hasAttribute('aria-busy');
  }, pathname || null);
}

/** The address of the application's path @url: "/contracts/12" is "/app/contracts/12". */
export function appUrl(url) {
  if (!url.startsWith('/') || url === '/app' || url.startsWith('/app/')) return url;
  return url === '/' ? '/app/' : `/app${url}`;
}

/** Go to @url and wait for it to render. */
export async function go(page, base, url) {
  // the application lives under /app/ (the public portal has "/")
  await page.goto(base + appUrl(url));
  await ready(page, new URL(base + url).pathname);
}

/** Sign in through the form as @login. */
export async function signIn(page, base, login, password = PASSWORD) {
  await page.goto(`${base}/app/login`);
  await page.getByLabel(/账号|Login/).fill(login);
  await page.getByLabel(/密码|Password/).fill(password);
  await page.getByRole('button', { name: /^(登录|Sign in)$/ }).click();
  await page.waitForFunction(() => document.getElementById('app')?.hasAttribute('data-ready') && !document.getElementById('main')?.hasAttribute('aria-busy'));
}

/**
 * Run axe-core (WCAG 2.1 A/AA rules) on the page; fails on serious or
 * critical violations, naming each rule and its first targets.
 */
export async function axe(page, what) {
  const source = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  const bad = result.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${what}: axe-core found serious/critical violations:\n${bad.map((v) => `  ${v.id} (${v.impact}): ${v.help} at ${v.targets.join(', ')}`).join('\n')}`);
  return result;
}

/** Save a full-page screenshot as build/screenshots/@name.png. */
export async function shot(page, name) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
