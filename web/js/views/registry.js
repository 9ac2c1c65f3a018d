// registry.js - the register of enterprises, schools, programmes,
// partnerships, demand, places, trainees and contracts: a list with search,
// filters, sortable columns, cursor paging and export links; a detail page
// with the records that hang off it; and create/edit forms that show the
// API's field errors at their fields.

import { ApiError, del, get, patch, post, qs } from '../api.js';
import { h } from '../dom.js';
import { date, num, t } from '../i18n.js';
import { parseNatid } from '../natid.js';
import { can, canWrite, fieldsOf, forget, getSession, nameOf, partiesOf, ref, remember, resolveContractNames, resolveRefs, role } from '../model.js';
import { REGISTRY, isGov, kindOf, registryScreens, screenOf } from '../screens.js';
import { control, enumLabel, exportLinks, form, label, numberedPager, pageHead, table, toast, value } from './common.js';

const PAGE = 25;
// the deepest row a page number reaches (the API's offset limit, DT_LIST_OFFSET_MAX)
const OFFSET_MAX = 100000;

function screenDef(screen) {
  const d = REGISTRY[screen];
  if (!d || !(registryScreens().includes(screen) || (screen === 'pilots' && isGov()))) throw new ApiError(404, { detail: 'no such page' });
  return { ...d, kind: kindOf(screen) };
}

/** May the user create or change records of this screen? */
function writable(d) {
  return canWrite(d.entity);
}

// The filters officials get on every list where the entity has the field.
const OFFICIAL_FILTERS = ['region', 'enterprise_id', 'school_id', 'organization_id', 'date_from', 'date_to', 'start_date_from', 'start_date_to'];

/** Controls of the officials' filters for the list of @d: sub-region, organisation, date range; each shown by name. */
async function officialFilters(d, fields, filters) {
  const out = [];
  const has = (n) => fields.some((f) => f.name === n) || (n === 'region' && d.entity !== 'trainee');
  const field = (id, lab, input) => h('div', { class: 'field inline' }, h('label', { for: id }, lab), input);
  if (has('region')) {
    const scope = getSession().user.scope.region;
    let subs = [];
    try { subs = (await get(`/regions${qs(scope ? { parent: scope, limit: 200, sort: 'id' } : { level: 1, limit: 100, sort: 'id' })}`)).items; } catch { subs = []; }
    const cur = filters.region ? await ref('region', filters.region) : null;
    if (cur && !subs.some((r) => String(r.id) === String(cur.id))) subs.unshift(cur);
    out.push(field('flt-region', t('list.region'), h('select', { id: 'flt-region', name: 'region' }, h('option', { value: '' }, t('common.all')),
      subs.map((r) => h('option', { value: String(r.id), selected: String(r.id) === String(filters.region) }, nameOf('region', r))))));
  }
  for (const [name, kind] of [['enterprise_id', 'enterprise'], ['school_id', 'school'], ['organization_id', null]]) {
    if (!fields.some((f) => f.name === name && f.filter !== false) || d.fixed) continue;
    const id = `flt-${name}`;
    const sel = h('select', { id, name }, h('option', { value: '' }, t('common.all')));
    const search = h('input', { type: 'search', class: 'ref-search short', placeholder: t('form.search'), 'aria-label': `${label(d.entity, name)} · ${t('form.search')}`, autocomplete: 'off' });
    const fill = async (text) => {
      let items = [];
      try { items = (await get(`/organizations${qs({ kind: kind || undefined, q: text || undefined, sort: 'name', limit: 50 })}`)).items; } catch { items = []; }
      const chosen = filters[name] ? await ref('organization', filters[name]) : null;
      if (chosen && !items.some((o) => o.id === chosen.id)) items.unshift(chosen);
      while (sel.options.length > 1) sel.remove(1);
      for (const o of items) sel.append(h('option', { value: String(o.id), selected: String(o.id) === String(filters[name]) }, nameOf('organization', o)));
    };
    let timer;
    search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => fill(search.value.trim()), 200); });
    await fill('');
    out.push(h('div', { class: 'field inline' }, h('label', { for: id }, label(d.entity, name)), h('div', { class: 'ref-row' }, search, sel)));
  }
  const dateField = ['date', 'start_date'].find((n) => fields.some((f) => f.name === n));
  if (dateField) {
    for (const end of ['from', 'to']) {
      const name = `${dateField}_${end}`;
      out.push(field(`flt-${name}`, t(`list.date_${end}`, { what: label(d.entity, dateField) }), h('input', { id: `flt-${name}`, name, type: 'date', value: filters[name] || '' })));
    }
  }
  return out;
}

