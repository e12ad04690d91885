// The admin client's entry: the shell (header, navigation), the router over
// /admin/... paths, and the session. Each screen is a module under views/ that renders
// into <main>; links within /admin are followed without reloading the page.

import { ApiError, api, changedFields, currentUser, etagOf, onSessionChange, resume, signOut } from './api.js';
import { h, replace, toast, toastRegion } from './dom.js';
import { messageOf, notAllowed } from './problems.js';
import { can } from './roles.js';
import { loginView } from './views/login.js';
import { homeView } from './views/home.js';
import { articlesView } from './views/articles.js';
import { editorView } from './views/editor.js';
import { accountView } from './views/account.js';
import { revisionsView } from './views/revisions.js';
import { newUserView, userView, usersView } from './views/users.js';
import { paywallView } from './views/paywall.js';
import { siteView } from './views/site.js';
import { sectionView, sectionsView } from './views/sections.js';
import { tagView, tagsView } from './views/tags.js';
import { authorView, authorsView } from './views/authors.js';
import { sponsoredEditorView, sponsoredListView } from './views/sponsored.js';
import { offerEditorView, offersListView } from './views/offers.js';
import { pollsView } from './views/polls.js';
import { pollView } from './views/poll.js';
import { assetView, mediaView } from './views/media.js';
import { newWebhookView, webhookView, webhooksView } from './views/webhooks.js';
import { apiKeysView } from './views/api-keys.js';
import { auditView } from './views/audit.js';

/** @typedef {import('./api.js').User} User */
/**
 * A screen: renders into `main`, given the path's captures and the query.
 * @typedef {(main: HTMLElement, params: string[], query: URLSearchParams) => Promise<void> | void} View
 */

/** @type {Array<[RegExp, View, boolean]>} path, view, whether it needs a session */
const routes = [
  [/^\/admin\/login$/, loginView, false],
  [/^\/admin\/?$/, homeView, true],
  [/^\/admin\/articles$/, articlesView, true],
  [/^\/admin\/articles\/new$/, (main, _params, query) => editorView(main, [], query), true],
  [/^\/admin\/articles\/([^/]+)$/, editorView, true],
  [/^\/admin\/articles\/([^/]+)\/revisions$/, revisionsView, true],
  [/^\/admin\/polls$/, pollsView, true],
  [/^\/admin\/polls\/new$/, (main, _params, query) => pollView(main, [], query), true],
  [/^\/admin\/polls\/([^/]+)$/, pollView, true],
  [/^\/admin\/media$/, mediaView, true],
  [/^\/admin\/media\/([^/]+)$/, assetView, true],
  [/^\/admin\/account$/, accountView, true],
  [/^\/admin\/users$/, usersView, true],
  [/^\/admin\/users\/new$/, newUserView, true],
  [/^\/admin\/users\/([^/]+)$/, userView, true],
  [/^\/admin\/paywall$/, paywallView, true],
  [/^\/admin\/site$/, siteView, true],
  [/^\/admin\/sections$/, sectionsView, true],
  [/^\/admin\/sections\/new$/, (main, _params, query) => sectionView(main, [], query), true],
  [/^\/admin\/sections\/([^/]+)$/, sectionView, true],
  [/^\/admin\/tags$/, tagsView, true],
  [/^\/admin\/tags\/([^/]+)$/, tagView, true],
  [/^\/admin\/authors$/, authorsView, true],
  [/^\/admin\/authors\/([^/]+)$/, authorView, true],
  [/^\/admin\/sponsored$/, sponsoredListView, true],
  [/^\/admin\/sponsored\/new$/, (main, _params, query) => sponsoredEditorView(main, [], query), true],
  [/^\/admin\/sponsored\/([^/]+)$/, sponsoredEditorView, true],
  [/^\/admin\/offers$/, offersListView, true],
  [/^\/admin\/offers\/new$/, (main, _params, query) => offerEditorView(main, [], query), true],
  [/^\/admin\/offers\/([^/]+)$/, offerEditorView, true],
  [/^\/admin\/webhooks$/, webhooksView, true],
  [/^\/admin\/api-keys$/, apiKeysView, true],
  [/^\/admin\/audit-log$/, auditView, true],
  [/^\/admin\/webhooks\/new$/, newWebhookView, true],
  [/^\/admin\/webhooks\/([^/]+)$/, webhookView, true],
];

const root = /** @type {HTMLElement} */ (document.getElementById('app'));
/** Set by a screen that may hold unsaved work: says whether it does now. */
let unsaved = /** @type {(() => boolean) | null} */ (null);

