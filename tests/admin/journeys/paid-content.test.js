// Paid content: an editor marks an article as an advertiser's (sponsor, label,
// disclosure); a missing disclosure is refused next to its field; readers then get the
// article labelled. A writer sees the marking on their own draft and cannot change it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { api, createArticle, createSection, createUser, login, openJourney, signIn, visible } from './lib.js';

test('paid content: an editor marks it, a writer cannot change it', { timeout: 180_000 }, async (t) => {
  const s = await createSection('Partners');
  const editor = await createUser({ role: 'editor' });
  const writer = await createUser({ role: 'writer' });
  const editorToken = await login(editor.email, editor.password);
  const writerToken = await login(writer.email, writer.password);
  const draft = await createArticle(editorToken, {
    headline: 'Saving early pays',
    section_id: s.id,
    body: [{ type: 'paragraph', text: 'Compound interest does the work.' }],
  });
  const journey = await openJourney('paid-content');
  t.after(() => journey.close());
  const { page } = journey;

  await journey.step('an editor fills the sponsor and label, and is told the disclosure is missing', async () => {
    await page.goto(`/admin/articles/${draft.id}`);
    await signIn(page, editor.email, editor.password);
    const paid = page.getByRole('group', { name: 'Paid content' });
    await visible(paid, 'the paid-content card');
    await paid.getByLabel('Sponsor', { exact: true }).fill('Acme Bank');
    await paid.getByLabel('Sponsor URL').fill('https://acme.example.com');
    await paid.getByLabel('Label').fill('Paid post');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(paid.getByText('must hold visible text'), 'the disclosure refused');
    const saved = await api('GET', `/api/v1/articles/${draft.id}`, { token: editorToken });
    assert.equal(saved.sponsorship ?? null, null, 'nothing saved');
  });

  await journey.step('with the disclosure it saves, and readers get the article labelled', async () => {
    const paid = page.getByRole('group', { name: 'Paid content' });
    await paid.getByLabel('Disclosure').fill('This article was paid for by Acme Bank.');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.locator('.status-line', { hasText: 'version 2' }), 'saved');
    const saved = await api('GET', `/api/v1/articles/${draft.id}`, { token: editorToken });
    assert.deepEqual(saved.sponsorship, {
      sponsor_name: 'Acme Bank', sponsor_url: 'https://acme.example.com',
      label: 'Paid post', disclosure: 'This article was paid for by Acme Bank.',
    });
    await page.getByRole('button', { name: 'Publish now' }).click();
    await visible(page.locator('.status-line', { hasText: 'Published' }), 'published');
    const live = await api('GET', `/api/v1/public/articles/${saved.slug}`);
    assert.equal(live.sponsored, true);
    assert.equal(live.structured_data['@type'], 'AdvertiserContentArticle');
  });

  await journey.step('a writer sees the marking on their draft, read-only', async () => {
    const own = await createArticle(writerToken, { headline: 'Partner guide', section_id: s.id });
    await api('PATCH', `/api/v1/articles/${own.id}`, {
      token: editorToken,
      ifMatch: `"${own.version}"`,
      body: { sponsorship: { sponsor_name: 'Acme Bank', label: 'Paid post', disclosure: 'Paid for by Acme Bank.' } },
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByLabel('Email'), 'the sign-in form');
    await page.goto(`/admin/articles/${own.id}`);
    await signIn(page, writer.email, writer.password);
    const paid = page.getByRole('group', { name: 'Paid content' });
    await visible(paid, 'the paid-content card');
    assert.equal(await paid.getByLabel('Label').inputValue(), 'Paid post');
    assert.equal(await paid.getByLabel('Label').isDisabled(), true);
    assert.equal(await paid.getByLabel('Disclosure').isDisabled(), true);
    // The writer's own edits still save; the marking stays.
    await page.getByLabel('Headline').fill('Partner guide, updated');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.locator('.status-line', { hasText: 'version 3' }), 'saved');
    const saved = await api('GET', `/api/v1/articles/${own.id}`, { token: writerToken });
    assert.equal(saved.sponsorship.label, 'Paid post');
  });

  await journey.step('a writer’s new article has no paid-content card', async () => {
    await page.goto('/admin/articles/new');
    await visible(page.getByLabel('Headline'), 'the editor');
    assert.equal(await page.getByRole('group', { name: 'Paid content' }).count(), 0);
  });
});
