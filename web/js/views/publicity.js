// publicity.js - promotion and publicity (推广宣传, issue 15), signed in:
// good-practice cases (典型经验) - the list, one case with its rendered text,
// frozen indicators, photos, history and the review steps one may take (with
// a comment), the editor with a preview rendered by the server's own safe
// Markdown renderer - and news and notices (动态与公告) and policy documents
// (政策文件) written and published by officials.  The server decides who may
// do what; the buttons follow the steps it says one may take ("may").

import { get, patch, post, qs } from '../api.js';
import { h } from '../dom.js';
import { currentLang, dateTime, t } from '../i18n.js';
import { can, role } from '../model.js';
import { errorText, pageHead, pager, regionName, table, toast } from './common.js';
import { actionButton, evidencePicker, fieldOf, fileList } from './findings.js';

const CASE_STATUSES = ['draft', 'submitted', 'recommended', 'approved', 'published', 'withdrawn'];
const STEPS = ['submit', 'recommend', 'approve', 'publish', 'feature', 'unfeature', 'send_back', 'withdraw'];

/** The server's safe HTML (core/markdown.c) as nodes: parsed, never run. */
function rendered(html) {
  const doc = new DOMParser().parseFromString(`<div>${html || ''}</div>`, 'text/html');
  const box = h('div', { class: 'md', 'data-test': 'md' });
  for (const n of [...doc.body.firstChild.childNodes]) box.appendChild(document.importNode(n, true));
  return box;
}

function statusBadge(s) {
  return h('span', { class: `badge pub-${s}`, 'data-status': s }, t(`pub.st.${s}`));
}

function mayWrite() {
  return can('publicity') && ['school', 'enterprise', 'city'].includes(role());
}

function official() {
  return can('publicity') && ['national', 'province', 'city'].includes(role());
}

// ---- cases ----

export async function casesView(ctx) {
  const q = ctx.query;
  const title = t('pub.cases');
  const status = q.get('status') || '';
  const offset = Number(q.get('offset') || 0);
  const page = await get(`/cases${qs({ status: status || undefined, region: q.get('region') || undefined, limit: 20, offset: offset || undefined })}`);
  const filters = h('form', {
    class: 'filters', role: 'search', 'aria-label': t('pub.filter'),
    on: { submit: (ev) => { ev.preventDefault(); const s = new FormData(ev.target).get('status'); ctx.navigate(`/cases${qs({ status: s || undefined })}`); } },
  },
  h('div', { class: 'field inline' }, h('label', { for: 'pc-status' }, t('pub.status')),
    h('select', { id: 'pc-status', name: 'status' }, h('option', { value: '' }, t('common.all')),
      CASE_STATUSES.map((s) => h('option', { value: s, selected: s === status }, t(`pub.st.${s}`))))),
  h('button', { type: 'submit', class: 'btn' }, t('list.apply')));
  const next = offset + page.items.length < page.total ? String(offset + 20) : null;
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title, { sub: t('pub.aboutCases'), actions: mayWrite() ? [h('a', { class: 'btn primary', href: '/cases/new', 'data-test': 'new-case' }, t('pub.newCase'))] : [] }),
      filters,
      table(title, [
        { label: t('pub.title'), render: (c) => [c.featured ? h('span', { class: 'featured', title: t('pub.featured') }, '★ ') : null, h('a', { href: `/cases/${c.id}` }, c.title)] },
        { label: t('pub.region'), render: (c) => c.region_name || regionName(c.region) },
        { label: t('pub.author'), render: (c) => c.org_name || t('pub.cityOwn') },
        { label: t('pub.status'), render: (c) => statusBadge(c.status) },
        { label: t('pub.updated'), render: (c) => dateTime(c.published_at || c.updated_at) },
      ], page.items, { empty: t('pub.none') }),
      next ? h('p', null, h('a', { class: 'btn', href: `/cases${qs({ status: status || undefined, offset: next })}` }, t('pub.more'))) : null),
  };
}

function frozenTable(fz) {
  if (!fz || !fz.indicators || !fz.indicators.length) return null;
  return h('section', { class: 'frozen' },
    h('h2', null, t('pub.frozen', { year: fz.year })),
    table(t('pub.frozen', { year: fz.year }), [
      { label: t('pub.indicator'), render: (x) => (currentLang() === 'en' ? x.name_en : x.name_zh) || x.code },
      { label: t('pub.value'), num: true, render: (x) => (x.value === null || x.value === undefined ? '—' : `${Math.round(x.value * 10) / 10}${x.unit === 'percent' ? '%' : ''}`) },
    ], fz.indicators));
}

