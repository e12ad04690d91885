// The trash: a writer moves their own draft there, finds it under "Trash" in the
// article list, and restores it; an editor archives a published article.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admin, api, createUser, login, openJourney, signIn, visible } from './lib.js';

test('trash and restore a draft; archive a published article', { timeout: 180_000 }, async (t) => {
  const adminToken = await login(admin.email, admin.password);
  const slug = `trash-${Math.random().toString(16).slice(2, 8)}`;
  const section = await api('POST', '/api/v1/sections', { token: adminToken, body: { slug, name: `Trash ${slug.slice(6)}` }, expect: 201 });
  const writer = await createUser({ role: 'writer' });
  const editor = await createUser({ role: 'editor' });
  const writerToken = await login(writer.email, writer.password);
  const draft = await api('POST', '/api/v1/articles', {
    token: writerToken,
    body: { headline: `Lost cat found ${slug}`, section_id: section.id },
    expect: 201,
  });
  const journey = await openJourney('trash');
  t.after(() => journey.close());
  const { page } = journey;

  await journey.step('the writer moves the draft to the trash', async () => {
    await page.goto(`/admin/articles/${draft.id}`);
    await signIn(page, writer.email, writer.password);
    await visible(page.getByLabel('Headline'), 'the editor');
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Articles' }), 'the article list');
    const saved = await api('GET', `/api/v1/articles/${draft.id}`, { token: adminToken });
    assert.ok(saved.trashed_at, 'not in the trash');
  });

  await journey.step('found in the trash and restored', async () => {
    await page.getByLabel('Trash').check();
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByRole('link', { name: `Lost cat found ${slug}` }).click();
    await visible(page.locator('.status-line', { hasText: 'in trash' }), 'the trashed state');
    await page.getByRole('button', { name: 'Restore from trash' }).click();
    await visible(page.locator('.status-line', { hasText: 'draft' }), 'a draft again');
    const saved = await api('GET', `/api/v1/articles/${draft.id}`, { token: adminToken });
    assert.equal(saved.trashed_at ?? null, null);
  });

  await journey.step('an editor archives a published article', async () => {
    const published = await api('POST', `/api/v1/articles/${draft.id}/publish`, {
      token: adminToken,
      ifMatch: `"${(await api('GET', `/api/v1/articles/${draft.id}`, { token: adminToken })).version}"`,
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`/admin/articles/${published.id}`);
    await signIn(page, editor.email, editor.password);
    await page.getByRole('button', { name: 'Archive' }).click();
    await visible(page.locator('.status-line', { hasText: 'archived' }), 'archived');
    await api('GET', `/api/v1/public/articles/${published.slug}`, { expect: 404 });
  });
});
