// Home: my drafts, the review queue, what is scheduled and what went live lately.

import { api, currentUser } from '../api.js';
import { h, replace } from '../dom.js';
import { when } from '../dates.js';
import { messageOf } from '../problems.js';
import { can } from '../roles.js';
import { commercialHome } from './commercial-home.js';

/** @typedef {import('../api.js').Schemas['ArticleResponse']} Article */
/** @typedef {import('../api.js').Schemas['PublicArticleSummary']} PublicSummary */

/** @type {import('../app.js').View} */
export async function homeView(main) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  replace(main, h('h1', null, 'Home'), h('p', { class: 'lead' }, `Signed in as ${user.display_name}.`));
  if (!can(user, 'edit_articles')) {
    await commercialHome(main, user);
    return;
  }
  const lists = [
    { title: 'My drafts', query: `status=draft&author=${encodeURIComponent(user.id)}`, empty: 'No drafts.' },
    { title: 'Review queue', query: 'status=in_review', empty: 'Nothing is waiting for review.' },
    { title: 'Scheduled', query: 'status=scheduled', empty: 'Nothing is scheduled.' },
  ];
  const grid = h('div', { class: 'grid' });
  main.append(h('p', null, h('a', { class: 'button primary', href: '/admin/articles/new' }, 'New article')), grid);
  await Promise.all([
    ...lists.map(({ title, query, empty }) =>
      homeCard(grid, title, `/admin/articles?${query}`, async () => {
        /** @type {Article[]} */
        const items = (await api('GET', `/api/v1/articles?${query}&limit=5`)).data.items;
        return items.length ? articleLinks(items, (/** @type {Article} */ a) => [` · ${a.status.replace('_', ' ')} · ${when(a.publish_at ?? a.updated_at)}`]) : h('p', { class: 'muted' }, empty);
      }),
    ),
    // The editorial list is ordered by creation, so an old draft published today would
    // not be among its first five; the public list is ordered by when articles went
    // live, newest first, and holds exactly the live (published) articles.
    homeCard(grid, 'Published recently', '/admin/articles?status=published', async () => {
      /** @type {PublicSummary[]} */
      const items = (await api('GET', '/api/v1/public/articles?limit=5')).data.items;
      return items.length ? articleLinks(items, (/** @type {PublicSummary} */ a) => [' · published · ', h('time', { datetime: a.published_at }, when(a.published_at))]) : h('p', { class: 'muted' }, 'Nothing published yet.');
    }),
  ]);
}

/**
 * A card of the home page that fills in when its list arrives.
 * @param {HTMLElement} grid
 * @param {string} title
 * @param {string} href the whole list
 * @param {() => Promise<HTMLElement>} load
 */
export async function homeCard(grid, title, href, load) {
  const body = h('div', null, h('p', { class: 'muted' }, 'Loading…'));
  grid.append(h('section', { class: 'card', 'aria-label': title }, h('h2', null, title), body, h('a', { href }, 'See all')));
  try {
    replace(body, await load());
  } catch (e) {
    replace(body, h('p', { class: 'form-error' }, messageOf(e)));
  }
}

/**
 * Articles as links to their editor, each with a word on its state and a time.
 * @param {Array<{id: string, headline: string}>} items
 * @param {(a: any) => import('../dom.js').Child[]} meta
 */
export function articleLinks(items, meta) {
  return h(
    'ul',
    { class: 'plain' },
    items.map((a) =>
      h('li', null, h('a', { href: `/admin/articles/${encodeURIComponent(a.id)}` }, a.headline), h('small', { class: 'muted' }, ...meta(a))),
    ),
  );
}
