// The polls list: newest first, keyset paging ("More"). Writers read it (to know what
// they may embed); only editors and admins see "New poll".

import { api, currentUser } from '../api.js';
import { h, replace, when } from '../dom.js';
import { can } from '../roles.js';

/** @typedef {import('../api.js').Schemas['PollResponse']} Poll */
/** @typedef {import('../api.js').Schemas['PollState']} PollState */

/** @type {import('../app.js').View} */
export async function pollsView(main) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  const rows = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'More');
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  replace(
    main,
    h(
      'div',
      { class: 'title-row' },
      h('h1', null, 'Polls'),
      can(user, 'edit_polls') ? h('a', { class: 'button primary', href: '/admin/polls/new' }, 'New poll') : null,
    ),
    count,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'polls' },
        h('thead', null, h('tr', null, ['Title', 'State', 'Dates', 'Questions', 'Updated'].map((t) => h('th', { scope: 'col' }, t)))),
        rows,
      ),
    ),
    more,
  );

  let shown = 0;
  /** @param {string | null} cursor */
  async function load(cursor) {
    const params = new URLSearchParams({ limit: '25' });
    if (cursor) params.set('cursor', cursor);
    /** @type {import('../api.js').Schemas['PollPage']} */
    const page = (await api('GET', `/api/v1/polls?${params}`)).data;
    for (const p of page.items) {
      const state = pollState(p);
      rows.append(
        h(
          'tr',
          null,
          h('td', null, h('a', { href: `/admin/polls/${encodeURIComponent(p.id)}` }, p.title), p.intro ? h('div', { class: 'muted small poll-intro' }, p.intro) : null),
          // data-label: on a phone the rows stack, and each cell names itself.
          h('td', { 'data-label': 'State' }, h('span', { class: `badge poll-${state}` }, state)),
          h('td', { 'data-label': 'Dates' }, openWindow(p)),
          h('td', { 'data-label': 'Questions' }, String(p.questions.length)),
          h('td', { 'data-label': 'Updated' }, when(p.updated_at)),
        ),
      );
    }
    shown += page.items.length;
    replace(count, shown === 0 ? 'No polls yet.' : `${shown} poll${shown === 1 ? '' : 's'} shown.`);
    more.hidden = !page.next_cursor;
    more.onclick = () => {
      more.disabled = true;
      load(page.next_cursor ?? null).finally(() => (more.disabled = false));
    };
  }
  await load(null);
}

/**
 * Where a poll is now, by its dates as the server rules them: open from `opens_at`
 * (inclusive) until `closes_at` (exclusive). The admin API does not send the state.
 * @param {Pick<Poll, 'opens_at' | 'closes_at'>} poll
 * @returns {PollState}
 */
export function pollState(poll) {
  const now = Date.now();
  if (poll.opens_at && now < Date.parse(poll.opens_at)) return 'upcoming';
  if (poll.closes_at && now >= Date.parse(poll.closes_at)) return 'closed';
  return 'open';
}

/** @param {Poll} p */
function openWindow(p) {
  if (!p.opens_at && !p.closes_at) return 'No dates';
  if (!p.opens_at) return `Until ${when(p.closes_at)}`;
  if (!p.closes_at) return `From ${when(p.opens_at)}`;
  return `${when(p.opens_at)} – ${when(p.closes_at)}`;
}
