// Preview links: a writer shares their draft with someone who has no account (the
// link shows the draft as readers would get it, edits included, until revoked); the
// link is gone from the card once the piece is published and no longer theirs to
// change; an editor shares the published piece for a week.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admin, api, baseUrl, createArticle, createSection, createUser, login, openJourney, signIn, visible } from './lib.js';

/** @typedef {import('playwright-core').Page} Page */

/**
 * What a preview link shows, read as someone without an account would.
 * @param {string} url
 */
async function openLink(url) {
  const response = await fetch(url);
  return { status: response.status, cacheControl: response.headers.get('cache-control'), body: await response.json() };
}

/** @param {Page} page */
const card = (page) => page.getByRole('group', { name: 'Preview links' });

test('preview links: share a draft, see edits, revoke; editors share published pieces', { timeout: 180_000 }, async (t) => {
  const section = await createSection('Preview');
  const writer = await createUser({ role: 'writer' });
  const editor = await createUser({ role: 'editor' });
  const writerToken = await login(writer.email, writer.password);
  const draft = await createArticle(writerToken, {
    headline: 'Harbour cranes go electric',
    section_id: section.id,
    body: [{ type: 'paragraph', text: 'The port will replace its diesel cranes by 2028.' }],
  });
  const journey = await openJourney('preview-links');
  t.after(() => journey.close());
  const { page } = journey;
  await journey.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  let url = '';

  await journey.step('the writer makes a link to their draft', async () => {
    await page.goto(`/admin/articles/${draft.id}`);
    await signIn(page, writer.email, writer.password);
    await visible(card(page), 'the preview links card');
    await visible(card(page).getByText('None.'), 'no links yet');
    await card(page).getByLabel('Link lasts').selectOption({ label: '1 hour' });
    await card(page).getByRole('button', { name: 'Create preview link' }).click();
    const link = card(page).getByLabel('New preview link');
    await visible(link, 'the new link');
    url = await link.inputValue();
    assert.match(url, new RegExp(`^${baseUrl}/api/v1/public/preview/[A-Za-z0-9_-]{43}$`));
    await visible(card(page).getByText('Works until'), 'its expiry');
    await visible(card(page).getByRole('listitem').filter({ hasText: `By ${writer.display_name}` }), 'the link in the list');
    const [made] = (await api('GET', `/api/v1/articles/${draft.id}/previews`, { token: writerToken })).items;
    const hours = (Date.parse(made.expires_at) - Date.parse(made.created_at)) / 3_600_000;
    assert.equal(hours, 1);
  });

  await journey.step('the link shows the draft to someone without an account, and copies', async () => {
    const shown = await openLink(url);
    assert.equal(shown.status, 200);
    assert.equal(shown.cacheControl, 'private, no-store');
    assert.equal(shown.body.headline, 'Harbour cranes go electric');
    await card(page).getByRole('button', { name: 'Copy link' }).click();
    await visible(page.getByText('Link copied.'), 'the copy confirmed');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), url);
  });

  await journey.step('an edit shows through the link at once', async () => {
    await page.getByLabel('Headline').fill('Harbour cranes go electric by 2028');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.locator('.status-line', { hasText: 'version 2' }), 'saved');
    assert.equal((await openLink(url)).body.headline, 'Harbour cranes go electric by 2028');
  });

  await journey.step('revoked, the link shows nothing', async () => {
    await card(page).getByRole('button', { name: /^Revoke the link/ }).click();
    await visible(page.getByText('Preview link revoked.'), 'the revocation confirmed');
    await visible(card(page).getByText('None.'), 'no working links');
    assert.equal((await openLink(url)).status, 404);
  });

  await journey.step('published, the piece is no longer the writer’s to share', async () => {
    const adminToken = await login(admin.email, admin.password);
    const current = await api('GET', `/api/v1/articles/${draft.id}`, { token: adminToken });
    await api('POST', `/api/v1/articles/${draft.id}/publish`, { token: adminToken, ifMatch: `"${current.version}"` });
    await page.reload();
    await visible(page.getByText('You may read this article but not change it.'), 'the read-only editor');
    assert.equal(await card(page).count(), 0);
  });

  await journey.step('an editor shares the published piece for a week', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`/admin/articles/${draft.id}`);
    await signIn(page, editor.email, editor.password);
    await visible(card(page), 'the preview links card');
    await card(page).getByLabel('Link lasts').selectOption({ label: '7 days' });
    await card(page).getByRole('button', { name: 'Create preview link' }).click();
    await visible(card(page).getByLabel('New preview link'), 'the new link');
    await visible(card(page).getByRole('listitem').filter({ hasText: `By ${editor.display_name}` }), 'the link in the list');
    const shown = await openLink(await card(page).getByLabel('New preview link').inputValue());
    assert.equal(shown.status, 200);
    assert.equal(shown.body.headline, 'Harbour cranes go electric by 2028');
  });
});
