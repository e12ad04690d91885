// Webhooks (admins): the endpoints that hear Masthead's events, a form to add one (its
// signing secret is shown once, right after), and an endpoint's page: its settings
// saved with If-Match, deleting it, a test event, and its delivery log (a state filter
// kept in the address, "More" paging, redelivery), refreshed for a few seconds after
// a send so that the outcome shows without reloading.

import { ApiError, api, changedFields, currentUser, same } from '../api.js';
import { badge, field, h, replace, secretBox, toast } from '../dom.js';
import { when } from '../dates.js';
import { apiPages, pager } from '../lists.js';
import { clearErrors, messageOf, notAllowed, showConflict, showErrors } from '../problems.js';
import { can } from '../roles.js';
import { deleteAndLeave, navigate, saveItem, watchUnsaved } from '../app.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['WebhookResponse']} Endpoint */
/** @typedef {Schemas['DeliveryResponse']} Delivery */
/** @typedef {Schemas['EventType']} EventType */
/** @typedef {Schemas['DeliveryState']} DeliveryState */
/** What an admin may subscribe to: every event but the test, which only "Send test event" sends. */
/** @typedef {Exclude<EventType, 'webhook.test'>} Subscribable */
/**
 * What the form edits, as the API spells it.
 * @typedef {{url: string, description: string | null, events: EventType[], enabled: boolean}} Content
 */

/**
 * Every event an endpoint may subscribe to, with what it means (docs/webhooks.md), in
 * the order the form lists them. A Record over the spec's enum: an event type added to
 * the API fails the type check until it is described here, so the form never silently
 * lacks one.
 * @type {Record<Subscribable, string>}
 */
const EVENTS = {
  'article.published': 'An article goes live: published now, or its scheduled time came.',
  'article.updated': 'A live article’s content changed (edits to drafts send nothing).',
  'article.unpublished': 'A published, scheduled or archived article went back to draft or review.',
  'article.archived': 'An article was archived.',
  'article.trashed': 'An article was moved to the trash.',
  'article.restored': 'An article came back from the trash.',
  'article.scheduled': 'An article was given a future publication time, or a new one.',
  'section.created': 'A section was added.',
  'section.updated': 'A section was renamed, moved or otherwise changed.',
  'section.deleted': 'A section was deleted.',
  'author.created': 'An author was added (tags and authors that articles bring in come with the article’s events).',
  'author.updated': 'An author’s name, slug, job title, bio, photo, links or linked user changed.',
  'author.deleted': 'An author was deleted.',
  'tag.created': 'A tag was added on the tags screen or through /tags (tags that articles bring in come with the article’s events).',
  'tag.updated': 'A tag was renamed or given a new slug or description; a new name is on its articles too.',
  'tag.deleted': 'A tag was deleted and taken off its articles.',
  'tag.merged': 'A tag was merged into another: its articles carry the other, its links redirect.',
  'sponsored.live': 'A sponsored block started being shown: activated inside its flight, or its start came.',
  'sponsored.changed': 'A live sponsored block changed and stays live.',
  'sponsored.ended': 'A live sponsored block stopped being shown: paused, deleted, or its end came.',
  'poll.opened': 'A poll started taking answers: created open, its opening time came, or its dates changed so.',
  'poll.closed': 'A poll stopped taking answers: its closing time came, or its dates changed so.',
  'offer.started': 'An offer became live, by a change or at its start.',
  'offer.ended': 'An offer stopped being live, by a change or at its end.',
  'paywall.updated': 'The paywall’s settings changed.',
  'correction.created': 'A correction, clarification or update was added to an article’s public log.',
  'correction.updated': 'A logged correction was reworded or redated.',
  'correction.deleted': 'A correction was removed from an article’s log.',
  'site.updated': 'The site settings changed.',
  'media.created': 'An image was uploaded to the library.',
  'media.updated': 'An image’s text or focal point changed.',
  'media.deleted': 'An image was deleted from the library.',
};
const EVENT_NAMES = /** @type {Subscribable[]} */ (Object.keys(EVENTS));

