// ui.mjs - measures the web application in headless Chromium (Debian's,
// via playwright-core): the time to a rendered dashboard and the bytes of
// JS and CSS transferred.  Used by bench/ui.sh, which starts the server.
//
//   node bench/ui.mjs BASE LOGIN PASSWORD [RUNS]
//
// "Rendered" is the moment the application marks #app data-ready="/" with
// the dashboard's content in place (all its API calls answered) and the
// next frame made, noted in the page with performance.now() from the
// navigation's start.  Cold: a new browser context (empty cache) each run; warm: reloads
// in one context.  The JS and CSS counted are what was requested by then.
import { chromium } from 'playwright-core';

const [base, login, password, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 10);
const executablePath = process.env.DUALTRACK_CHROMIUM || '/usr/bin/chromium';
const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];
// Every new browser context opens a window, and Chromium builds that window's address-bar
// popup (a WebUI page of its own, some 290 requests and 140 ms of CPU) even headless, where it
// is never shown; on two cores it competes with the page being measured.  Puppeteer turns the
// two features off by default; so do we.  Playwright passes a --disable-features list of its
// own and Chromium honours only the last one, so the two are added to Playwright's list, read
// from the command line of a first launch.
const probe = await chromium.launchServer({ executablePath, headless: true, args });
const pwFeatures = probe.process().spawnargs.filter((a) => a.startsWith('--disable-features='));
await probe.close();
const browser = await chromium.launch({
  executablePath,
  headless: true,
  ignoreDefaultArgs: pwFeatures,
  args: [...args, `${pwFeatures.at(-1) ?? '--disable-features='},WebUIOmniboxPopup,WebUIOmniboxAimPopup`
    .replace('=,', '=')],
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

// Notes the moment the dashboard is rendered, as it happens (a poll from outside would add its
// own delay): #app data-ready="/" with #main no longer busy, and the frame that shows it made.
function watchReady() {
  const ready = () => document.getElementById('app')?.getAttribute('data-ready') === '/'
    && !document.getElementById('main')?.hasAttribute('aria-busy');
  new MutationObserver((_, obs) => {
    if (!obs.done && ready()) {
      obs.done = true;
      obs.disconnect();
      // the frame that shows it: after the next animation frame's rendering
      requestAnimationFrame(() => setTimeout(() => { window.__dtReady = performance.now(); }, 0));
    }
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready', 'aria-busy'] });
}

async function measure(page) {
  await page.waitForFunction(() => window.__dtReady !== undefined, null, { timeout: 30000 });
  return page.evaluate(() => {
    const t = window.__dtReady;
    // what was asked for by then: the screens loaded in the background afterwards do not count
    const res = performance.getEntriesByType('resource').filter((e) => e.startTime <= t
      && /\.(js|css)$/.test(new URL(e.name).pathname));
    return {
      ms: t,
      files: res.length,
      transferred: res.reduce((s, e) => s + e.transferSize, 0),
      encoded: res.reduce((s, e) => s + e.encodedBodySize, 0),
      decoded: res.reduce((s, e) => s + e.decodedBodySize, 0),
      api: performance.getEntriesByType('resource').filter((e) => e.startTime <= t
        && new URL(e.name).pathname.startsWith('/api/')).length,
    };
  });
}

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const state = await signedInState();
const cold = [];
for (let i = 0; i < runs; i++) {
  const ctx = await browser.newContext({ storageState: state });
  await ctx.addInitScript(watchReady);
  const page = await ctx.newPage();
  await page.goto(`${base}/`);
  cold.push(await measure(page));
  await ctx.close();
}
const warm = [];
{
  const ctx = await browser.newContext({ storageState: state });
  await ctx.addInitScript(watchReady);
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
