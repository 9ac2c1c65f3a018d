// ui.mjs - measures the web application in headless Chromium (Debian's,
// via playwright-core): the time to a rendered dashboard and the bytes of
// JS and CSS transferred.  Used by bench/ui.sh, which starts the server.
//
//   node bench/ui.mjs BASE LOGIN PASSWORD [RUNS]
//
// "Rendered" is the moment the application marks #app data-ready="/" with
// the dashboard's content in place (all its API calls answered), measured
// with performance.now() from the navigation's start.  Cold: a new browser
// context (empty cache) each run; warm: reloads in one context.
import { chromium } from 'playwright-core';

const [base, login, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 10);
const browser = await chromium.launch({
  executablePath: process.env.DUALTRACK_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
});

async function signedInState() {
  const ctx = await browser.newContext();
  const r = await ctx.request.post(`${base}/api/v1/session`, { data: { login, password } });
  if (!r.ok()) throw new Error(`sign-in failed: ${r.status()}`);
  const { csrf } = await r.json();
  const state = await ctx.storageState();
  await ctx.close();
  state.origins = [{ origin: base, localStorage: [{ name: 'dt.csrf', value: csrf }] }];
  return state;
}

async function measure(page) {
  await page.waitForFunction(() => document.getElementById('app')?.getAttribute('data-ready') === '/'
    && !document.getElementById('main')?.hasAttribute('aria-busy'), null, { timeout: 30000 });
  return page.evaluate(() => {
    const t = performance.now();
    const res = performance.getEntriesByType('resource').filter((e) => /\.(js|css)$/.test(new URL(e.name).pathname));
    return {
      ms: t,
      files: res.length,
      transferred: res.reduce((s, e) => s + e.transferSize, 0),
      encoded: res.reduce((s, e) => s + e.encodedBodySize, 0),
      decoded: res.reduce((s, e) => s + e.decodedBodySize, 0),
      api: performance.getEntriesByType('resource').filter((e) => new URL(e.name).pathname.startsWith('/api/')).length,
    };
  });
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const state = await signedInState();
const cold = [];
for (let i = 0; i < runs; i++) {
  const ctx = await browser.newContext({ storageState: state });
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  cold.push(await measure(page));
  await ctx.close();
}
const warm = [];
{
  const ctx = await browser.newContext({ storageState: state });
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  await measure(page);
  for (let i = 0; i < runs; i++) {
    await page.reload();
    warm.push(await measure(page));
  }
  await ctx.close();
}
await browser.close();
const c = cold[0];
console.log(`dashboard rendered (${login}, cold cache): median ${median(cold.map((x) => x.ms)).toFixed(0)} ms, min ${Math.min(...cold.map((x) => x.ms)).toFixed(0)} ms, max ${Math.max(...cold.map((x) => x.ms)).toFixed(0)} ms over ${runs} runs`);
console.log(`dashboard rendered (${login}, warm cache): median ${median(warm.map((x) => x.ms)).toFixed(0)} ms over ${runs} runs`);
console.log(`JS+CSS loaded for the dashboard: ${c.files} files, ${(c.encoded / 1024).toFixed(1)} KiB compressed bodies (${(c.transferred / 1024).toFixed(1)} KiB with headers), ${(c.decoded / 1024).toFixed(1)} KiB uncompressed; ${c.api} API requests`);