/** The resource an event is about (before the dot), as a group's heading. */
/** @type {Record<string, string>} */
const GROUPS = { article: 'Articles', section: 'Sections', sponsored: 'Sponsored blocks', poll: 'Polls', offer: 'Offers', paywall: 'Paywall', media: 'Media' };

/** @type {Record<keyof Content, string>} */
const FIELD_NAMES = { url: 'URL', description: 'Description', events: 'Events', enabled: 'Enabled' };
const FIELDS = /** @type {Array<keyof Content>} */ (Object.keys(FIELD_NAMES));

/** @type {Array<[DeliveryState | '', string]>} */
const STATES = [['', 'All'], ['pending', 'Pending'], ['delivered', 'Delivered'], ['failed', 'Failed']];

/** How long after a send the log is looked at again, and how often. */
const POLL_MS = 1000;
const POLL_FOR_MS = 15_000;

/**
 * The secret of the endpoint just created, for its page to show once. It lives in this
 * module's memory only: not in the address, not in storage, gone on reload.
 * @type {{id: string, secret: string} | null}
 */
let justCreated = null;

/** @param {string} id */
const endpointPath = (id) => `/api/v1/webhooks/${encodeURIComponent(id)}`;

/** @param {HTMLElement} main @param {string} title */
const refused = (main, title) => notAllowed(main, title, 'Webhooks are for admins.');

/** @param {boolean} enabled */
const enabledBadge = (enabled) => (enabled ? badge('enabled', 'Enabled') : badge('disabled', 'Disabled'));

/**
 * When the next attempt is due, as people count a wait: retries come after seconds or
 * minutes, which a date and a time to the minute would not tell apart.
 * @param {string} iso
 */
function nextAttempt(iso) {
  const s = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const text = s <= 0 ? 'due now' : s < 90 ? `in ${s} s` : s < 90 * 60 ? `in ${Math.round(s / 60)} min` : when(iso);
  return h('time', { datetime: iso, title: when(iso) }, text);
}

/** @param {number} n */
const eventCount = (n) => `${n} event${n === 1 ? '' : 's'}`;

// --- The list ------------------------------------------------------------------------

const LIST_HEADINGS = ['Endpoint', 'Events', 'Status', 'Changed'];

/** @type {import('../app.js').View} */
export async function webhooksView(main) {
  if (!can(currentUser(), 'webhooks')) return refused(main, 'Webhooks');
  const rows = h('tbody');
  const list = pager(
    /** @type {import('../lists.js').PageOf<Schemas['WebhookPage']>} */ (apiPages('/api/v1/webhooks')),
    (items) => {
      for (const e of items) {
        rows.append(
          h(
            'tr',
            null,
            h(
              'td',
              null,
              h('a', { class: 'break', href: `/admin/webhooks/${encodeURIComponent(e.id)}` }, e.url),
              e.description ? h('div', { class: 'muted small' }, e.description) : null,
            ),
            // data-label names each cell where a phone stacks the rows as cards (app.css).
            h('td', { 'data-label': LIST_HEADINGS[1] }, h('span', { title: e.events.join(', ') }, eventCount(e.events.length))),
            h('td', { 'data-label': LIST_HEADINGS[2] }, h('span', null, enabledBadge(e.enabled))),
            h('td', { 'data-label': LIST_HEADINGS[3] }, when(e.updated_at)),
          ),
        );
      }
    },
    { label: 'More endpoints', one: 'endpoint', none: 'No endpoints yet: add one to tell another system when content changes.' },
  );
  replace(
    main,
    h('div', { class: 'title-row' }, h('h1', null, 'Webhooks'), h('a', { class: 'button primary', href: '/admin/webhooks/new' }, 'Add endpoint')),
    h(
      'p',
      { class: 'lead' },
      'Endpoints that Masthead tells when content changes: a frontend purging its cache, a newsletter tool, a search index. Each event is signed (Standard Webhooks), retried for about a day and logged.',
    ),
    list.count,
    h(
      'div',
      { class: 'table-wrap' },
      h('table', { class: 'stack' }, h('thead', null, h('tr', null, LIST_HEADINGS.map((t) => h('th', { scope: 'col' }, t)))), rows),
    ),
    list.more,
  );
  await list.load(null);
}

