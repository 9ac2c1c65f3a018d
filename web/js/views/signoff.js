// signoff.js - the 待签核 screen: every record-book entry waiting for the
// signed-in mentor's (or organisation's) sign-off, across trainees, with the
// trainee's name, date, hours and content; select all or many and sign them
// in one action (POST /record-entries/signoff: all or nothing).  A list of
// rows with a checkbox each, so that it reads on a 390 px phone.

import { get, post, qs } from '../api.js';
import { h } from '../dom.js';
import { date, num, t } from '../i18n.js';
import { errorText, pageHead, toast } from './common.js';

const PAGE = 200;

export async function signoffView(ctx) {
  const offset = Math.max(0, Number(ctx.query.get('offset') || 0));
  const page = await get(`/record-entries/waiting${qs({ limit: PAGE, offset })}`);
  const title = t('mentor.signoffTitle');
  const boxes = [];
  const count = h('span', { 'data-test': 'selected-count' }, t('mentor.selected', { n: 0 }));
  const signBtn = h('button', { type: 'button', class: 'btn primary', disabled: true, 'data-test': 'sign-selected' }, t('mentor.signSelected'));
  const all = h('input', { type: 'checkbox', id: 'so-all', 'data-test': 'select-all' });
  const update = () => {
    const n = boxes.filter((b) => b.checked).length;
    count.textContent = t('mentor.selected', { n });
    signBtn.disabled = n === 0;
    all.checked = n > 0 && n === boxes.length;
    all.indeterminate = n > 0 && n < boxes.length;
  };
  all.addEventListener('change', () => { for (const b of boxes) b.checked = all.checked; update(); });
  signBtn.addEventListener('click', async () => {
    const ids = boxes.filter((b) => b.checked).map((b) => Number(b.value));
    signBtn.disabled = true;
    try {
      const r = await post('/record-entries/signoff', { ids });
      toast(t('mentor.signedN', { n: r.signed, by: r.signed_by }));
      ctx.refresh();
    } catch (e) {
      toast(errorText(e), 'error');
      update();
    }
  });
  const rows = page.items.map((e) => {
    const box = h('input', { type: 'checkbox', value: String(e.id), id: `so-${e.id}`, 'data-test': 'entry-box', on: { change: update } });
    boxes.push(box);
    return h('li', { class: 'signoff-row' },
      box,
      h('label', { for: `so-${e.id}` },
        h('span', { class: 'so-who' }, e.trainee_name || '—'),
        h('span', { class: 'so-meta muted' }, `${date(e.date)} · ${t(`enum.site.${e.site}`)} · ${num(e.hours)} h · `,
          h('a', { href: `/contracts/${e.contract_id}/record-book` }, t('contract.title', { id: e.contract_id }))),
        h('span', { class: 'so-content' }, e.content)));
  });
  const more = page.total > offset + page.items.length
    ? h('p', null, h('a', { href: `/signoff?offset=${offset + PAGE}` }, t('mentor.more', { n: page.total - offset - page.items.length })))
    : null;
  return {
    title,
    node: h('div', { class: 'page signoff' },
      pageHead(title, { sub: t('mentor.waitingTotal', { n: page.total }) }),
      page.items.length
        ? [h('div', { class: 'signoff-bar' }, h('label', { for: 'so-all', class: 'so-all' }, all, t('mentor.selectAll')), count, signBtn),
          h('ul', { class: 'signoff-list', 'data-test': 'waiting' }, rows), more]
        : h('p', { class: 'empty' }, t('work.nothing'))),
  };
}