export async function listView(ctx) {
  const screen = ctx.params.screen;
  const d = screenDef(screen);
  const q = ctx.query;
  const sort = q.get('sort') || (d.entity === 'contract' ? '-id' : '');
  const pageNo = Number(q.get('page') || 1);
  const filters = {};
  for (const [k, v] of q.entries()) if (!['sort', 'cursor', 'page', 'q', 'offset', 'total'].includes(k) && v) filters[k] = v;
  // numbered pages: the page's offset and the count of all matches
  const maxPage = Math.floor(OFFSET_MAX / PAGE) + 1;
  const at = Math.min(Math.max(1, Math.trunc(pageNo) || 1), maxPage);
  const params = { ...filters, ...d.fixed, q: q.get('q') || undefined, sort: sort || undefined, limit: PAGE, offset: at > 1 ? (at - 1) * PAGE : undefined, total: 1 };
  const page = await get(`/${d.kind}${qs(params)}`);
  await resolveRefs(d.entity, page.items);
  if (d.entity === 'contract') await resolveContractNames(page.items);
  // mentors: trainees per mentor (active contracts naming it), from the register's load
  const load = d.entity === 'mentor' ? new Map((await get('/mentors/load')).items.map((m) => [m.id, m.trainees])) : null;
  const fields = fieldsOf(d.entity);
  const title = t(`nav.${screen}`);

  const cols = d.columns.map((name) => {
    if (name === 'id') return { label: label(d.entity, 'id'), sortKey: 'id', num: true, render: (r) => h('a', { href: `/${screen}/${r.id}` }, `#${r.id}`) };
    const f = fields.find((x) => x.name === name);
    const first = d.columns[0] === name;
    return {
      label: label(d.entity, name),
      sortKey: d.sort.includes(name) ? name : null,
      num: f.type === 'int' || f.type === 'real',
      render: (r) => (first ? h('a', { href: `/${screen}/${r.id}` }, value(d.entity, f, r)) : value(d.entity, f, r)),
    };
  });
  if (load) cols.push({ label: t('mentor.trainees'), num: true, render: (r) => String(load.get(r.id) ?? 0) });
  // assessments and outcomes: the trainee of each one's contract, by the contract's names
  // (an assessment body reads no trainee records)
  if (d.columns[0] === 'contract_id') {
    const names = await Promise.all(page.items.map((r) => partiesOf(r.contract_id)));
    const byRow = new Map(page.items.map((r, i) => [r, names[i] && names[i].trainee]));
    cols.splice(1, 0, { label: t('assess.trainee'), render: (r) => (byRow.get(r) ? byRow.get(r).name : '—') });
  }
  if (d.columns[0] !== 'id' && !['name', 'code'].includes(d.columns[0])) {
    cols.unshift({ label: label(d.entity, 'id'), num: true, render: (r) => h('a', { href: `/${screen}/${r.id}`, 'aria-label': `${t('list.open')} #${r.id}` }, `#${r.id}`) });
  }
  const hrefWith = (over) => {
    const u = new URLSearchParams(q);
    u.delete('cursor'); u.delete('page');
    for (const [k, v] of Object.entries(over)) { if (v) u.set(k, v); else u.delete(k); }
    const s = u.toString();
    return `/${screen}${s ? `?${s}` : ''}`;
  };

  // The search and filter form: a GET to this same screen.
  // what q searches, from the schema: a contract's trainee, enterprise and school by name, its mentors
  const searched = fields.filter((f) => f.search).map((f) => label(d.entity, f.name));
  const qInput = h('input', { type: 'search', id: 'list-q', name: 'q', value: q.get('q') || '', placeholder: searched.length ? t('list.searchIn', { fields: searched.join(t('list.sep')) }) : null });
  const filterCtls = d.filters.map((name) => {
    const f = fields.find((x) => x.name === name);
    const id = `flt-${name}`;
    let input;
    if (f.type === 'enum') {
      input = h('select', { id, name }, h('option', { value: '' }, t('common.all')), f.values.map((v) => h('option', { value: v, selected: filters[name] === v }, name === 'status' ? t(`status.${v}`) : enumLabel(d.entity, name, v))));
    } else {
      input = h('input', { id, name, type: 'number', value: filters[name] || '', min: f.min, max: f.max, class: 'short' });
    }
    return h('div', { class: 'field inline' }, h('label', { for: id }, label(d.entity, name)), input);
  });
  // officials: where (a sub-region by name), who (the enterprise or school, by name) and when (a date range)
  if (isGov()) filterCtls.push(...await officialFilters(d, fields, filters));
  const searchForm = h('form', {
    class: 'filters', role: 'search', 'aria-label': t('list.searchLabel', { what: title }),
    on: {
      submit: (ev) => {
        ev.preventDefault();
        const fd = new FormData(ev.target);
        const over = {};
        for (const [k, v] of fd.entries()) over[k] = String(v).trim();
        ctx.navigate(hrefWith(over));
      },
    },
  },
  h('div', { class: 'field inline grow' }, h('label', { for: 'list-q' }, t('list.search')), qInput),
  filterCtls,
  h('button', { type: 'submit', class: 'btn' }, t('list.apply')),
  (q.toString() && (q.get('q') || Object.keys(filters).length)) ? h('a', { class: 'btn link', href: `/${screen}` }, t('list.reset')) : null);

  // Filters that came with a link (?trainee_id=5): shown so they can be removed.
  const chips = Object.entries(filters).filter(([k]) => !d.filters.includes(k) && !(isGov() && OFFICIAL_FILTERS.includes(k))).map(([k, v]) => {
    const f = fields.find((x) => x.name === k);
    return h('span', { class: 'chip' }, `${label(d.entity, k)}: `, f ? value(d.entity, f, { [k]: f.type === 'ref' ? Number(v) : v }) : v, ' ',
      h('a', { href: hrefWith({ [k]: '' }), 'aria-label': t('list.removeFilter', { what: label(d.entity, k) }) }, '×'));
  });

  const actions = [];
  if (writable(d) && !(d.entity === 'organization' && !['admin', 'national', 'province', 'city'].includes(role()))) {
    actions.push(h('a', { class: 'btn primary', href: `/${screen}/new` }, t(`new.${screen}`)));
  }
  const exportParams = { ...filters, ...d.fixed, q: q.get('q') || undefined, sort: sort || undefined };
  return {
    title,
    node: h('div', { class: 'page list-page', 'data-screen': screen },
      pageHead(title, { actions, sub: t(`about.${screen}`) }),
      searchForm,
      chips.length ? h('p', { class: 'chips' }, chips) : null,
      table(title, cols, page.items, { sort, sortHref: (s) => hrefWith({ sort: s }) }),
      numberedPager(`/${screen}`, q, { total: page.total ?? page.items.length, pageNo: at, size: PAGE, maxPage, navigate: ctx.navigate }),
      exportLinks(d.kind, exportParams)),
  };
}

