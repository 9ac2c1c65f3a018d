// accounts.js - accounts (账号管理): for those who may delegate, the
// accounts they manage (list, make, change, disable and enable, reset with a
// one-time code shown once) and a school's bulk trainee accounts with a
// printable sheet and XLSX; for everyone, "my account" (change one's
// password, list and revoke one's sessions); and the two pages before any
// screen: the forced password change after a reset, and the activation of
// an account with its one-time code.  Who manages whom is the server's rule
// (GET /api/v1/accounts lists only those); the menu shows the screen to the
// roles that have one (delegates()).

import { ApiError, del, get, patch, post, qs, setCsrf } from '../api.js';
import { h, nextId, replace } from '../dom.js';
import { dateTime, t } from '../i18n.js';
import { getSession, role } from '../model.js';
import { announce, errorText, openDialog, pageHead, pager, toast } from './common.js';

/** Does the signed-in user manage any accounts (the menu entry)? */
export function delegates() {
  const s = getSession();
  const r = role();
  return r === 'admin' || ((r === 'province' || r === 'city') && !!s?.user.scope.region) ||
    r === 'school' || ((r === 'enterprise' || r === 'assessor') && !!s?.user.org_admin);
}

// ---- small forms whose errors the server names by field ----

function field(name, labelKey, { type = 'text', value = '', autocomplete, required, hint } = {}) {
  const id = nextId(`acct-${name}`);
  const err = h('p', { class: 'field-error', id: `${id}-err`, hidden: true });
  const input = h('input', { id, name, type, value: value ?? '', autocomplete, required, 'aria-describedby': `${id}-err`, autocapitalize: type === 'text' ? 'none' : undefined, spellcheck: 'false' });
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, t(labelKey)), hint ? h('p', { class: 'hint' }, hint) : null, input, err);
  return {
    name, input, wrap,
    get: () => input.value,
    setError(msg) { err.hidden = !msg; err.textContent = msg || ''; input.setAttribute('aria-invalid', msg ? 'true' : 'false'); },
  };
}

/** A form of @fields; @submit(values) may throw an ApiError, whose errors go to their fields. */
function smallForm(fields, submit, submitKey, extra) {
  const summary = h('div', { class: 'form-errors', role: 'alert', tabindex: '-1', hidden: true });
  const button = h('button', { type: 'submit', class: 'btn primary' }, t(submitKey));
  const el = h('form', {
    class: 'form acct-form', novalidate: true,
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        summary.hidden = true;
        for (const f of fields) f.setError(null);
        const values = {};
        for (const f of fields) values[f.name] = f.get();
        button.disabled = true;
        try {
          await submit(values);
        } catch (e) {
          const rest = [];
          for (const fe of (e instanceof ApiError ? e.errors : [])) {
            const f = fields.find((x) => x.name === fe.field);
            if (f) f.setError(fe.message); else rest.push(fe.message);
          }
          const placed = e instanceof ApiError && e.errors.some((fe) => fields.some((x) => x.name === fe.field));
          replace(summary, rest.length ? rest.join(' ') : (placed ? t('form.fixOne') : errorText(e)));
          summary.hidden = false;
          summary.focus();
        } finally {
          button.disabled = false;
        }
      },
    },
  }, summary, fields.map((f) => f.wrap), extra || null, h('div', { class: 'form-actions' }, button));
  return el;
}

// ---- the one-time code ----

/** A dialog with @login's one-time code, shown this once, with a print button. */
function showCode(login, code, expires) {
  const body = h('div', { class: 'acct-code-box', 'data-test': 'code' },
    h('p', null, t('acct.codeOnce')),
    h('dl', { class: 'facts' },
      h('dt', null, t('acct.login')), h('dd', null, h('code', null, login)),
      h('dt', null, t('acct.code')), h('dd', null, h('code', { class: 'acct-code' }, code)),
      h('dt', null, t('acct.validUntil')), h('dd', null, dateTime(expires))),
    h('p', { class: 'hint' }, t('acct.codeHow', { url: `${location.origin}/activate` })),
    h('div', { class: 'form-actions' }, h('button', { type: 'button', class: 'btn', on: { click: () => window.print() } }, t('acct.print'))));
  openDialog(t('acct.codeTitle'), body);
  announce(t('acct.codeTitle'));
}

