// The audit log: an admin sees who did what and from where, filters it by action
// (the filter kept in the address), and exports what the filter selects as NDJSON.
// Editors do not see the screen.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { admin, api, createUser, login, openJourney, signIn, visible } from './lib.js';

test('audit log: entries, a filter, the export', { timeout: 180_000 }, async (t) => {
  const stranger = `stranger-${Date.now()}@example.org`;
  await api('POST', '/api/v1/auth/login', { body: { email: stranger, password: 'a wrong guess' }, expect: 401 });
  const editor = await createUser({ role: 'editor' });
  const adminToken = await login(admin.email, admin.password);
  await api('PATCH', `/api/v1/users/${editor.id}`, { token: adminToken, body: { role: 'writer' } });

  const journey = await openJourney('audit');
  t.after(() => journey.close());
  const { page } = journey;

  await journey.step('the log: who, from where, what', async () => {
    await page.goto('/admin/audit-log');
    await signIn(page, admin.email, admin.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Audit log' }), 'the screen');
    const changed = page.locator('tbody tr', { hasText: 'User changed' }).filter({ hasText: editor.id });
    await visible(changed.first().getByText('role: "editor" → "writer"'), 'the role change');
    await visible(changed.first().getByText('127.0.0.1'), 'the address');
  });

  await journey.step('filtered by action, in the address', async () => {
    await page.getByLabel('Action').selectOption('login.failed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/action=login\.failed/);
    const refused = page.locator('tbody tr', { hasText: stranger });
    await visible(refused.getByText('nobody signed in'), 'the refused sign-in');
    assert.equal(await page.locator('tbody tr', { hasText: 'User changed' }).count(), 0);
  });

  await journey.step('exported as NDJSON, as filtered', async () => {
    const [file] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export as NDJSON' }).click(),
    ]);
    assert.equal(file.suggestedFilename(), 'audit-log.ndjson');
    const text = await readFile(/** @type {string} */ (await file.path()), 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(lines.length >= 1);
    assert.ok(lines.every((e) => e.action === 'login.failed'), text);
    assert.ok(lines.some((e) => e.details.email === stranger), text);
  });

  await journey.step('not for editors', async () => {
    const other = await createUser({ role: 'editor' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByLabel('Email'), 'the sign-in form');
    await page.goto('/admin/audit-log');
    await signIn(page, other.email, other.password);
    await visible(page.getByText('The audit log is for admins.'), 'the refusal');
  });
});
