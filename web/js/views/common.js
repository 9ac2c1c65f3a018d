// common.js - pieces every screen uses: page headings, status badges,
// formatted field values with links to referenced records, forms built from
// the entity fields (model.js: the server's) that show the API's errors next
// to their field, worded by the server in the interface's language (and in
// a summary linking to them), pickers for references and regions, modal
// dialogs, paging and export links.

import { ApiError, get, qs } from '../api.js';
import { h, nextId, replace } from '../dom.js';
import { date, dateTime, has, num, t } from '../i18n.js';
import { coarse, contractLabel, fieldLabel, getSession, nameOf, pluralOf, ref } from '../model.js';
import { screenOf } from '../screens.js';

// ---- live announcements ----

export function announce(msg) {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  setTimeout(() => { live.textContent = msg; }, 30);
}

/** A short confirmation shown at the top of the page and announced. */
export function toast(msg, kind = 'ok') {
  const box = h('div', { class: `toast ${kind}`, role: kind === 'ok' ? 'status' : 'alert' }, msg);
  // in the page's flow above the screen (the frame's #toasts), so that it never covers a button
  const place = document.getElementById('toasts') || document.body;
  place.appendChild(box);
  setTimeout(() => box.remove(), 5000);
}

/**
 * The message of an error for a person.  A problem's detail is shown as the
 * server worded it (in the language of the request's Accept-Language).
 */
export function errorText(e) {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error.network');
    if (e.status === 403) return t('error.forbidden');
    if (e.status === 404) return t('error.notFound');
    if (e.status === 409) return `${t('error.conflict')} ${e.message}`;
    if (e.status >= 500) return t('error.server');
    return e.message;
  }
  return String((e && e.message) || e);
}

export function errorBox(e) {
  return h('div', { class: 'page' },
    h('h1', null, e instanceof ApiError && e.status === 404 ? t('error.notFound') : t('error.title')),
    h('p', { class: 'notice error', role: 'alert' }, errorText(e)),
    h('p', null, h('a', { href: '/' }, t('error.home'))));
}

// ---- the audit log's words (audit.js, the contract's timeline) ----

/** Event @e's action in words ("新建学员", "Created trainee"); the code stays in its title. */
export function actionWords(e) {
  const verb = e.action.includes('.') ? e.action.slice(e.action.lastIndexOf('.') + 1) : e.action;
  if (e.entity && has(`audit.action.${e.entity}.${verb}`)) return t(`audit.action.${e.entity}.${verb}`);
  if (has(`audit.verb.${verb}`)) return t(`audit.verb.${verb}`, { what: e.entity && has(`entity.${e.entity}`) ? t(`entity.${e.entity}`) : (e.entity || '') });
  return e.action;
}

/** Who did it: the person's name with the sign-in's login ("张伟 (school)"), the command line's user in words. */
export function actorWords(actor, name) {
  if (!actor) return '—';
  if (actor.startsWith('cli:')) return t('audit.cli', { who: actor.slice(4) });
  return name ? `${name} (${actor})` : actor;
}

// ---- headings, badges, values ----

/** The page heading with optional breadcrumbs, subtitle and actions. */
export function pageHead(title, { crumbs, sub, actions } = {}) {
  return h('div', { class: 'page-head' },
    crumbs && crumbs.length ? h('nav', { class: 'crumbs', 'aria-label': t('nav.crumbs') },
      h('ol', null, crumbs.map(([href, label]) => h('li', null, h('a', { href }, label))))) : null,
    h('div', { class: 'head-row' },
      h('h1', null, title),
      actions && actions.length ? h('div', { class: 'actions' }, actions) : null),
    sub ? h('p', { class: 'sub' }, sub) : null);
}

export function badge(kind, value) {
  return h('span', { class: `badge ${kind}-${value}` }, t(`${kind}.${value}`));
}

/**
 * The label of field @name of @entity: the server's (GET /api/v1/schema);
 * the catalogue's field.NAME for what is no entity's field (an action's
 * arguments).
 */
export function label(entity, name) {
  // Without pii:read the API gives the year of birth only (docs/API.md, "Personal data").
  if (entity === 'trainee' && name === 'birth_date' && coarse()) return t('field.birth_year');
  return fieldLabel(entity, name) ?? t(`field.${name}`);
}