// ---- the list ----

const ROLES = ['admin', 'national', 'province', 'city', 'inspector', 'school', 'enterprise', 'assessor', 'trainee'];

function status(a) {
  if (a.disabled) return h('span', { class: 'badge acct-off' }, t('acct.disabled'));
  if (a.must_change_password) return h('span', { class: 'badge acct-wait' }, t('acct.waiting'));
  return h('span', { class: 'badge acct-on' }, t('acct.enabled'));
}

export async function accountsView(ctx) {
  const q = ctx.query;
  const f = {};
  for (const k of ['q', 'role', 'disabled']) if (q.get(k)) f[k] = q.get(k);
  const page = await get(`/accounts${qs({ ...f, limit: 50, cursor: q.get('cursor') || undefined })}`);
  const title = t('acct.title');
  const filters = h('form', {
    class: 'filters', role: 'search', 'aria-label': t('acct.filter'),
    on: { submit: (ev) => { ev.preventDefault(); const u = new URLSearchParams(); for (const [k, v] of new FormData(ev.target).entries()) if (String(v).trim()) u.set(k, String(v).trim()); ctx.navigate(`/accounts${u.toString() ? `?${u}` : ''}`); } },
  },
  h('div', { class: 'field inline' }, h('label', { for: 'acct-q' }, t('acct.search')), h('input', { id: 'acct-q', name: 'q', value: f.q || '', class: 'short' })),
  h('div', { class: 'field inline' }, h('label', { for: 'acct-role' }, t('acct.role')),
    h('select', { id: 'acct-role', name: 'role' }, h('option', { value: '' }, t('common.all')), ROLES.map((r) => h('option', { value: r, selected: f.role === r }, t(`role.${r}`))))),
  h('button', { type: 'submit', class: 'btn' }, t('list.apply')));
  const actions = [h('a', { class: 'btn primary', href: '/accounts/new', 'data-test': 'acct-new' }, t('acct.new'))];
  if (role() === 'school') actions.push(h('a', { class: 'btn', href: '/accounts/bulk', 'data-test': 'acct-bulk' }, t('acct.bulk')));
  const rows = page.items.map((a) => h('li', { class: 'acct-row', 'data-login': a.login },
    h('div', { class: 'acct-main' },
      h('a', { href: `/accounts/${a.id}`, class: 'acct-login' }, a.login),
      a.display_name ? h('span', { class: 'acct-name' }, a.display_name) : null),
    h('div', { class: 'acct-meta' }, t(`role.${a.role}`), a.org_admin ? ` · ${t('acct.orgAdmin')}` : '', ' ', status(a))));
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title, { sub: t('acct.about'), actions }),
      filters,
      rows.length ? h('ul', { class: 'acct-list', 'aria-label': title }, rows) : h('p', { class: 'empty' }, t('list.empty')),
      pager('/accounts', q, page.next, Number(q.get('page') || 1))),
  };
}

// ---- make one ----

/** The roles @me may make (the server decides; this only narrows the choice). */
function rolesFor() {
  switch (role()) {
    case 'admin': return ROLES;
    case 'province': case 'city': return ['province', 'city', 'inspector', 'school', 'enterprise', 'assessor'].filter((r) => role() === 'province' || r !== 'province');
    case 'school': return getSession().user.org_admin ? ['school', 'trainee'] : ['trainee'];
    case 'enterprise': return ['enterprise'];
    case 'assessor': return ['assessor'];
    default: return [];
  }
}

