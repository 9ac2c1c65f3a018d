// ui_errors.test.mjs - every form of the web application, filled with bad
// values and submitted, answers in the interface's language: the Chinese
// interface shows no English at a field or in the form's alert, and the
// English one (after the language switch) no Chinese.
//
// The forms: trainee, organisation (enterprise), programme, contract, pilot
// and a record-book entry, each as the admin (who may write all of them)
// with values that break its rules: too long (the inputs' maxlength is taken
// off first, as a hand-made request would), out of range, a national ID or
// credit code with a wrong check character, a malformed date, a missing
// required field, an end before the start, a date in the future.  The
// messages are the server's (the UI shows them as they come, worded in the
// language of the request's Accept-Language); this test is their reader.
//
// What counts as the wrong language:
//   - Chinese interface: a run of 3 or more Latin letters ([A-Za-z]{3,}),
//     after taking out what the user typed (a message may quote the value)
//     and the date notation YYYY-MM-DD.  Digits, punctuation, two-letter
//     codes (GB, ID) and field values pass.
//   - English interface: any Han character, after taking out what the user
//     typed.
// A form whose submission shows no message at all fails too: its bad values
// must be refused somewhere.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';

import { natid, startServer } from './helpers.mjs';
import { browserAvailable, go, launch, newPage, pilotDb, signIn } from './ui_helpers.mjs';

const missing = browserAvailable();
const opts = { skip: missing || false, timeout: 300000 };

let pilot; // { db, ids }
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
  if (srv) {
    const r = await srv.stop();
    assert.equal(r.code, 0, `server exit: ${JSON.stringify(r)}\n${srv.output().slice(-2000)}`);
  }
});

const long = (n) => '长'.repeat(n);
const good = natid('210102', '20080315', '123');
const badId = `${good.slice(0, 17)}${good[17] === '0' ? '1' : '0'}`;

/*
 * The forms: the page, and rounds of values to type by field name, each
 * round submitted once: a string for an input or text area, PICK for the
 * first choice of a reference, { text } for a date input turned into a text
 * input (so that a malformed date can be typed).  The first round breaks the
 * fields' own rules (fields not named stay empty: required ones then fail as
 * missing); a later round gives good fields and breaks a rule between them
 * or with other records, which the server checks only once each field is
 * good.
 */
const PICK = { pick: true };
const minor = natid('210102', '20120601', '124'); // 14 at the start of a 2026 contract
const FORMS = {
  trainee: {
    path: '/trainees/new',
    rounds: [
      { national_id: badId, name: long(51), phone: 'abc', email: 'abc' },
      { national_id: minor, name: '小明', region: PICK, phone: '12', email: 'a@b' },
    ],
  },
  organisation: {
    path: '/enterprises/new',
    rounds: [
      { uscc: '91210100MA0XXXXX1Y', name: long(101), contact_phone: 'abc', address: long(201) },
    ],
  },
  programme: {
    path: '/programmes/new',
    rounds: [
      { code: 'P'.repeat(41), name: long(10), level: '9', duration_months: '0', company_hours: '-5', school_hours: '30000' },
    ],
  },
  contract: {
    path: '/contracts/new',
    rounds: [
      {
        company_mentor: long(51), school_mentor: '李老师', stipend_monthly: '-5',
        start_date: '2026-09-01', end_date: '2026-08-01', probation_months: '99', planned_company_hours: '99999',
      },
      {
        trainee_id: PICK, enterprise_id: PICK, school_id: PICK, programme_id: PICK, company_mentor: '王师傅',
        stipend_monthly: '100', probation_months: '', planned_company_hours: '',
        start_date: '2026-09-01', end_date: '2026-08-01',
      },
      { end_date: '2029-08-31' },
    ],
  },
  pilot: {
    path: '/pilots/new',
    rounds: [
      { name: long(101), period_start: '2027-06-01', period_end: '2026-01-01', goals: long(4001) },
      { name: '测试试点', goals: '', region: PICK },
    ],
  },
  record: {
    path: () => `/contracts/${pilot.ids.contract}/record-book`,
    rounds: [
      { date: { text: '2026-13-40' }, hours: '30', content: long(2001) },
      { date: { text: '2099-01-01' }, hours: '8', content: '实训' },
      { date: { text: '2026-03-02' }, hours: '0' },
    ],
  },
};

/*
 * Fill @values into @form on @page (its inputs' maxlength, min and max
 * taken off), submit, and return the texts then shown at the fields and in
 * the form's alert; @typed collects what was typed.
 */
