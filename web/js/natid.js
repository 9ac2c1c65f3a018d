// natid.js - what a citizen identity number (GB 11643-1999) says, for the
// trainee form to fill birth date, gender and household region as the ID is
// typed.  The same rule as src/domain/natid.c (dt_natid_parse), mirrored:
// 18 characters, 17 digits and a MOD 11-2 check character (0-9 or X, a
// lower-case x accepted), a province of issue that exists, a real birth date
// not after @today.  tests/e2e/natid_mirror.test.mjs holds the two equal on
// thousands of generated IDs (`dualtrack validate national-id` is the C
// side).  The server checks again on save; this only fills the form.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
// src/domain/region.c, dt_region_province_valid
const PROVINCES = new Set([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
  50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82]);

/** The check character of the first 17 digits of @s, or '' when they are not 17 digits. */
export function checkChar(s) {
  if (!/^\d{17}/.test(s)) return '';
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(s[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

function daysIn(y, m) {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] || 0;
}

/**
 * Parse @s as of @today ("YYYY-MM-DD"): { id (normalised), region (the
 * 6-digit code of issue, a string), birth ("YYYY-MM-DD"), gender ("M"|"F") },
 * or null when the server would refuse it.
 */
export function parseNatid(s, today) {
  if (typeof s !== 'string' || s.length !== 18 || !/^\d{17}[\dXx]$/.test(s)) return null;
  const last = s[17] === 'x' ? 'X' : s[17];
  if (last !== checkChar(s)) return null;
  if (!PROVINCES.has(Number(s.slice(0, 2)))) return null;
  const y = Number(s.slice(6, 10));
  const m = Number(s.slice(10, 12));
  const d = Number(s.slice(12, 14));
  if (y < 1 || d < 1 || d > daysIn(y, m)) return null;
  const birth = `${s.slice(6, 10)}-${s.slice(10, 12)}-${s.slice(12, 14)}`;
  if (today && birth > today) return null;
  return { id: s.slice(0, 17) + last, region: s.slice(0, 6), birth, gender: Number(s[16]) % 2 ? 'M' : 'F' };
}