export async function caseView(ctx) {
  const c = await get(`/cases/${ctx.params.id}`);
  const comment = h('textarea', { id: 'pc-comment', rows: 3, 'data-test': 'comment' });
  async function act(step) {
    try {
      const body = comment.value.trim() ? { comment: comment.value.trim() } : {};
      if (step === 'comment') await post(`/cases/${c.id}/comments`, body);
      else await post(`/cases/${c.id}/${step.replace('_', '-')}`, body);
      toast(t(`pub.done.${step}`));
      ctx.refresh();
    } catch (e) { toast(errorText(e), 'error'); }
  }
  const steps = STEPS.filter((s) => c.may.includes(s));
  const history = h('ol', { class: 'history' }, c.history.map((x) => h('li', null,
    h('span', { class: 'muted small' }, `${dateTime(x.at)} · ${x.author} · `), t(`pub.step.${x.step}`),
    x.comment ? h('q', null, x.comment) : null)));
  return {
    title: c.title,
    node: h('div', { class: 'page case' },
      pageHead(c.title, {
        crumbs: [['/cases', t('pub.cases')]],
        sub: [c.region_name || regionName(c.region), ' · ', c.org_name || t('pub.cityOwn'), ' · ', t('pub.version', { n: c.version })].join(''),
        actions: [c.may.includes('edit') ? h('a', { class: 'btn', href: `/cases/${c.id}/edit`, 'data-test': 'edit' }, t('pub.edit')) : null],
      }),
      h('p', null, statusBadge(c.status), c.featured ? h('span', { class: 'featured' }, ` ★ ${t('pub.featured')}`) : null),
      h('p', { class: 'summary' }, c.summary),
      rendered(c.html),
      frozenTable(c.frozen),
      c.images && c.images.length ? h('section', null, h('h2', null, t('pub.images')), fileList(c.images.map((x) => ({ ...x, mime: 'image/' })))) : null,
      c.may.length ? h('section', { class: 'review', 'aria-label': t('pub.review') },
        h('h2', null, t('pub.review')),
        fieldOf(t('pub.comment'), comment).wrap,
        h('div', { class: 'actions' },
          steps.map((s) => h('button', { type: 'button', class: `btn ${s === 'send_back' || s === 'withdraw' ? 'danger' : 'primary'}`, 'data-step': s, on: { click: () => act(s) } }, t(`pub.step.${s}`))),
          c.may.includes('comment') ? h('button', { type: 'button', class: 'btn', 'data-step': 'comment', on: { click: () => act('comment') } }, t('pub.step.comment')) : null)) : null,
      h('section', null, h('h2', null, t('pub.history')), c.history.length ? history : h('p', { class: 'muted' }, t('pub.noHistory')))),
  };
}

/** The Markdown editor with the server's preview: { wrap, input }. */
function markdownField(value) {
  const input = h('textarea', { id: 'pe-body', rows: 14, 'data-test': 'body' }, value || '');
  input.value = value || '';
  const preview = h('div', { class: 'preview', 'aria-live': 'polite', 'data-test': 'preview' });
  const btn = h('button', {
    type: 'button', class: 'btn', 'data-test': 'preview-btn',
    on: { click: async () => { try { const r = await post('/publicity/preview', { body: input.value }); preview.replaceChildren(rendered(r.html)); } catch (e) { toast(errorText(e), 'error'); } } },
  }, t('pub.preview'));
  const f = fieldOf(t('pub.body'), input, t('pub.bodyHint'));
  f.wrap.classList.add('wide');
  f.wrap.append(btn, preview);
  return { wrap: f.wrap, input };
}