async function submitRound(page, form, values, typed) {
  await form.evaluate((f) => {
    for (const el of f.querySelectorAll('input, textarea')) {
      el.removeAttribute('maxlength');
      el.removeAttribute('min');
      el.removeAttribute('max');
    }
  });
  for (const [field, v] of Object.entries(values)) {
    const sel = `[name="${field}"]`;
    const el = form.locator(sel).first();
    if (v === PICK) {
      const handle = await el.elementHandle();
      await page.waitForFunction((s) => [...s.options].some((o) => o.value), handle);
      await el.selectOption(await el.evaluate((s) => [...s.options].find((o) => o.value).value));
      await el.dispatchEvent('change');
      continue;
    }
    if (typeof v === 'object') {
      await el.evaluate((x) => { x.type = 'text'; });
      await el.fill(v.text);
      typed.push(v.text);
      continue;
    }
    await el.fill(v);
    typed.push(v);
  }
  await form.locator('button[type=submit]').click();
  // The answer is in when the button is back and the alert shows (or the form is gone).
  const handle = await form.elementHandle();
  await page.waitForFunction((f) => !f.isConnected || (!f.querySelector('button[type=submit]').disabled && !f.querySelector('.form-errors').hidden), handle, { timeout: 10000 });
  return form.evaluate((f) => [
    ...[...f.querySelectorAll('.field-error:not([hidden])')].map((e) => `${e.closest('[data-field]')?.getAttribute('data-field')}: ${e.textContent}`),
    ...[...f.querySelectorAll('.form-errors:not([hidden]) .summary-title, .form-errors:not([hidden]) li')].map((e) => `alert: ${e.textContent}`),
  ]).catch(() => []);
}

/** @msg without what the user typed (longest first) and without the YYYY-MM-DD notation. */
function withoutTyped(msg, typed) {
  let s = msg;
  for (const v of [...typed].sort((a, b) => b.length - a.length)) if (v) s = s.split(v).join(' ');
  return s.replaceAll('YYYY-MM-DD', ' ');
}

const LATIN = /[A-Za-z]{3,}/;
const HAN = /\p{Script=Han}/u;

async function walk(name, lang) {
  const ctx = await chrome.newContext();
  const page = await newPage(ctx);
  try {
    await signIn(page, srv.base, 'admin');
    const p = typeof FORMS[name].path === 'function' ? FORMS[name].path() : FORMS[name].path;
    await go(page, srv.base, p);
    if (lang === 'en') {
      // The language switch, as a user would: the form is drawn again in English.
      await page.locator('[data-test=lang]').click();
      await page.waitForFunction(() => {
        const button = document.querySelector('form.form button[type=submit]');
        return document.documentElement.lang === 'en-GB' && button && /^[\x20-\x7e]+$/.test(button.textContent);
      });
    }
    // Every write from here on names the interface's language.
    const sent = [];
    page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname.startsWith('/api/v1/')) sent.push(r.headers()['accept-language']); });
    const form = page.locator('form.form').first();
    await form.waitFor();
    const typed = [];
    const messages = [];
    for (const [i, values] of FORMS[name].rounds.entries()) {
      const got = await submitRound(page, form, values, typed);
      assert.ok(got.length > 0, `${name} (${lang}), round ${i + 1}: the values were taken or refused without a word`);
      messages.push(...got.map((m) => `${m}`));
      console.log(`${name} (${lang}), round ${i + 1}:\n  ${got.join('\n  ')}`);
    }
    assert.deepEqual(sent, FORMS[name].rounds.map(() => lang), `${name} (${lang}): Accept-Language of the submissions`);
    const fields = messages.filter((m) => !m.startsWith('alert: '));
    assert.ok(fields.length > 0, `${name} (${lang}): no message at any field:\n  ${messages.join('\n  ')}`);
    const wrong = messages.filter((m) => {
      const text = withoutTyped(m.slice(m.indexOf(': ') + 2), typed);
      return lang === 'zh' ? LATIN.test(text) : HAN.test(text);
    });
    assert.deepEqual(wrong, [], `${name} (${lang}): messages in the wrong language`);
  } finally {
    await ctx.close();
  }
}

for (const name of Object.keys(FORMS)) {
  test(`${name} form, Chinese interface: every message at a field and in the alert is Chinese`, opts, () => walk(name, 'zh'));
  test(`${name} form, English interface (after the switch): every message is English`, opts, () => walk(name, 'en'));
}