/** The label of an enumeration value. */
export function enumLabel(entity, name, v) {
  const k = `enum.${entity}.${name}.${v}`;
  if (has(k)) return t(k);
  const g = `enum.${name}.${v}`;
  return has(g) ? t(g) : v;
}

/** A link to a referenced record, its name filled in when known. */
export function refLink(entity, id) {
  if (id === null || id === undefined) return '—';
  const a = h('a', { href: `/${entity === 'contract' ? 'contracts' : screenOf(entity)}/${id}`, class: 'ref' }, `#${id}`);
  ref(entity, id).then((rec) => {
    if (!rec) { a.replaceWith(h('span', { class: 'muted' }, `#${id}`)); return; }
    // a name the reader may know but not open (model.js resolveContractNames)
    if (rec.nameOnly) { a.replaceWith(h('span', { class: 'ref-name', title: t('list.outside') }, nameOf(entity, rec))); return; }
    a.textContent = nameOf(entity, rec);
    a.setAttribute('href', `/${entity === 'contract' ? 'contracts' : screenOf(entity, rec)}/${id}`);
  });
  return a;
}

/** "辽宁省 沈阳市 铁西区": @r's name after its parents' (cached, so a list of siblings costs one lookup each level). */
export async function regionPath(r) {
  const names = [nameOf('region', r)];
  let p = r.parent;
  for (let i = 0; p && i < 3; i++) {
    const up = await ref('region', p);
    if (!up) break;
    names.unshift(nameOf('region', up));
    p = up.parent;
  }
  return names.join(' ');
}

export function regionName(code) {
  if (!code) return '—';
  const s = h('span', { class: 'region' }, String(code));
  ref('region', code).then((r) => { if (r) s.textContent = nameOf('region', r); });
  return s;
}

/** The value of field @f of @rec as a node or text. */
export function value(entity, f, rec) {
  const v = rec[f.name];
  if (v === null || v === undefined || v === '') return '—';
  switch (f.type) {
    case 'ref': return refLink(f.ref, v);
    case 'region': return regionName(v);
    case 'date': return /^\d{4}$/.test(v) ? t('common.year', { y: v }) : date(v);
    case 'time': return dateTime(v);
    case 'enum': return f.name === 'status' ? badge('status', v) : enumLabel(entity, f.name, v);
    case 'bool': return v ? t('common.yes') : t('common.no');
    // a year is a name, not a quantity: 2026, not 2,026
    case 'int': case 'real': return f.unit === 'yuan' ? t('unit.yuan', { n: num(v) }) : (f.name === 'year' ? String(v) : num(v));
    // codes kept in a text field (an organisation's industry) by their label when the catalogue has one
    default: return f.mono ? h('span', { class: 'mono' }, String(v)) : enumLabel(entity, f.name, String(v));
  }
}

/** CSV and Excel links for a list of @kind with @params. */
export function exportLinks(kind, params) {
  const q = qs(params);
  return h('p', { class: 'exports' }, `${t('list.export')}: `,
    h('a', { href: `/api/v1/exports/${kind}.csv${q}`, download: '' }, 'CSV'), ' · ',
    h('a', { href: `/api/v1/exports/${kind}.xlsx${q}`, download: '' }, 'Excel'));
}

// ---- forms ----

/**
 * A field control for @f of @entity with @value; returns { wrap, input,
 * get(), setError(msg) }.  @mode "create" or "edit" (immutable fields are
 * read-only when editing).
 */
