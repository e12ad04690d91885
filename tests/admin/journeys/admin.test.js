// An admin's screens: users and the paywall, at desktop width, then the users list and
// the navigation at phone width.
//
// The UI contract this journey holds the client to:
//   - the navigation shows "Users" and "Paywall" to an admin, and at 390 px every link
//     of it is on screen without scrolling sideways;
//   - /admin/users lists users (filters "Role" and "Status", a button "Filter"), with a
//     link "New user" to a form with "Display name", "Email", "Role", "Initial
//     password" and a button "Create user"; a refused field is marked next to it;
//   - a user's page edits "Display name", "Email" and "Role" ("Save changes"), and has
//     "Deactivate" / "Reactivate" (deactivating asks first) and "Unlock sign-in";
//     what the API refuses (the last admin's demotion: 409) is shown with role=alert;
//   - /admin/paywall has "Free articles per period" and a button "Save paywall", and
//     what it saves is what the public meter then answers;
//   - leaving a user's page or the paywall with unsaved changes asks first (a confirm
//     dialog), and staying keeps them.

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { admin, api, baseUrl, login, openJourney, signIn, usePhone, visible } from './lib.js';

/**
 * A request with If-Match, which lib.js's `api` does not send.
 * @param {string} method
 * @param {string} path
 * @param {{token: string, ifMatch: string, body?: unknown, expect?: number}} options
 */