export async function accountNewView(ctx) {
  const me = getSession().user;
  const title = t('acct.new');
  const roles = rolesFor();
  const roleId = nextId('acct-role');
  const roleSel = h('select', { id: roleId, name: 'role' }, roles.map((r) => h('option', { value: r }, t(`role.${r}`))));
  const roleErr = h('p', { class: 'field-error', hidden: true });
  const roleField = {
    name: 'role', get: () => roleSel.value, input: roleSel,
    wrap: h('div', { class: 'field' }, h('label', { for: roleId }, t('acct.role')), roleSel, roleErr),
    setError(m) { roleErr.hidden = !m; roleErr.textContent = m || ''; },
  };
  const defScope = me.scope.organization_id ? `org:${me.scope.organization_id}` : (me.scope.region || '');
  const fields = [
    field('login', 'acct.login', { required: true, autocomplete: 'off', hint: t('acct.loginHint') }),
    roleField,
    field('scope', 'acct.scope', { value: defScope, hint: t('acct.scopeHint') }),
    field('display_name', 'acct.displayName'),
    field('email', 'acct.email', { type: 'email', autocomplete: 'off' }),
    field('phone', 'acct.phone', { type: 'tel', autocomplete: 'off' }),
  ];
  // an organisation's staff account may be a mentor's own, from its register
  let mentorField = null;
  if (me.scope.organization_id && me.org_admin && ['school', 'enterprise'].includes(role())) {
    const kind = role() === 'school' ? 'school' : 'company';
    const free = (await get('/mentors/load')).items.filter((m) => m.organization_id === me.scope.organization_id && m.kind === kind && !m.account);
    if (free.length) {
      const id = nextId('acct-mentor');
      const sel = h('select', { id, name: 'mentor_id', 'aria-describedby': `${id}-hint ${id}-err` },
        h('option', { value: '' }, t('acct.mentorNone')), free.map((m) => h('option', { value: String(m.id) }, m.name)));
      const err = h('p', { class: 'field-error', id: `${id}-err`, hidden: true });
      mentorField = {
        name: 'mentor_id', get: () => sel.value, input: sel,
        wrap: h('div', { class: 'field' }, h('label', { for: id }, t('acct.mentor')), h('p', { class: 'hint', id: `${id}-hint` }, t('acct.mentorHint')), sel, err),
        setError(m) { err.hidden = !m; err.textContent = m || ''; },
      };
      fields.push(mentorField);
    }
  }
  const orgAdmin = h('input', { type: 'checkbox', id: 'acct-orgadmin', name: 'org_admin' });
  const extra = ['admin', 'province', 'city'].includes(role())
    ? h('div', { class: 'field check' }, orgAdmin, h('label', { for: 'acct-orgadmin' }, t('acct.orgAdminMake'))) : null;
  const node = h('div', { class: 'page' },
    pageHead(title, { crumbs: [['/accounts', t('acct.title')]] }),
    smallForm(fields, async (v) => {
      const body = { login: v.login.trim(), role: v.role };
      if (v.scope.trim()) body.scope = v.scope.trim();
      for (const k of ['display_name', 'email', 'phone']) if (v[k].trim()) body[k] = v[k].trim();
      if (orgAdmin.checked) body.org_admin = true;
      if (mentorField && v.mentor_id && v.role !== 'trainee') body.mentor_id = Number(v.mentor_id);
      const r = await post('/accounts', body);
      toast(t('acct.made', { login: r.login }));
      ctx.navigate(`/accounts/${r.id}`, { replace: true });
      showCode(r.login, r.activation_code, r.activation_expires);
    }, 'acct.make', extra));
  return { title, node };
}

// ---- one account ----

