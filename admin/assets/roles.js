// What each role may do, to show only the actions a user may take. The server still
// checks every one; this only keeps buttons that would answer 403 off the screen.

/** @typedef {import('./api.js').User} User */
/** @typedef {import('./api.js').Schemas['ArticleResponse']} Article */

/** @type {Record<string, Array<User['role']>>} */
const RULES = {
  edit_articles: ['admin', 'editor', 'writer'],
  publish: ['admin', 'editor'],
  read_corrections: ['admin', 'editor', 'writer'],
  edit_corrections: ['admin', 'editor'],
  edit_sections: ['admin', 'editor'],
  read_tags: ['admin', 'editor', 'writer'],
  edit_tags: ['admin', 'editor'],
  read_authors: ['admin', 'editor', 'writer'],
  edit_authors: ['admin', 'editor'],
  edit_polls: ['admin', 'editor'],
  read_polls: ['admin', 'editor', 'writer'],
  embed: ['admin', 'editor'],
  edit_sponsored: ['admin', 'commercial'],
  read_sponsored: ['admin', 'editor', 'commercial'],
  edit_offers: ['admin', 'commercial'],
  edit_any_media: ['admin', 'editor'],
  manage_users: ['admin'],
  paywall: ['admin'],
  site: ['admin'],
  webhooks: ['admin'],
  api_keys: ['admin'],
  audit: ['admin'],
};

/**
 * @param {User | null} user
 * @param {keyof typeof RULES} action
 */
export function can(user, action) {
  return Boolean(user && RULES[action]?.includes(user.role));
}

/**
 * The authors linked to the signed-in user (an author's `user_id`), as last read: an
 * article naming one of them is that user's own, as it is when it names the user's id.
 * Kept with the user's id, so that another user signing in on this page starts afresh.
 * @type {{user: string, ids: Set<string>}}
 */
let ownAuthors = { user: '', ids: new Set() };

/**
 * Learns which authors are the user's own from a list of authors (the byline picker
 * reads them all).
 * @param {User} user
 * @param {Array<import('./api.js').Schemas['AuthorResponse']>} authors
 */
export function knowOwnAuthors(user, authors) {
  ownAuthors = { user: user.id, ids: new Set(authors.filter((a) => a.user_id === user.id).map((a) => a.id)) };
}

/**
 * Whether the article's byline names the user: their id, or an author linked to them.
 * @param {User} user
 * @param {Article} article
 */
export function isOwn(user, article) {
  return article.author_ids.some((id) => id === user.id || (ownAuthors.user === user.id && ownAuthors.ids.has(id)));
}

/**
 * Whether the user may change this article now (writers: their own, before review ends).
 * @param {User} user
 * @param {Article} article
 */
export function mayEdit(user, article) {
  if (can(user, 'publish')) return true;
  return (
    user.role === 'writer' && isOwn(user, article) && ['draft', 'in_review'].includes(article.status)
  );
}

/**
 * The workflow actions open to this user on this article, in the order shown.
 * @param {User} user
 * @param {Article} article
 * @param {boolean} trashed
 * @returns {Array<'submit' | 'publish' | 'schedule' | 'unpublish' | 'archive' | 'trash' | 'restore'>}
 */
export function actions(user, article, trashed) {
  const editor = can(user, 'publish');
  const own = isOwn(user, article);
  if (trashed) return editor || (own && article.status === 'draft') ? ['restore'] : [];
  /** @type {ReturnType<typeof actions>} */
  const out = [];
  const s = article.status;
  if (s === 'draft' && (editor || own)) out.push('submit');
  if (editor && s !== 'published') out.push('publish', 'schedule');
  if (editor && s !== 'draft') out.push('unpublish');
  if (editor && s === 'published') out.push('archive');
  if (editor || (own && s === 'draft')) out.push('trash');
  return out;
}
