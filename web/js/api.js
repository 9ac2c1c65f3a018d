// api.js - the one way the application talks to the server: fetch with the
// session cookie, the CSRF token on writes, the interface's language in
// Accept-Language (the server words its problems in it), JSON in and out,
// RFC 9457 problems turned into ApiError (with per-field errors), and one
// callback for a session that has expired or was revoked (401).

const CSRF_KEY = 'dt.csrf';
let csrf = '';
try { csrf = localStorage.getItem(CSRF_KEY) || ''; } catch { /* ignore */ }
let onExpired = () => {};

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
    this.errors = (problem && Array.isArray(problem.errors)) ? problem.errors : [];
  }
}

/** Call @fn when the server says the session is no longer valid. */
export function setExpiredHandler(fn) {
  onExpired = fn;
}

export function setCsrf(token) {
  csrf = token || '';
  try {
    if (csrf) localStorage.setItem(CSRF_KEY, csrf);
    else localStorage.removeItem(CSRF_KEY);
  } catch { /* ignore */ }
}

// GET requests started before anyone asked (boot.js), by URL: each answer is
// taken at most once, by the first api() call for that URL, and only until
// endPrefetch() (after the first screen), so that no later screen is ever
// shown an old answer.
const early = new Map();
let prefetching = true;

/**
 * The interface's language for Accept-Language: "en" or "zh", read from
 * <html lang> (i18n.js sets it with the catalogue), so that this module
 * needs no other.
 */
export function language() {
  return document.documentElement.lang.startsWith('en') ? 'en' : 'zh';
}

const urlOf = (path) => (path.startsWith('/api/') ? path : `/api/v1${path}`);
const fetchOpts = (method, headers, body) => ({
  method,
  headers,
  body: body === undefined ? undefined : JSON.stringify(body),
  credentials: 'same-origin',
});

/**
 * Start GET @path now, for an api() call expected soon.  With @peek, resolve
 * to a copy of the parsed answer, or null when it failed (the api() call
 * that takes the answer still sees the failure).  A no-op after endPrefetch().
 */
export function prefetch(path, peek = false) {
  const url = urlOf(path);
  if (!prefetching) return Promise.resolve(null);
  if (!early.has(url)) {
    const started = fetch(url, fetchOpts('GET', { accept: 'application/json', 'accept-language': language() }));
    // A failure matters only to the api() call that takes it, if any.
    started.catch(() => {});
    early.set(url, started);
  }
  if (!peek) return Promise.resolve(null);
  // The copy is made before api() can take and read the answer: this then()
  // is registered first, so it runs first.
  return early.get(url).then((res) => (res.ok ? res.clone().json() : null)).catch(() => null);
}

/** The first screen is drawn: drop the answers nobody took, start no more. */
export function endPrefetch() {
  prefetching = false;
  early.clear();
}

/**
 * @method @path (below /api/v1, or absolute when it starts with /api/) with
 * JSON @body; resolves to the parsed answer (null for 204), rejects with an
 * ApiError.  @opts.quiet: no expiry callback (the session probe, sign-in).
 */
export async function api(method, path, body, opts = {}) {
  const url = urlOf(path);
  const headers = { accept: 'application/json', 'accept-language': language() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let res;
  try {
    const started = method === 'GET' ? early.get(url) : undefined;
    early.delete(url);
    res = await (started || fetch(url, fetchOpts(method, headers, body)));
  } catch (e) {
    throw new ApiError(0, { title: 'network', detail: String(e.message || e) });
  }
  if (res.status === 204) return null;
  let data = null;
  const ct = res.headers.get('content-type') || '';
  if (ct.includes('json')) data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = new ApiError(res.status, data);
    if (!opts.quiet && (res.status === 401 || (res.status === 403 && method !== 'GET' && await csrfStale(headers['x-csrf-token'])))) onExpired();
    throw err;
  }
  return data;
}

/**
 * Was a write refused because @sent is not (or no longer) this session's
 * CSRF token, e.g. after a sign-in in another tab?  The session's answer
 * carries its token; a 403 for want of a permission leaves them equal.
 */
async function csrfStale(sent) {
  try {
    const res = await fetch(urlOf('/session'), fetchOpts('GET', { accept: 'application/json' }));
    if (!res.ok) return true;
    const me = await res.json();
    return !!me.csrf && me.csrf !== sent;
  } catch {
    return false;
  }
}

export const get = (p, o) => api('GET', p, undefined, o);
export const post = (p, b, o) => api('POST', p, b === undefined ? {} : b, o);
export const patch = (p, b) => api('PATCH', p, b);
export const put = (p, b) => api('PUT', p, b);
export const del = (p) => api('DELETE', p);

/**
 * POST the file @blob as the raw body of @path (an upload: evidence files),
 * its type as Content-Type; resolves to the parsed answer, rejects with an
 * ApiError as api() does.
 */
export async function upload(path, blob) {
  const headers = { accept: 'application/json', 'accept-language': language(), 'content-type': blob.type || 'application/octet-stream' };
  if (csrf) headers['x-csrf-token'] = csrf;
  let res;
  try {
    res = await fetch(urlOf(path), { method: 'POST', headers, body: blob, credentials: 'same-origin' });
  } catch (e) {
    throw new ApiError(0, { title: 'network', detail: String(e.message || e) });
  }
  const data = (res.headers.get('content-type') || '').includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    if (res.status === 401) onExpired();
    throw new ApiError(res.status, data);
  }
  return data;
}

/** A query string from an object, leaving out empty values. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === '') continue;
    u.set(k, String(v));
  }
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** Every item of a list, following "next" (at most @max items). */
export async function listAll(path, params = {}, max = 5000) {
  const items = [];
  let cursor = null;
  do {
    const page = await get(`${path}${qs({ ...params, limit: 1000, cursor })}`);
    items.push(...page.items);
    cursor = page.next;
  } while (cursor && items.length < max);
  return items;
}