export async function accountView(ctx) {
  const a = await get(`/accounts/${encodeURIComponent(ctx.params.id)}`);
  const title = a.display_name ? `${a.display_name} (${a.login})` : a.login;
  const fields = [
    field('display_name', 'acct.displayName', { value: a.display_name }),
    field('email', 'acct.email', { type: 'email', value: a.email }),
    field('phone', 'acct.phone', { type: 'tel', value: a.phone }),
  ];
  const toggle = h('button', {
    type: 'button', class: a.disabled ? 'btn' : 'btn danger', 'data-test': 'acct-toggle',
    on: { click: async () => { try { await patch(`/accounts/${a.id}`, { disabled: !a.disabled }); toast(t(a.disabled ? 'acct.enabledNow' : 'acct.disabledNow')); ctx.refresh(); } catch (e) { toast(errorText(e), 'error'); } } },
  }, t(a.disabled ? 'acct.enable' : 'acct.disable'));
  const reset = h('button', {
    type: 'button', class: 'btn', 'data-test': 'acct-reset',
    on: {
      click: async () => {
        if (!window.confirm(t('acct.resetConfirm', { login: a.login }))) return;
        try { const r = await post(`/accounts/${a.id}/reset`); ctx.refresh(); showCode(r.login, r.activation_code, r.activation_expires); } catch (e) { toast(errorText(e), 'error'); }
      },
    },
  }, t('acct.reset'));
  const scope = a.scope.region || (a.scope.organization_id ? `org:${a.scope.organization_id}` : (a.scope.trainee_id ? `trainee:${a.scope.trainee_id}` : '—'));
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title, { crumbs: [['/accounts', t('acct.title')]], actions: [reset, toggle] }),
      h('dl', { class: 'facts' },
        h('dt', null, t('acct.login')), h('dd', null, a.login),
        h('dt', null, t('acct.role')), h('dd', null, t(`role.${a.role}`), a.org_admin ? ` · ${t('acct.orgAdmin')}` : ''),
        h('dt', null, t('acct.scope')), h('dd', null, scope),
        h('dt', null, t('acct.status')), h('dd', null, status(a))),
      h('h2', null, t('acct.profile')),
      smallForm(fields, async (v) => {
        const body = {};
        for (const k of ['display_name', 'email', 'phone']) body[k] = v[k].trim() || null;
        await patch(`/accounts/${a.id}`, body);
        toast(t('acct.saved'));
        ctx.refresh();
      }, 'form.save')),
  };
}

// ---- bulk trainee accounts (a school) ----

function download(b64, name) {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
  const a = h('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export async function bulkView(ctx) {
  const title = t('acct.bulk');
  const out = h('div', { class: 'acct-bulk-out' });
  const ids = field('trainee_ids', 'acct.traineeIds', { hint: t('acct.traineeIdsHint') });
  const node = h('div', { class: 'page' },
    pageHead(title, { crumbs: [['/accounts', t('acct.title')]], sub: t('acct.bulkAbout') }),
    smallForm([ids], async (v) => {
      const list = v.trainee_ids.split(/[\s,，、]+/).filter(Boolean).map(Number);
      const lang = document.documentElement.lang.startsWith('en') ? 'en' : 'zh';
      const r = await post(`/accounts/bulk?lang=${lang}`, list.length ? { trainee_ids: list } : { all: true });
      if (!r.items.length) { replace(out, h('p', { class: 'notice info', role: 'status' }, t('acct.bulkNone'))); return; }
      replace(out,
        h('p', { class: 'notice warn', role: 'status' }, t('acct.bulkOnce', { n: r.items.length })),
        h('div', { class: 'form-actions no-print' },
          h('button', { type: 'button', class: 'btn primary', 'data-test': 'acct-print', on: { click: () => window.print() } }, t('acct.print')),
          r.xlsx ? h('button', { type: 'button', class: 'btn', 'data-test': 'acct-xlsx', on: { click: () => download(r.xlsx, 'activation-codes.xlsx') } }, t('acct.xlsx')) : null),
        h('ul', { class: 'acct-sheet', 'data-test': 'acct-sheet' }, r.items.map((i) => h('li', { class: 'acct-slip' },
          h('p', { class: 'acct-slip-name' }, i.display_name),
          h('p', null, `${t('acct.login')}: `, h('code', null, i.login)),
          h('p', null, `${t('acct.code')}: `, h('code', { class: 'acct-code' }, i.activation_code)),
          h('p', { class: 'hint' }, t('acct.codeHow', { url: `${location.origin}/activate` }), ' ', t('acct.validUntil'), ' ', dateTime(i.activation_expires))))));
      announce(t('acct.bulkOnce', { n: r.items.length }));
    }, 'acct.bulkMake'),
    out);
  void ctx;
  return { title, node };
}

// ---- my account ----

/** Change one's password: @old (or the one-time code), then @onDone(user). */
function passwordForm(onDone, { oldKey = 'acct.oldPassword', oldValue = '' } = {}) {
  const old = field('old_password', oldKey, { type: 'password', autocomplete: 'current-password', value: oldValue });
  const pw = field('new_password', 'acct.newPassword', { type: 'password', autocomplete: 'new-password', hint: t('acct.passwordRules') });
  const again = field('again', 'acct.again', { type: 'password', autocomplete: 'new-password' });
  return smallForm([old, pw, again], async (v) => {
    if (v.new_password !== v.again) { again.setError(t('acct.mismatch')); again.input.focus(); return; }
    const user = await post('/session/password', { old_password: v.old_password, new_password: v.new_password });
    await onDone(user);
  }, 'acct.changePassword');
}

export async function myAccountView(ctx) {
  const me = getSession().user;
  const sessions = await get('/session/sessions');
  const title = t('acct.mine');
  const list = h('ul', { class: 'acct-sessions', 'data-test': 'sessions' }, sessions.items.map((s) => h('li', null,
    h('span', null, t('acct.since', { when: dateTime(s.created_at) })), ' ',
    s.current ? h('span', { class: 'badge acct-on' }, t('acct.thisSession')) : h('button', {
      type: 'button', class: 'btn small', 'data-test': 'revoke',
      on: { click: async () => { try { await del(`/session/sessions/${s.id}`); toast(t('acct.revoked')); ctx.refresh(); } catch (e) { toast(errorText(e), 'error'); } } },
    }, t('acct.revoke')))));
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title),
      h('dl', { class: 'facts' },
        h('dt', null, t('acct.login')), h('dd', null, me.login),
        h('dt', null, t('acct.role')), h('dd', null, t(`role.${me.role}`))),
      h('h2', null, t('acct.changePassword')),
      passwordForm(async () => { toast(t('acct.passwordChanged')); ctx.refresh(); }),
      h('h2', null, t('acct.sessions')),
      list),
  };
}

