// imports.js - bulk import: choose what to import, download the template,
// upload a CSV or Excel (.xlsx) file; the server runs it as a job, whose progress
// is shown until it ends, then the row/column errors or the count loaded.

import { ApiError, get, language } from '../api.js';
import { h, replace } from '../dom.js';
import { currentLang, num, t } from '../i18n.js';
import { canWrite, pluralOf } from '../model.js';
import { errorText, pageHead } from './common.js';

// What may be imported, in menu order; offered when the user may write it.
const KINDS = ['organization', 'programme', 'partnership', 'demand', 'place', 'trainee', 'contract', 'record_entry', 'assessment', 'outcome'];
// An Excel workbook is sent as such: the server knows it by its content (a ZIP package).
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function csrfHeader() {
  try { return localStorage.getItem('dt.csrf') || ''; } catch { return ''; }
}

async function poll(id, onTick) {
  for (;;) {
    const job = await get(`/jobs/${id}`);
    onTick(job);
    if (!['queued', 'running'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 300));
  }
}

export async function importView() {
  const title = t('nav.import');
  const kinds = KINDS.filter(canWrite).map(pluralOf);
  const kindSel = h('select', { id: 'imp-kind', name: 'kind' }, kinds.map((k) => h('option', { value: k }, t(`import.kind.${k}`))));
  const file = h('input', { id: 'imp-file', name: 'file', type: 'file', accept: `.csv,.xlsx,text/csv,${XLSX_TYPE}`, required: true });
  const partial = h('input', { id: 'imp-partial', name: 'partial', type: 'checkbox' });
  const templates = h('p', { class: 'exports' });
  const fillTemplates = () => {
    // the template's header and example in the interface's language (either is read back)
    const lang = currentLang() === 'en' ? '?lang=en' : '';
    replace(templates, `${t('import.template')}: `,
      h('a', { href: `/api/v1/templates/${kindSel.value}.csv${lang}`, download: '' }, 'CSV'), ' · ',
      h('a', { href: `/api/v1/templates/${kindSel.value}.xlsx${lang}`, download: '' }, 'Excel'));
  };
  kindSel.addEventListener('change', fillTemplates);
  fillTemplates();
  const out = h('div', { 'aria-live': 'polite' });
  const bar = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': t('import.progress') });
  const button = h('button', { type: 'submit', class: 'btn primary' }, t('import.start'));
  const formEl = h('form', {
    class: 'form',
    on: {
      submit: async (ev) => {
        ev.preventDefault();
        replace(out);
        if (!file.files.length) { replace(out, h('p', { class: 'field-error' }, t('import.noFile'))); file.focus(); return; }
        const f = file.files[0];
        button.disabled = true;
        bar.hidden = false;
        bar.value = 0;
        try {
          const res = await fetch(`/api/v1/imports?kind=${encodeURIComponent(kindSel.value)}&name=${encodeURIComponent(f.name)}${partial.checked ? '&partial=1' : ''}`, {
            method: 'POST', credentials: 'same-origin', body: f,
            headers: { 'content-type': /\.xlsx$/i.test(f.name) ? XLSX_TYPE : 'text/csv', 'x-csrf-token': csrfHeader(), accept: 'application/json', 'accept-language': language() },
          });
          const body = await res.json().catch(() => null);
          if (!res.ok) throw new ApiError(res.status, body);
          const job = await poll(body.id, (j) => {
            const p = j.progress || {};
            if (p.total) bar.value = Math.round((100 * p.done) / p.total);
          });
          bar.value = 100;
          const counts = job.counts || {};
          const errs = counts.first_errors || [];
          const okJob = job.status === 'succeeded' && !counts.errors;
          const zh = currentLang() === 'zh';
          replace(out,
            h('p', { class: `notice ${okJob ? 'ok' : 'error'}`, role: 'status' },
              job.status === 'succeeded'
                ? t(counts.errors ? 'import.partial' : 'import.ok', { n: num(counts.written ?? 0), rows: num(counts.rows ?? 0), errors: num(counts.errors ?? 0) })
                : t('import.failed', { n: num(counts.errors ?? 0), why: job.error || '' })),
            job.report ? h('p', null, h('a', { href: job.report, download: '' }, t('import.report'))) : null,
            errs.length ? h('div', { class: 'table-wrap' }, h('table', null, h('caption', null, t('import.errors')),
              h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('import.row')), h('th', { scope: 'col' }, t('import.column')), h('th', { scope: 'col' }, t('import.value')), h('th', { scope: 'col' }, t('import.message')))),
              h('tbody', null, errs.map((e) => h('tr', null, h('td', { class: 'num' }, String(e.row ?? '')), h('td', null, e.column || e.field || ''), h('td', null, e.value || ''), h('td', null, (zh ? e.message_zh : e.message_en) || e.reason || '')))))) : null);
        } catch (e) {
          replace(out, h('p', { class: 'notice error', role: 'alert' }, errorText(e)));
        } finally {
          button.disabled = false;
        }
      },
    },
  },
  h('div', { class: 'fields' },
    h('div', { class: 'field' }, h('label', { for: 'imp-kind' }, t('import.what')), kindSel),
    h('div', { class: 'field' }, h('label', { for: 'imp-file' }, t('import.file')), h('p', { class: 'hint' }, t('xlsx.fileHint')), file),
    h('div', { class: 'field check' }, h('label', { for: 'imp-partial' }, partial, ' ', t('import.partialLabel')))),
  templates,
  h('div', { class: 'form-actions' }, button),
  bar, out);
  return { title, node: h('div', { class: 'page' }, pageHead(title, { sub: t('about.import') }), h('section', { class: 'panel' }, formEl)) };
}
