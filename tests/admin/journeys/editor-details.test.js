// The article editor's details a newsroom meets every day: text with quotes and links
// reads back as saved, Enter splits a paragraph at the caret, Shift+Enter is a line
// break, a past time cannot be scheduled, Back asks before dropping unsaved work, the
// skip link skips, and unsaved work in this browser belongs to its author.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admin, api, createArticle, createSection, createUser, login, openJourney, signIn, visible } from './lib.js';

/** @typedef {import('playwright-core').Page} Page */

let adminToken = '';

/** @param {Page} page @param {string} text */
const status = (page, text) => visible(page.locator('.status-line', { hasText: text }), `the status "${text}"`);

test('editing text: quotes and links, Enter, Shift+Enter, schedule, Back, skip link', { timeout: 180_000 }, async (t) => {
  const s = await createSection('Details');
  const editor = await createUser({ role: 'editor' });
  const token = await login(editor.email, editor.password);
  const created = await api('POST', '/api/v1/articles', {
    token,
    body: {
      headline: 'Mayor says "no" to the tower',
      section_id: s.id,
      body: [{ type: 'paragraph', text: 'She said "never", and <a href="https://example.org/a?b=1&amp;c=2">explained</a> why.' }],
    },
    expect: 201,
  });
  const journey = await openJourney('editor-details');
  t.after(() => journey.close());
  const { page } = journey;
  const path = `/admin/articles/${created.id}`;

  await journey.step('text with quotes and a link reads back as saved', async () => {
    await page.goto(path);
    await signIn(page, editor.email, editor.password);
    await visible(page.getByLabel('Headline'), 'the editor');
    await page.waitForTimeout(800);
    await status(page, 'saved');
    assert.equal(await page.locator('.status-line', { hasText: 'unsaved' }).count(), 0);
  });

  await journey.step('Enter splits the paragraph at the caret; Shift+Enter breaks the line', async () => {
    const first = page.getByRole('textbox', { name: 'Paragraph text, block 1' });
    await first.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Control+End');
    await page.keyboard.type(' Then the vote.');
    for (let i = 0; i < ' Then the vote.'.length; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Enter');
    await page.keyboard.type('Next:');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('more');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await status(page, 'version 2');
    const saved = await api('GET', `/api/v1/articles/${created.id}`, { token });
    assert.equal(saved.body.length, 2, JSON.stringify(saved.body));
    assert.match(saved.body[0].text, /why\.$/);
    // The space the split starts with may be collapsed by the browser.
    assert.match(saved.body[1].text, /^Next:<br>more ?Then the vote\.$/);
  });

  await journey.step('an external id is set here, and one another article has is refused', async () => {
    await api('POST', '/api/v1/articles', { token, body: { headline: 'Wire copy', section_id: s.id, external_id: 'AP-0411' }, expect: 201 });
    const external = page.getByLabel('External id');
    await external.fill('AP-0411');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByText('Another article has this external id.'), 'the refusal');
    await external.fill(' AP-0412 ');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await status(page, 'version 3');
    const saved = await api('GET', `/api/v1/articles/${created.id}`, { token });
    assert.equal(saved.external_id, 'AP-0412');
  });

  await journey.step('a time already past cannot be scheduled', async () => {
    await page.getByRole('button', { name: 'Schedule…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule publication' });
    await dialog.getByLabel('Publish at').fill('2020-01-01T09:00');
    await dialog.getByLabel('Time zone').selectOption('UTC');
    await dialog.getByRole('button', { name: 'Schedule' }).click();
    await visible(dialog.getByRole('alert').getByText('Choose a time in the future'), 'the refusal');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    const saved = await api('GET', `/api/v1/articles/${created.id}`, { token });
    assert.equal(saved.status, 'draft');
  });

  await journey.step('Back asks before dropping unsaved work', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Articles' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Articles' }), 'the list');
    await page.getByRole('link', { name: created.headline }).click();
    await visible(page.getByLabel('Headline'), 'the editor');
    await page.getByLabel('Headline').fill('Mayor rejects the tower');
    /** @type {string[]} */
    const asked = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      d.dismiss();
    });
    await page.goBack();
    await page.waitForTimeout(500);
    assert.deepEqual(asked, ['Leave without saving your changes?']);
    assert.equal(new URL(page.url()).pathname, path);
    assert.equal(await page.getByLabel('Headline').inputValue(), 'Mayor rejects the tower');
  });

  await journey.step('the skip link moves to the content, and nothing else', async () => {
    await page.keyboard.press('Control+Home');
    await page.locator('body').focus();
    await page.getByRole('link', { name: 'Skip to content' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(300);
    assert.equal(await page.getByLabel('Headline').inputValue(), 'Mayor rejects the tower');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
  });
});

test('unsaved work in this browser belongs to its author', { timeout: 180_000 }, async (t) => {
  await createSection('Details');
  const writer = await createUser({ role: 'writer' });
  const editor = await createUser({ role: 'editor' });
  const journey = await openJourney('drafts-per-user');
  t.after(() => journey.close());
  const { page } = journey;

  await journey.step('a writer starts an article, unsaved', async () => {
    await page.goto('/admin/articles/new');
    await signIn(page, writer.email, writer.password);
    await page.getByLabel('Headline').fill('Secret source speaks');
    await page.waitForTimeout(1000);
  });

  await journey.step('their session ends: the sign-in page says so', async () => {
    adminToken ||= await login(admin.email, admin.password);
    // A new password ends every session of the writer.
    await api('PATCH', `/api/v1/users/${writer.id}`, { token: adminToken, body: { password: 'another long passphrase 1' } });
    // Leaving the unsaved article asks first (the work stays in this browser).
    page.once('dialog', (d) => d.accept());
    await page.getByRole('navigation').getByRole('link', { name: 'Home' }).click();
    await visible(page.getByText('Your session has ended'), 'the notice');
    assert.equal(await page.getByLabel('Email').inputValue(), writer.email);
  });

  await journey.step("a colleague on the same browser does not get the writer's draft", async () => {
    await page.getByLabel('Email').fill(editor.email);
    await signIn(page, editor.email, editor.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home');
    await page.getByRole('link', { name: 'New article' }).first().click();
    await visible(page.getByLabel('Headline'), 'the editor');
    await page.waitForTimeout(300);
    assert.equal(await page.getByText('This browser kept unsaved changes').count(), 0);
    assert.equal(await page.getByLabel('Headline').inputValue(), '');
  });

  await journey.step('the writer, back, gets it', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto('/admin/articles/new');
    await signIn(page, writer.email, 'another long passphrase 1');
    await visible(page.getByText('This browser kept unsaved changes'), 'the offer to restore');
    await page.getByRole('button', { name: 'Restore them' }).click();
    assert.equal(await page.getByLabel('Headline').inputValue(), 'Secret source speaks');
  });
});