export function control(entity, f, value, mode = 'create', extra = {}) {
  const id = nextId(f.name);
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const err = h('p', { class: 'field-error', id: errId, hidden: true });
  const readonly = mode === 'edit' && f.imm;
  let input;
  let getter;
  const common = { id, name: f.name, 'aria-describedby': hintId, required: f.req && !readonly };
  const hintKey = `hint.${entity}.${f.name}`;
  const hint = has(hintKey) ? h('p', { class: 'hint', id: hintId }, t(hintKey, { min: f.min, max: f.max })) : null;
  if (!hint) delete common['aria-describedby'];
  if (f.type === 'enum') {
    input = h('select', common,
      f.req ? null : h('option', { value: '' }, t('common.none')),
      f.req && (value === undefined || value === null) ? h('option', { value: '' }, t('common.choose')) : null,
      f.values.map((v) => h('option', { value: v, selected: v === value }, enumLabel(entity, f.name, v))));
    getter = () => input.value || null;
  } else if (f.type === 'ref') {
    return refPicker(entity, f, value, { id, err, hint, readonly, ...extra });
  } else if (f.type === 'region') {
    return regionPicker(entity, f, value, { id, err, hint, readonly });
  } else if (f.type === 'area') {
    input = h('textarea', { ...common, rows: 4, maxlength: f.max }, value ?? '');
    getter = () => input.value.trim() || null;
  } else if (f.type === 'bool') {
    input = h('input', { ...common, type: 'checkbox', checked: !!value });
    getter = () => input.checked;
  } else {
    // A birth year (a reader without pii:read) is no date for a date input.
    const type = f.type === 'date' && !/^\d{4}$/.test(value ?? '') ? 'date' : (f.type === 'int' || f.type === 'real') ? 'number' : 'text';
    input = h('input', {
      ...common, type, value: value ?? '', maxlength: f.max,
      min: f.min, max: type === 'number' ? f.max : undefined,
      step: f.type === 'real' ? (f.step || 'any') : (f.type === 'int' ? 1 : undefined),
      inputmode: f.mono ? 'latin' : undefined, autocomplete: 'off',
    });
    getter = () => {
      const s = input.value.trim();
      if (s === '') return null;
      if (f.type === 'int' || f.type === 'real') {
        const n = Number(s);
        return Number.isFinite(n) ? n : s;
      }
      return f.mono ? s.toUpperCase() : s;
    };
  }
  if (readonly) input.disabled = true;
  const lab = h('label', { for: id }, label(entity, f.name), f.req ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  const wrap = h('div', { class: `field ${f.type === 'area' ? 'wide' : ''}`, 'data-field': f.name }, lab, hint, err, input);
  return {
    f, wrap, input, get: getter,
    setError(msg) {
      if (msg) {
        err.textContent = msg; err.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', [hint ? hintId : null, errId].filter(Boolean).join(' '));
        wrap.classList.add('has-error');
      } else {
        err.hidden = true; input.removeAttribute('aria-invalid');
        if (hint) input.setAttribute('aria-describedby', hintId); else input.removeAttribute('aria-describedby');
        wrap.classList.remove('has-error');
      }
    },
  };
}

/** Options for a reference to @f.ref, searched with the list's q. */
async function refOptions(f, q, extraFilter) {
  const params = { limit: 50, q: q || undefined, ...(extraFilter || {}) };
  if (f.ref === 'organization' && f.refKind) params.kind = f.refKind;
  if (f.ref === 'programme' || f.ref === 'organization' || f.ref === 'trainee') params.sort = 'name';
  if (f.ref === 'occupation') params.sort = 'code';
  if (f.ref === 'contract') params.sort = '-id';
  const page = await get(`/${pluralOf(f.ref)}${qs(params)}`);
  return page.items;
}

/**
 * A reference: a search box and a list of matches (a select), the chosen
 * record's id as the value.  @opts.filter narrows the choices (e.g. the
 * programmes of the chosen school).
 */
export function refPicker(entity, f, value, { id, err, hint, readonly, filter }) {
  const searchId = `${id}-q`;
  const sel = h('select', { id, name: f.name, required: f.req && !readonly, disabled: readonly });
  const search = h('input', { id: searchId, type: 'search', class: 'ref-search', placeholder: t('form.search'), 'aria-label': `${label(entity, f.name)} · ${t('form.search')}`, disabled: readonly, autocomplete: 'off' });
  let current = value ?? null;
  let extraFilter = filter || null;
  let seq = 0;
  async function fill(q) {
    const my = ++seq;
    let items = [];
    try { items = await refOptions(f, q, extraFilter); } catch { items = []; }
    if (my !== seq) return;
    const have = new Set(items.map((r) => r.id));
    let chosen = null;
    if (current !== null && !have.has(Number(current))) chosen = await ref(f.ref, current);
    if (my !== seq) return;
    // a contract by whom and where it trains (model.js contractLabel), not by its number alone
    const names = f.ref === 'contract' ? new Map(await Promise.all([chosen, ...items].filter(Boolean).map(async (r) => [r.id, await contractLabel(r)]))) : null;
    if (my !== seq) return;
    const name = (r) => (names ? names.get(r.id) : nameOf(f.ref, r) + (f.ref === 'trainee' ? ` · ${r.national_id}` : ''));
    replace(sel,
      h('option', { value: '' }, items.length || chosen ? t('common.choose') : t('form.noMatch')),
      chosen ? h('option', { value: chosen.id, selected: true }, name(chosen)) : null,
      items.map((r) => h('option', { value: r.id, selected: Number(current) === r.id }, name(r))));
  }
  let timer;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => fill(search.value.trim()), 200); });
  sel.addEventListener('change', () => { current = sel.value ? Number(sel.value) : null; });
  const ready = fill('');
  const lab = h('label', { for: id }, label(entity, f.name), f.req ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  const wrap = h('div', { class: 'field ref-field', 'data-field': f.name }, lab, hint, err, h('div', { class: 'ref-row' }, search, sel));
  return {
    f, wrap, input: sel, ready, get: () => (sel.value ? Number(sel.value) : null),
    setFilter(fl) { extraFilter = fl; return fill(search.value.trim()); },
    setError(msg) {
      if (msg) { err.textContent = msg; err.hidden = false; sel.setAttribute('aria-invalid', 'true'); sel.setAttribute('aria-describedby', err.id); wrap.classList.add('has-error'); } else { err.hidden = true; sel.removeAttribute('aria-invalid'); sel.removeAttribute('aria-describedby'); wrap.classList.remove('has-error'); }
    },
  };
}

