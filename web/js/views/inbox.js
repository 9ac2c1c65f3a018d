// inbox.js - one's own notifications (消息通知, 待办): the inbox, unread
// first, each with a link to the thing it is about and "mark read"; "mark
// all read"; and the channels besides the inbox (e-mail, a webhook for SMS
// or WeChat) with their addresses.  Every account has one; the texts come
// worded by the server in the page's language.  After a change the header's
// bell is told the new unread count (the event "dt-unread").

import { get, post, put, qs } from '../api.js';
import { h } from '../dom.js';
import { dateTime, t } from '../i18n.js';
import { errorText, pageHead, toast } from './common.js';

const PAGE = 20;

function tellBell(unread) {
  window.dispatchEvent(new CustomEvent('dt-unread', { detail: unread }));
}

function prefsForm(p, ctx) {
  const err = h('div', { class: 'form-errors', role: 'alert', hidden: true });
  const email = h('input', { type: 'checkbox', id: 'np-email', name: 'email', checked: p.email });
  const emailTo = h('input', { type: 'email', id: 'np-email-to', name: 'email_to', value: p.email_to || '', autocomplete: 'email', inputmode: 'email' });
  const hook = h('input', { type: 'checkbox', id: 'np-webhook', name: 'webhook', checked: p.webhook });
  const phone = h('input', { type: 'tel', id: 'np-phone', name: 'phone', value: p.phone || '', autocomplete: 'tel', inputmode: 'tel' });
  async function save(ev) {
    ev.preventDefault();
    err.hidden = true;
    try {
      await put('/notifications/preferences', {
        email: email.checked, email_to: emailTo.value.trim() || null,
        webhook: hook.checked, phone: phone.value.trim() || null,
      });
      toast(t('notify.saved'));
      ctx.refresh();
    } catch (e) {
      err.textContent = errorText(e);
      err.hidden = false;
    }
  }
  return h('form', { class: 'notify-prefs', 'data-test': 'notify-prefs', novalidate: true, on: { submit: save } },
    h('h2', null, t('notify.channels')),
    h('p', { class: 'muted small' }, t('notify.channelsHint')),
    err,
    h('div', { class: 'field check' }, h('input', { type: 'checkbox', id: 'np-inapp', checked: true, disabled: true }), h('label', { for: 'np-inapp' }, t('notify.inapp'))),
    h('div', { class: 'field check' }, email, h('label', { for: 'np-email' }, t('notify.email'))),
    h('div', { class: 'field' }, h('label', { for: 'np-email-to' }, t('notify.emailTo')), emailTo),
    h('div', { class: 'field check' }, hook, h('label', { for: 'np-webhook' }, t('notify.webhook'))),
    h('div', { class: 'field' }, h('label', { for: 'np-phone' }, t('notify.phone')), phone),
    h('button', { type: 'submit', class: 'btn' }, t('notify.save')));
}

export async function inboxView(ctx) {
  const title = t('notify.title');
  const offset = Math.max(0, Number(ctx.query.get('offset')) || 0);
  const [box, prefs] = await Promise.all([
    get(`/notifications${qs({ limit: PAGE, offset: offset || undefined })}`),
    get('/notifications/preferences'),
  ]);
  tellBell(box.unread);
  async function markRead(n) {
    try { await post(`/notifications/${n.id}/read`); ctx.refresh(); } catch (e) { toast(errorText(e), 'error'); }
  }
  async function open(ev, n) {
    ev.preventDefault();
    if (!n.read_at) { try { await post(`/notifications/${n.id}/read`); } catch { /* still go */ } }
    ctx.navigate(n.link);
  }
  async function markAll() {
    try { const r = await post('/notifications/read-all'); toast(t('notify.allRead', { n: r.marked })); ctx.refresh(); } catch (e) { toast(errorText(e), 'error'); }
  }
  const items = box.items.map((n) => h('li', { class: n.read_at ? 'note read' : 'note unread', 'data-test': 'note', 'data-kind': n.kind },
    h('div', { class: 'note-text' },
      n.read_at ? null : h('span', { class: 'dot', 'aria-hidden': 'true' }),
      h('a', { href: n.link, on: { click: (ev) => open(ev, n) } }, n.text)),
    h('div', { class: 'note-meta muted small' },
      h('span', null, t(`notify.kind.${n.kind}`)), ' · ', h('time', { datetime: n.created_at }, dateTime(n.created_at)),
      n.read_at ? [' · ', t('notify.read')] : [' · ', h('strong', null, t('notify.unread'))]),
    n.read_at ? null : h('button', { type: 'button', class: 'btn small', 'data-test': 'mark-read', on: { click: () => markRead(n) } }, t('notify.markRead'))));
  const pages = h('nav', { class: 'pager', 'aria-label': t('notify.pages') },
    offset > 0 ? h('a', { href: `/notifications${qs({ offset: Math.max(0, offset - PAGE) || undefined })}` }, t('notify.newer')) : null,
    offset + PAGE < box.total ? h('a', { href: `/notifications${qs({ offset: offset + PAGE })}` }, t('notify.older')) : null);
  return {
    title,
    node: h('div', { class: 'page inbox' },
      pageHead(title, {
        sub: t('notify.summary', { total: box.total, unread: box.unread }),
        actions: box.unread ? [h('button', { type: 'button', class: 'btn', 'data-test': 'read-all', on: { click: markAll } }, t('notify.markAll'))] : [],
      }),
      box.items.length ? h('ul', { class: 'notes', 'aria-label': title }, items) : h('p', { class: 'empty' }, t('notify.empty')),
      pages,
      prefsForm(prefs, ctx)),
  };
}