// --- The form (new and existing endpoints) ---------------------------------------------

/**
 * The endpoint's fields: URL, description, the events as checkboxes grouped by
 * resource (each group with a box for all of it), and enabled.
 * @param {Endpoint | null} endpoint
 */
function endpointFields(endpoint) {
  const url = h('input', { type: 'url', required: true, 'aria-required': 'true', maxlength: 2000, autocomplete: 'off', spellcheck: 'false', placeholder: 'https://example.com/hooks/masthead' });
  const description = h('textarea', { rows: 2, maxlength: 500 });
  const enabled = h('input', { type: 'checkbox' });
  /** @type {Map<string, HTMLInputElement>} */
  const boxes = new Map();
  const groupsHolder = h('div', { class: 'event-groups' });

  /**
   * One checkbox per event, in groups; events the endpoint has that this client does
   * not know (a newer server) are listed too, so that saving keeps them.
   * @param {readonly string[]} have
   */
  function drawEvents(have) {
    boxes.clear();
    const names = [...EVENT_NAMES, ...have.filter((e) => !(e in EVENTS) && e !== 'webhook.test')];
    /** @type {Map<string, string[]>} */
    const groups = new Map();
    for (const name of names) {
      const resource = name.split('.')[0] ?? name;
      groups.set(resource, [...(groups.get(resource) ?? []), name]);
    }
    replace(
      groupsHolder,
      [...groups].map(([resource, members]) => {
        const all = h('input', { type: 'checkbox', 'data-group': resource });
        const items = members.map((name) => {
          const box = h('input', { type: 'checkbox', value: name, checked: have.includes(name) });
          boxes.set(name, box);
          const hintId = `event-${name.replace(/\W/g, '-')}-hint`;
          box.setAttribute('aria-describedby', hintId);
          return h(
            'li',
            null,
            h('label', { class: 'check' }, box, h('code', null, name)),
            h('small', { id: hintId, class: 'hint' }, /** @type {Record<string, string>} */ (EVENTS)[name] ?? 'An event this screen does not describe yet.'),
          );
        });
        const memberBoxes = members.map((name) => /** @type {HTMLInputElement} */ (boxes.get(name)));
        // The group's box says whether all, some (indeterminate) or none are chosen.
        const sync = () => {
          const n = memberBoxes.filter((b) => b.checked).length;
          all.checked = n === memberBoxes.length;
          all.indeterminate = n > 0 && n < memberBoxes.length;
        };
        all.addEventListener('change', () => {
          for (const b of memberBoxes) b.checked = all.checked;
          all.indeterminate = false;
        });
        for (const b of memberBoxes) b.addEventListener('change', sync);
        sync();
        const name = GROUPS[resource] ?? resource;
        return h(
          'fieldset',
          { class: 'event-group' },
          // A box for the whole group, unless the group is one event.
          h('legend', null, members.length > 1 ? h('label', { class: 'check' }, all, `${name}: all ${members.length}`) : h('span', { class: 'single' }, name)),
          h('ul', { class: 'plain' }, items),
        );
      }),
    );
  }

  /** @param {Endpoint | null} e */
  function fill(e) {
    url.value = e?.url ?? '';
    description.value = e?.description ?? '';
    enabled.checked = e?.enabled ?? true;
    drawEvents(e?.events ?? []);
  }

  /** @returns {Content} */
  function read() {
    return {
      url: url.value.trim(),
      description: description.value.trim() || null,
      // In the order of the form, so that comparing two readings compares choices.
      events: /** @type {EventType[]} */ ([...boxes].filter(([, b]) => b.checked).map(([name]) => name)),
      enabled: enabled.checked,
    };
  }

  const element = [
    field('URL (required)', url, { name: 'url', hint: 'Where events are posted, as JSON. An absolute http(s) address; HTTPS is best.' }),
    field('Description', description, { name: 'description', hint: 'For the team: what listens here.' }),
    h(
      'fieldset',
      { class: 'card checks events', 'data-field': 'events', 'aria-describedby': 'events-error' },
      h('legend', null, 'Events (at least one)'),
      h('p', { class: 'hint' }, 'What this endpoint is sent. A test event can always be sent from its page.'),
      groupsHolder,
      h('small', { id: 'events-error', class: 'error', 'data-error-for': 'events' }),
    ),
    h(
      'div',
      { class: 'field check' },
      h('label', null, enabled, ' Enabled'),
      h('small', { class: 'hint' }, 'A disabled endpoint is sent nothing; what happens meanwhile waits until it is enabled again.'),
      h('small', { class: 'error', 'data-error-for': 'enabled' }),
    ),
  ];
  fill(endpoint);
  return { element, fill, read, url, enabled };
}

