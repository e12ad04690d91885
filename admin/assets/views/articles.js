// The article list: filters (status, section, author, tag, words, trash) kept in the
// address so a filtered list can be bookmarked and shared; keyset paging ("More").

import { all, api, currentUser } from '../api.js';
import { field, h, replace, when } from '../dom.js';
import { navigate } from '../app.js';

/** @typedef {import('../api.js').Schemas['ArticleResponse']} Article */
/** @typedef {import('../api.js').Schemas['SectionResponse']} Section */

const STATUSES = ['draft', 'in_review', 'scheduled', 'published', 'archived'];
const FILTERS = ['status', 'section', 'author', 'tag', 'q', 'trashed'];

/** @type {import('../app.js').View} */
export async function articlesView(main, _params, query) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  const [sections, people] = await Promise.all([all('/api/v1/sections'), authors(user)]);
  /** @type {Map<string, string>} */
  const sectionNames = new Map(sections.map((/** @type {Section} */ s) => [s.id, s.name]));
  /** @type {Map<string, string>} */
  const peopleNames = new Map(people.map((p) => [p.id, p.display_name]));

  const status = select('status', [['', 'Any status'], ...STATUSES.map((s) => [s, s.replace('_', ' ')])], query);
  const section = select('section', [['', 'Any section'], ...sectionTree(sections)], query);
  const author = select('author', [['', 'Anyone'], ...people.map((p) => [p.id, p.display_name])], query);
  const tag = h('input', { type: 'search', name: 'tag', value: query.get('tag') ?? '' });
  const q = h('input', { type: 'search', name: 'q', value: query.get('q') ?? '' });
  const trashed = h('input', { type: 'checkbox', name: 'trashed', checked: query.get('trashed') === 'true' });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter articles' },
    field('Status', status),
    field('Section', section),
    field('Author', author),
    field('Tag', tag),
    field('Words', q),
    h('div', { class: 'field check' }, h('label', null, trashed, ' Trash')),
    h('div', { class: 'field' }, h('button', { type: 'submit' }, 'Filter')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [name, el] of /** @type {Array<[string, HTMLInputElement | HTMLSelectElement]>} */ ([
      ['status', status],
      ['section', section],
      ['author', author],
      ['tag', tag],
      ['q', q],
    ])) {
      if (el.value.trim()) next.set(name, el.value.trim());
    }
    if (trashed.checked) next.set('trashed', 'true');
    navigate(`/admin/articles${next.size ? `?${next}` : ''}`);
  });

  const rows = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'More');
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  replace(
    main,
    h('div', { class: 'title-row' }, h('h1', null, 'Articles'), h('a', { class: 'button primary', href: '/admin/articles/new' }, 'New article')),
    form,
    count,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        h('thead', null, h('tr', null, ['Headline', 'Status', 'Section', 'Authors', 'Updated'].map((t) => h('th', { scope: 'col' }, t)))),
        rows,
      ),
    ),
    more,
  );

  const api_query = new URLSearchParams();
  for (const name of FILTERS) {
    const v = query.get(name);
    if (v) api_query.set(name, v);
  }
  let shown = 0;
  /** @param {string | null} cursor */
  async function load(cursor) {
    const params = new URLSearchParams(api_query);
    params.set('limit', '25');
    if (cursor) params.set('cursor', cursor);
    const page = (await api('GET', `/api/v1/articles?${params}`)).data;
    for (const /** @type {Article} */ a of page.items) {
      rows.append(
        h(
          'tr',
          null,
          h('td', null, h('a', { href: `/admin/articles/${encodeURIComponent(a.id)}` }, a.headline), h('div', { class: 'muted small' }, a.slug)),
          h('td', null, h('span', { class: `badge ${a.status}` }, a.status.replace('_', ' '))),
          h('td', null, sectionNames.get(a.section_id) ?? ''),
          h('td', null, a.author_ids.map((/** @type {string} */ id) => peopleNames.get(id) ?? 'someone').join(', ')),
          h('td', null, when(a.updated_at)),
        ),
      );
    }
    shown += page.items.length;
    replace(count, shown === 0 ? 'No articles match.' : `${shown} article${shown === 1 ? '' : 's'} shown.`);
    more.hidden = !page.next_cursor;
    more.onclick = () => load(page.next_cursor);
  }
  await load(null);
}

/**
 * @param {string} name
 * @param {Array<[string, string] | string[]>} options
 * @param {URLSearchParams} query
 */
function select(name, options, query) {
  const current = query.get(name) ?? '';
  return h(
    'select',
    { name },
    options.map(([value, label]) => h('option', { value, selected: value === current }, label)),
  );
}

/**
 * Sections as a tree, indented by depth.
 * @param {Section[]} sections
 * @returns {Array<[string, string]>}
 */
export function sectionTree(sections) {
  /** @type {Array<[string, string]>} */
  const out = [];
  /** @param {string | null} parent @param {number} depth */
  const walk = (parent, depth) => {
    for (const s of sections.filter((x) => (x.parent_id ?? null) === parent).sort((a, b) => a.position - b.position)) {
      out.push([s.id, `${'\u2003'.repeat(depth)}${s.name}`]);
      if (depth < 20) walk(s.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}

/**
 * The newsroom's people, for bylines and the author filter.
 * @param {import('../api.js').User} _user
 * @returns {Promise<Array<import('../api.js').Schemas['Person']>>}
 */
export async function authors(_user) {
  return all('/api/v1/people');
}