// ---- detail ----

/** Links to the records that hang off a record of @screen. */
function related(screen, rec) {
  const links = [];
  const add = (target, filter) => {
    if (registryScreens().includes(target)) links.push(h('li', null, h('a', { href: `/${target}?${new URLSearchParams(filter)}` }, t(`nav.${target}`))));
  };
  if (screen === 'enterprises') { add('contracts', { enterprise_id: rec.id }); add('partnerships', { enterprise_id: rec.id }); add('demands', { enterprise_id: rec.id }); add('places', { enterprise_id: rec.id }); }
  if (screen === 'schools') { add('contracts', { school_id: rec.id }); add('programmes', { school_id: rec.id }); add('partnerships', { school_id: rec.id }); }
  if (screen === 'programmes') { add('contracts', { programme_id: rec.id }); add('places', { programme_id: rec.id }); }
  if (screen === 'trainees') add('contracts', { trainee_id: rec.id });
  return links.length ? h('section', { class: 'panel' }, h('h2', null, t('detail.related')), h('ul', { class: 'links' }, links)) : null;
}

export async function detailView(ctx) {
  const { screen, id } = ctx.params;
  const d = screenDef(screen);
  if (d.entity === 'contract') return (await import('./contract.js')).contractView(ctx);
  const unmask = ctx.query.get('unmask') === '1' && can('pii:read');
  const rec = await get(`/${d.kind}/${encodeURIComponent(id)}${unmask ? '?unmask=1' : ''}`);
  remember(d.entity, rec);
  const fields = fieldsOf(d.entity);
  await resolveRefs(d.entity, [rec]);
  const title = rec.name || `${t(`entity.${d.entity}`)} #${rec.id}`;
  const actions = [];
  // Schools and enterprises change their own organisation, not their partners'.
  const orgId = getSession().user.scope.organization_id;
  const mine = d.entity !== 'organization' || !orgId || rec.id === orgId;
  if (writable(d) && mine) {
    actions.push(h('a', { class: 'btn', href: `/${screen}/${rec.id}/edit` }, t('detail.edit')));
    actions.push(h('button', {
      type: 'button', class: 'btn danger',
      on: {
        click: async () => {
          if (!window.confirm(t('detail.confirmDelete', { what: title }))) return;
          try {
            await del(`/${d.kind}/${rec.id}`);
            forget(d.entity, rec.id);
            toast(t('detail.deleted'));
            ctx.navigate(`/${screen}`);
          } catch (e) {
            const { errorText } = await import('./common.js');
            toast(errorText(e), 'error');
          }
        },
      },
    }, t('detail.delete')));
  }
  const pii = fields.find((f) => f.pii);
  return {
    title,
    node: h('div', { class: 'page detail-page' },
      pageHead(title, { crumbs: [[`/${screen}`, t(`nav.${screen}`)]], actions }),
      h('section', { class: 'panel' },
        h('h2', null, t('detail.fields')),
        h('dl', { class: 'fields-dl' }, fields.map((f) => [
          h('dt', null, label(d.entity, f.name)),
          h('dd', null, value(d.entity, f, rec),
            f.pii && can('pii:read') && !unmask ? [' ', h('a', { href: `/${screen}/${rec.id}?unmask=1`, class: 'small' }, t('detail.unmask'))] : null),
        ])),
        h('p', { class: 'muted small' }, t('detail.stamps', { created: new Date(rec.created_at).toLocaleString(), updated: new Date(rec.updated_at).toLocaleString() })),
        pii && unmask ? h('p', { class: 'notice warn small' }, t('detail.unmaskedNote')) : null),
      related(screen, rec)),
  };
}

