// ui_print.test.mjs - printing and the printed documents in the browser.
//
// The print stylesheet: with the page emulated as printed
// (page.emulateMedia({ media: 'print' })), every screen visited hides the
// menu, the top bar and every button, and shows the running header with the
// screen's title; on screen the header is hidden and the menu shown (so the
// test can fail both ways).  The PDF buttons: on the contract page the
// contract and record-book buttons download a PDF (%PDF-, named
// contract-ID.pdf); the city official's dashboard offers the annual report
// of his city and it downloads too.  Chinese interface; the English one
// downloads the English contract.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { startServer } from './helpers.mjs';
import { browserAvailable, go, launch, newPage, pilotDb, signIn } from './ui_helpers.mjs';

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

// What a visitor sees of the frame: the menu, the buttons and the print header.
async function frameSeen(page) {
  return page.evaluate(() => {
    const shown = (el) => !!el && getComputedStyle(el).display !== 'none' && el.getClientRects().length > 0;
    const buttons = [...document.querySelectorAll('main button, main .btn, header button')].filter(shown).length;
    const head = document.querySelector('.print-head');
    return { menu: shown(document.querySelector('nav.side')), top: shown(document.querySelector('header.top')), buttons, head: shown(head) ? head.textContent : null, h1: document.querySelector('main h1')?.textContent };
  });
}

test('the print stylesheet hides the menu and the buttons on every screen and heads each page', opts, async () => {
  const ctx = await chrome.newContext();
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'admin');
  const screens = ['/', `/contracts/${pilot.ids.contract}`, `/contracts/${pilot.ids.contract}/record-book`, '/contracts', '/trainees', '/pilots', '/alerts', '/findings', '/plans', '/audit', '/import'];
  for (const url of screens) {
    await go(page, srv.base, url);
    await page.emulateMedia({ media: 'screen' });
    const screen = await frameSeen(page);
    assert.equal(screen.menu, true, `${url}: the menu on screen`);
    assert.equal(screen.head, null, `${url}: no print header on screen`);
    await page.emulateMedia({ media: 'print' });
    const print = await frameSeen(page);
    assert.equal(print.menu, false, `${url}: no menu in print`);
    assert.equal(print.top, false, `${url}: no top bar in print`);
    assert.equal(print.buttons, 0, `${url}: no button in print`);
    assert.ok(print.head && print.head.includes(print.h1 || '') && /双元培育/.test(print.head), `${url}: the print header names the app and the screen: ${print.head}`);
  }
  // the header is fixed: Chromium repeats it on every printed page
  await go(page, srv.base, '/contracts');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('.print-head')).position), 'fixed');
  const pdf = await page.pdf({ format: 'A4' });
  assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

async function download(page, selector) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  const file = await dl.path();
  return { name: dl.suggestedFilename(), bytes: fs.readFileSync(file), file };
}

test('the contract page downloads the contract and its record book as PDF', opts, async () => {
  const ctx = await chrome.newContext({ acceptDownloads: true });
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'school');
  await go(page, srv.base, `/contracts/${pilot.ids.contract}`);
  const c = await download(page, '[data-test="pdf-contract"]');
  assert.equal(c.name, `contract-${pilot.ids.contract}.pdf`);
  assert.equal(c.bytes.subarray(0, 5).toString(), '%PDF-');
  assert.match(execFileSync('pdftotext', ['-enc', 'UTF-8', c.file, '-'], { encoding: 'utf8' }), /三方协议/);
  const b = await download(page, '[data-test="pdf-book"]');
  assert.equal(b.name, `record-book-${pilot.ids.contract}.pdf`);
  assert.equal(b.bytes.subarray(0, 5).toString(), '%PDF-');
  // in English: the English document
  await page.click('[data-test="lang"]');
  await page.waitForSelector('[data-test="pdf-contract"][href*="lang=en"]');
  const e = await download(page, '[data-test="pdf-contract"]');
  assert.match(execFileSync('pdftotext', ['-enc', 'UTF-8', e.file, '-'], { encoding: 'utf8' }), /Three-party/);
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});

test('the city official downloads the annual report of his city from the dashboard', opts, async () => {
  const ctx = await chrome.newContext({ acceptDownloads: true });
  const page = await newPage(ctx);
  await signIn(page, srv.base, 'shenyang');
  await go(page, srv.base, '/');
  const r = await download(page, '[data-test="pdf-report"]');
  assert.match(r.name, /^report-210100-\d{4}\.pdf$/);
  assert.equal(r.bytes.subarray(0, 5).toString(), '%PDF-');
  assert.match(execFileSync('pdftotext', ['-enc', 'UTF-8', r.file, '-'], { encoding: 'utf8' }), /沈阳市/);
  fs.copyFileSync(r.file, path.join(pilot.dir, 'report.pdf'));
  assert.deepEqual(page.problems(), []);
  await ctx.close();
});