/** A region: search by name, pick from the matches; defaults to the user's region. */
export function regionPicker(entity, f, value, { id, err, hint, readonly }) {
  const s = getSession();
  const start = value ?? s?.user?.scope?.region ?? '';
  const sel = h('select', { id, name: f.name, required: f.req && !readonly, disabled: readonly });
  const search = h('input', { type: 'search', class: 'ref-search', placeholder: t('form.searchRegion'), 'aria-label': `${label(entity, f.name)} · ${t('form.search')}`, disabled: readonly, autocomplete: 'off' });
  let current = start ? String(start) : '';
  let seq = 0;
  async function fill(q) {
    const my = ++seq;
    let items = [];
    const parent = s?.user?.scope?.region;
    try {
      if (q) items = (await get(`/regions${qs({ q, limit: 50 })}`)).items;
      else if (parent) items = (await get(`/regions${qs({ region: parent, limit: 200, sort: 'id' })}`)).items;
      else items = (await get(`/regions${qs({ level: 2, limit: 400, sort: 'id' })}`)).items;
    } catch { items = []; }
    if (my !== seq) return;
    let chosen = null;
    if (current && !items.some((r) => String(r.id) === current)) chosen = await ref('region', current);
    if (my !== seq) return;
    // each with its parents, so that the three 铁西区 are told apart
    const paths = new Map(await Promise.all([chosen, ...items].filter(Boolean).map(async (r) => [r.id, await regionPath(r)])));
    if (my !== seq) return;
    const opt = (r) => h('option', { value: String(r.id), selected: String(r.id) === current }, `${paths.get(r.id)} (${r.id})`);
    replace(sel, h('option', { value: '' }, t('common.choose')), chosen ? opt(chosen) : null, items.map(opt));
  }
  let timer;
  search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => fill(search.value.trim()), 200); });
  sel.addEventListener('change', () => { current = sel.value; });
  const ready = fill('');
  const lab = h('label', { for: id }, label(entity, f.name), f.req ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null);
  const wrap = h('div', { class: 'field ref-field', 'data-field': f.name }, lab, hint, err, h('div', { class: 'ref-row' }, search, sel));
  return {
    f, wrap, input: sel, ready, get: () => sel.value || null,
    /** Choose region @code (shown with its parents); resolves when the list is filled. */
    set(code) { current = code ? String(code) : ''; search.value = ''; return fill(''); },
    setError(msg) {
      if (msg) { err.textContent = msg; err.hidden = false; sel.setAttribute('aria-invalid', 'true'); sel.setAttribute('aria-describedby', err.id); wrap.classList.add('has-error'); } else { err.hidden = true; sel.removeAttribute('aria-invalid'); sel.removeAttribute('aria-describedby'); wrap.classList.remove('has-error'); }
    },
  };
}

