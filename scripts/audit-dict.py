#!/usr/bin/env python3
# audit-dict.py DB > src/store/audit-dict-N.txt - make an audit dictionary
# (audit format 5, see src/store/audit.c) from the payloads of a database
# made by `dualtrack gen` (SQLite; format-4 batch payloads are unpacked).
#
# Tokens: each object key as '"key":', each string value that is a lower-case
# word ('"pass"', '"draft"', ...), null, true and false, and the '"YYYY-' of
# each date or instant with the 'Z"' ending an instant; also '"2020-' to
# '"2039-' whatever the data says.  A token's worth is its count times its
# length less two; those used 20 times or more go in, worth ascending (the
# most worth last: deflate reaches the nearest strings the cheapest), up to
# 2048 bytes.  The file is a head comment (lines starting with "#"), an empty
# line, then the dictionary's bytes to the end of the file.
#
# A dictionary is frozen once shipped: events name it by its number.  A new
# one is a new file with the next number, never an edit of this one.
# Audit dictionary 1 was made with: dualtrack init, then dualtrack gen
# --trainees 2000 --seed 7 (the binary of 2026-12-06), then this script.
import collections, json, re, sqlite3, sys, zlib

db = sqlite3.connect(sys.argv[1])
tok = collections.Counter()
date = re.compile(r'^(\d{4}-)\d\d-\d\d(T\d\d:\d\d:\d\d\.\d{3}Z)?$')


def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            tok['"%s":' % k] += 1
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
    elif v is None or isinstance(v, bool):
        tok[json.dumps(v)] += 1
    elif isinstance(v, str):
        m = date.match(v)
        if m:
            tok['"' + m.group(1)] += 1
            if m.group(2):
                tok['Z"'] += 1
        elif re.match(r'^[a-z][a-z_]{1,23}$', v):
            tok[json.dumps(v)] += 1


for before, after, packed in db.execute('SELECT before, after, packed FROM audit'):
    if packed is not None:
        after = zlib.decompress(packed[4:]).decode()
    for x in (before, after):
        if x:
            walk(json.loads(x))
for y in range(2020, 2040):
    tok['"%d-' % y] = max(tok['"%d-' % y], 20)
ranked = sorted(tok.items(), key=lambda kv: (kv[1] * max(len(kv[0].encode()) - 2, 1), kv[0]))
chosen, size = [], 0
for t, c in reversed(ranked):
    n = len(t.encode())
    if c < 20:
        break
    if size + n <= 2048:
        chosen.append(t)
        size += n
head = [l[2:] if l.startswith('# ') else l[1:] for l in open(__file__).read().splitlines()[1:]
        if l.startswith('#')]
sys.stdout.write(''.join('# ' + l + '\n' if l else '#\n' for l in
                         ['audit-dict-1.txt - audit dictionary 1, made by scripts/audit-dict.py:', '']
                         + head))
sys.stdout.write('\n' + ''.join(reversed(chosen)))
