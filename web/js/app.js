// app.js - the application shell: start-up (language, care mode, session),
// sign-in and sign-out, the page frame (header with language switch, care
// mode and user, navigation, main region, live region), the router over
// history.pushState, and the handling of an expired session.

import { ApiError, del, endPrefetch, get, post, setCsrf, setExpiredHandler } from './api.js';
import { h, replace } from './dom.js';
import { currentLang, savedLang, setLang, t } from './i18n.js';
import { can, clearRefs, getSession, loadSchema, nameOf, ref, role, setSession } from './model.js';
import { isGov, registryScreens } from './screens.js';
import { dashboardView } from './views/dashboard.js';
import { announce, errorBox } from './views/common.js';
import { booted } from './boot.js';

const CARE_KEY = 'dt.care';
const root = document.getElementById('app');
let frame = null; // { main, nav, header }
let renderSeq = 0;
let expiredNotice = false;

// ---- care mode (关怀版) ----

function careOn() {
  try { return localStorage.getItem(CARE_KEY) === '1'; } catch { return false; }
}

function applyCare(on) {
  document.documentElement.classList.toggle('care', on);
  try { localStorage.setItem(CARE_KEY, on ? '1' : '0'); } catch { /* ignore */ }
}

function toolButtons() {
  const care = careOn();
  return [
    h('button', {
      type: 'button', class: 'tool', lang: currentLang() === 'zh' ? 'en' : 'zh-CN', 'data-test': 'lang',
      on: { click: async () => { await setLang(currentLang() === 'zh' ? 'en' : 'zh'); clearRefs(); rerender(true); } },
    }, t('app.switchLang')),
    h('button', {
      type: 'button', class: 'tool', 'aria-pressed': care ? 'true' : 'false', 'data-test': 'care',
      on: { click: () => { applyCare(!careOn()); rerender(true); } },
    }, care ? t('app.careOff') : t('app.careOn')),
  ];
}

// ---- routes ----

// The first screen (dashboard or workbench) is part of the start-up; every
// other screen's module is loaded when it is first shown, and all of them
// in the background once the first screen stands, so that a cold start
// loads and parses only what the first screen needs.
const VIEWS = {
  registry: () => import('./views/registry.js'),
  contract: () => import('./views/contract.js'),
  records: () => import('./views/records.js'),
  pilots: () => import('./views/pilots.js'),
  alerts: () => import('./views/alerts.js'),
  audit: () => import('./views/audit.js'),
  imports: () => import('./views/imports.js'),
  // ---- supervision in the field: inspections, findings, rectification ----
  inspect: () => import('./views/inspect.js'),
  findings: () => import('./views/findings.js'),
  // supervision planning (督查计划)
  plans: () => import('./views/plans.js'),
  // accounts (账号管理): the accounts one manages, my account, activation
  accounts: () => import('./views/accounts.js'),
  // ---- mentors: bulk sign-off (待签核) ----
  signoff: () => import('./views/signoff.js'),
  // ---- notifications (消息通知): the inbox and channels ----
  inbox: () => import('./views/inbox.js'),
  // ---- the map (地图) of the pilot's provinces and cities ----
  map: () => import('./views/map.js'),
  // ---- promotion and publicity: cases, news and notices, policy documents ----
  publicity: () => import('./views/publicity.js'),
};
const later = (mod, name) => async (ctx) => (await VIEWS[mod]())[name](ctx);

