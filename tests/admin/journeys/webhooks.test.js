// Webhooks: an admin adds an endpoint pointing at a receiver this journey runs (a
// node:http server on 127.0.0.1 that records what it gets and answers 200), copies its
// signing secret (shown once), sends a test event and sees it delivered, checks the
// Standard Webhooks signature in Node, sees a section's creation delivered, meets a
// stale save, disables the endpoint, redelivers an event (which waits until the
// endpoint is enabled again, then arrives with the same webhook-id), filters and pages
// the log, looks at it on a phone and deletes the endpoint; an editor is not shown
// webhooks at all.
//
// The server must send to loopback addresses: tests/admin/run starts it with
// MASTHEAD_WEBHOOK_ALLOW_PRIVATE=true.
//
// The UI contract this journey holds the client to:
//   - an admin's navigation has "Webhooks", leading to the heading "Webhooks", a table of
//     endpoints (the URL as a link, "N events", "Enabled"/"Disabled") and the link "Add
//     endpoint";
//   - the form "Add endpoint" has "URL (required)", "Description", a checkbox per event
//     named by the event (e.g. "article.published"), grouped by resource, and "Enabled";
//     refused fields are marked next to them;
//   - once added, the endpoint's page shows the region "Signing secret" with the secret
//     in a text box "Signing secret", a button "Copy" and the words "it will not be shown
//     again"; opened again, the page shows no secret;
//   - an endpoint's page saves with "Save" (If-Match; a 412 says "Someone else saved
//     this endpoint" and names the fields not saved), deletes with "Delete endpoint"
//     (asking first), and has the region "Delivery log": "Send test event", "Refresh",
//     a "State" filter kept in the address (?state=), a table of deliveries (each row's
//     state as a badge, "Redeliver" on delivered and failed ones), "More deliveries";
//     a 409 delivery_pending on redelivery is said as "Not sent again".

import assert from 'node:assert/strict';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { test } from 'node:test';
import { admin, api, baseUrl, createSection, createUser, login, openJourney, phone, signIn, useDesktop, usePhone, visible } from './lib.js';

/**
 * @typedef {{url: string | undefined, headers: import('node:http').IncomingHttpHeaders, body: string, at: number}} Received
 */

/**
 * A receiver on 127.0.0.1: records every request and answers `answer` (200 unless a
 * step says otherwise).
 * @returns {Promise<{url: string, received: Received[], answer: number, close: () => Promise<void>}>}
 */