async function versioned(method, path, { token, ifMatch, body, expect = 200 }) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'if-match': ifMatch, 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  assert.equal(response.status, expect, `${method} ${path}: ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * Clicks a link with unsaved changes on the page: the client must ask, and is told to
 * stay. Returns what it asked.
 * @param {import('playwright-core').Page} page
 * @param {import('playwright-core').Locator} link
 */
async function leaveButStay(page, link) {
  /** @type {string[]} */
  const asked = [];
  /** @param {import('playwright-core').Dialog} dialog */
  const stay = (dialog) => {
    asked.push(dialog.message());
    dialog.dismiss();
  };
  page.on('dialog', stay);
  try {
    await link.click();
    await page.waitForTimeout(200);
  } finally {
    page.off('dialog', stay);
  }
  assert.equal(asked.length, 1, 'leaving with unsaved changes did not ask');
  return asked[0] ?? '';
}

/** The sign-in throttle's status for an account: 401 for a wrong password, 429 when locked. */
async function loginStatus(/** @type {string} */ email, /** @type {string} */ password) {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  await response.arrayBuffer();
  return response.status;
}

test('admin: users and the paywall', { timeout: 300_000 }, async (t) => {
  const token = await login(admin.email, admin.password);
  const me = await api('GET', '/api/v1/auth/me', { token });
  // The paywall is one document for the whole server: put it back for other journeys.
  const paywallBefore = await api('GET', '/api/v1/paywall', { token });
  t.after(() => api('PUT', '/api/v1/paywall', { token, body: paywallBefore }));

  const journey = await openJourney('admin');
  t.after(() => journey.close());
  const { page } = journey;
  const nav = page.getByRole('navigation', { name: 'Main' });
  const alert = page.getByRole('alert');
  const toast = page.getByRole('status');
  const suffix = randomBytes(4).toString('hex');
  const writer = { name: `Kim Park ${suffix}`, email: `kim-${suffix}@example.org`, password: `kim long passphrase ${suffix}` };
  /** @type {string} */
  let writerId = '';

  await journey.step('signed in as an admin', async () => {
    await page.goto('/admin/login');
    await signIn(page, admin.email, admin.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    for (const name of ['Sections', 'Users', 'Paywall']) {
      await visible(nav.getByRole('link', { name, exact: true }), `the navigation link "${name}"`);
    }
  });

  await journey.step('the users list', async () => {
    await nav.getByRole('link', { name: 'Users', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Users' }), 'the heading "Users"');
    await visible(page.getByRole('link', { name: me.display_name, exact: true }), 'the admin in the list');
  });

  await journey.step('a refused field is marked next to it', async () => {
    await page.getByRole('link', { name: 'New user' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'New user' }), 'the heading "New user"');
    await page.getByLabel('Display name', { exact: true }).fill(writer.name);
    await page.getByLabel('Email', { exact: true }).fill(writer.email);
    await page.getByLabel('Role', { exact: true }).selectOption('writer');
    await page.getByLabel('Initial password', { exact: true }).fill('too short');
    await page.getByRole('button', { name: 'Create user' }).click();
    const password = page.getByLabel('Initial password', { exact: true });
    await page.waitForSelector('[data-field="password"][aria-invalid="true"]');
    const describedBy = (await password.getAttribute('aria-describedby')) ?? '';
    const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
    const message = (await page.locator(`[id="${errorId}"]`).innerText()).trim();
    assert.ok(message.length > 0, 'no error next to "Initial password"');
    await visible(alert, 'the form\'s alert');
  });

  await journey.step('the admin creates a writer', async () => {
    await page.getByLabel('Initial password', { exact: true }).fill(writer.password);
    await page.getByRole('button', { name: 'Create user' }).click();
    await visible(page.getByRole('heading', { level: 1, name: writer.name }), `the page of ${writer.name}`);
    await visible(toast.getByText(`${writer.name} can now sign in as writer.`), 'the toast');
    const found = (await api('GET', '/api/v1/users?role=writer&limit=100', { token })).items.find((/** @type {any} */ u) => u.email === writer.email);
    assert.ok(found, 'the writer is not in GET /users?role=writer');
    assert.equal(found.display_name, writer.name);
    writerId = found.id;
    assert.equal(new URL(page.url()).pathname, `/admin/users/${writerId}`);
    await login(writer.email, writer.password);
  });

  await journey.step('the writer becomes an editor', async () => {
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(toast.getByText('Saved.'), 'the toast "Saved."');
    const user = await api('GET', `/api/v1/users/${writerId}`, { token });
    assert.equal(user.role, 'editor');
    await visible(page.locator('dl.facts dd', { hasText: /^editor$/ }), 'the role "editor" among the facts');
  });

  await journey.step('an unsaved name asks before leaving', async () => {
    await page.getByLabel('Display name', { exact: true }).fill(`${writer.name} (not saved)`);
    assert.match(await leaveButStay(page, nav.getByRole('link', { name: 'Users', exact: true })), /without saving/);
    await visible(page.getByRole('heading', { level: 1, name: writer.name }), 'the user\'s page, still');
    assert.equal(await page.getByLabel('Display name', { exact: true }).inputValue(), `${writer.name} (not saved)`);
    await page.getByLabel('Display name', { exact: true }).fill(writer.name);
  });

  await journey.step('deactivated', async () => {
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Deactivate' }).click();
    await visible(page.getByText('Deactivated: they cannot sign in.'), 'the deactivated state');
    await visible(page.getByRole('button', { name: 'Reactivate' }), 'the button "Reactivate"');
    assert.equal((await api('GET', `/api/v1/users/${writerId}`, { token })).active, false);
    assert.equal(await loginStatus(writer.email, writer.password), 401, 'a deactivated user signed in');
  });

  await journey.step('reactivated', async () => {
    await page.getByRole('button', { name: 'Reactivate' }).click();
    await visible(page.getByText('Active: they can sign in.'), 'the active state');
    assert.equal((await api('GET', `/api/v1/users/${writerId}`, { token })).active, true);
    await login(writer.email, writer.password);
  });

  await journey.step('a locked-out user is unlocked', async () => {
    // The deactivated sign-in above failed once; ten failures in all lock the account
    // out from this address until the window passes, even with the right password.
    let status = 401;
    for (let i = 0; i < 20 && status === 401; i++) status = await loginStatus(writer.email, 'not the password at all');
    assert.equal(status, 429, 'the account was not locked out');
    assert.equal(await loginStatus(writer.email, writer.password), 429, 'the right password went through while locked');
    await page.getByRole('button', { name: 'Unlock sign-in' }).click();
    await visible(toast.getByText(`Unlocked: ${writer.name} can sign in again now.`), 'the toast');
    await login(writer.email, writer.password);
  });

  await journey.step('the list filtered by role and status', async () => {
    await nav.getByRole('link', { name: 'Users', exact: true }).click();
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByLabel('Status', { exact: true }).selectOption('true');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/\/admin\/users\?role=editor&active=true$/);
    await visible(page.getByRole('link', { name: writer.name, exact: true }), 'the new editor in the filtered list');
    assert.equal(await page.getByRole('link', { name: me.display_name, exact: true }).count(), 0, 'the admin is listed among active editors');
  });

  await journey.step('the last admin cannot demote themselves', async () => {
    const admins = (await api('GET', '/api/v1/users?role=admin&active=true&limit=100', { token })).items;
    assert.deepEqual(
      admins.map((/** @type {any} */ u) => u.email),
      [admin.email],
      'another active admin exists (made by another journey?): the demotion would go through',
    );
    await page.goto(`/admin/users/${me.id}`);
    await visible(page.getByText('This is your own account.'), 'the note on one\'s own page');
    await page.getByLabel('Role', { exact: true }).selectOption('editor');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(alert.getByText('This is the last active admin'), 'the 409 message');
    assert.equal((await api('GET', `/api/v1/users/${me.id}`, { token })).role, 'admin');
    // Refused, the choice is still unsaved: put it back before leaving.
    await page.getByLabel('Role', { exact: true }).selectOption('admin');
  });

  const quota = paywallBefore.quota === 7 ? 8 : 7;
  /** @type {any} */
  let meterSection;
  await journey.step('the paywall refuses a quota out of range', async () => {
    await nav.getByRole('link', { name: 'Paywall', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Paywall' }), 'the heading "Paywall"');
    const field = page.getByLabel('Free articles per period', { exact: true });
    assert.equal(await field.inputValue(), String(paywallBefore.quota));
    await field.fill('5000');
    await page.getByRole('button', { name: 'Save paywall' }).click();
    await page.waitForSelector('[data-field="quota"][aria-invalid="true"]');
    const slot = page.locator('[data-error-for="quota"]');
    assert.ok((await slot.innerText()).trim().length > 0, 'no error next to the quota');
    assert.equal((await api('GET', '/api/v1/paywall', { token })).quota, paywallBefore.quota);
  });

  await journey.step('the refused quota, unsaved, asks before leaving', async () => {
    assert.match(await leaveButStay(page, nav.getByRole('link', { name: 'Home', exact: true })), /without saving/);
    await visible(page.getByRole('heading', { level: 1, name: 'Paywall' }), 'the paywall, still');
    assert.equal(await page.getByLabel('Free articles per period', { exact: true }).inputValue(), '5000');
  });

  await journey.step('the paywall changes the meter', async () => {
    await page.getByLabel('Free articles per period', { exact: true }).fill(String(quota));
    await page.getByRole('button', { name: 'Save paywall' }).click();
    await visible(toast.getByText('Paywall saved.'), 'the toast "Paywall saved."');
    assert.equal((await api('GET', '/api/v1/paywall', { token })).quota, quota);

    // A published metered article, read by a new reader: the meter counts against the new quota.
    const section = await api('POST', '/api/v1/sections', { token, body: { name: `Meter ${suffix}` }, expect: 201 });
    const article = await api('POST', '/api/v1/articles', {
      token,
      expect: 201,
      body: { headline: `Metered ${suffix}`, section_id: section.id, access: 'metered', body: [{ type: 'paragraph', text: 'One.' }] },
    });
    await versioned('POST', `/api/v1/articles/${article.id}/publish`, { token, ifMatch: `"${article.version}"` });
    const response = await fetch(`${baseUrl}/api/v1/public/articles/${article.slug}/access`, {
      method: 'POST',
      headers: { 'x-reader-id': randomUUID() },
    });
    const access = await response.json();
    assert.equal(response.status, 200, JSON.stringify(access));
    assert.equal(access.decision, 'metered');
    assert.equal(access.quota, quota);
    assert.equal(access.articles_left, quota - 1);
    meterSection = section;
  });

  await journey.step('the paywall counts chosen sections, on a phone', async () => {
    await usePhone(page);
    await page.reload();
    await page.getByLabel('Only these sections:').check();
    await page.getByLabel(meterSection.name, { exact: true }).check();
    await page.getByRole('button', { name: 'Save paywall' }).click();
    await visible(toast.getByText('Paywall saved.'), 'the toast "Paywall saved."');
    assert.deepEqual((await api('GET', '/api/v1/paywall', { token })).counted_section_ids, [meterSection.id]);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at 390`);
  });

  await journey.step('the users list on a phone', async () => {
    await page.goto('/admin/users');
    await visible(page.getByRole('link', { name: writer.name, exact: true }), 'the new user in the list');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at 390`);
  });

  await journey.step('the navigation on a phone', async () => {
    for (const link of await nav.getByRole('link').all()) {
      const box = await link.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `the link "${await link.innerText()}" is off screen`);
    }
    // The links are reachable by keyboard: Tab from the brand reaches the first one.
    await page.getByRole('link', { name: 'Masthead' }).focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Home');
  });

  journey.assertNoProblems();
});