const ROUTES = [
  ['/', dashboardView],
  ['/login', null],
  ['/record-book', later('records', 'myRecordBookView')],
  ['/contracts/:id/record-book', later('records', 'recordBookView')],
  ['/contracts/new', later('registry', 'formView')],
  ['/contracts/:id', later('contract', 'contractView')],
  ['/pilots', later('pilots', 'pilotsView')],
  ['/pilots/:id', later('pilots', 'pilotView')],
  ['/alerts', later('alerts', 'alertsView')],
  ['/audit', later('audit', 'auditView')],
  ['/import', later('imports', 'importView')],
  // ---- supervision in the field (inspect.js, findings.js) ----
  ['/inspections', later('inspect', 'inspectionsView')],
  ['/inspections/:id/notice', later('inspect', 'noticeView')],
  ['/inspections/:id', later('inspect', 'inspectionView')],
  ['/findings', later('findings', 'boardView')],
  ['/findings/:id', later('findings', 'findingView')],
  // supervision planning (督查计划)
  ['/plans', later('plans', 'plansView')],
  ['/plans/new', later('plans', 'planNewView')],
  ['/plans/:id', later('plans', 'planView')],
  // accounts (账号管理)
  ['/accounts', later('accounts', 'accountsView')],
  ['/accounts/new', later('accounts', 'accountNewView')],
  ['/accounts/bulk', later('accounts', 'bulkView')],
  ['/accounts/:id', later('accounts', 'accountView')],
  ['/account', later('accounts', 'myAccountView')],
  // ---- mentors: bulk sign-off (待签核) ----
  ['/signoff', later('signoff', 'signoffView')],
  // ---- notifications (消息通知) ----
  ['/notifications', later('inbox', 'inboxView')],
  ['/map', later('map', 'mapView')],
  // ---- promotion and publicity (典型经验, 动态与公告, 政策文件) ----
  ['/cases', later('publicity', 'casesView')],
  ['/cases/new', later('publicity', 'caseNewView')],
  ['/cases/:id/edit', later('publicity', 'caseEditView')],
  ['/cases/:id', later('publicity', 'caseView')],
  ['/news', later('publicity', 'itemsView')],
  ['/news/new', later('publicity', 'itemNewView')],
  ['/news/:id/edit', later('publicity', 'itemEditView')],
  ['/news/:id', later('publicity', 'itemView')],
  ['/policies', later('publicity', 'itemsView')],
  ['/policies/new', later('publicity', 'itemNewView')],
  ['/policies/:id/edit', later('publicity', 'itemEditView')],
  ['/policies/:id', later('publicity', 'itemView')],
  ['/:screen/new', later('registry', 'formView')],
  ['/:screen/:id/edit', later('registry', 'formView')],
  ['/:screen/:id', later('registry', 'detailView')],
  ['/:screen', later('registry', 'listView')],
];
let viewsLoading = false;

/** After the first screen: fetch the other screens' modules while idle. */
function loadViewsLater() {
  if (viewsLoading) return;
  viewsLoading = true;
  const go = () => { for (const load of Object.values(VIEWS)) load().catch(() => { /* loaded again when shown */ }); };
  if ('requestIdleCallback' in window) requestIdleCallback(go, { timeout: 2000 });
  else setTimeout(go, 200);
}

function matchRoute(path) {
  const segs = path.split('/').filter(Boolean);
  for (const [pattern, view] of ROUTES) {
    const ps = pattern.split('/').filter(Boolean);
    if (ps.length !== segs.length) continue;
    const params = {};
    let ok = true;
    for (let i = 0; i < ps.length; i++) {
      if (ps[i].startsWith(':')) params[ps[i].slice(1)] = decodeURIComponent(segs[i]);
      else if (ps[i] !== segs[i]) { ok = false; break; }
    }
    if (ok) return { view, params, pattern };
  }
  return null;
}

// The application lives under /app/ (the public portal has "/"): its own
// paths ("/contracts/12") are shown in the address bar as "/app/contracts/12";
// the server redirects an old link without the prefix (h_ui.c).
const APP = '/app';
/** The application's own path of the address bar: "/app/contracts/12" is "/contracts/12". */
export function appPath() {
  const p = location.pathname;
  if (p === APP || p === `${APP}/`) return '/';
  return p.startsWith(`${APP}/`) ? p.slice(APP.length) : p;
}
/** The address of the application's path or URL @url ("/x?y" becomes "/app/x?y"). */
export function appUrl(url) {
  if (!url.startsWith('/') || url === APP || url.startsWith(`${APP}/`)) return url;
  return url === '/' ? `${APP}/` : APP + url;
}

export function navigate(url, { replace: rep = false } = {}) {
  if (rep) history.replaceState(null, '', appUrl(url));
  else history.pushState(null, '', appUrl(url));
  render();
}

function rerender(keepFocus) {
  if (!getSession()) { renderSignedOut(); return; }
  buildFrame();
  render(keepFocus);
}

// ---- sign-in ----

// accounts (账号管理): without a session, /activate is the activation page;
// a session that must set its password sees only the forced change.
function renderSignedOut(message) {
  if (appPath() !== '/activate') { renderLogin(message); return; }
  frame = null;
  VIEWS.accounts().then((m) => m.activatePage(root, async () => {
    await startSession();
    buildFrame();
    navigate('/', { replace: true });
  })).catch(() => renderLogin());
}

