// Corrections: an editor opens a published article and finds its log (an update logged
// earlier, its emphasis shown as such), meets the API's field errors next to the
// fields (a time in the future, text that is only spaces), adds a correction, edits it
// into a clarification, sees both in the public article, meets an edit made meanwhile
// by someone else, deletes the entry, and sees a trashed article's log read-only; the
// article's writer reads the log without controls, on a phone too; on a phone the
// editor's forms fit, and leaving with a note typed asks first; commercial staff get
// no panel.
//
// The UI contract this journey holds the client to:
//   - the editor of a saved article has a region "Corrections" holding the list "The
//     log", oldest first: each entry shows its kind ("Correction", "Clarification",
//     "Update"), when it was made in the browser's locale (dateStyle medium, timeStyle
//     short), its text with emphasis and links, and who logged it;
//   - for editors and admins, the group "Add a correction, clarification or update"
//     with "Kind", "Corrected at" (empty: now), the text box "Text" and the button "Add
//     to the log" (a toast "<Kind> added."); each entry has buttons "Edit the <kind> of
//     <date>" and "Delete the <kind> of <date>";
//   - the panel's forms are not the article's: Enter in "Corrected at" sends the entry,
//     and the article is neither saved nor marked as changed;
//   - editing opens the group "Edit the <kind>" in the entry, with "Save changes" (a
//     toast "<Kind> saved.") and "Cancel"; a save over someone else's is refused, the
//     form then holds their version and its alert says so and names what was lost;
//   - deleting asks first ("Delete this <kind> from the log? ...", a toast "<Kind>
//     deleted.");
//   - a note typed and not added counts as unsaved work: leaving asks first;
//   - a refused field is marked (aria-invalid) and its message is in the element its
//     aria-describedby names;
//   - writers, and anyone while the article is in the trash, see the log with a note
//     saying why it cannot be changed, and no form or buttons.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { admin, api, baseUrl, createSection, createUser, login, openJourney, signIn, useDesktop, usePhone, visible } from './lib.js';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Locator} Locator */

/**
 * The message next to a field: the element its aria-describedby names for errors.
 * @param {Page} page
 * @param {Locator} control
 */
async function errorNextTo(page, control) {
  const describedBy = (await control.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  assert.ok(errorId, 'the field names no error element');
  return (await page.locator(`[id="${errorId}"]`).innerText()).trim();
}

/**
 * An instant as the page shows it: the browser's locale and time zone.
 * @param {Page} page
 * @param {string} iso
 */
function shownAs(page, iso) {
  return page.evaluate((at) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }), iso);
}

/**
 * A `datetime-local` value `minutes` from now, in the browser's time zone.
 * @param {Page} page
 * @param {number} minutes
 */
function localInput(page, minutes) {
  return page.evaluate((m) => {
    const d = new Date(Date.now() + m * 60_000);
    const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, minutes);
}

/**
 * Signs out, then in as someone else, at `path`.
 * @param {Page} page @param {string} email @param {string} password @param {string} path
 */
async function signOutAndIn(page, email, password, path) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await visible(page.getByLabel('Email'), 'the sign-in form');
  await page.goto(path);
  await signIn(page, email, password);
}