async function receiver() {
  /** @type {Received[]} */
  const received = [];
  const hooks = { url: '', received, answer: 200, close: () => Promise.resolve() };
  const server = createServer((req, res) => {
    /** @type {Buffer[]} */
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      res.writeHead(hooks.answer, { 'content-type': 'text/plain' });
      res.end(hooks.answer === 200 ? 'ok' : 'not now');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  hooks.url = `http://127.0.0.1:${address.port}/hooks/masthead`;
  hooks.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return hooks;
}

/**
 * Whether a request carries a valid Standard Webhooks signature for `secret`, as
 * docs/webhooks.md tells a receiver to check it (and its timestamp is recent).
 * @param {string} secret `whsec_…`
 * @param {Received} request
 */
function verified(secret, request) {
  const id = String(request.headers['webhook-id'] ?? '');
  const timestamp = String(request.headers['webhook-timestamp'] ?? '');
  const signatures = String(request.headers['webhook-signature'] ?? '');
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64');
  const age = Math.abs(Date.now() / 1000 - Number(timestamp));
  return (
    age < 300 &&
    signatures.split(' ').some((s) => {
      const [version, sig] = s.split(',');
      return version === 'v1' && sig !== undefined && sig.length === expected.length && timingSafeEqual(Buffer.from(sig), Buffer.from(expected));
    })
  );
}

/**
 * Waits until `find` returns something, up to `ms`.
 * @template T
 * @param {() => T | undefined | null | false} find
 * @param {string} what
 * @param {number} [ms]
 * @returns {Promise<T>}
 */
async function eventually(find, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** @param {Received} r */
const typeOf = (r) => /** @type {string} */ (JSON.parse(r.body).type);

test('webhooks: add, secret once, test event, signature, log, disable, redeliver, delete', { timeout: 300_000 }, async (t) => {
  const hooks = await receiver();
  t.after(() => hooks.close());
  const token = await login(admin.email, admin.password);
  const suffix = randomBytes(3).toString('hex');
  const description = `Purge the CDN ${suffix}`;

  // A loopback URL is refused unless the server allows it: fail here, saying so, rather
  // than at a field error further on.
  const probe = await fetch(`${baseUrl}/api/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: hooks.url, events: ['section.deleted'], enabled: false }),
  });
  const probed = await probe.json();
  assert.equal(probe.status, 201, `the server refused ${hooks.url} (${JSON.stringify(probed)}): run it with MASTHEAD_WEBHOOK_ALLOW_PRIVATE=true`);
  await api('DELETE', `/api/v1/webhooks/${probed.id}`, { token, ifMatch: `"${probed.version}"`, expect: 204 });

  const journey = await openJourney('webhooks');
  t.after(() => journey.close());
  const { page, context } = journey;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  const nav = page.getByRole('navigation', { name: 'Main' });
  const toast = page.getByRole('status');
  const log = page.getByRole('region', { name: 'Delivery log' });
  const rows = log.locator('tbody tr');
  const row = (/** @type {string} */ type) => rows.filter({ has: page.locator('code', { hasText: type }) });
  /** @type {string} */
  let secret = '';
  /** @type {string} */
  let endpointId = '';

  await journey.step('signed in as an admin: the webhooks', async () => {
    await page.goto('/admin/login');
    await signIn(page, admin.email, admin.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    await nav.getByRole('link', { name: 'Webhooks', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Webhooks' }), 'the heading "Webhooks"');
    await visible(page.getByRole('link', { name: 'Add endpoint' }), 'the link "Add endpoint"');
  });

  await journey.step('refused fields are marked next to them', async () => {
    await page.getByRole('link', { name: 'Add endpoint' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Add endpoint' }), 'the form');
    // Events are grouped by resource, and the test event is not offered.
    await visible(page.getByRole('group', { name: /^Articles/ }).getByRole('checkbox', { name: 'article.published', exact: true }), 'the article events');
    await visible(page.getByRole('group', { name: /^Sections/ }).getByRole('checkbox', { name: 'section.created', exact: true }), 'the section events');
    assert.equal(await page.getByRole('checkbox', { name: 'webhook.test' }).count(), 0, 'webhook.test is offered');
    await page.getByLabel('URL (required)').fill('ftp://example.org/hooks');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await page.waitForSelector('[data-field="url"][aria-invalid="true"]');
    await page.waitForSelector('[data-field="events"][aria-invalid="true"]');
    await visible(page.locator('[data-error-for="events"]').getByText('at least one'), 'the events\' error');
    assert.equal(await page.getByLabel('URL (required)').evaluate((el) => el === document.activeElement), true, 'the URL is not focused');
  });

  await journey.step('added: the secret, shown once', async () => {
    await page.getByLabel('URL (required)').fill(hooks.url);
    await page.getByLabel('Description').fill(description);
    await page.getByRole('checkbox', { name: 'article.published', exact: true }).check();
    await page.getByRole('checkbox', { name: 'section.created', exact: true }).check();
    // The group's box shows that some of its events are chosen.
    assert.equal(await page.getByRole('checkbox', { name: /^Articles/ }).evaluate((b) => /** @type {HTMLInputElement} */ (b).indeterminate), true);
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Webhook endpoint' }), 'the endpoint\'s page');
    const box = page.getByRole('region', { name: 'Signing secret' });
    await visible(box.getByText('it will not be shown again'), 'the warning');
    secret = await box.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    endpointId = /\/admin\/webhooks\/([^/?]+)$/.exec(page.url())?.[1] ?? '';
    const stored = await api('GET', `/api/v1/webhooks/${endpointId}`, { token });
    assert.deepEqual([...stored.events].sort(), ['article.published', 'section.created']);
    assert.equal(stored.description, description);
    assert.equal(stored.enabled, true);
    assert.equal(stored.secret, undefined, 'GET shows the secret');
  });

  await journey.step('the secret copied', async () => {
    await page.getByRole('region', { name: 'Signing secret' }).getByRole('button', { name: 'Copy' }).click();
    await visible(page.getByText('Copied to the clipboard.'), 'the confirmation');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  });

  await journey.step('listed; opened again, no secret', async () => {
    await page.getByRole('link', { name: 'Webhooks', exact: true }).first().click();
    await visible(page.getByRole('heading', { level: 1, name: 'Webhooks' }), 'the list');
    const listed = page.locator('tbody tr', { has: page.getByRole('link', { name: hooks.url }) });
    await visible(listed.getByText('2 events'), 'its event count');
    await visible(listed.getByText('Enabled'), 'its badge');
    await visible(listed.getByText(description), 'its description');
    await listed.getByRole('link', { name: hooks.url }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Webhook endpoint' }), 'the endpoint\'s page');
    await visible(log, 'the delivery log');
    assert.equal(await page.getByRole('region', { name: 'Signing secret' }).count(), 0, 'the secret is shown again');
    assert.equal(await page.getByText(secret).count(), 0, 'the secret is on the page');
  });

  await journey.step('a test event, delivered and signed', async () => {
    await log.getByRole('button', { name: 'Send test event' }).click();
    await visible(toast.getByText('Test event sent.'), 'the toast');
    // The log follows the delivery until it has ended.
    await visible(row('webhook.test').locator('.badge.delivered'), 'the test delivered in the log');
    await visible(row('webhook.test').locator('td[data-label="Last status"]', { hasText: /^200/ }), 'its status');
    const got = await eventually(() => hooks.received.find((r) => typeOf(r) === 'webhook.test'), 'the test at the receiver');
    for (const header of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      assert.ok(got.headers[header], `no ${header} header`);
    }
    assert.match(String(got.headers['webhook-id']), /^msg_/);
    assert.match(String(got.headers['webhook-signature']), /^v1,/);
    assert.equal(got.headers['content-type'], 'application/json');
    assert.ok(verified(secret, got), `the signature does not verify: ${JSON.stringify(got.headers)}`);
    assert.ok(!verified(`whsec_${randomBytes(24).toString('base64')}`, got), 'another key verifies it too');
    await visible(row('webhook.test').getByText(String(got.headers['webhook-id'])), 'its webhook-id in the log');
  });

  await journey.step('a failed attempt: its error, then the retry', async () => {
    hooks.answer = 503;
    const before = hooks.received.length;
    await log.getByRole('button', { name: 'Send test event' }).click();
    // The newest test in the log is this one: pending after a 503, retried in about 5
    // seconds. (Other journeys' sections may be announced meanwhile.)
    const first = row('webhook.test').first();
    await visible(first.locator('td[data-label="Last status"]', { hasText: /^503/ }), 'the 503 in the log');
    await visible(first.locator('.badge.pending'), 'the delivery pending');
    await visible(first.locator('td[data-label="Last error"]', { hasText: /\S{3}/ }), 'the error');
    assert.notEqual(await first.locator('td[data-label="Next attempt"]').textContent(), '—', 'no next attempt shown');
    assert.equal(await first.getByRole('button', { name: /^Redeliver/ }).count(), 0, 'a pending delivery offers Redeliver');
    await journey.shot('a failed attempt in the log');
    hooks.answer = 200;
    // The log keeps looking while the delivery is pending: the retry shows by itself.
    await visible(first.locator('.badge.delivered'), 'the retry delivered');
    await visible(first.locator('td[data-label="Attempts"]', { hasText: '2' }), 'two attempts');
    const tries = hooks.received.slice(before).filter((r) => typeOf(r) === 'webhook.test');
    assert.equal(tries.length, 2, `${tries.length} attempts at the receiver`);
    assert.equal(tries[0]?.headers['webhook-id'], tries[1]?.headers['webhook-id'], 'the retry has another webhook-id');
  });

  /** @type {Received | undefined} */
  let sectionEvent;
  await journey.step('a new section, delivered', async () => {
    const section = await createSection(`Hooks ${suffix}`);
    sectionEvent = await eventually(
      () => hooks.received.find((r) => typeOf(r) === 'section.created' && JSON.parse(r.body).data.section.id === section.id),
      'section.created at the receiver',
    );
    assert.ok(verified(secret, sectionEvent), 'the section event\'s signature does not verify');
    assert.equal(JSON.parse(sectionEvent.body).data.section.slug, section.slug);
    await log.getByRole('button', { name: 'Refresh' }).click();
    const mine = rows.filter({ hasText: String(sectionEvent.headers['webhook-id']) });
    await visible(mine.locator('.badge.delivered'), 'section.created delivered in the log');
    await visible(mine.getByRole('button', { name: /^Redeliver section\.created/ }), 'its Redeliver');
  });

  await journey.step('a stale save is reloaded', async () => {
    const now = await api('GET', `/api/v1/webhooks/${endpointId}`, { token });
    await api('PATCH', `/api/v1/webhooks/${endpointId}`, { token, ifMatch: `"${now.version}"`, body: { description: `Changed elsewhere ${suffix}` } });
    await page.getByLabel('Description').fill('Mine, not saved');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByRole('alert').getByText('Someone else saved this endpoint'), 'the 412 message');
    await visible(page.getByRole('alert').getByText('Your changes to Description were not saved'), 'what was not saved');
    assert.equal(await page.getByLabel('Description').inputValue(), `Changed elsewhere ${suffix}`);
  });

  await journey.step('disabled', async () => {
    await page.getByLabel('Enabled', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(toast.getByText('Saved.'), 'the toast');
    await visible(page.locator('.status-line .badge', { hasText: 'Disabled' }), 'the badge "Disabled"');
    await visible(log.getByText('This endpoint is disabled'), 'the note in the log');
    const stored = await api('GET', `/api/v1/webhooks/${endpointId}`, { token });
    assert.equal(stored.enabled, false);
  });

  await journey.step('redelivered: it waits while disabled', async () => {
    const eventId = String(sectionEvent?.headers['webhook-id']);
    const before = hooks.received.length;
    await rows.filter({ hasText: eventId }).filter({ has: page.locator('.badge.delivered') }).first().getByRole('button', { name: /^Redeliver/ }).click();
    await visible(toast.getByText('will be sent when it is enabled again'), 'the toast');
    const again = rows.filter({ hasText: eventId }).filter({ has: page.locator('.badge.pending') });
    await visible(again, 'the new delivery, pending');
    await visible(again.getByText('When enabled again'), 'when it goes');
    assert.equal(await again.getByRole('button', { name: /^Redeliver/ }).count(), 0, 'a pending delivery offers Redeliver');
    await page.waitForTimeout(1500);
    assert.equal(hooks.received.length, before, 'a disabled endpoint was sent something');
  });

  await journey.step('a delivery still pending is not sent again', async () => {
    // The client offers Redeliver only on deliveries that have ended, so this 409
    // comes from the network layer: what matters is how the problem is shown.
    await page.route('**/deliveries/*/redeliver', (route) =>
      route.fulfill({
        status: 409,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'urn:masthead:problem:delivery_pending', title: 'Conflict', status: 409, code: 'delivery_pending',
          detail: 'This delivery is still being attempted; redeliver it once it has succeeded or failed.',
        }),
      }),
    );
    await row('webhook.test').first().getByRole('button', { name: /^Redeliver/ }).click();
    await visible(log.getByRole('alert').getByText('Not sent again'), 'the 409 said');
    await visible(log.getByRole('alert').getByText('is still being attempted'), 'why');
    await page.unroute('**/deliveries/*/redeliver');
  });

  /**
   * Waits until the log lists deliveries, all in `state` (the filtered page has come).
   * @param {string} state
   */
  const onlyShown = (state) =>
    page.waitForFunction(
      (want) => {
        const trs = [...document.querySelectorAll('table.deliveries tbody tr')];
        return trs.length > 0 && trs.every((tr) => tr.getAttribute('data-state') === want);
      },
      state,
    );

  await journey.step('the log filtered by state', async () => {
    await log.getByLabel('State').selectOption('pending');
    await page.waitForURL(/\?state=pending$/);
    await onlyShown('pending');
    // Reloaded, the page keeps the filter.
    await page.reload();
    await visible(rows.filter({ has: page.locator('.badge.pending') }), 'the pending delivery after a reload');
    assert.equal(await rows.filter({ has: page.locator('.badge.delivered') }).count(), 0, 'delivered rows under "Pending"');
    assert.equal(await log.getByLabel('State').inputValue(), 'pending');
    await log.getByLabel('State').selectOption('delivered');
    await onlyShown('delivered');
    await log.getByLabel('State').selectOption('');
    await page.waitForURL(/\/admin\/webhooks\/[^/?]+$/);
  });

  await journey.step('enabled again: what waited is delivered', async () => {
    const eventId = String(sectionEvent?.headers['webhook-id']);
    await page.getByLabel('Enabled', { exact: true }).check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.locator('.status-line .badge', { hasText: 'Enabled' }), 'the badge "Enabled"');
    const twice = await eventually(() => {
      const same = hooks.received.filter((r) => r.headers['webhook-id'] === eventId);
      return same.length === 2 && same;
    }, 'the redelivery at the receiver');
    assert.equal(twice[1]?.body, twice[0]?.body, 'the redelivery is not the same event');
    assert.ok(twice[1] && verified(secret, twice[1]), 'the redelivery\'s signature does not verify');
    // The log followed it: the newest row of that event is the redelivery.
    await visible(rows.filter({ hasText: eventId }).first().locator('.badge.delivered'), 'the redelivery delivered in the log');
    assert.equal(await rows.filter({ hasText: eventId }).count(), 2);
    assert.equal(await rows.filter({ hasText: eventId }).filter({ has: page.locator('.badge.pending') }).count(), 0);
  });

  await journey.step('the log pages on', async () => {
    for (let i = 0; i < 20; i++) await api('POST', `/api/v1/webhooks/${endpointId}/test`, { token, expect: 202 });
    await log.getByRole('button', { name: 'Refresh' }).click();
    await visible(log.getByText('20 deliveries shown.'), 'a first page of 20');
    await log.getByRole('button', { name: 'More deliveries' }).click();
    // At least 24: the first two tests, the section's, its redelivery and these 20.
    await visible(rows.nth(23), 'the next page');
    const total = await rows.count();
    await visible(log.getByText(`${total} deliveries shown.`), 'the count');
    // No delivery is listed twice.
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
    assert.equal(new Set(ids).size, ids.length, 'a delivery is listed twice');
  });

  await journey.step('the endpoint\'s page on a phone', async () => {
    await usePhone(page);
    await page.reload();
    await visible(log.locator('tbody tr').first(), 'the log');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= phone.width, `the page is ${width} px wide at ${phone.width}`);
  });

  await journey.step('the list on a phone', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks', exact: true }).click();
    await visible(page.getByRole('link', { name: hooks.url }), 'the endpoint');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= phone.width, `the page is ${width} px wide at ${phone.width}`);
  });

  await journey.step('deleted', async () => {
    await useDesktop(page);
    await page.getByRole('link', { name: hooks.url }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Webhook endpoint' }), 'the endpoint\'s page');
    /** @type {string[]} */
    const asked = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      dialog.accept();
    });
    await page.getByRole('button', { name: 'Delete endpoint' }).click();
    await visible(toast.getByText('Endpoint deleted.'), 'the toast');
    await visible(page.getByRole('heading', { level: 1, name: 'Webhooks' }), 'the list');
    assert.match(asked[0] ?? '', /Delete the endpoint/);
    assert.equal(await page.getByRole('link', { name: hooks.url }).count(), 0, 'the endpoint is still listed');
    await api('GET', `/api/v1/webhooks/${endpointId}`, { token, expect: 404 });
  });

  await journey.step('an editor is not shown webhooks', async () => {
    const editor = await createUser({ role: 'editor' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByLabel('Email'), 'the sign-in form');
    await signIn(page, editor.email, editor.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    assert.equal(await nav.getByRole('link', { name: 'Webhooks', exact: true }).count(), 0, 'an editor sees "Webhooks"');
    await page.goto('/admin/webhooks');
    await visible(page.getByRole('alert').getByText('Webhooks are for admins.'), 'the refusal');
  });

  journey.assertNoProblems();
});