async function caseEditor(ctx, c) {
  const title = h('input', { id: 'pe-title', value: c ? c.title : '', required: true, maxlength: 200, 'data-test': 'title' });
  const summary = h('textarea', { id: 'pe-summary', rows: 3, 'data-test': 'summary' }, c ? c.summary : '');
  const occ = h('input', { id: 'pe-occ', value: c ? (c.occupations || []).join(', ') : '' });
  const industry = h('input', { id: 'pe-ind', value: c ? c.industry || '' : '' });
  const inds = h('input', { id: 'pe-inds', value: c ? (c.indicators || []).join(', ') : 'dual_ratio, pass_rate' });
  const body = markdownField(c ? c.body : '');
  // a photo goes into the text where the cursor stands, as Markdown the server renders
  // only from the attachment store (core/markdown.c)
  const insert = {
    label: t('pub.insertImage'),
    run: (f) => {
      const el = body.input;
      const md = `![${f.name.replace(/[[\]]/g, '')}](/api/v1/attachments/${f.hash})`;
      const at = el.selectionStart ?? el.value.length;
      const end = el.selectionEnd ?? at;
      const before = at > 0 && el.value[at - 1] !== '\n' ? '\n\n' : '';
      el.setRangeText(`${before}${md}\n\n`, at, end, 'end');
      el.focus();
    },
  };
  const photos = evidencePicker(t('pub.images'), insert);
  const kept = c && c.images.length
    ? h('ul', { class: 'files', 'data-test': 'kept-images' }, ...c.images.map((f) => h('li', null, f.name || f.hash.slice(0, 12), ' ', actionButton(insert, f))))
    : null;
  const list = (s) => s.split(/[,，\s]+/).filter(Boolean);
  const err = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const formEl = h('form', {
    class: 'form',
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        if (photos.busy()) return;
        const images = [...(c ? c.images : []), ...photos.hashes()];
        const data = { title: title.value, summary: summary.value, body: body.input.value, occupations: list(occ.value), indicators: list(inds.value), industry: industry.value || null, images };
        try {
          const r = c ? await patch(`/cases/${c.id}`, data) : await post('/cases', data);
          toast(t('pub.saved'));
          ctx.navigate(`/cases/${r.id}`);
        } catch (e) { replaceText(err, errorText(e)); }
      },
    },
  },
  fieldOf(t('pub.title'), title).wrap, fieldOf(t('pub.summary'), summary).wrap, body.wrap, photos.wrap, kept,
  h('p', { class: 'hint' }, t('pub.imageHint')),
  fieldOf(t('pub.occupations'), occ, t('pub.codesHint')).wrap, fieldOf(t('pub.industry'), industry).wrap,
  fieldOf(t('pub.indicators'), inds, t('pub.codesHint')).wrap, err,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', 'data-test': 'save' }, t('pub.save')),
    h('a', { class: 'btn', href: c ? `/cases/${c.id}` : '/cases' }, t('form.cancel'))));
  const head = c ? t('pub.editCase') : t('pub.newCase');
  return { title: head, node: h('div', { class: 'page' }, pageHead(head, { crumbs: [['/cases', t('pub.cases')]] }), formEl) };
}

function replaceText(el, text) {
  el.textContent = text;
  el.hidden = false;
}

export async function caseNewView(ctx) {
  return caseEditor(ctx, null);
}

export async function caseEditView(ctx) {
  return caseEditor(ctx, await get(`/cases/${ctx.params.id}`));
}

// ---- news, notices, policy documents ----

function base(ctx) {
  return ctx.path.startsWith('/policies') ? '/policies' : '/news';
}

export async function itemsView(ctx) {
  const b = base(ctx);
  const q = ctx.query;
  const title = t(b === '/policies' ? 'pub.policies' : 'pub.news');
  const offset = Number(q.get('offset') || 0);
  const page = await get(`${b}${qs({ limit: 20, offset: offset || undefined, kind: q.get('kind') || undefined })}`);
  const next = offset + page.items.length < page.total ? String(offset + 20) : null;
  return {
    title,
    node: h('div', { class: 'page' },
      pageHead(title, { sub: t(b === '/policies' ? 'pub.aboutPolicies' : 'pub.aboutNews'), actions: official() ? [h('a', { class: 'btn primary', href: `${b}/new`, 'data-test': 'new-item' }, t('pub.newItem'))] : [] }),
      table(title, [
        { label: t('pub.title'), render: (x) => h('a', { href: `${b}/${x.id}` }, x.title) },
        { label: t('pub.kind'), render: (x) => t(`pub.kind.${x.kind}`) },
        { label: t('pub.region'), render: (x) => x.region_name || (x.region ? regionName(x.region) : t('pub.nation')) },
        { label: t('pub.status'), render: (x) => statusBadge(x.status) },
        { label: t('pub.updated'), render: (x) => dateTime(x.published_at || x.updated_at) },
      ], page.items, { empty: t('pub.none') }),
      next ? h('p', null, h('a', { class: 'btn', href: `${b}${qs({ offset: next })}` }, t('pub.more'))) : null),
  };
}