function renderForcedChange() {
  frame = null;
  VIEWS.accounts().then((m) => m.forcedChangePage(root, async () => {
    await startSession();
    buildFrame();
    navigate('/', { replace: true });
  }, signOut)).catch(() => renderLogin());
}

/** Does the user manage any accounts (the menu entry; the server decides what)? */
function delegates() {
  const u = getSession().user;
  return u.role === 'admin' || ((u.role === 'province' || u.role === 'city') && !!u.scope.region) ||
    u.role === 'school' || ((u.role === 'enterprise' || u.role === 'assessor') && !!u.org_admin);
}

function renderLogin(message) {
  frame = null;
  document.title = `${t('login.title')} · ${t('app.name')}`;
  const err = h('div', { class: 'form-errors', role: 'alert', 'aria-live': 'assertive', hidden: true });
  const loginInput = h('input', { id: 'login', name: 'login', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pwInput = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn primary' }, t('login.submit'));
  const form = h('form', {
    class: 'login-form', novalidate: true,
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        err.hidden = true;
        if (!loginInput.value || !pwInput.value) {
          replace(err, t('login.missing'));
          err.hidden = false;
          (loginInput.value ? pwInput : loginInput).focus();
          return;
        }
        submit.disabled = true;
        try {
          const r = await post('/session', { login: loginInput.value.trim(), password: pwInput.value }, { quiet: true });
          setCsrf(r.csrf);
          await startSession();
          const back = sessionStorage.getItem('dt.back');
          sessionStorage.removeItem('dt.back');
          navigate(back && back !== '/login' ? back : '/', { replace: true });
        } catch (e) {
          submit.disabled = false;
          let msg = t('login.failed');
          if (e instanceof ApiError && e.status === 429) msg = t('login.throttled');
          else if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500) msg = t('error.network');
          replace(err, msg);
          err.hidden = false;
          pwInput.value = '';
          pwInput.focus();
        }
      },
    },
  },
  err,
  h('div', { class: 'field' }, h('label', { for: 'login' }, t('login.login')), loginInput),
  h('div', { class: 'field' }, h('label', { for: 'password' }, t('login.password')), pwInput),
  submit,
  h('p', { class: 'login-alt' }, h('a', { href: '/activate', 'data-test': 'activate-link' }, t('acct.activateLink'))));
  replace(root,
    h('header', { class: 'top login-top' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '双'), h('span', null, t('app.name'))),
      h('div', { class: 'tools' }, toolButtons())),
    h('main', { id: 'main', class: 'login-main', tabindex: '-1' },
      h('section', { class: 'login-card', 'aria-labelledby': 'login-h' },
        h('h1', { id: 'login-h', tabindex: '-1' }, t('login.title')),
        message ? h('p', { class: 'notice warn', role: 'status', 'data-test': 'expired' }, message) : null,
        h('p', { class: 'muted' }, t('login.intro')),
        form)),
    h('div', { id: 'live', class: 'sr-only', 'aria-live': 'polite' }));
  if (appPath() !== '/login') history.replaceState(null, '', appUrl('/login'));
  (message ? root.querySelector('h1') : loginInput).focus();
  endPrefetch();
}

async function startSession() {
  // The entities' fields come with the session, once: the screens build their forms from them.
  const [user] = await Promise.all([get('/session', { quiet: true }), loadSchema()]);
  let scopeName = '';
  try {
    if (user.scope.region) scopeName = nameOf('region', await ref('region', user.scope.region));
    else if (user.scope.organization_id) scopeName = nameOf('organization', await ref('organization', user.scope.organization_id));
    else if (user.scope.trainee_id) scopeName = (await ref('trainee', user.scope.trainee_id))?.name || '';
  } catch { /* the name is decoration */ }
  setSession({ user, scopeName });
  expiredNotice = false;
}

async function signOut() {
  clearInterval(bellTimer);
  try { await del('/session'); } catch { /* gone already */ }
  setCsrf('');
  setSession(null);
  clearRefs();
  renderLogin(t('login.signedOut'));
}

function expired() {
  if (expiredNotice || !getSession()) return;
  expiredNotice = true;
  setSession(null);
  setCsrf('');
  clearRefs();
  sessionStorage.setItem('dt.back', appPath() + location.search);
  renderLogin(t('login.expired'));
}

// ---- the frame ----