/**
 * A form of @controls; @submit(values) does the call.  On an ApiError its
 * field errors are shown at their fields and listed in a summary at the
 * top that links to them; other errors go in the summary alone.
 */
export function form(controls, submit, { submitLabel, cancelHref, extra } = {}) {
  const summary = h('div', { class: 'form-errors', tabindex: '-1', hidden: true, role: 'alert' });
  const button = h('button', { type: 'submit', class: 'btn primary' }, submitLabel || t('form.save'));
  const el = h('form', {
    class: 'form', novalidate: true,
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        for (const c of controls) c.setError(null);
        summary.hidden = true;
        button.disabled = true;
        try {
          // a control still filling others (c.pending) finishes first
          await Promise.all(controls.map((c) => c.pending));
          const values = {};
          for (const c of controls) values[c.f.name] = c.get();
          await submit(values);
        } catch (e) {
          showErrors(e);
        } finally {
          button.disabled = false;
        }
      },
    },
  },
  summary,
  h('div', { class: 'fields' }, controls.map((c) => c.wrap)),
  extra || null,
  h('div', { class: 'form-actions' }, button, cancelHref ? h('a', { href: cancelHref, class: 'btn' }, t('form.cancel')) : null));

  // Each of the problem's errors at its field, as the server words it; an
  // error for no field of this form, and a problem without errors, in the
  // summary (the problem's detail heads it when no error has a field here).
  function showErrors(e) {
    const list = [];
    const errs = e instanceof ApiError ? e.errors : [];
    let placed = 0;
    const title = () => (placed ? (errs.length === 1 ? t('form.fixOne') : t('form.fix', { n: errs.length })) : errorText(e));
    for (const fe of errs) {
      const c = controls.find((x) => x.f.name === fe.field);
      const msg = fe.message || '';
      if (c) {
        c.setError(msg);
        placed++;
        list.push(h('li', null, h('a', { href: `#${c.input.id}`, on: { click: (ev) => { ev.preventDefault(); c.input.focus(); } } }, `${c.wrap.querySelector('label').firstChild.textContent}: ${msg}`)));
      } else {
        list.push(h('li', null, msg));
      }
    }
    const head = title();
    const items = list.filter((li) => li.textContent !== head);
    replace(summary, h('p', { class: 'summary-title' }, head), items.length ? h('ul', null, items) : null);
    summary.hidden = false;
    summary.focus();
  }
  return { el, showErrors, button };
}

// ---- dialogs ----

/**
 * A modal dialog titled @title around @body; resolves when closed.  The
 * native <dialog> keeps focus inside and closes on Escape.
 */
export function openDialog(title, body, { onClose } = {}) {
  const hid = nextId('dlg');
  const dlg = h('dialog', { class: 'dialog', 'aria-labelledby': hid },
    h('div', { class: 'dialog-head' },
      h('h2', { id: hid }, title),
      h('button', { type: 'button', class: 'close', 'aria-label': t('form.close'), on: { click: () => dlg.close() } }, '×')),
    body);
  dlg.addEventListener('close', () => { dlg.remove(); if (onClose) onClose(); });
  document.body.appendChild(dlg);
  dlg.showModal();
  const first = dlg.querySelector('input, select, textarea, button:not(.close)');
  if (first) first.focus();
  return dlg;
}

// ---- paging ----

/** "First page" / "previous" / "next" links for a cursor list at URL @base. */
export function pager(base, query, next, pageNo) {
  const mk = (params) => {
    const u = new URLSearchParams(query);
    u.delete('cursor'); u.delete('page');
    for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) u.set(k, v);
    const s = u.toString();
    return `${base}${s ? `?${s}` : ''}`;
  };
  const stackKey = `dt.pages:${base}?${(() => { const u = new URLSearchParams(query); u.delete('cursor'); u.delete('page'); return u.toString(); })()}`;
  let stack = [];
  try { stack = JSON.parse(sessionStorage.getItem(stackKey) || '[]'); } catch { stack = []; }
  stack[pageNo - 1] = query.get('cursor') || '';
  if (next) stack[pageNo] = next;
  try { sessionStorage.setItem(stackKey, JSON.stringify(stack.slice(0, 200))); } catch { /* ignore */ }
  const prevCursor = pageNo > 1 ? stack[pageNo - 2] : undefined;
  return h('nav', { class: 'pager', 'aria-label': t('list.pages') },
    pageNo > 1 ? h('a', { href: mk({}) }, t('list.first')) : null,
    pageNo > 1 && prevCursor !== undefined ? h('a', { href: mk({ cursor: prevCursor || null, page: pageNo - 1 > 1 ? pageNo - 1 : null }), rel: 'prev' }, t('list.prev')) : null,
    h('span', { class: 'page-no' }, t('list.page', { n: pageNo })),
    next ? h('a', { href: mk({ cursor: next, page: pageNo + 1 }), rel: 'next' }, t('list.next')) : null);
}