export async function itemView(ctx) {
  const b = base(ctx);
  const x = await get(`${b}/${ctx.params.id}`);
  async function act(step) {
    try { await post(`${b}/${x.id}/${step}`); toast(t(`pub.done.${step}`)); ctx.refresh(); } catch (e) { toast(errorText(e), 'error'); }
  }
  return {
    title: x.title,
    node: h('div', { class: 'page item' },
      pageHead(x.title, {
        crumbs: [[b, t(b === '/policies' ? 'pub.policies' : 'pub.news')]],
        sub: [t(`pub.kind.${x.kind}`), x.doc_no, x.region_name || t('pub.nation')].filter(Boolean).join(' · '),
        actions: [
          x.may.includes('edit') ? h('a', { class: 'btn', href: `${b}/${x.id}/edit`, 'data-test': 'edit' }, t('pub.edit')) : null,
          x.may.includes('publish') ? h('button', { type: 'button', class: 'btn primary', 'data-step': 'publish', on: { click: () => act('publish') } }, t('pub.step.publish')) : null,
          x.may.includes('withdraw') ? h('button', { type: 'button', class: 'btn danger', 'data-step': 'withdraw', on: { click: () => act('withdraw') } }, t('pub.step.withdraw')) : null,
        ],
      }),
      h('p', null, statusBadge(x.status), ' ', h('span', { class: 'muted small' }, dateTime(x.published_at || x.updated_at))),
      x.summary ? h('p', { class: 'summary' }, x.summary) : null,
      rendered(x.html),
      x.attachments.length ? h('section', null, h('h2', null, t('pub.attachments')), fileList(x.attachments)) : null),
  };
}

async function itemEditor(ctx, x) {
  const b = base(ctx);
  const title = h('input', { id: 'pi-title', value: x ? x.title : '', required: true, maxlength: 200, 'data-test': 'title' });
  const kind = h('select', { id: 'pi-kind', disabled: !!x || b === '/policies' },
    (b === '/policies' ? ['policy'] : ['news', 'notice']).map((k) => h('option', { value: k, selected: x && x.kind === k }, t(`pub.kind.${k}`))));
  const docNo = h('input', { id: 'pi-doc', value: x ? x.doc_no || '' : '' });
  const summary = h('textarea', { id: 'pi-summary', rows: 2 }, x ? x.summary || '' : '');
  const body = markdownField(x ? x.body : '');
  const files = evidencePicker(t('pub.attachments'));
  const err = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const formEl = h('form', {
    class: 'form',
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        if (files.busy()) return;
        const data = { title: title.value, summary: summary.value || null, body: body.input.value, attachments: [...(x ? x.attachments : []), ...files.hashes()].map((f) => ({ hash: f.hash, name: f.name })) };
        if (b === '/policies') data.doc_no = docNo.value || null;
        try {
          const r = x ? await patch(`${b}/${x.id}`, data) : await post(b, { ...data, kind: kind.value });
          toast(t('pub.saved'));
          ctx.navigate(`${b}/${r.id}`);
        } catch (e) { replaceText(err, errorText(e)); }
      },
    },
  },
  fieldOf(t('pub.kind'), kind).wrap, fieldOf(t('pub.title'), title).wrap,
  b === '/policies' ? fieldOf(t('pub.docNo'), docNo).wrap : null,
  fieldOf(t('pub.summary'), summary).wrap, body.wrap, files.wrap, err,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn primary', 'data-test': 'save' }, t('pub.save')),
    h('a', { class: 'btn', href: x ? `${b}/${x.id}` : b }, t('form.cancel'))));
  const head = x ? t('pub.edit') : t('pub.newItem');
  return { title: head, node: h('div', { class: 'page' }, pageHead(head, { crumbs: [[b, t(b === '/policies' ? 'pub.policies' : 'pub.news')]] }), formEl) };
}

export async function itemNewView(ctx) {
  return itemEditor(ctx, null);
}

export async function itemEditView(ctx) {
  return itemEditor(ctx, await get(`${base(ctx)}/${ctx.params.id}`));
}
