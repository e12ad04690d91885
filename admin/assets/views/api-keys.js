// API keys (admins): keys for integrations, made with a name, a role and an optional
// expiry. A new key is shown once, with a Copy button; afterwards only its first
// characters. Revoking takes effect on the key's next request.

import { api, currentUser } from '../api.js';
import { badge, field, h, replace, secretBox, toast } from '../dom.js';
import { when } from '../dates.js';
import { apiPages, pager } from '../lists.js';
import { clearErrors, messageOf, notAllowed, showErrors } from '../problems.js';
import { can } from '../roles.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['ApiKeyResponse']} ApiKey */

/** What each role lets a key do, for the form's choice. */
/** @type {Array<[Schemas['CreateApiKeyRequest']['role'], string]>} */
const ROLES = [
  ['editor', 'Editor: writes, publishes and manages the newsroom’s content (a wire ingest, a build server)'],
  ['writer', 'Writer: drafts its own articles and submits them for review'],
  ['commercial', 'Commercial: sponsored content and offers (a campaign tool)'],
];

const HEADINGS = ['Name', 'Role', 'Key', 'Status', 'Last used', 'Expires', ''];

/** @type {import('../app.js').View} */
export async function apiKeysView(main) {
  if (!can(currentUser(), 'api_keys')) return notAllowed(main, 'API keys', 'API keys are for admins.');
  const rows = h('tbody');
  const list = pager(
    /** @type {import('../lists.js').PageOf<Schemas['ApiKeyPage']>} */ (apiPages('/api/v1/api-keys')),
    (items, first) => {
      if (first) replace(rows);
      for (const key of items) rows.append(row(key));
    },
    { one: 'key', none: 'No keys yet.' },
  );

  /** @param {ApiKey} key */
  function row(key) {
    const revoke = key.status === 'revoked'
      ? null
      : h('button', { type: 'button', class: 'danger', onclick: () => revokeKey(key) }, 'Revoke');
    return h(
      'tr',
      null,
      h('td', null, key.name),
      // data-label names each cell where a phone stacks the rows as cards (app.css).
      h('td', { 'data-label': HEADINGS[1] }, key.role),
      h('td', { 'data-label': HEADINGS[2] }, h('code', null, `${key.prefix}…`)),
      h('td', { 'data-label': HEADINGS[3] }, badge(key.status === 'active' ? 'active' : 'ended', key.status)),
      h('td', { 'data-label': HEADINGS[4] }, key.last_used_at ? when(key.last_used_at) : 'never'),
      h('td', { 'data-label': HEADINGS[5] }, key.expires_at ? when(key.expires_at) : 'never'),
      h('td', null, revoke),
    );
  }

  /** @param {ApiKey} key */
  async function revokeKey(key) {
    if (!confirm(`Revoke “${key.name}”? Its next request is refused, and it cannot be turned back on: make a new key instead.`)) return;
    try {
      await api('DELETE', `/api/v1/api-keys/${encodeURIComponent(key.id)}`);
      toast(`“${key.name}” revoked.`);
      await list.load(null);
    } catch (e) {
      toast(messageOf(e), 'error');
    }
  }

  const name = h('input', { type: 'text', required: true, maxlength: 100 });
  const role = h('select', null, ROLES.map(([value, text]) => h('option', { value }, text)));
  const expires = h('input', { type: 'date' });
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Create key');
  const shown = h('div');
  const form = h(
    'form',
    { class: 'card form-narrow', novalidate: true, 'aria-label': 'New key' },
    h('h2', null, 'New key'),
    field('Name (required)', name, { name: 'name', hint: 'What it is for, e.g. "Wire ingest". What the key writes is shown under this name.' }),
    field('Role', role, { name: 'role', hint: 'A key is never an admin: it cannot manage users or keys.' }),
    field('Expires', expires, { name: 'expires_at', hint: 'The key stops working at the start of this day (UTC). Empty: never.' }),
    formError,
    h('div', { class: 'buttons' }, button),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, formError);
    button.disabled = true;
    try {
      /** @type {Schemas['CreateApiKeyRequest']} */
      const body = {
        name: name.value,
        role: /** @type {Schemas['CreateApiKeyRequest']['role']} */ (role.value),
        expires_at: expires.value ? `${expires.value}T00:00:00Z` : null,
      };
      /** @type {Schemas['CreatedApiKeyResponse']} */
      const created = (await api('POST', '/api/v1/api-keys', { body })).data;
      const { box, value } = secretBox(
        'API key',
        created.key,
        'Send it as “Authorization: Bearer <key>”. Only its first characters are kept; lost, it cannot be read back: revoke it and make another.',
      );
      replace(shown, box);
      value.focus();
      value.select();
      form.reset();
      await list.load(null);
    } catch (e) {
      showErrors(form, formError, e, { name: 'Name', role: 'Role', expires_at: 'Expires' });
    } finally {
      button.disabled = false;
    }
  });

  replace(
    main,
    h('h1', { tabindex: '-1' }, 'API keys'),
    h('p', { class: 'lead' }, 'Keys let integrations (a wire ingest, a build server, a newsletter tool) use the API without a person’s sign-in. Each acts as an account of its own with its role, and what it writes is shown under its name.'),
    shown,
    form,
    h('h2', null, 'Keys'),
    h('table', { class: 'list' }, h('thead', null, h('tr', null, HEADINGS.map((t) => h('th', null, t)))), rows),
    list.count,
    list.more,
  );
  await list.load(null);
}