/**
 * A screen that may hold unsaved work says how to tell; leaving it then asks first.
 * @param {(() => boolean) | null} isUnsaved true while there is unsaved work
 */
export function watchUnsaved(isUnsaved) {
  unsaved = isUnsaved;
}

/** Whether the screen may be left: nothing unsaved, or the user says so. */
function mayLeave() {
  return !unsaved || !unsaved() || confirm('Leave without saving your changes?');
}

/**
 * Goes to another admin page without reloading.
 * @param {string} url
 * @param {{replace?: boolean}} [options]
 */
export function navigate(url, options = {}) {
  if (!mayLeave()) return;
  unsaved = null;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render();
}

/**
 * Deletes a versioned item once the user says so (with If-Match: a change made
 * meanwhile is not deleted unseen), then goes to its list without asking about unsaved
 * work, which went with it. False when the user said no; refusals are thrown.
 * @param {string} question
 * @param {string} path
 * @param {{version: number}} item
 * @param {string} done the toast once deleted
 * @param {string} list
 */
export async function deleteAndLeave(question, path, item, done, list) {
  if (!confirm(question)) return false;
  await api('DELETE', path, { ifMatch: etagOf(item) });
  unsaved = null;
  toast(done);
  navigate(list, { replace: true });
  return true;
}

/**
 * Saves an editor's form for a versioned item: creates it (and opens its page), or
 * sends only the fields that changed since `base`, with If-Match. Refusals are thrown.
 * @param {{collection: string, page: string, item: {id: string, version: number} | null, fields: string[],
 *   base: object, now: object, created: string}} o
 * @returns {Promise<any>} the saved item; null when it was created (the page moves on) or nothing changed
 */
export async function saveItem(o) {
  if (!o.item) {
    const { data } = await api('POST', o.collection, { body: o.now });
    unsaved = null;
    toast(o.created);
    navigate(`${o.page}/${encodeURIComponent(data.id)}`, { replace: true });
    return null;
  }
  const fields = changedFields(o.fields, /** @type {Record<string, unknown>} */ (o.base), /** @type {Record<string, unknown>} */ (o.now));
  if (fields.length === 0) {
    toast('Nothing to save.');
    return null;
  }
  const patch = Object.fromEntries(fields.map((f) => [f, /** @type {Record<string, unknown>} */ (o.now)[f]]));
  const { data } = await api('PATCH', `${o.collection}/${encodeURIComponent(o.item.id)}`, { body: patch, ifMatch: etagOf(o.item) });
  toast('Saved.');
  return data;
}

async function render() {
  drawn = location.pathname + location.search;
  const path = location.pathname;
  const query = new URLSearchParams(location.search);
  const match = routes.map(([re, view, auth]) => ({ m: re.exec(path), view, auth })).find((r) => r.m);
  const user = currentUser();
  if (!match) {
    shell(user, (main) => replace(main, h('h1', null, 'Not found'), h('p', null, h('a', { href: '/admin/' }, 'Go to the home page'))));
    return;
  }
  if (match.auth && !user) {
    const next = path + location.search;
    history.replaceState(null, '', `/admin/login?next=${encodeURIComponent(next)}`);
    shell(null, (main) => loginView(main, [], new URLSearchParams({ next })));
    return;
  }
  const params = /** @type {RegExpExecArray} */ (match.m).slice(1).map(decodeURIComponent);
  shell(match.auth ? user : null, (main) => match.view(main, params, query));
}

/**
 * Draws the frame (header and navigation for a signed-in user) and the screen in it.
 * @param {User | null} user
 * @param {(main: HTMLElement) => Promise<void> | void} draw
 */
function shell(user, draw) {
  const main = h('main', { id: 'main', tabindex: '-1' });
  replace(root, user ? header(user) : null, main);
  document.title = 'Masthead';
  Promise.resolve()
    .then(() => draw(main))
    .catch((e) => {
      if (e instanceof ApiError && e.status === 403) notAllowed(main, 'Not for your role');
      else if (e instanceof ApiError && e.status === 404) replace(main, h('h1', null, 'Not found'), h('p', { role: 'alert' }, messageOf(e)), h('p', null, h('a', { href: '/admin/' }, 'Go to the home page')));
      else replace(main, h('h1', null, 'Something went wrong'), h('p', { role: 'alert' }, messageOf(e)));
    })
    .finally(() => {
      const heading = main.querySelector('h1');
      if (heading) document.title = `${heading.textContent} · Masthead`;
      // A new screen is announced by its heading, unless the screen put the focus
      // somewhere itself (the first field of a form).
      if (heading && (document.activeElement === document.body || !document.activeElement)) {
        heading.setAttribute('tabindex', '-1');
        heading.focus();
      }
    });
}