/** @type {import('../app.js').View} */
export function newWebhookView(main) {
  if (!can(currentUser(), 'webhooks')) return refused(main, 'Add endpoint');
  const fields = endpointFields(null);
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Add endpoint');
  const form = h(
    'form',
    { class: 'card form-narrow webhook-form', novalidate: true },
    fields.element,
    formError,
    h('div', { class: 'buttons' }, button, h('a', { class: 'button', href: '/admin/webhooks' }, 'Cancel')),
  );
  const base = fields.read();
  watchUnsaved(() => !same(base, fields.read()));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, formError);
    button.disabled = true;
    try {
      const now = fields.read();
      /** @type {Schemas['CreateWebhookRequest']} */
      const body = { url: now.url, events: now.events, description: now.description, enabled: now.enabled };
      /** @type {Schemas['CreatedWebhookResponse']} */
      const created = (await api('POST', '/api/v1/webhooks', { body })).data;
      justCreated = { id: created.id, secret: created.secret };
      watchUnsaved(null);
      navigate(`/admin/webhooks/${encodeURIComponent(created.id)}`, { replace: true });
    } catch (e) {
      showErrors(form, formError, e, FIELD_NAMES);
    } finally {
      button.disabled = false;
    }
  });
  replace(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/admin/webhooks' }, 'Webhooks')),
    h('h1', null, 'Add endpoint'),
    h('p', { class: 'lead' }, 'Its signing secret is shown once, when it has been added: keep it where the receiver can read it.'),
    form,
  );
  fields.url.focus();
}

// --- An endpoint's page -------------------------------------------------------------------