/**
 * Numbered pages of a list of @total records, @size a page, at URL @base
 * with @query (its page= replaced): the count, the first, previous, nearby,
 * last and next pages, and a field to jump to a page.  @navigate goes there.
 */
export function numberedPager(base, query, { total, pageNo, size, maxPage, navigate }) {
  const pages = Math.max(1, Math.min(Math.ceil(total / size), maxPage || Infinity));
  const href = (n) => {
    const u = new URLSearchParams(query);
    u.delete('cursor'); u.delete('page');
    if (n > 1) u.set('page', String(n));
    const s = u.toString();
    return `${base}${s ? `?${s}` : ''}`;
  };
  const shown = [...new Set([1, pageNo - 2, pageNo - 1, pageNo, pageNo + 1, pageNo + 2, pages])].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
  const links = [];
  shown.forEach((n, i) => {
    if (i && n - shown[i - 1] > 1) links.push(h('span', { class: 'gap', 'aria-hidden': 'true' }, '…'));
    links.push(n === pageNo ? h('span', { class: 'page-no', 'aria-current': 'page' }, String(n)) : h('a', { href: href(n), 'aria-label': t('list.page', { n }) }, String(n)));
  });
  const jumpId = nextId('jump');
  const jump = h('input', { id: jumpId, type: 'number', min: 1, max: pages, class: 'short', inputmode: 'numeric', value: '' });
  return h('nav', { class: 'pager numbered', 'aria-label': t('list.pages'), 'data-test': 'pager' },
    h('span', { class: 'total', 'data-test': 'total' }, t('list.total', { n: num(total) })),
    pageNo > 1 ? h('a', { href: href(pageNo - 1), rel: 'prev' }, t('list.prev')) : null,
    links,
    pageNo < pages ? h('a', { href: href(pageNo + 1), rel: 'next' }, t('list.next')) : null,
    pages > 1 ? h('form', {
      class: 'jump',
      on: { submit: (ev) => { ev.preventDefault(); const n = Math.trunc(Number(jump.value)); if (n >= 1) navigate(href(Math.min(n, pages))); } },
    }, h('label', { for: jumpId }, t('list.jump')), jump, h('button', { type: 'submit', class: 'btn small' }, t('list.go'))) : null);
}

/** A table: @cols [{key, label, sortKey?, render(row)}], @rows; @sort current sort param. */
export function table(caption, cols, rows, { sort, sortHref, empty } = {}) {
  if (!rows.length) return h('p', { class: 'empty' }, empty || t('list.empty'));
  return h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', null,
      h('caption', { class: 'sr-only' }, caption),
      h('thead', null, h('tr', null, cols.map((c) => {
        if (!c.sortKey || !sortHref) return h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label);
        const asc = sort === c.sortKey;
        const desc = sort === `-${c.sortKey}`;
        return h('th', { scope: 'col', class: c.num ? 'num' : null, 'aria-sort': asc ? 'ascending' : desc ? 'descending' : 'none' },
          h('a', { href: sortHref(asc ? `-${c.sortKey}` : c.sortKey), class: 'sort' }, c.label, h('span', { 'aria-hidden': 'true', class: 'sort-ind' }, asc ? ' ▲' : desc ? ' ▼' : ' ↕')));
      }))),
      h('tbody', null, rows.map((r) => h('tr', null, cols.map((c, i) => (i === 0 ? h('th', { scope: 'row', class: c.num ? 'num' : null }, c.render(r)) : h('td', { class: c.num ? 'num' : null }, c.render(r)))))))));
}
