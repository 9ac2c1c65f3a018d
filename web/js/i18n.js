// i18n.js - the language of the interface: message catalogues (i18n/zh.js,
// i18n/en.js, loaded on demand), t() with {name} parameters, and numbers,
// percentages and dates formatted with Intl for that language.  Chinese is
// the default; the choice is remembered in localStorage.

const KEY = 'dt.lang';
let lang = 'zh';
let cat = {};
let nf;
let df;
let dtf;

/** The remembered language ("zh" or "en"). */
export function savedLang() {
  try {
    const l = localStorage.getItem(KEY);
    if (l === 'en' || l === 'zh') return l;
  } catch { /* storage may be disabled */ }
  return 'zh';
}

export function currentLang() {
  return lang;
}

export function locale() {
  return lang === 'zh' ? 'zh-CN' : 'en-GB';
}

/** Load the catalogue of @l, make it current and remember it. */
export async function setLang(l) {
  const mod = l === 'en' ? await import('./i18n/en.js') : await import('./i18n/zh.js');
  cat = mod.default;
  lang = l === 'en' ? 'en' : 'zh';
  document.documentElement.lang = locale();
  nf = new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 });
  // The date formats are made when first used: a screen without dates
  // (and the start-up) need not pay for them.
  df = null;
  dtf = null;
  try { localStorage.setItem(KEY, lang); } catch { /* ignore */ }
}

/** The message @key with {param} replaced; the key itself when missing. */
export function t(key, params) {
  let s = cat[key];
  if (s === undefined) return key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, p) => (params[p] === undefined ? m : String(params[p])));
  return s;
}

/** Does the catalogue have @key? */
export function has(key) {
  return cat[key] !== undefined;
}

// Number formats by language, style and digits: making one costs far more
// than using it, and a dashboard formats hundreds of numbers.
const formats = new Map();
function numberFormat(style, digits) {
  const key = `${locale()} ${style} ${digits}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale(), { style, minimumFractionDigits: digits, maximumFractionDigits: digits });
    formats.set(key, f);
  }
  return f;
}

/** A number per language ("—" for null). */
export function num(n, digits) {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return digits !== undefined ? numberFormat('decimal', digits).format(n) : nf.format(n);
}

/** A ratio (0.42) as a percentage ("42.0%"). */
export function pct(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return '—';
  return numberFormat('percent', digits).format(x);
}

/** An ISO date (YYYY-MM-DD) per language. */
export function date(iso) {
  if (!iso) return '—';
  const d = new Date(`${iso.slice(0, 10)}T00:00:00Z`);
  df ??= new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
  return Number.isNaN(d.getTime()) ? iso : df.format(d);
}

/** An ISO instant per language, in local time. */
export function dateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  dtf ??= new Intl.DateTimeFormat(locale(), { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return Number.isNaN(d.getTime()) ? iso : dtf.format(d);
}

/** A value with its indicator unit: count, percent (ratio 0..1), ratio, hours, yuan. */
export function unitValue(v, unit) {
  if (v === null || v === undefined) return '—';
  switch (unit) {
    case 'percent': return `${num(v, 1)}%`; // the API gives percent units as 0..100
    case 'ratio': return num(v, 2);
    case 'hours': return t('unit.hours', { n: num(v) });
    case 'yuan': return t('unit.yuan', { n: num(Math.round(v)) });
    default: return num(v);
  }
}
