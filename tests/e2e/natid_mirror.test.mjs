// natid_mirror.test.mjs - the trainee form's reading of a national ID
// (web/js/natid.js) is the server's rule (src/domain/natid.c): on
// thousands of generated IDs - valid ones, a wrong check character, a
// lower-case x, provinces that do not exist, impossible and future birth
// dates (29 February in leap and common years, centuries), wrong lengths
// and letters - `dualtrack validate national-id` (the C rule, with the
// tests' DUALTRACK_TODAY) and parseNatid() accept exactly the same IDs and
// read the same birth date and gender from them.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { TODAY, run } from './helpers.mjs';
import { checkChar, parseNatid } from '../../web/js/natid.js';

// A small deterministic generator (xorshift32), so a failure can be replayed.
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x / 4294967296; };
}

function generate(n, seed) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const pad = (v, w) => String(v).padStart(w, '0');
  const ids = [];
  for (let i = 0; i < n; i++) {
    const prov = r() < 0.8 ? pick([11, 21, 22, 23, 15, 44, 65, 71, 81, 82]) : Math.floor(r() * 100);
    const region = `${pad(prov, 2)}${pad(Math.floor(r() * 10000), 4)}`;
    const year = pick([1880, 1900, 1999, 2000, 2004, 2005, 2010, 2026, 2027, 2100, Math.floor(1950 + r() * 80)]);
    const month = r() < 0.9 ? 1 + Math.floor(r() * 12) : pick([0, 13, 99]);
    const day = r() < 0.85 ? 1 + Math.floor(r() * 28) : pick([0, 29, 30, 31, 32]);
    const seq = pad(Math.floor(r() * 1000), 3);
    const first17 = `${region}${pad(year, 4)}${pad(month, 2)}${pad(day, 2)}${seq}`;
    let last = checkChar(first17);
    const roll = r();
    if (roll < 0.1) last = pick('0123456789X');
    else if (roll < 0.15 && last === 'X') last = 'x';
    let id = first17 + last;
    const mangle = r();
    if (mangle < 0.03) id = id.slice(0, 17);
    else if (mangle < 0.05) id = `${id.slice(0, 8)}A${id.slice(9)}`;
    else if (mangle < 0.06) id = `${id}0`;
    ids.push(id);
  }
  // fixed cases: the standard's example, today's and tomorrow's births, leap days
  const fixed = (f17) => f17 + checkChar(f17);
  ids.push('440524188001010014', fixed(`210102${TODAY.replaceAll('-', '')}001`), fixed('21010220000229002'), fixed('21010219000229002'), fixed('21010220240229003'), fixed('21010220230229003'));
  const tomorrow = new Date(Date.parse(`${TODAY}T00:00:00Z`) + 86400000).toISOString().slice(0, 10).replaceAll('-', '');
  ids.push(fixed(`210102${tomorrow}005`));
  return ids;
}

test('web/js/natid.js reads national IDs exactly as src/domain/natid.c does', () => {
  const ids = generate(4000, 20261205);
  let valid = 0;
  for (let at = 0; at < ids.length; at += 1000) {
    const batch = ids.slice(at, at + 1000);
    // exit status 1 when any value is invalid: the lines are what counts
    const r = run(['validate', 'national-id', ...batch]);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    const out = r.stdout.trimEnd().split('\n');
    assert.equal(out.length, batch.length);
    batch.forEach((id, i) => {
      const line = out[i];
      assert.ok(line.startsWith(`${id}: `), line);
      const js = parseNatid(id, TODAY);
      const m = /: ok \((?:normalised to (\w+); )?born (\d{4}-\d{2}-\d{2}), ([MF])\)$/.exec(line);
      if (!m) {
        assert.equal(js, null, `${id}: the server refuses it (${line}), the form reads ${JSON.stringify(js)}`);
        return;
      }
      valid++;
      assert.ok(js, `${id}: the server reads it (${line}), the form does not`);
      assert.deepEqual([js.birth, js.gender, js.id], [m[2], m[3], m[1] || id], id);
      assert.equal(js.region, id.slice(0, 6));
    });
  }
  // both kinds are well represented
  assert.ok(valid > 1000 && valid < ids.length - 500, `valid ${valid} of ${ids.length}`);
});
