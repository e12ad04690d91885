// The newsroom's editorial work in the admin client: a writer drafts with several block
// types and submits; an editor schedules and publishes; two editors edit one article
// and the second gets the conflict dialog; unsaved work survives a reload; the editor
// renders at phone width.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admin, api, createArticle, createSection, createUser, login, openJourney, phone, signIn, visible } from './lib.js';

/** @typedef {import('playwright-core').Page} Page */

let adminToken = '';
/** A section for the journeys' articles, made once. */

/** @param {string} id */
async function article(id) {
  adminToken ||= await login(admin.email, admin.password);
  return api('GET', `/api/v1/articles/${id}`, { token: adminToken });
}

/** The article id in the editor's address. @param {Page} page */
function idOf(page) {
  const m = /\/admin\/articles\/([^/?#]+)$/.exec(new URL(page.url()).pathname);
  assert.ok(m && m[1] !== 'new', `not on an article's page: ${page.url()}`);
  return decodeURIComponent(/** @type {string} */ (m[1]));
}

/** @param {Page} page @param {string} type */
async function addBlock(page, type) {
  await page.getByLabel('Type of block to add').selectOption(type);
  await page.getByRole('button', { name: 'Add block' }).click();
}

/** @param {Page} page @param {string} text */
async function status(page, text) {
  await visible(page.locator('.status-line', { hasText: text }), `the status "${text}"`);
}

test('writer drafts with several block types and submits', { timeout: 180_000 }, async (t) => {
  const s = await createSection('World');
  const writer = await createUser({ role: 'writer' });
  const journey = await openJourney('writer-drafts');
  t.after(() => journey.close());
  const { page } = journey;
  const headline = 'Typhoon <img src=x onerror=alert(1)> nears the coast';

  await journey.step('sign in as a writer', async () => {
    await page.goto('/admin/');
    await signIn(page, writer.email, writer.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    // Writers see no publishing controls anywhere, and no commercial screens.
    assert.equal(await page.getByRole('link', { name: 'Sponsored' }).count(), 0);
  });

  await journey.step('a new article with every kind of block', async () => {
    await page.getByRole('link', { name: 'New article' }).first().click();
    await page.getByLabel('Headline').fill(headline);
    await page.getByLabel('Standfirst').fill('Thousands moved inland as the storm gathers.');
    await page.getByLabel('Section').selectOption(s.id);
    await page.getByLabel('Tags').fill('weather, typhoon');
    await addBlock(page, 'paragraph');
    const paragraph = page.getByRole('textbox', { name: 'Paragraph text' }).first();
    await paragraph.click();
    await page.keyboard.type('The storm is ');
    await page.keyboard.press('Control+b');
    await page.keyboard.type('strengthening');
    await page.keyboard.press('Control+b');
    await page.keyboard.type(' fast.');
    await addBlock(page, 'quote');
    await page.getByRole('textbox', { name: 'Quote text' }).fill('We are ready.');
    await page.getByLabel('Attribution').fill('The governor');
    await addBlock(page, 'list');
    await page.getByLabel('Items').fill('Stay inside\nCharge phones');
    await addBlock(page, 'image');
    await page.getByLabel('Image URL', { exact: true }).fill('https://images.example.org/typhoon.jpg');
    await page.getByLabel('Alt text', { exact: true }).fill('Waves over a harbour wall');
    await addBlock(page, 'embed');
    await page.getByLabel('Provider').fill('youtube');
    await page.getByLabel('Embed URL').fill('https://www.youtube.com/watch?v=abc');
    await addBlock(page, 'heading');
    await page.getByLabel('Heading text').fill('What to expect');
    // The heading goes before the embed.
    await page.getByRole('button', { name: 'Move heading up' }).click();
    // Writers pick no polls or sponsored blocks.
    const types = await page.getByLabel('Type of block to add').locator('option').allInnerTexts();
    assert.ok(!types.includes('Poll') && !types.includes('Sponsored block'), `writer may add ${types}`);
  });

  let id = '';
  await journey.step('created as a draft', async () => {
    await page.getByRole('button', { name: 'Create draft' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit article' }), 'the editor of the new article');
    await status(page, 'draft');
    id = idOf(page);
    // What the writer typed is text on the page, never markup.
    assert.equal(await page.getByLabel('Headline').inputValue(), headline);
    assert.equal(await page.locator('img[src="x"]').count(), 0);
    const saved = await article(id);
    assert.equal(saved.headline, headline);
    assert.deepEqual(
      saved.body.map((/** @type {{type: string}} */ b) => b.type),
      ['paragraph', 'quote', 'list', 'image', 'heading', 'embed'],
    );
    assert.equal(saved.body[0].text, 'The storm is <strong>strengthening</strong> fast.');
    assert.deepEqual(saved.body[2].items, ['Stay inside', 'Charge phones']);
    assert.deepEqual(saved.tags, ['weather', 'typhoon']);
    assert.deepEqual(saved.author_ids, [writer.id]);
    await visible(page.locator('ol.bylines').getByText(writer.display_name), 'the writer in the byline');
  });

  await journey.step('only the workflow a writer may use', async () => {
    await visible(page.getByRole('button', { name: 'Submit for review' }), 'Submit for review');
    for (const name of ['Publish now', 'Schedule…', 'Archive']) {
      assert.equal(await page.getByRole('button', { name }).count(), 0, `a writer sees "${name}"`);
    }
  });

  await journey.step('submitted for review', async () => {
    await page.getByRole('button', { name: 'Submit for review' }).click();
    await status(page, 'in review');
    assert.equal((await article(id)).status, 'in_review');
  });

  await journey.step('the home shows no draft left', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Home' }).click();
    await visible(page.getByRole('region', { name: 'My drafts' }).getByText('No drafts.'), 'an empty drafts list');
  });
});

test('editor schedules in a time zone, then publishes', { timeout: 180_000 }, async (t) => {
  const s = await createSection('World');
  const editor = await createUser({ role: 'editor' });
  const writer = await createUser({ role: 'writer' });
  const writerToken = await login(writer.email, writer.password);
  const draft = await createArticle(writerToken, { headline: 'Council approves the budget', section_id: s.id, body: [{ type: 'paragraph', text: 'It passed.' }] });
  await api('POST', `/api/v1/articles/${draft.id}/submit`, { token: writerToken, ifMatch: `"${draft.version}"` });
  const journey = await openJourney('editor-publishes');
  t.after(() => journey.close());
  const { page } = journey;

  await journey.step('the review queue', async () => {
    await page.goto('/admin/');
    await signIn(page, editor.email, editor.password);
    const queue = page.getByRole('region', { name: 'Review queue' });
    await visible(queue.getByRole('link', { name: 'Council approves the budget' }), 'the article in the review queue');
  });

  await journey.step('schedule it for tomorrow 09:30 in Tokyo', async () => {
    await page.getByRole('region', { name: 'Review queue' }).getByRole('link', { name: 'Council approves the budget' }).click();
    await page.getByRole('button', { name: 'Schedule…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Schedule publication' });
    await visible(dialog, 'the schedule dialog');
    const tomorrow = new Date(Date.now() + 36 * 3600 * 1000).toISOString().slice(0, 10);
    await dialog.getByLabel('Publish at').fill(`${tomorrow}T09:30`);
    await dialog.getByLabel('Time zone').selectOption('Asia/Tokyo');
    await dialog.getByRole('button', { name: 'Schedule' }).click();
    await status(page, 'scheduled');
    const saved = await article(draft.id);
    assert.equal(saved.status, 'scheduled');
    // 09:30 in Tokyo (UTC+9, no daylight saving) is 00:30 UTC the same day.
    assert.equal(saved.publish_at, `${tomorrow}T00:30:00Z`);
  });

  await journey.step('publish it now', async () => {
    await page.getByRole('button', { name: 'Publish now' }).click();
    await status(page, 'published');
    const saved = await article(draft.id);
    assert.equal(saved.status, 'published');
    const pub = await api('GET', `/api/v1/public/articles/${saved.slug}`);
    assert.equal(pub.headline, 'Council approves the budget');
    // Published: back to draft and archive are offered, publishing again is not.
    await visible(page.getByRole('button', { name: 'Archive' }), 'Archive');
    assert.equal(await page.getByRole('button', { name: 'Publish now' }).count(), 0);
  });
});

test('two editors edit one article: the second gets the conflict dialog', { timeout: 180_000 }, async (t) => {
  const s = await createSection('World');
  const first = await createUser({ role: 'editor', display_name: 'First Editor' });
  const second = await createUser({ role: 'editor', display_name: 'Second Editor' });
  const token = await login(first.email, first.password);
  const created = await api('POST', '/api/v1/articles', {
    token,
    body: { headline: 'Rail strike called off', standfirst: 'Talks went on all night.', section_id: s.id },
    expect: 201,
  });
  const a = await openJourney('conflict-first');
  const b = await openJourney('conflict-second');
  t.after(async () => {
    await a.close();
    await b.close();
  });
  const path = `/admin/articles/${created.id}`;

  await a.step('first editor opens the article', async () => {
    await a.page.goto(path);
    await signIn(a.page, first.email, first.password);
    await visible(a.page.getByLabel('Headline'), 'the editor');
  });
  await b.step('second editor opens it too', async () => {
    await b.page.goto(path);
    await signIn(b.page, second.email, second.password);
    await visible(b.page.getByLabel('Headline'), 'the editor');
  });
  await a.step('first editor changes the headline and saves', async () => {
    await a.page.getByLabel('Headline').fill('Rail strike called off after all-night talks');
    await a.page.getByRole('button', { name: 'Save', exact: true }).click();
    await status(a.page, 'version 2');
  });
  await b.step('second editor changes the standfirst: conflict', async () => {
    await b.page.getByLabel('Standfirst').fill('Unions and operators agreed at dawn.');
    await b.page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = b.page.getByRole('dialog', { name: 'Someone else saved this article' });
    await visible(dialog, 'the conflict dialog');
    await visible(dialog.getByRole('cell', { name: 'Rail strike called off after all-night talks' }), 'their headline');
    await visible(dialog.getByRole('cell', { name: 'Unions and operators agreed at dawn.' }), 'my standfirst');
  });
  await b.step('keeping my change keeps theirs too', async () => {
    await b.page.getByRole('button', { name: 'Keep my changes' }).click();
    await status(b.page, 'version 3');
    const saved = await article(created.id);
    assert.equal(saved.headline, 'Rail strike called off after all-night talks');
    assert.equal(saved.standfirst, 'Unions and operators agreed at dawn.');
    assert.equal(await b.page.getByLabel('Headline').inputValue(), saved.headline);
  });
  await a.step('the first editor, now stale, loads their version', async () => {
    await a.page.getByLabel('Kicker').fill('Transport');
    await a.page.getByRole('button', { name: 'Save', exact: true }).click();
    const dialog = a.page.getByRole('dialog', { name: 'Someone else saved this article' });
    await visible(dialog, 'the conflict dialog');
    await dialog.getByRole('button', { name: 'Load their version' }).click();
    // A dialog's close event comes in a task of its own: the form changes after the click.
    await visible(a.page.getByText('Loaded their version.'), 'the toast saying their version is loaded');
    assert.equal(await a.page.getByLabel('Standfirst').inputValue(), 'Unions and operators agreed at dawn.');
    assert.equal(await a.page.getByLabel('Kicker').inputValue(), '');
    assert.equal((await article(created.id)).kicker ?? null, null);
  });
});

test('unsaved work survives a reload; the editor fits a phone', { timeout: 180_000 }, async (t) => {
  const s = await createSection('World');
  const editor = await createUser({ role: 'editor' });
  const token = await login(editor.email, editor.password);
  const created = await api('POST', '/api/v1/articles', {
    token,
    body: {
      headline: 'Harbour reopens',
      section_id: s.id,
      body: [
        { type: 'paragraph', text: 'Ships are <em>back</em>.' },
        { type: 'list', style: 'number', items: ['One', 'Two'] },
      ],
    },
    expect: 201,
  });
  const journey = await openJourney('editor-phone', phone);
  t.after(() => journey.close());
  const { page } = journey;

  await journey.step('the editor at 390 px', async () => {
    await page.goto(`/admin/articles/${created.id}`);
    await signIn(page, editor.email, editor.password);
    await visible(page.getByLabel('Headline'), 'the editor');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
  });

  await journey.step('typing, then reloading without saving', async () => {
    await page.getByLabel('Headline').fill('Harbour reopens to ferries');
    await page.waitForTimeout(1000);
    page.once('dialog', (d) => d.accept());
    await page.reload();
    await visible(page.getByText('This browser kept unsaved changes'), 'the offer to restore');
  });

  await journey.step('restored', async () => {
    await page.getByRole('button', { name: 'Restore them' }).click();
    assert.equal(await page.getByLabel('Headline').inputValue(), 'Harbour reopens to ferries');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await status(page, 'version 2');
    assert.equal((await article(created.id)).headline, 'Harbour reopens to ferries');
    // Saved: nothing left to restore.
    await page.reload();
    await visible(page.getByLabel('Headline'), 'the editor');
    assert.equal(await page.getByText('This browser kept unsaved changes').count(), 0);
  });
});

test('preview, then a revision compared and restored', { timeout: 180_000 }, async (t) => {
  const s = await createSection('World');
  const editor = await createUser({ role: 'editor' });
  const token = await login(editor.email, editor.password);
  const created = await api('POST', '/api/v1/articles', {
    token,
    body: {
      headline: 'Bridge closes for repairs',
      section_id: s.id,
      access: 'metered',
      preview_blocks: 1,
      body: [
        { type: 'paragraph', text: 'Traffic is <strong>diverted</strong> from Monday.' },
        { type: 'paragraph', text: 'Work lasts six weeks.' },
      ],
    },
    expect: 201,
  });
  await api('PATCH', `/api/v1/articles/${created.id}`, {
    token,
    ifMatch: `"${created.version}"`,
    body: { headline: 'Bridge closes for six weeks of repairs', body: [{ type: 'paragraph', text: 'Traffic is diverted.' }] },
  });
  const journey = await openJourney('revisions-preview');
  t.after(() => journey.close());
  const { page } = journey;

  await journey.step('the preview shows what readers get', async () => {
    await page.goto(`/admin/articles/${created.id}`);
    await signIn(page, editor.email, editor.password);
    await page.getByLabel('Headline').fill('Bridge shuts for six weeks');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Preview' });
    await visible(dialog.getByRole('heading', { level: 1, name: 'Bridge shuts for six weeks' }), 'the unsaved headline');
    await visible(dialog.getByText(editor.display_name), 'the byline');
  });

  await journey.step('revisions: the first compared with now', async () => {
    await page.getByRole('button', { name: 'Close preview' }).click();
    await page.getByLabel('Headline').fill('Bridge closes for six weeks of repairs');
    await page.getByRole('link', { name: 'Revisions' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Revisions' }), 'the revisions page');
    await page.getByRole('link', { name: 'Revision 1', exact: true }).click();
    const differences = page.getByRole('list', { name: 'Differences' });
    await visible(differences.locator('del', { hasText: 'Headline: Bridge closes for repairs' }), 'the old headline, removed');
    await visible(differences.locator('ins', { hasText: 'Headline: Bridge closes for six weeks of repairs' }), 'the new headline, added');
    await visible(differences.locator('del', { hasText: 'Work lasts six weeks.' }), 'the dropped paragraph');
  });

  await journey.step('restored', async () => {
    page.once('dialog', (d) => d.accept());
    await page.getByRole('button', { name: 'Restore revision 1' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit article' }), 'back in the editor');
    assert.equal(await page.getByLabel('Headline').inputValue(), 'Bridge closes for repairs');
    const saved = await article(created.id);
    assert.equal(saved.headline, 'Bridge closes for repairs');
    assert.equal(saved.body.length, 2);
    assert.equal(saved.version, 3);
  });
});
