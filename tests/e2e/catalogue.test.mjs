// catalogue.test.mjs - the rule book's one catalogue of problem codes is
// complete and is the only wording: every code that src/ records (with
// dt_problem_add, dt_problem_warn, dt_store_problem, dt_message …) is
// worded in src/domain/catalogue.c, and nothing in C or JS recovers the
// kind of an error by matching message text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function files(dir, ext) {
  const out = [];
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, ext));
    else if (ext.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

function catalogue() {
  const text = fs.readFileSync(path.join(ROOT, 'src/domain/catalogue.c'), 'utf8');
  const codes = new Set();
  for (const m of text.matchAll(/^\s*\{\s*"([a-z0-9_.]+)",/gm)) codes.add(m[1]);
  return codes;
}

// The calls that take a code; the code is their first string literal that looks like one.
const CALLS = /\b(dt_problem_add|dt_problem_addv|dt_problem_warn|dt_store_problem|dt_reply_code|dt_message|dt_problem_kind|dt_problems_has|DT_PROBLEM)\s*\(/g;
const CODE = /"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"/;

test('every problem code used in src/ is in the catalogue', () => {
  const known = catalogue();
  assert.ok(known.size > 20, `the catalogue has ${known.size} codes`);
  const missing = [];
  let used = 0;
  for (const f of files('src', ['.c', '.h'])) {
    if (f.endsWith('catalogue.c')) continue;
    const text = fs.readFileSync(path.join(ROOT, f), 'utf8');
    for (const m of text.matchAll(CALLS)) {
      // The argument list up to the end of the statement.
      const rest = text.slice(m.index + m[0].length, text.indexOf(';', m.index));
      const c = CODE.exec(rest);
      if (!c) continue;
      used++;
      if (!known.has(c[1])) missing.push(`${f}: ${c[1]}`);
    }
  }
  assert.ok(used > 0, 'found no call recording a problem');
  assert.deepEqual(missing, [], 'codes used but not worded in src/domain/catalogue.c');
});
