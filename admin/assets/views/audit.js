// The audit log (admins): who did what, from which address, and when, newest first,
// with filters kept in the address, "More" paging, and an NDJSON export of what the
// filters select.

import { currentUser, download } from '../api.js';
import { field, h, replace, toast } from '../dom.js';
import { when } from '../dates.js';
import { apiPages, filterSelect, filters, pager } from '../lists.js';
import { messageOf, notAllowed } from '../problems.js';
import { can } from '../roles.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['AuditEntryResponse']} Entry */

/**
 * Every action, with what it means. A Record over the spec's enum: an action added to
 * the API fails the type check until it is described here.
 * @type {Record<Schemas['AuditAction'], string>}
 */
const ACTIONS = {
  'login.succeeded': 'Signed in',
  'login.failed': 'Sign-in refused',
  'user.created': 'User created',
  'user.updated': 'User changed',
  'user.unlocked': 'User unlocked',
  'api_key.created': 'API key made',
  'api_key.revoked': 'API key revoked',
  'article.published': 'Article published',
  'article.scheduled': 'Article scheduled',
  'article.unpublished': 'Article unpublished',
  'article.archived': 'Article archived',
  'article.trashed': 'Article trashed',
  'article.restored': 'Article restored',
  'article.sponsorship_changed': 'Paid content mark changed',
  'sponsored.created': 'Sponsored block made',
  'sponsored.updated': 'Sponsored terms changed',
  'sponsored.deleted': 'Sponsored block deleted',
  'offer.created': 'Offer made',
  'offer.updated': 'Offer changed',
  'offer.deleted': 'Offer deleted',
  'paywall.updated': 'Paywall changed',
};

const HEADINGS = ['When', 'Who', 'From', 'What', 'To what', 'Details'];

/** @param {Entry} e */
function who(e) {
  if (e.actor.kind === 'anonymous') return h('span', { class: 'muted' }, 'nobody signed in');
  return h('span', null, e.actor.name ?? e.actor.id ?? '', e.actor.kind === 'api_key' ? h('span', { class: 'muted small' }, ' (API key)') : null);
}

/** What changed, as "field: from → to" lines; other details as they are. */
function details(/** @type {Record<string, unknown>} */ d) {
  const lines = Object.entries(d ?? {}).map(([name, value]) => {
    if (value && typeof value === 'object' && 'from' in value && 'to' in value) {
      const change = /** @type {{from: unknown, to: unknown}} */ (value);
      return `${name}: ${JSON.stringify(change.from)} → ${JSON.stringify(change.to)}`;
    }
    return `${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
  });
  return h('span', { class: 'small' }, lines.flatMap((l, i) => (i ? [h('br'), l] : [l])));
}

/** @type {import('../app.js').View} */
export async function auditView(main, _params, query) {
  if (!can(currentUser(), 'audit')) return notAllowed(main, 'Audit log', 'The audit log is for admins.');
  const { form, current } = filters('Filter the log', '/admin/audit-log', query, [
    filterSelect('Action', 'action', [['', 'Any'], ...Object.entries(ACTIONS)], query),
    field('Who (user or key id)', h('input', { type: 'text', name: 'actor', value: query.get('actor') ?? '' })),
    field('To what (id)', h('input', { type: 'text', name: 'target', value: query.get('target') ?? '' })),
  ]);
  const rows = h('tbody');
  const list = pager(
    /** @type {import('../lists.js').PageOf<Schemas['AuditPage']>} */ (apiPages('/api/v1/audit-log', () => current)),
    (items) => {
      for (const e of items) {
        rows.append(
          h(
            'tr',
            null,
            h('td', null, when(e.at)),
            // data-label names each cell where a phone stacks the rows as cards (app.css).
            h('td', { 'data-label': HEADINGS[1] }, who(e)),
            h('td', { 'data-label': HEADINGS[2] }, e.address ?? ''),
            h('td', { 'data-label': HEADINGS[3] }, ACTIONS[e.action] ?? e.action),
            h('td', { 'data-label': HEADINGS[4] }, e.target ? h('code', { class: 'small' }, `${e.target.type} ${e.target.id}`) : ''),
            h('td', { 'data-label': HEADINGS[5] }, details(/** @type {Record<string, unknown>} */ (e.details))),
          ),
        );
      }
    },
    { one: 'entry', many: 'entries', none: 'Nothing recorded matches.' },
  );

  const exportButton = h('button', { type: 'button', onclick: exportLog }, 'Export as NDJSON');
  // The access token is only in memory: fetch with it, then hand the file over as a Blob URL.
  async function exportLog() {
    exportButton.disabled = true;
    try {
      const blob = await download(`/api/v1/audit-log/export${current.size ? `?${current}` : ''}`, 'application/x-ndjson');
      const url = URL.createObjectURL(blob);
      const link = h('a', { href: url, download: 'audit-log.ndjson', hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      toast(`The export could not be made: ${messageOf(e)}`, 'error');
    } finally {
      exportButton.disabled = false;
    }
  }

  replace(
    main,
    h('h1', null, 'Audit log'),
    h('p', { class: 'lead' }, 'Sign-ins, changes to accounts and API keys, and the publishing workflow: who did it (a person or an API key), from which address, and when. Entries are never changed or removed.'),
    form,
    h('div', { class: 'buttons' }, exportButton),
    h('table', { class: 'list' }, h('thead', null, h('tr', null, HEADINGS.map((t) => h('th', null, t)))), rows),
    list.count,
    list.more,
  );
  await list.load(null);
}