/** @type {import('../app.js').View} */
export async function webhookView(main, params, query) {
  if (!can(currentUser(), 'webhooks')) return refused(main, 'Webhook endpoint');
  const id = params[0] ?? '';
  const path = endpointPath(id);
  /** @type {Endpoint} */
  let endpoint = (await api('GET', path)).data;
  // Shown on this visit only: taken out of memory as it is drawn.
  const secret = justCreated?.id === endpoint.id ? justCreated.secret : null;
  justCreated = null;

  const fields = endpointFields(endpoint);
  const statusLine = h('p', { class: 'status-line', 'aria-live': 'polite' });
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const saveButton = h('button', { type: 'submit', class: 'primary' }, 'Save');
  const deleteButton = h('button', { type: 'button', class: 'danger', onclick: () => remove() }, 'Delete endpoint');
  const facts = h('dl', { class: 'facts' });
  const form = h(
    'form',
    { class: 'editor webhook-form', novalidate: true, 'aria-label': 'Endpoint settings' },
    h('div', { class: 'editor-main' }, fields.element),
    h(
      'div',
      { class: 'editor-side' },
      h('div', { class: 'card' }, statusLine, formError, h('div', { class: 'buttons' }, saveButton, deleteButton)),
      h('section', { class: 'card', 'aria-labelledby': 'endpoint-facts' }, h('h2', { id: 'endpoint-facts' }, 'About it'), facts),
    ),
  );
  /** @type {Content} */
  let base = fields.read();
  const log = deliveryLog(main, path, () => endpoint, query);

  function dirty() {
    return changedFields(FIELDS, base, fields.read()).length > 0;
  }
  function showStatus() {
    replace(statusLine, enabledBadge(endpoint.enabled), ` · version ${endpoint.version}`, dirty() ? ' · unsaved changes' : ' · saved');
    replace(
      facts,
      [
        ['Id', h('code', { class: 'break' }, endpoint.id)],
        ['Events', eventCount(endpoint.events.length)],
        ['Added', when(endpoint.created_at)],
        ['Changed', when(endpoint.updated_at)],
      ].map(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
    );
  }
  /** @param {Endpoint} fresh */
  function adopt(fresh) {
    endpoint = fresh;
    fields.fill(fresh);
    base = fields.read();
    showStatus();
  }
  form.addEventListener('input', showStatus);
  form.addEventListener('change', showStatus);
  watchUnsaved(dirty);

  /** @param {string[]} lost */
  async function reloadAfterConflict(lost) {
    /** @type {Endpoint} */
    const current = (await api('GET', path)).data;
    adopt(current);
    showConflict(formError, 'this endpoint', current, lost);
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, formError);
    const now = fields.read();
    saveButton.disabled = true;
    try {
      // Typed here so that the form's fields are checked against the contract.
      /** @type {Schemas['UpdateWebhookRequest']} */
      const body = now;
      const saved = await saveItem({ collection: '/api/v1/webhooks', page: '/admin/webhooks', item: endpoint, fields: FIELDS, base, now: body, created: '' });
      if (saved) {
        const wasEnabled = endpoint.enabled;
        adopt(saved);
        if (wasEnabled !== endpoint.enabled) {
          log.showEndpointState();
          // What waited while it was disabled goes now: follow it in the log.
          if (endpoint.enabled) log.follow(null);
        }
      }
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) await reloadAfterConflict(changedFields(FIELDS, base, now).map((f) => FIELD_NAMES[f]));
      else showErrors(form, formError, e, FIELD_NAMES);
    } finally {
      saveButton.disabled = false;
    }
  });

  async function remove() {
    clearErrors(form, formError);
    try {
      await deleteAndLeave(`Delete the endpoint ${endpoint.url}? Its delivery log goes with it, and nothing more is sent to it.`, path, endpoint, 'Endpoint deleted.', '/admin/webhooks');
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        adopt((await api('GET', path)).data);
        replace(formError, h('p', null, 'Someone changed this endpoint meanwhile; it has been reloaded. Delete it again if you still mean to.'));
      } else {
        showErrors(form, formError, e, FIELD_NAMES);
      }
    }
  }

  const shown = secret
    ? secretBox('Signing secret', secret, 'The receiver checks each event’s signature with it (Standard Webhooks). Lost, it cannot be read back: delete the endpoint and add it again.')
    : null;
  replace(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/admin/webhooks' }, 'Webhooks')),
    h('div', { class: 'title-row' }, h('h1', null, 'Webhook endpoint')),
    h('p', { class: 'lead break' }, endpoint.url),
    shown?.box,
    form,
    log.element,
  );
  showStatus();
  if (shown) {
    shown.value.focus();
    shown.value.select();
  }
  await log.load();
}