test('corrections: the log, adding, editing, deleting; read-only for writers', { timeout: 240_000 }, async (t) => {
  const adminToken = await login(admin.email, admin.password);
  const section = await createSection('Corrections');
  const editor = await createUser({ role: 'editor' });
  const writer = await createUser({ role: 'writer' });
  const commercial = await createUser({ role: 'commercial' });
  const writerToken = await login(writer.email, writer.password);
  const suffix = randomBytes(3).toString('hex');
  const draft = await api('POST', '/api/v1/articles', {
    token: writerToken,
    body: {
      headline: `Mayor opens the bridge ${suffix}`,
      section_id: section.id,
      body: [{ type: 'paragraph', text: 'The mayor, 25, cut the ribbon at noon.' }],
    },
    expect: 201,
  });
  const article = await api('POST', `/api/v1/articles/${draft.id}/publish`, { token: adminToken, ifMatch: `"${draft.version}"` });
  const path = `/api/v1/articles/${article.id}/corrections`;
  // An update logged an hour ago, by the admin: the first entry of the log.
  const earlier = new Date(Date.now() - 3600_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const update = await api('POST', path, {
    token: adminToken,
    body: { kind: 'update', text: 'The count is <em>final</em>.', corrected_at: earlier },
    expect: 201,
  });

  const journey = await openJourney('corrections');
  t.after(() => journey.close());
  const { page } = journey;
  const toast = page.getByRole('status');
  const region = page.getByRole('region', { name: 'Corrections' });
  const log = region.getByRole('list', { name: 'The log' });
  const entries = log.locator(':scope > li');
  const adding = region.getByRole('group', { name: 'Add a correction, clarification or update' });
  const addText = adding.getByRole('textbox', { name: 'Text', exact: true });
  const addAt = adding.getByLabel('Corrected at', { exact: true });
  const addButton = adding.getByRole('button', { name: 'Add to the log' });
  const wrong = 'An earlier version of this article gave the mayor’s age as 25. She is 52.';
  const clearer = 'An earlier version gave the mayor’s age as 25: she is 52, as her office confirmed.';

  await journey.step('an editor finds the log of a published article', async () => {
    await page.goto(`/admin/articles/${article.id}`);
    await signIn(page, editor.email, editor.password);
    await visible(page.getByLabel('Headline'), 'the editor');
    await visible(region, 'the region "Corrections"');
    await visible(entries.first(), 'the update logged before');
    assert.equal(await entries.count(), 1);
    const first = entries.first();
    await visible(first.getByText('Update', { exact: true }), 'the kind');
    await visible(first.getByText(await shownAs(page, update.corrected_at), { exact: true }), 'the date, in the browser\'s locale');
    // The server's inline HTML is shown as such, its emphasis an <em>.
    assert.equal(await first.locator('.correction-text em').innerText(), 'final');
    assert.equal(await first.locator('.correction-text').innerText(), 'The count is final.');
    await visible(first.getByText(`Logged by ${/** @type {string} */ ((await api('GET', '/api/v1/auth/me', { token: adminToken })).display_name)}.`), 'who logged it');
    await visible(addButton, 'the button "Add to the log"');
    await region.scrollIntoViewIfNeeded();
  });

  await journey.step('a time in the future is marked next to its field', async () => {
    await adding.getByLabel('Kind', { exact: true }).selectOption('correction');
    await addText.fill(wrong);
    await addAt.fill(await localInput(page, 60));
    // Enter in the field sends the correction, not the article around it.
    await addAt.press('Enter');
    await page.waitForSelector('[data-field="corrected_at"][aria-invalid="true"]');
    assert.match(await errorNextTo(page, addAt), /future/);
    assert.equal(await errorNextTo(page, addText), '', 'the text is marked too');
    await visible(adding.getByRole('alert').getByText('Each field in error says why'), 'the form\'s alert');
    assert.equal((await api('GET', path, { token: adminToken })).items.length, 1, 'a refused correction was stored');
    assert.equal((await api('GET', `/api/v1/articles/${article.id}`, { token: adminToken })).version, article.version, 'the article was saved');
    await visible(page.locator('.status-line', { hasText: 'saved' }), 'the article unchanged');
    assert.equal(await page.locator('.status-line', { hasText: 'unsaved' }).count(), 0, 'the note counts as a change to the article');
  });

  await journey.step('text of spaces only is marked next to its field', async () => {
    await addAt.fill('');
    await addText.fill('   ');
    await addButton.click();
    await page.waitForSelector('[data-field="text"][aria-invalid="true"]');
    assert.match(await errorNextTo(page, addText), /blank|empty/);
    assert.equal(await addAt.getAttribute('aria-invalid'), null, 'the time is still marked');
    assert.equal((await api('GET', path, { token: adminToken })).items.length, 1, 'a refused correction was stored');
  });

  /** @type {any} */
  let added;
  await journey.step('a correction added, after the update', async () => {
    await addText.fill(wrong);
    await addButton.click();
    await visible(toast.getByText('Correction added.'), 'the toast "Correction added."');
    const items = (await api('GET', path, { token: adminToken })).items;
    assert.equal(items.length, 2);
    added = items[1];
    assert.equal(added.kind, 'correction');
    assert.equal(added.text, wrong);
    assert.equal(added.created_by, editor.id);
    // The form is empty again, and nothing is marked.
    assert.equal((await addText.innerText()).trim(), '');
    assert.equal(await region.locator('[aria-invalid="true"]').count(), 0);
    await visible(entries.nth(1).getByText(wrong), 'the new entry, last');
    await visible(entries.nth(1).getByText('Correction', { exact: true }), 'its kind');
    await visible(entries.nth(1).getByText(await shownAs(page, added.corrected_at), { exact: true }), 'its date');
    await visible(entries.nth(1).getByText('Logged by you.'), 'who logged it');
  });

  await journey.step('edited into a clarification', async () => {
    await entries.nth(1).getByRole('button', { name: /^Edit the correction of / }).click();
    const form = region.getByRole('group', { name: 'Edit the correction' });
    await visible(form, 'the edit form');
    await form.getByLabel('Kind', { exact: true }).selectOption('clarification');
    await form.getByRole('textbox', { name: 'Text', exact: true }).fill(clearer);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await visible(toast.getByText('Clarification saved.'), 'the toast "Clarification saved."');
    const saved = await api('GET', `${path}/${added.id}`, { token: adminToken });
    assert.equal(saved.kind, 'clarification');
    assert.equal(saved.text, clearer);
    assert.equal(saved.version, added.version + 1);
    // The time was not touched, so it was not sent: it keeps its seconds.
    assert.equal(saved.corrected_at, added.corrected_at);
    added = saved;
    assert.equal(await form.count(), 0, 'the form is still open');
    await visible(entries.nth(1).getByText(clearer), 'the edited text');
    await visible(entries.nth(1).getByText('Clarification', { exact: true }), 'the new kind');
  });

  await journey.step('the public article carries the log', async () => {
    const response = await fetch(`${baseUrl}/api/v1/public/articles/${article.slug}`);
    const body = await response.json();
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.deepEqual(
      body.corrections.map((/** @type {any} */ c) => [c.id, c.kind, c.text, c.corrected_at]),
      [
        [update.id, 'update', update.text, update.corrected_at],
        [added.id, 'clarification', clearer, added.corrected_at],
      ],
    );
  });

  await journey.step('an edit over someone else\'s is refused and reloaded', async () => {
    await entries.nth(1).getByRole('button', { name: /^Edit the clarification of / }).click();
    const form = region.getByRole('group', { name: 'Edit the clarification' });
    await visible(form, 'the edit form');
    // The admin changes the text meanwhile.
    const theirs = await api('PATCH', `${path}/${added.id}`, {
      token: adminToken,
      ifMatch: `"${added.version}"`,
      body: { text: `${clearer} (Checked.)` },
    });
    await form.getByLabel('Kind', { exact: true }).selectOption('update');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await visible(form.getByRole('alert').getByText('Someone else saved this clarification'), 'the conflict');
    await visible(form.getByRole('alert').getByText('Your changes to Kind were not saved'), 'the field not saved');
    assert.equal((await form.getByRole('textbox', { name: 'Text', exact: true }).innerText()).trim(), theirs.text);
    assert.equal(await form.getByLabel('Kind', { exact: true }).inputValue(), 'clarification');
    const now = await api('GET', `${path}/${added.id}`, { token: adminToken });
    assert.equal(now.version, theirs.version, 'the stale edit was stored');
    added = now;
  });

  await journey.step('the edit cancelled: their version in the log', async () => {
    await region.getByRole('group', { name: 'Edit the clarification' }).getByRole('button', { name: 'Cancel' }).click();
    await visible(entries.nth(1).getByText(added.text), 'their text in the log');
    assert.equal(await region.getByRole('group', { name: 'Edit the clarification' }).count(), 0, 'the form is still open');
  });

  await journey.step('deleted, after a question', async () => {
    /** @type {string[]} */
    const asked = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      d.accept();
    });
    await entries.nth(1).getByRole('button', { name: /^Delete the clarification of / }).click();
    await visible(toast.getByText('Clarification deleted.'), 'the toast "Clarification deleted."');
    assert.deepEqual(asked, ['Delete this clarification from the log? Readers will no longer see it.']);
    // The toast may come before the log is drawn again.
    await entries.nth(1).waitFor({ state: 'detached' });
    assert.equal(await entries.count(), 1);
    const items = (await api('GET', path, { token: adminToken })).items;
    assert.deepEqual(items.map((/** @type {any} */ c) => c.id), [update.id]);
    const body = await (await fetch(`${baseUrl}/api/v1/public/articles/${article.slug}`)).json();
    assert.deepEqual(body.corrections.map((/** @type {any} */ c) => c.id), [update.id]);
  });

  await journey.step('in the trash, the log is read-only', async () => {
    const current = await api('GET', `/api/v1/articles/${article.id}`, { token: adminToken });
    await api('DELETE', `/api/v1/articles/${article.id}`, { token: adminToken, ifMatch: `"${current.version}"`, expect: 204 });
    await page.reload();
    await visible(region, 'the region "Corrections"');
    await visible(region.getByText('This article is in the trash: restore it to change its corrections.'), 'the note');
    await visible(entries.first(), 'the log');
    assert.equal(await adding.isVisible(), false, 'the form to add is shown');
    assert.equal(await region.getByRole('button').count(), 0, 'buttons are shown');
    await region.scrollIntoViewIfNeeded();
  });

  await journey.step('restored, the log can be changed again', async () => {
    await page.getByRole('button', { name: 'Restore from trash' }).click();
    await visible(page.locator('.status-line', { hasText: 'published' }), 'restored');
    await visible(addButton, 'the form to add, once restored');
  });

  await journey.step('the writer reads the log of their article, without controls', async () => {
    await signOutAndIn(page, writer.email, writer.password, `/admin/articles/${article.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Article' }), 'the read-only article');
    await visible(entries.first().getByText('The count is final.'), 'the log');
    await visible(region.getByText('Editors and admins add and change corrections.'), 'the note');
    assert.equal(await entries.count(), 1);
    assert.equal(await adding.isVisible(), false, 'the form to add is shown');
    assert.equal(await region.getByRole('button').count(), 0, 'buttons are shown');
    await api('POST', path, { token: writerToken, body: { kind: 'correction', text: 'x' }, expect: 403 });
    await region.scrollIntoViewIfNeeded();
  });

  await journey.step('on a phone', async () => {
    await usePhone(page);
    await page.reload();
    await visible(entries.first().getByText('The count is final.'), 'the log');
    await region.scrollIntoViewIfNeeded();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at 390`);
  });

  await journey.step('an editor on a phone: the forms fit', async () => {
    await signOutAndIn(page, editor.email, editor.password, `/admin/articles/${article.id}`);
    await visible(addButton, 'the button "Add to the log"');
    await entries.first().getByRole('button', { name: /^Edit the update of / }).click();
    await visible(region.getByRole('group', { name: 'Edit the update' }), 'the edit form');
    await region.scrollIntoViewIfNeeded();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at 390`);
  });

  await journey.step('leaving with a note typed asks first', async () => {
    await addText.fill('A note not yet added');
    /** @type {string[]} */
    const asked = [];
    page.once('dialog', (d) => {
      asked.push(d.message());
      d.dismiss();
    });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Articles' }).click();
    await page.waitForTimeout(300);
    assert.deepEqual(asked, ['Leave without saving your changes?']);
    assert.equal(new URL(page.url()).pathname, `/admin/articles/${article.id}`);
    await addText.fill('');
    await region.getByRole('group', { name: 'Edit the update' }).getByRole('button', { name: 'Cancel' }).click();
  });

  await journey.step('commercial staff get no panel', async () => {
    await useDesktop(page);
    await signOutAndIn(page, commercial.email, commercial.password, `/admin/articles/${article.id}`);
    await visible(page.getByRole('heading', { level: 1 }), 'a heading');
    assert.equal(await region.count(), 0, 'commercial staff see corrections');
    await api('GET', path, { token: await login(commercial.email, commercial.password), expect: 403 });
  });

  journey.assertNoProblems();
});