// ---- forms ----

/**
 * The trainee form: as a valid national ID is typed, its birth date and
 * gender fill their fields and the household region becomes the ID's region
 * of issue (or, for a code abolished since, its city or province), with a
 * note saying so.  The reading is natid.js's, the server's rule mirrored.
 */
function fillFromNatid(controls) {
  const byName = (n) => controls.find((c) => c.f.name === n);
  const nid = byName('national_id');
  if (!nid || nid.input.disabled) return;
  const birth = byName('birth_date');
  const gender = byName('gender');
  const region = byName('region');
  const note = h('p', { class: 'hint', role: 'status', 'data-test': 'natid-filled' });
  nid.wrap.appendChild(note);
  let last = '';
  // what the form's submit waits for: an ID typed and sent at once still
  // goes with the region it fills
  // (a region that cannot be looked up is left to the user: the form says it is required)
  nid.input.addEventListener('input', () => { nid.pending = fill().catch(() => {}); });
  async function fill() {
    const v = nid.input.value.trim();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    const id = parseNatid(v, today);
    if (!id || id.id === last) { if (!id) { last = ''; note.textContent = ''; } return; }
    last = id.id;
    if (birth && birth.input.type === 'date') birth.input.value = id.birth;
    if (gender) gender.input.value = id.gender;
    let code = null;
    if (region && region.set) {
      for (const c of [id.region, `${id.region.slice(0, 4)}00`, `${id.region.slice(0, 2)}0000`]) {
        if (await ref('region', c)) { code = c; break; }
      }
      if (last !== id.id) return;
      if (code) await region.set(code);
    }
    note.textContent = t(code ? 'natid.filled' : 'natid.filledNoRegion');
  }
}