/**
 * An endpoint's delivery log: "Send test event", "Refresh", a state filter (kept in the
 * address), the deliveries newest first with "More", and "Redeliver" on those that
 * have ended. After a send the log is looked at again every second until that delivery
 * has ended, for a few seconds at most.
 * @param {HTMLElement} main
 * @param {string} path the endpoint's API path
 * @param {() => Endpoint} current the endpoint as last read
 * @param {URLSearchParams} query
 */
function deliveryLog(main, path, current, query) {
  const stateFilter = h(
    'select',
    { name: 'state' },
    STATES.map(([value, text]) => h('option', { value, selected: value === (query.get('state') ?? '') }, text)),
  );
  const rows = h('tbody');
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const note = h('p', { class: 'banner', hidden: true });
  const testButton = h('button', { type: 'button', class: 'primary' }, 'Send test event');
  const refreshButton = h('button', { type: 'button' }, 'Refresh');
  const headings = ['Event', 'State', 'Attempts', 'Last status', 'Duration', 'Last error', 'Next attempt', 'Created', ''];

  const list = pager(
    /** @type {import('../lists.js').PageOf<Schemas['DeliveryPage']>} */ (
      apiPages(`${path}/deliveries`, () => {
        /** @type {Record<string, string>} */
        const q = {};
        if (stateFilter.value) q.state = stateFilter.value;
        return q;
      }, 20)
    ),
    (items, first) => {
      if (first) replace(rows);
      rows.append(...items.map(row));
    },
    {
      label: 'More deliveries',
      one: 'delivery',
      many: 'deliveries',
      none: 'No deliveries here yet. Send a test event to see one.',
    },
  );
  const countLine = list.count;

  /** @param {Delivery} d */
  function row(d) {
    const waits = d.state === 'pending' && !current().enabled && d.event_type !== 'webhook.test';
    return h(
      'tr',
      { 'data-id': d.id, 'data-state': d.state },
      h('td', null, h('code', null, d.event_type), h('div', { class: 'muted small break', title: 'The webhook-id header of every attempt' }, d.event_id)),
      // data-label names each cell where a phone stacks the rows as cards (app.css).
      h('td', { 'data-label': headings[1] }, h('span', null, badge(d.state, d.state))),
      h('td', { 'data-label': headings[2] }, String(d.attempts)),
      h(
        'td',
        { 'data-label': headings[3] },
        h('span', null, d.last_status ?? '—', d.last_attempt_at ? h('span', { class: 'muted small' }, ` at ${when(d.last_attempt_at)}`) : null),
      ),
      h('td', { 'data-label': headings[4] }, d.last_duration_ms === null || d.last_duration_ms === undefined ? '—' : `${d.last_duration_ms} ms`),
      h('td', { 'data-label': headings[5] }, h('span', { class: 'break' }, d.last_error ?? '—')),
      h('td', { 'data-label': headings[6] }, waits ? 'When enabled again' : d.next_attempt_at ? nextAttempt(d.next_attempt_at) : '—'),
      h('td', { 'data-label': headings[7] }, when(d.created_at)),
      h(
        'td',
        { class: 'row-actions' },
        d.state === 'pending' ? null : h('button', { type: 'button', class: 'small', 'aria-label': `Redeliver ${d.event_type} of ${when(d.created_at)}`, onclick: () => redeliver(d) }, 'Redeliver'),
      ),
    );
  }

  /** @type {number} */
  let following = 0;

  /**
   * Looks at the log again every second while `delivery` (or, without one, anything
   * shown) is pending, for POLL_FOR_MS at most; a later call replaces an earlier one.
   * @param {string | null} delivery
   */
  function follow(delivery) {
    const mine = ++following;
    const until = Date.now() + POLL_FOR_MS;
    const tick = async () => {
      if (mine !== following || !main.isConnected || Date.now() > until) return;
      try {
        await list.load(null);
      } catch {
        return;
      }
      const pending = delivery
        ? rows.querySelector(`tr[data-id="${CSS.escape(delivery)}"][data-state="pending"]`) ||
          // Filtered out of the list (say, "Failed" is shown): ask for it alone.
          (!rows.querySelector(`tr[data-id="${CSS.escape(delivery)}"]`) && (await api('GET', `${path}/deliveries/${encodeURIComponent(delivery)}`)).data.state === 'pending')
        : rows.querySelector('tr[data-state="pending"]');
      if (pending) setTimeout(tick, POLL_MS);
    };
    setTimeout(tick, POLL_MS);
  }

  /**
   * Says where a new delivery stands, then follows it in the log.
   * @param {Delivery} d
   * @param {string} what
   */
  async function sent(d, what) {
    const waits = !current().enabled && d.event_type !== 'webhook.test';
    toast(waits ? `${what} The endpoint is disabled: it will be sent when it is enabled again.` : `${what} The log shows how it goes.`);
    await list.load(null);
    if (!waits) follow(d.id);
  }

  /** @param {Delivery} d */
  async function redeliver(d) {
    replace(alert);
    try {
      /** @type {Delivery} */
      const again = (await api('POST', `${path}/deliveries/${encodeURIComponent(d.id)}/redeliver`)).data;
      await sent(again, `${d.event_type} queued again (the same webhook-id).`);
    } catch (e) {
      if (e instanceof ApiError && e.code === 'delivery_pending') {
        replace(alert, h('p', null, h('strong', null, 'Not sent again: '), `this ${d.event_type} delivery is still being attempted. Redeliver it once it has been delivered or has failed.`));
        await list.load(null).catch(() => {});
      } else {
        replace(alert, h('p', null, messageOf(e)));
      }
    }
  }

  testButton.addEventListener('click', async () => {
    replace(alert);
    testButton.disabled = true;
    try {
      /** @type {Delivery} */
      const d = (await api('POST', `${path}/test`)).data;
      await sent(d, 'Test event sent.');
    } catch (e) {
      replace(alert, h('p', null, messageOf(e)));
    } finally {
      testButton.disabled = false;
    }
  });

  refreshButton.addEventListener('click', async () => {
    replace(alert);
    refreshButton.disabled = true;
    try {
      await list.load(null);
    } catch (e) {
      replace(alert, h('p', null, messageOf(e)));
    } finally {
      refreshButton.disabled = false;
    }
  });

  stateFilter.addEventListener('change', async () => {
    // Kept in the address like the other lists' filters, without drawing the page
    // again (the form may hold unsaved changes, and a new secret its only showing).
    const q = new URLSearchParams(location.search);
    if (stateFilter.value) q.set('state', stateFilter.value);
    else q.delete('state');
    history.replaceState(null, '', `${location.pathname}${q.size ? `?${q}` : ''}`);
    replace(alert);
    try {
      await list.load(null);
    } catch (e) {
      replace(alert, h('p', null, messageOf(e)));
    }
  });

  function showEndpointState() {
    note.hidden = current().enabled;
    replace(note, h('p', null, 'This endpoint is disabled: events wait in the log until it is enabled again. Test events are still sent.'));
  }
  showEndpointState();

  const element = h(
    'section',
    { class: 'delivery-log', 'aria-labelledby': 'log-title' },
    h('div', { class: 'title-row' }, h('h2', { id: 'log-title' }, 'Delivery log'), h('div', { class: 'buttons' }, testButton, refreshButton)),
    note,
    h('div', { class: 'log-filters' }, field('State', stateFilter), countLine),
    alert,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'stack deliveries' },
        h('thead', null, h('tr', null, headings.map((t) => h('th', { scope: 'col' }, t || h('span', { class: 'visually-hidden' }, 'Actions'))))),
        rows,
      ),
    ),
    list.more,
  );
  return { element, load: () => list.load(null), follow, showEndpointState };
}