/** @param {User} user */
function header(user) {
  /** @type {Array<[string, string, boolean]>} */
  const links = [
    ['/admin/', 'Home', true],
    ['/admin/articles', 'Articles', can(user, 'edit_articles')],
    ['/admin/media', 'Media', true],
    ['/admin/polls', 'Polls', can(user, 'read_polls')],
    ['/admin/sections', 'Sections', true],
    ['/admin/tags', 'Tags', can(user, 'read_tags')],
    ['/admin/authors', 'Authors', can(user, 'read_authors')],
    ['/admin/users', 'Users', can(user, 'manage_users')],
    ['/admin/paywall', 'Paywall', can(user, 'paywall')],
    ['/admin/sponsored', 'Sponsored', can(user, 'read_sponsored')],
    ['/admin/offers', 'Offers', can(user, 'edit_offers')],
    ['/admin/webhooks', 'Webhooks', can(user, 'webhooks')],
    ['/admin/api-keys', 'API keys', can(user, 'api_keys')],
    ['/admin/audit-log', 'Audit log', can(user, 'audit')],
    ['/admin/site', 'Site', can(user, 'site')],
    ['/admin/account', 'Account', true],
  ];
  const here = location.pathname;
  return h(
    'header',
    { class: 'top' },
    h('a', { class: 'brand', href: '/admin/' }, 'Masthead'),
    h(
      'nav',
      { 'aria-label': 'Main' },
      h(
        'ul',
        null,
        links
          .filter(([, , shown]) => shown)
          .map(([href, label]) =>
            h('li', null, h('a', { href, 'aria-current': isCurrent(here, href) ? 'page' : null }, label)),
          ),
      ),
    ),
    h(
      'div',
      { class: 'who' },
      h('span', { class: 'name' }, user.display_name, h('span', { class: 'role' }, ` (${user.role})`)),
      h('button', { type: 'button', class: 'quiet', onclick: onSignOut }, 'Sign out'),
    ),
  );
}

/**
 * @param {string} here
 * @param {string} href
 */
function isCurrent(here, href) {
  return href === '/admin/' ? here === '/admin/' || here === '/admin' : here.startsWith(href);
}

async function onSignOut() {
  if (!mayLeave()) return;
  unsaved = null;
  const who = currentUser();
  // Signing out is not a session that ended by itself: nothing to say at sign-in.
  signedIn = null;
  try {
    await signOut();
  } catch {
    toast('The server could not be told; this browser is signed out anyway.', 'error');
  }
  if (who) forgetLocalDrafts(who.id);
  navigate('/admin/login', { replace: true });
}

/**
 * Unsaved drafts kept in this browser go when their author signs out (a session that
 * merely ended keeps them, for when the author signs in again).
 * @param {string} userId
 */
function forgetLocalDrafts(userId) {
  for (const key of Object.keys(localStorage)) {
    if (key.startsWith(`masthead:draft:${userId}:`)) localStorage.removeItem(key);
  }
}

document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a') : null;
  if (!link || event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/admin')) return;
  // A link within this screen (skip to content, to a section of the page) is the
  // browser's to follow.
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
});

/** Where the router last drew, so that Back away from unsaved work can be undone. */
let drawn = location.pathname + location.search;
window.addEventListener('popstate', () => {
  if (unsaved && unsaved() && !confirm('Leave without saving your changes?')) {
    history.pushState(null, '', drawn);
    return;
  }
  unsaved = null;
  render();
});
// The browser asks by itself here (a page may not open dialogs while it unloads).
window.addEventListener('beforeunload', (event) => {
  if (unsaved && unsaved()) event.preventDefault();
});

/** @type {User | null} */
let signedIn = null;
/** @type {string | null} the email of a session that ended by itself, for the sign-in page */
let endedFor = null;

/** The email of a session that just ended (once), so the sign-in page can say so. */
export function takeEndedSession() {
  const email = endedFor;
  endedFor = null;
  return email;
}
onSessionChange((user) => {
  // A session that ends elsewhere (signed out in another tab, revoked) leads to sign-in.
  if (signedIn && !user && !location.pathname.startsWith('/admin/login')) {
    // Unsaved work stays in this browser's storage, under its author: signing in again
    // offers it back, so there is nothing here to ask about.
    unsaved = null;
    endedFor = signedIn.email;
    render();
  }
  signedIn = user;
});

toastRegion();
await resume();
render();
