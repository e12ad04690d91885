// The article list: filters (status, section, author, tag, words, trash) kept in the
// address so a filtered list can be bookmarked and shared; keyset paging ("More"). On a
// phone its rows stack as cards (app.css, table.stack), each cell named by data-label.

import { all, currentUser } from '../api.js';
import { badge, field, h, replace } from '../dom.js';
import { when } from '../dates.js';
import { apiPages, filterSelect, filters, pager } from '../lists.js';
import { notAllowed } from '../problems.js';
import { can, knowOwnAuthors } from '../roles.js';
import { sectionTree } from './sections.js';

/** @typedef {import('../api.js').Schemas['SectionResponse']} Section */

const STATUSES = ['draft', 'in_review', 'scheduled', 'published', 'archived'];
const HEADINGS = ['Headline', 'Status', 'Section', 'Authors', 'Updated'];

/** @type {import('../app.js').View} */
export async function articlesView(main, _params, query) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  if (!can(user, 'edit_articles')) return notAllowed(main, 'Articles', 'Articles are for the newsroom: admins, editors and writers.');
  const [sections, people, bylineAuthors] = await Promise.all([
    all('/api/v1/sections'),
    authors(user),
    /** @type {Promise<Array<import('../api.js').Schemas['AuthorResponse']>>} */ (all('/api/v1/authors')),
  ]);
  knowOwnAuthors(user, bylineAuthors);
  /** @type {Map<string, string>} */
  const sectionNames = new Map(sections.map((/** @type {Section} */ s) => [s.id, s.name]));
  // Bylines name authors; a newsroom account's id names its author, so accounts
  // without one yet are named (and filtered by) their own id.
  const linked = new Set(bylineAuthors.flatMap((a) => [a.id, a.user_id ?? '']));
  const unbylined = people.filter((p) => !linked.has(p.id));
  /** @type {Map<string, string>} */
  const peopleNames = new Map([
    ...people.map((p) => /** @type {[string, string]} */ ([p.id, p.display_name])),
    ...bylineAuthors.map((a) => /** @type {[string, string]} */ ([a.id, a.name])),
  ]);

  const filter = filters('Filter articles', '/admin/articles', query, [
    filterSelect('Status', 'status', [['', 'Any status'], ...STATUSES.map((s) => /** @type {[string, string]} */ ([s, s.replace('_', ' ')]))], query),
    filterSelect('Section', 'section', [['', 'Any section'], ...sectionTree(sections)], query),
    filterSelect('Author', 'author', [
      ['', 'Anyone'],
      ...bylineAuthors.map((a) => /** @type {[string, string]} */ ([a.id, a.name])),
      ...unbylined.map((p) => /** @type {[string, string]} */ ([p.id, `${p.display_name} (account)`])),
    ], query),
    field('Tag', h('input', { type: 'search', name: 'tag', value: query.get('tag') ?? '' })),
    field('Words', h('input', { type: 'search', name: 'q', value: query.get('q') ?? '' })),
    h('div', { class: 'field check' }, h('label', null, h('input', { type: 'checkbox', name: 'trashed', value: 'true', checked: query.get('trashed') === 'true' }), ' Trash')),
  ]);

  const rows = h('tbody');
  const list = pager(
    /** @type {import('../lists.js').PageOf<import('../api.js').Schemas['ArticlePage']>} */ (apiPages('/api/v1/articles', () => filter.current)),
    (items) => {
      for (const a of items) {
        rows.append(
          h(
            'tr',
            null,
            // The headline has no data-label: on a phone it heads the card.
            h('td', null, h('a', { href: `/admin/articles/${encodeURIComponent(a.id)}` }, a.headline), h('div', { class: 'muted small' }, a.slug)),
            h('td', { 'data-label': HEADINGS[1] }, h('span', null, badge(a.status, a.status.replace('_', ' ')))),
            h('td', { 'data-label': HEADINGS[2] }, sectionNames.get(a.section_id) ?? ''),
            h('td', { 'data-label': HEADINGS[3] }, a.author_ids.map((id) => peopleNames.get(id) ?? 'someone').join(', ')),
            h('td', { 'data-label': HEADINGS[4] }, when(a.updated_at)),
          ),
        );
      }
    },
    { one: 'article', none: 'No articles match.' },
  );
  replace(
    main,
    h('div', { class: 'title-row' }, h('h1', null, 'Articles'), h('a', { class: 'button primary', href: '/admin/articles/new' }, 'New article')),
    filter.form,
    list.count,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'stack' },
        h('thead', null, h('tr', null, HEADINGS.map((t) => h('th', { scope: 'col' }, t)))),
        rows,
      ),
    ),
    list.more,
  );
  await list.load(null);
}

/**
 * The newsroom's people, for bylines and the author filter.
 * @param {import('../api.js').User} _user
 * @returns {Promise<Array<import('../api.js').Schemas['Person']>>}
 */
export async function authors(_user) {
  return all('/api/v1/people');
}