function navItems() {
  const items = [['/', role() === 'trainee' ? 'nav.home' : (isGov() ? 'nav.dashboard' : 'nav.workbench')]];
  if (role() === 'trainee') items.push(['/record-book', 'nav.myRecordBook']);
  for (const s of registryScreens()) items.push([`/${s}`, `nav.${s}`]);
  if (isGov()) items.push(['/map', 'nav.map'], ['/pilots', 'nav.pilots'], ['/alerts', 'nav.alerts']);
  // ---- alerts about one's own organisation or contracts (orgalert.): read only ----
  else if (['school', 'enterprise', 'trainee'].includes(role())) items.push(['/alerts', 'orgalert.nav']);
  // ---- supervision in the field: inspectors and officials see inspections; they and
  // the organisations that rectify see findings ----
  if (can('inspect') || isGov()) items.push(['/inspections', role() === 'inspector' ? 'field.myInspections' : 'field.inspections']);
  if (can('inspect') || isGov()) items.push(['/findings', 'field.board']);
  else if (can('rectify') && (role() === 'school' || role() === 'enterprise')) items.push(['/findings', 'field.myRectification']);
  // supervision planning (督查计划): the officials who plan or read plans, and inspectors
  if (can('supervise') || isGov()) items.push(['/plans', 'plan.nav']);
  // ---- mentors: bulk sign-off (待签核) ----
  if (can('signoff') && role() !== 'admin') items.push(['/signoff', 'nav.signoff']);
  // ---- promotion and publicity: everyone reads what is published ----
  items.push(['/cases', 'pub.cases'], ['/news', 'pub.news'], ['/policies', 'pub.policies']);
  if (can('audit')) items.push(['/audit', 'nav.audit']);
  // accounts (账号管理): those one manages; one's own for everyone
  if (delegates()) items.push(['/accounts', 'acct.nav']);
  items.push(['/account', 'acct.mine']);
  if (!['trainee', 'inspector', 'assessor'].includes(role())) items.push(['/import', 'nav.import']);
  return items;
}

// The running header of printed pages (shown only in print, on every page).
const printHead = h('div', { class: 'print-head', 'aria-hidden': 'true' });
// ---- notifications: the bell in the header with the unread count ----

let bell = null;
let bellTimer = 0;
const BELL_EVERY = 60000;

function showUnread(n) {
  if (!bell) return;
  const count = bell.querySelector('.count');
  count.textContent = n > 99 ? '99+' : String(n);
  count.hidden = !n;
  bell.querySelector('.bell-unread').hidden = !n;
  bell.classList.toggle('has-unread', n > 0);
}

async function refreshBell() {
  if (!getSession()) return;
  try { showUnread((await get('/notifications?limit=1')).unread); } catch { /* shown again at the next look */ }
}

window.addEventListener('dt-unread', (e) => showUnread(Number(e.detail) || 0));

function bellLink() {
  // the accessible name is the visible text: "消息 3 条未读" (the last words for readers only)
  bell = h('a', { href: '/notifications', class: 'tool bell', 'data-test': 'bell', title: t('notify.bell') },
    h('span', { 'aria-hidden': 'true' }, '🔔'), ' ', h('span', { class: 'bell-text' }, t('notify.nav')), ' ',
    h('span', { class: 'count', hidden: true }), h('span', { class: 'sr-only bell-unread', hidden: true }, t('notify.bellUnread')));
  clearInterval(bellTimer);
  // after the first screen: the count is not part of the start-up
  setTimeout(refreshBell, 0);
  bellTimer = setInterval(refreshBell, BELL_EVERY);
  return bell;
}

function buildFrame() {
  const s = getSession();
  const nav = h('nav', { class: 'side', 'aria-label': t('nav.label') },
    h('ul', null, navItems().map(([href, key]) => h('li', null, h('a', { href, 'data-nav': href }, t(key))))));
  const main = h('main', { id: 'main', tabindex: '-1' });
  replace(root,
    h('a', { class: 'skip', href: '#main', on: { click: (e) => { e.preventDefault(); main.focus(); } } }, t('app.skip')),
    h('header', { class: 'top' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '双'), h('a', { href: '/', class: 'brand-name' }, t('app.name'))),
      h('div', { class: 'tools' },
        h('span', { class: 'who', 'data-test': 'who' },
          h('span', { class: 'who-login' }, s.user.login), ' · ', t(`role.${s.user.role}`),
          s.scopeName ? [' · ', h('span', { class: 'who-scope' }, s.scopeName)] : null),
        bellLink(),
        toolButtons(),
        h('button', { type: 'button', class: 'tool', 'data-test': 'signout', on: { click: signOut } }, t('app.signOut')))),
    // toasts (common.js) in the flow, between the header and the screen: they push, never cover
    h('div', { id: 'toasts', class: 'toasts' }),
    h('div', { class: 'body' }, nav, main),
    h('footer', { class: 'foot' }, t('app.footer')),
    h('div', { id: 'live', class: 'sr-only', 'aria-live': 'polite' }),
    // printed pages: the application and the screen at the top of every page (css: @media print)
    printHead);
  frame = { main, nav };
}

