// The polls list: newest first, keyset paging ("More"). Writers read it (to know what
// they may embed); only editors and admins see "New poll".

import { currentUser } from '../api.js';
import { badge, h, replace } from '../dom.js';
import { pollState, when, windowText } from '../dates.js';
import { apiPages, pager } from '../lists.js';
import { notAllowed } from '../problems.js';
import { can } from '../roles.js';

/** @type {import('../app.js').View} */
export async function pollsView(main) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  if (!can(user, 'read_polls')) return notAllowed(main, 'Polls', 'Polls are for the newsroom: admins, editors and writers.');
  const rows = h('tbody');
  const list = pager(
    /** @type {import('../lists.js').PageOf<import('../api.js').Schemas['PollPage']>} */ (apiPages('/api/v1/polls')),
    (items) => {
      for (const p of items) {
        rows.append(
          h(
            'tr',
            null,
            h('td', null, h('a', { href: `/admin/polls/${encodeURIComponent(p.id)}` }, p.title), p.intro ? h('div', { class: 'muted small poll-intro' }, p.intro) : null),
            // data-label: on a phone the rows stack, and each cell names itself.
            h('td', { 'data-label': 'State' }, badge(pollState(p))),
            h('td', { 'data-label': 'Dates' }, windowText(p.opens_at, p.closes_at, 'No dates')),
            h('td', { 'data-label': 'Questions' }, String(p.questions.length)),
            h('td', { 'data-label': 'Updated' }, when(p.updated_at)),
          ),
        );
      }
    },
    { one: 'poll', none: 'No polls yet.' },
  );
  replace(
    main,
    h(
      'div',
      { class: 'title-row' },
      h('h1', null, 'Polls'),
      can(user, 'edit_polls') ? h('a', { class: 'button primary', href: '/admin/polls/new' }, 'New poll') : null,
    ),
    list.count,
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
    list.more,
  );
  await list.load(null);
}