// ---- before any screen: the forced change, the activation ----

function shell(root, titleKey, ...body) {
  replace(root,
    h('header', { class: 'top login-top' },
      h('div', { class: 'brand' }, h('span', { class: 'logo', 'aria-hidden': 'true' }, '双'), h('span', null, t('app.name')))),
    h('main', { id: 'main', class: 'login-main', tabindex: '-1' },
      h('section', { class: 'login-card', 'aria-labelledby': 'acct-h' },
        h('h1', { id: 'acct-h', tabindex: '-1' }, t(titleKey)), body)),
    h('div', { id: 'live', class: 'sr-only', 'aria-live': 'polite' }));
  document.title = `${t(titleKey)} · ${t('app.name')}`;
  root.querySelector('h1').focus();
  root.setAttribute('data-ready', location.pathname.replace(/^\/app(?=\/|$)/, '') || '/');
}

/** The page a session that must set its password sees instead of every screen. */
export function forcedChangePage(root, onDone, onSignOut) {
  shell(root, 'acct.forcedTitle',
    h('p', { class: 'notice warn', role: 'status' }, t('acct.forcedAbout')),
    passwordForm(onDone, { oldKey: 'acct.oldOrCode' }),
    h('p', null, h('button', { type: 'button', class: 'btn link', on: { click: onSignOut } }, t('app.signOut'))));
}

/** The activation page (/activate): login, one-time code, new password; signs in. */
export function activatePage(root, onDone) {
  const q = new URLSearchParams(location.search);
  const login = field('login', 'acct.login', { value: q.get('login') || '', autocomplete: 'username', required: true });
  const code = field('code', 'acct.code', { autocomplete: 'one-time-code', required: true });
  const pw = field('new_password', 'acct.newPassword', { type: 'password', autocomplete: 'new-password', hint: t('acct.passwordRules') });
  const again = field('again', 'acct.again', { type: 'password', autocomplete: 'new-password' });
  shell(root, 'acct.activateTitle',
    h('p', { class: 'muted' }, t('acct.activateAbout')),
    smallForm([login, code, pw, again], async (v) => {
      if (v.new_password !== v.again) { again.setError(t('acct.mismatch')); again.input.focus(); return; }
      const r = await post('/session/activate', { login: v.login.trim(), code: v.code.trim(), new_password: v.new_password }, { quiet: true });
      setCsrf(r.csrf);
      await onDone();
    }, 'acct.activate'),
    h('p', null, h('a', { href: '/login' }, t('acct.haveAccount'))));
}