/** The minimum wage in force on @day in @region: the most specific region's (as src/store/monitor.c), or null. */
function wageFor(wages, region, day) {
  const up = [String(region), `${String(region).slice(0, 4)}00`, `${String(region).slice(0, 2)}0000`];
  const fit = wages.filter((w) => up.includes(String(w.region)) && w.valid_from <= day);
  fit.sort((a, b) => Number(b.region) - Number(a.region) || b.valid_from.localeCompare(a.valid_from));
  return fit[0] || null;
}

/**
 * The contract form: the stipend with its unit, the local minimum wage in
 * force at the start (the enterprise's region) and a warning below it; the
 * mentors chosen from the register, each among its organisation's mentors of
 * its kind, the name field following the choice.
 */
function contractAids(controls, init) {
  const byName = (n) => controls.find((c) => c.f.name === n);
  const ent = byName('enterprise_id');
  const school = byName('school_id');
  const start = byName('start_date');
  const stipend = byName('stipend_monthly');
  for (const [field, org, kind, nameField] of [['company_mentor_id', ent, 'company', 'company_mentor'], ['school_mentor_id', school, 'school', 'school_mentor']]) {
    const m = byName(field);
    const name = byName(nameField);
    if (!m || !m.setFilter || !org) continue;
    const sync = (id) => m.setFilter({ kind, ...(id ? { organization_id: id } : {}) });
    org.input.addEventListener('change', () => sync(org.get()));
    sync(init[org.f.name] ?? null);
    m.input.addEventListener('change', async () => {
      const rec = m.get() ? await ref('mentor', m.get()) : null;
      if (rec && name && name.input) name.input.value = rec.name;
    });
  }
  if (!stipend || !ent) return;
  const row = h('div', { class: 'unit-row' });
  stipend.input.replaceWith(row);
  row.append(stipend.input, h('span', { class: 'unit', 'aria-hidden': 'true' }, t('contract.perMonth')));
  const note = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite', 'data-test': 'min-wage' });
  stipend.wrap.appendChild(note);
  let wages = null;
  const show = async () => {
    const eid = ent.get();
    const e = eid ? await ref('organization', eid) : null;
    if (!e || !e.region) { note.textContent = ''; note.className = 'hint'; return; }
    try { wages ??= (await get(`/min-wages${qs({ limit: 500 })}`)).items; } catch { wages = []; }
    const day = (start && start.get()) || new Date().toISOString().slice(0, 10);
    const w = wageFor(wages, e.region, day);
    if (!w) { note.textContent = ''; note.className = 'hint'; return; }
    const where = nameOf('region', await ref('region', w.region));
    const v = stipend.get();
    const low = typeof v === 'number' && v < w.monthly;
    note.textContent = `${t('contract.minWage', { n: num(w.monthly), where, from: date(w.valid_from) })}${low ? ` ${t('contract.belowMinWage')}` : ''}`;
    note.className = low ? 'hint warn-text' : 'hint';
  };
  for (const c of [ent, start, stipend]) if (c) c.input.addEventListener(c === stipend ? 'input' : 'change', show);
  show();
}

