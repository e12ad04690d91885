// API keys: an admin makes a key for an integration; it is shown once with a Copy
// button, works at once with its role, is listed by its first characters only, and
// stops at its next request when revoked. Other roles do not see the screen.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admin, api, baseUrl, createUser, openJourney, signIn, visible } from './lib.js';

/** The status of `GET /api/v1/auth/me` with `key` as the bearer. */
async function meStatus(/** @type {string} */ key) {
  const res = await fetch(`${baseUrl}/api/v1/auth/me`, { headers: { authorization: `Bearer ${key}` } });
  return res.status;
}

test('API keys: made, shown once, copied, used, revoked', { timeout: 180_000 }, async (t) => {
  const journey = await openJourney('api-keys');
  t.after(() => journey.close());
  const { page, context } = journey;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  const name = `Wire ingest ${Date.now()}`;
  let key = '';

  await journey.step('a missing name is refused next to its field', async () => {
    await page.goto('/admin/api-keys');
    await signIn(page, admin.email, admin.password);
    await visible(page.getByRole('heading', { level: 1, name: 'API keys' }), 'the screen');
    await page.getByRole('button', { name: 'Create key' }).click();
    await visible(page.getByRole('form', { name: 'New key' }).getByText('must not be blank'), 'the refusal');
  });

  await journey.step('made: shown once, with a Copy button', async () => {
    const form = page.getByRole('form', { name: 'New key' });
    await form.getByLabel('Name (required)').fill(name);
    await form.getByLabel('Role').selectOption('editor');
    await page.getByRole('button', { name: 'Create key' }).click();
    const box = page.getByRole('region', { name: 'API key' });
    await visible(box.getByText('it will not be shown again'), 'the warning');
    key = await box.getByRole('textbox', { name: 'API key' }).inputValue();
    assert.match(key, /^mhk_[A-Za-z0-9_-]{40,}$/);
    await box.getByRole('button', { name: 'Copy' }).click();
    await visible(page.getByText('Copied to the clipboard.'), 'the confirmation');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);
  });

  await journey.step('it works at once, as an editor', async () => {
    const me = await api('GET', '/api/v1/auth/me', { token: key });
    assert.equal(me.role, 'editor');
    assert.equal(me.display_name, name);
  });

  await journey.step('listed by its first characters only; gone from the page once stored', async () => {
    await page.getByRole('button', { name: 'I have stored it' }).click();
    assert.equal(await page.getByRole('region', { name: 'API key' }).count(), 0);
    await page.reload();
    const row = page.locator('tbody tr', { hasText: name });
    await visible(row.getByText(`${key.slice(0, 12)}…`), 'its prefix');
    await visible(row.getByText('active'), 'its status');
    assert.equal(await page.getByText(key).count(), 0, 'the key is on the page');
  });

  await journey.step('revoked: its next request is refused', async () => {
    const row = page.locator('tbody tr', { hasText: name });
    page.once('dialog', (dialog) => dialog.accept());
    await row.getByRole('button', { name: 'Revoke' }).click();
    await visible(page.locator('tbody tr', { hasText: name }).getByText('revoked'), 'the revoked status');
    assert.equal(await page.locator('tbody tr', { hasText: name }).getByRole('button', { name: 'Revoke' }).count(), 0);
    assert.equal(await meStatus(key), 401);
  });

  await journey.step('not for editors: no link, and the screen says why', async () => {
    const editor = await createUser({ role: 'editor' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByLabel('Email'), 'the sign-in form');
    await page.goto('/admin/api-keys');
    await signIn(page, editor.email, editor.password);
    await visible(page.getByText('API keys are for admins.'), 'the refusal');
    assert.equal(await page.getByRole('navigation').getByRole('link', { name: 'API keys' }).count(), 0);
  });
});