function markNav(path) {
  if (!frame) return;
  let best = null;
  for (const a of frame.nav.querySelectorAll('a[data-nav]')) {
    const href = a.getAttribute('data-nav');
    a.removeAttribute('aria-current');
    if (href === path || (href !== '/' && path.startsWith(`${href}/`)) || (href !== '/' && path === href)) {
      if (!best || href.length > best.getAttribute('data-nav').length) best = a;
    }
  }
  if (!best && path === '/') best = frame.nav.querySelector('a[data-nav="/"]');
  if (path.startsWith('/contracts/') && !best) best = frame.nav.querySelector('a[data-nav="/contracts"]');
  if (best) best.setAttribute('aria-current', 'page');
}

async function render(keepFocus) {
  const seq = ++renderSeq;
  if (!getSession()) { renderSignedOut(); return; }
  if (getSession().user.must_change_password) { renderForcedChange(); return; }
  if (!frame) buildFrame();
  const path = appPath();
  if (path === '/login' || path === '/activate') { history.replaceState(null, '', appUrl('/')); return render(); }
  const m = matchRoute(path);
  markNav(path);
  const main = frame.main;
  main.setAttribute('aria-busy', 'true');
  // the loading state, shown (app.css) when a screen takes longer than a moment
  main.setAttribute('data-loading', t('app.loading'));
  const ctx = { params: m ? m.params : {}, query: new URLSearchParams(location.search), path, navigate, refresh: () => render(true) };
  let out;
  try {
    if (!m || !m.view) throw new ApiError(404, { detail: 'no such page' });
    out = await m.view(ctx);
  } catch (e) {
    if (seq !== renderSeq || !getSession()) return;
    out = { title: e instanceof ApiError && e.status === 404 ? t('error.notFound') : t('error.title'), node: errorBox(e) };
  }
  if (seq !== renderSeq || !getSession()) return;
  replace(main, out.node);
  main.removeAttribute('aria-busy');
  document.title = `${out.title} · ${t('app.name')}`;
  printHead.textContent = `${t('app.name')} · ${out.title}`;
  if (!keepFocus) {
    const h1 = main.querySelector('h1');
    if (h1) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: true }); }
    window.scrollTo(0, 0);
    announce(out.title);
  }
  root.setAttribute('data-ready', path);
  endPrefetch();
  loadViewsLater();
}

// Same-origin links are routed here; new tabs, downloads and the API are not.
document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/assets/')) return;
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
  // the public portal (outside /app/ and not one of the application's old paths) loads as a page
  const own = url.pathname === APP || url.pathname.startsWith(`${APP}/`) ? url.pathname.slice(APP.length) || '/' : url.pathname;
  if (!matchRoute(own) && own !== '/login' && own !== '/activate') return;
  e.preventDefault();
  navigate(own + url.search);
});
window.addEventListener('popstate', () => render());

// Titles take focus after each navigation (for screen readers); their focus ring is for
// keyboard users only: the last input decides (html.kbd), not the browser's guess, which
// after typing in a field and clicking a link would draw it for mouse users too.
document.addEventListener('keydown', (e) => { if (!['Shift', 'Control', 'Alt', 'Meta'].includes(e.key)) document.documentElement.classList.add('kbd'); }, true);
document.addEventListener('pointerdown', () => document.documentElement.classList.remove('kbd'), true);

// ---- start ----

async function start() {
  applyCare(careOn());
  // The early requests go out first, then the catalogue and the number
  // formats are made (tens of milliseconds on a cold start) while they run.
  await booted;
  await setLang(savedLang());
  setExpiredHandler(expired);
  try {
    await startSession();
  } catch (e) {
    if (appPath() !== '/login' && appPath() !== '/activate') sessionStorage.setItem('dt.back', appPath() + location.search);
    renderSignedOut();
    return;
  }
  buildFrame();
  render();
}

start();