export async function formView(ctx) {
  const screen = ctx.params.screen || ctx.path.split('/')[1];
  const { id } = ctx.params;
  const d = screenDef(screen);
  if (!writable(d)) throw new ApiError(403, { detail: 'forbidden' });
  const editing = id !== undefined;
  const rec = editing ? await get(`/${d.kind}/${encodeURIComponent(id)}`) : null;
  const fields = fieldsOf(d.entity).filter((f) => !f.sys && !(d.fixed && d.fixed[f.name]));
  const prefill = {};
  for (const [k, v] of ctx.query.entries()) prefill[k] = /_id$/.test(k) ? Number(v) : v;
  const s = getSession();
  // An organisation's own user creates records of its own: preselect it.
  if (s.user.scope.organization_id && !editing) {
    if (role() === 'school') prefill.school_id ??= s.user.scope.organization_id;
    if (role() === 'enterprise') prefill.enterprise_id ??= s.user.scope.organization_id;
    // an assessment body records its own assessments (the server insists)
    if (role() === 'assessor') prefill.assessor_id ??= s.user.scope.organization_id;
    const own = await ref('organization', s.user.scope.organization_id);
    // a trainee's household region comes from the ID (below), not from the school's district
    if (own && d.entity !== 'trainee') prefill.region ??= own.region;
  }
  const controls = fields.map((f) => control(d.entity, f, editing ? rec[f.name] : prefill[f.name], editing ? 'edit' : 'create'));
  // A contract's programme belongs to its school: narrow the choices.
  const school = controls.find((c) => c.f.name === 'school_id');
  const prog = controls.find((c) => c.f.name === 'programme_id');
  if (school && prog && prog.setFilter) {
    const sync = () => prog.setFilter(school.get() ? { school_id: school.get() } : null);
    school.input.addEventListener('change', sync);
    if (school.get() || (editing ? rec.school_id : prefill.school_id)) prog.setFilter({ school_id: editing ? rec.school_id : prefill.school_id });
  }
  if (d.entity === 'trainee') fillFromNatid(controls);
  if (d.entity === 'contract') contractAids(controls, editing ? rec : prefill);
  await Promise.all(controls.map((c) => c.ready).filter(Boolean));
  const title = editing ? t('form.editTitle', { what: rec.name || `#${rec.id}` }) : t(`new.${screen}`);
  const f = form(controls, async (values) => {
    let out;
    if (editing) {
      const changed = {};
      for (const c of controls) {
        if (c.f.imm) continue;
        const v = values[c.f.name];
        const old = rec[c.f.name] ?? null;
        if (v !== old && !(v === null && old === '')) changed[c.f.name] = v;
      }
      out = Object.keys(changed).length ? await patch(`/${d.kind}/${rec.id}`, changed) : rec;
    } else {
      const body = { ...(d.fixed || {}) };
      for (const [k, v] of Object.entries(values)) if (v !== null && v !== '') body[k] = v;
      out = await post(`/${d.kind}`, body);
    }
    remember(d.entity, out);
    toast(editing ? t('form.saved') : t('form.created'));
    ctx.navigate(`/${d.entity === 'contract' ? 'contracts' : screenOf(d.entity, out)}/${out.id}`, { replace: true });
  }, { submitLabel: editing ? t('form.save') : t('form.create'), cancelHref: editing ? `/${screen}/${rec.id}` : `/${screen}` });
  return {
    title,
    node: h('div', { class: 'page form-page' },
      pageHead(title, { crumbs: [[`/${screen}`, t(`nav.${screen}`)]].concat(editing ? [[`/${screen}/${rec.id}`, rec.name || `#${rec.id}`]] : []), sub: t('form.required') }),
      f.el),
  };
}
