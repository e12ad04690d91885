// Tags: an admin creates two tags on the list and finds them with the search, meets
// the refusal of a name another tag already has (in another case), sees how many
// articles carry each tag, changes a slug (the old one keeps working), meets an edit
// made meanwhile, merges one tag into the other (the kept tag's count is the sum) and
// deletes a third after a confirm that says how many articles carry it; a writer reads
// the list and a tag without any control to change them, on a phone too.
//
// The UI contract this journey holds the client to:
//   - the navigation link "Tags" (admins, editors, writers) leads to the heading "Tags",
//     the search box "Search" with the button "Search" (the search is kept in the
//     address as ?q=), a line "<n> tag(s) shown." and a table of tags, each row its
//     name (a link to the tag's page), its slug and how many articles carry it;
//   - for editors and admins, the form "New tag" with "Name", "Slug", "Description"
//     and "Create tag" (a toast "Tag <name> created."; the form empties and "Name"
//     has the focus for the next one); a name another tag has (409 tag_exists) is
//     said next to "Name", and the alert links that tag;
//   - a tag's page, heading "Edit tag" ("Tag" when read-only), has "Name", "Slug"
//     (its hint says "Old links keep working"), "Description", "Save changes" (a toast
//     starting "Tag saved."), "Delete tag" (asks first, saying how many articles carry
//     it; a toast "Tag <name> deleted."), and the form "Merge into another tag" with
//     the search box "Find a tag", the choice "Merge into", a sentence saying what the
//     merge does ("All N articles tagged “X” will be tagged “Y”; “X” is removed; its
//     links redirect to “Y”."), and "Merge…", which asks first with that sentence,
//     then opens the kept tag's page;
//   - a save over someone else's change (412) reloads the tag and says so (role=alert).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { admin, api, baseUrl, createArticle, createSection, createUser, login, openJourney, signIn, usePhone, visible } from './lib.js';

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
 * The hint next to a field: the element its aria-describedby names for hints.
 * @param {Page} page
 * @param {Locator} control
 */
async function hintOf(page, control) {
  const describedBy = (await control.getAttribute('aria-describedby')) ?? '';
  const hintId = describedBy.split(' ').find((id) => id.endsWith('-hint'));
  assert.ok(hintId, 'the field names no hint element');
  return (await page.locator(`[id="${hintId}"]`).innerText()).trim();
}

test('tags: create, find, rename a slug, merge and delete; read-only for writers', { timeout: 300_000 }, async (t) => {
  const token = await login(admin.email, admin.password);
  const writer = await createUser({ role: 'writer' });
  const section = await createSection('Tagged');
  const suffix = randomBytes(4).toString('hex');
  const names = { climate: `Climate ${suffix}`, change: `Climate change ${suffix}`, drizzle: `Drizzle ${suffix}` };
  const slugs = { climate: `climate-${suffix}`, change: `climate-change-${suffix}`, warming: `warming-${suffix}` };
  // The list's order: names ignoring case (the suffix decides which Climate comes first).
  const byName = (/** @type {string[]} */ list) => [...list].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));

  const journey = await openJourney('tags');
  t.after(() => journey.close());
  const { page } = journey;
  const nav = page.getByRole('navigation', { name: 'Main' });
  const toast = page.getByRole('status');
  const alert = page.getByRole('alert');
  const newTag = page.getByRole('form', { name: 'New tag' });
  const merging = page.getByRole('form', { name: 'Merge into another tag' });
  const rows = page.locator('table.tags tbody tr');
  const link = (/** @type {string} */ name) => page.locator('table.tags').getByRole('link', { name, exact: true });
  const row = (/** @type {string} */ name) => rows.filter({ has: page.getByRole('link', { name, exact: true }) });
  /** The number of articles a row shows. @param {string} name */
  const countIn = async (name) => (await row(name).locator('td').nth(2).innerText()).trim();
  const field = (/** @type {string} */ label) => page.getByLabel(label, { exact: true });

  /** This journey's tags on the server, in the API's order. */
  const tagsNow = async () => {
    /** @type {{items: any[]}} */
    const answer = await api('GET', `/api/v1/tags?q=${suffix}&limit=100`, { token });
    return answer.items;
  };
  /** @param {string} name */
  const tagNamed = async (name) => (await tagsNow()).find((x) => x.name === name);

  /**
   * Searches the list and waits for its answer: the count line.
   * @param {string} q
   * @param {number} shown how many tags the list should show
   */
  const search = async (q, shown) => {
    await page.getByRole('searchbox', { name: 'Search', exact: true }).fill(q);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/admin/tags' && url.searchParams.get('q') === q);
    await visible(page.getByText(`${shown} tag${shown === 1 ? '' : 's'} shown.`, { exact: true }), `the count line for ${shown}`);
    assert.equal(await rows.count(), shown);
  };

  /** Opens a tag's page from the list. @param {string} name */
  const open = async (name) => {
    await link(name).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit tag' }), 'the heading "Edit tag"');
    await visible(page.getByText(/^Carried by \d+ articles?/), 'the facts line');
    assert.equal(await field('Name').inputValue(), name);
  };

  await journey.step('signed in as an admin: the tags list', async () => {
    await page.goto('/admin/login');
    await signIn(page, admin.email, admin.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    await nav.getByRole('link', { name: 'Tags', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Tags' }), 'the heading "Tags"');
    await visible(newTag, 'the form "New tag"');
  });

  await journey.step('two tags created', async () => {
    await newTag.getByLabel('Name', { exact: true }).fill(names.climate);
    await newTag.getByLabel('Description', { exact: true }).fill('Weather, warming and what is done about them.');
    await newTag.getByRole('button', { name: 'Create tag' }).click();
    await visible(toast.getByText(`Tag ${names.climate} created.`, { exact: true }), 'the toast');
    assert.equal(await newTag.getByLabel('Name', { exact: true }).inputValue(), '', 'the form was not emptied');
    assert.equal(await newTag.getByLabel('Description', { exact: true }).inputValue(), '', 'the form was not emptied');
    // "Name" has the focus again: the next tag is typed, and Enter makes it.
    await page.waitForFunction(() => document.activeElement?.closest('form')?.getAttribute('aria-labelledby') === 'new-tag-title' && document.activeElement.getAttribute('data-field') === 'name');
    await page.keyboard.type(names.change);
    await page.keyboard.press('Enter');
    await visible(toast.getByText(`Tag ${names.change} created.`, { exact: true }), 'the toast');
    const tags = await tagsNow();
    assert.deepEqual(tags.map((x) => x.name), byName([names.climate, names.change]));
    const climate = tags.find((x) => x.name === names.climate);
    assert.equal(climate.slug, slugs.climate, 'the slug is not made from the name');
    assert.equal(climate.description, 'Weather, warming and what is done about them.');
    assert.equal((await tagNamed(names.change))?.slug, slugs.change);
  });

  await journey.step('found with the search', async () => {
    await search(suffix, 2);
    const shown = await rows.locator('td:first-child a').allInnerTexts();
    assert.deepEqual(shown, byName([names.climate, names.change]), 'not in name order');
    await visible(row(names.climate).getByText(slugs.climate, { exact: true }), 'the slug in the row');
    assert.equal(await countIn(names.climate), '0');
    // The search stays in the address and in the box.
    assert.equal(await page.getByRole('searchbox', { name: 'Search', exact: true }).inputValue(), suffix);
  });

  await journey.step('a name another tag has is refused', async () => {
    const name = newTag.getByLabel('Name', { exact: true });
    // Names that differ only in case are one tag.
    await name.fill(names.climate.toUpperCase());
    await newTag.getByRole('button', { name: 'Create tag' }).click();
    await visible(newTag.getByRole('alert').getByRole('link', { name: names.climate, exact: true }), 'the link to the tag that has the name');
    assert.match(await errorNextTo(page, name), /another tag already has this name/);
    assert.equal(await name.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-field')), 'name', 'the focus is not on the field in error');
    assert.equal((await tagsNow()).length, 2, 'a third tag was made');
    // Nothing left typed: leaving does not ask.
    await name.fill('');
  });

  /** @type {Record<string, any>} */
  const articles = {};
  await journey.step('articles carry the tags', async () => {
    await api('POST', '/api/v1/tags', { token, body: { name: names.drizzle }, expect: 201 });
    // Articles name a tag in any case, and carry its name as it is.
    articles.glaciers = await createArticle(token, { headline: `Glaciers retreat ${suffix}`, section_id: section.id, tags: [names.climate.toLowerCase()] });
    articles.heat = await createArticle(token, { headline: `Heat records fall ${suffix}`, section_id: section.id, tags: [names.climate] });
    const seas = await createArticle(token, { headline: `Seas rise ${suffix}`, section_id: section.id, tags: [names.change, names.drizzle] });
    // Published, so that the tag has a public page whose old slug can be followed.
    articles.seas = await api('POST', `/api/v1/articles/${seas.id}/publish`, { token, ifMatch: `"${seas.version}"` });
    assert.deepEqual(articles.glaciers.tags, [names.climate]);
    await search(suffix, 3);
    assert.equal(await countIn(names.climate), '2');
    assert.equal(await countIn(names.change), '1');
    assert.equal(await countIn(names.drizzle), '1');
  });

  await journey.step('a new slug; the old one keeps working', async () => {
    await open(names.change);
    const slug = field('Slug');
    assert.match(await hintOf(page, slug), /Old links keep working/);
    await slug.fill(slugs.warming);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(toast.getByText(/^Tag saved\./), 'the toast "Tag saved."');
    assert.equal(await slug.inputValue(), slugs.warming);
    const tag = await tagNamed(names.change);
    assert.equal(tag.slug, slugs.warming, 'the slug did not change on the server');
    // The old slug's public page redirects to the new one.
    const moved = await fetch(`${baseUrl}/api/v1/public/tags/${slugs.change}`, { redirect: 'manual' });
    assert.equal(moved.status, 301);
    assert.match(moved.headers.get('location') ?? '', new RegExp(`/tags/${slugs.warming}$`));
    await page.getByRole('link', { name: 'Back to tags' }).click();
    await search(suffix, 3);
    await visible(row(names.change).getByText(slugs.warming, { exact: true }), 'the new slug in the list');
    assert.equal(await row(names.change).getByText(slugs.change, { exact: true }).count(), 0, 'the old slug is still listed');
  });

  await journey.step('a stale edit is reloaded', async () => {
    await open(names.change);
    const tag = await tagNamed(names.change);
    await api('PATCH', `/api/v1/tags/${tag.id}`, { token, ifMatch: `"${tag.version}"`, body: { description: 'Changed elsewhere' } });
    await field('Description').fill('Mine');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(alert.getByText('Someone else changed this tag'), 'the 412 message');
    assert.equal(await field('Description').inputValue(), 'Changed elsewhere');
  });

  const outcome = `All 2 articles tagged “${names.climate}” will be tagged “${names.change}”; “${names.climate}” is removed; its links redirect to “${names.change}”.`;
  /** @type {any} */
  let into;
  await journey.step('a merge chosen: the form says what it will do', async () => {
    await page.getByRole('link', { name: 'Back to tags' }).click();
    await search(suffix, 3);
    await open(names.climate);
    into = await tagNamed(names.change);
    await merging.getByRole('searchbox', { name: 'Find a tag', exact: true }).fill(names.change);
    // The choice fills as the search answers: this one tag.
    await visible(merging.getByText('1 tag to choose from.', { exact: true }), 'the search\'s answer');
    await merging.getByLabel('Merge into', { exact: true }).selectOption(into.id);
    await visible(merging.getByText(outcome, { exact: true }), 'what the merge will do');
  });

  await journey.step('merged into the other', async () => {
    /** @type {string[]} */
    const asked = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      dialog.accept();
    });
    await merging.getByRole('button', { name: 'Merge…' }).click();
    await visible(toast.getByText(`${names.climate} merged into ${names.change}`), 'the toast');
    // The kept tag's page, with the sum.
    await visible(page.getByText(/^Carried by 3 articles/), 'the kept tag, carried by 3 articles');
    assert.equal(await field('Name').inputValue(), names.change);
    assert.equal(new URL(page.url()).pathname, `/admin/tags/${into.id}`);
    assert.equal(asked.length, 1, 'merging did not ask');
    assert.ok(asked[0]?.includes(outcome), `the question does not say what happens: ${asked[0]}`);
    const tags = await tagsNow();
    assert.deepEqual(tags.map((x) => x.name), byName([names.change, names.drizzle]));
    assert.equal(tags.find((x) => x.name === names.change).article_count, 3);
    const glaciers = await api('GET', `/api/v1/articles/${articles.glaciers.id}`, { token });
    assert.deepEqual(glaciers.tags, [names.change], 'the article did not move to the kept tag');
    // Its list: one of the two, with the sum.
    await nav.getByRole('link', { name: 'Tags', exact: true }).click();
    await search(suffix, 2);
    assert.equal(await link(names.climate).count(), 0, 'the merged tag is still listed');
    assert.equal(await countIn(names.change), '3');
  });

  await journey.step('a tag deleted, after saying how many articles carry it', async () => {
    await open(names.drizzle);
    /** @type {string[]} */
    const asked = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      dialog.accept();
    });
    await page.getByRole('button', { name: 'Delete tag' }).click();
    await visible(toast.getByText(`Tag ${names.drizzle} deleted.`, { exact: true }), 'the toast');
    await visible(page.getByRole('heading', { level: 1, name: 'Tags' }), 'the list again');
    assert.equal(asked.length, 1, 'deleting did not ask');
    assert.match(asked[0] ?? '', new RegExp(`Delete the tag “${names.drizzle}”\\? It is taken off the one article that carries it\\.`));
    assert.equal(await tagNamed(names.drizzle), undefined, 'the tag is still on the server');
    const seas = await api('GET', `/api/v1/articles/${articles.seas.id}`, { token });
    assert.deepEqual(seas.tags, [names.change], 'the deleted tag is still on its article');
  });

  await journey.step('a writer reads tags without changing them', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByLabel('Email'), 'the sign-in form');
    await signIn(page, writer.email, writer.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    await nav.getByRole('link', { name: 'Tags', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Tags' }), 'the heading "Tags"');
    await search(suffix, 1);
    assert.equal(await countIn(names.change), '3');
    assert.equal(await newTag.count(), 0, 'a writer sees the form "New tag"');
    assert.equal(await page.getByRole('button', { name: 'Create tag' }).count(), 0);
    await link(names.change).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Tag', exact: true }), 'the heading "Tag"');
    assert.equal(await field('Name').inputValue(), names.change);
    assert.equal(await field('Name').isDisabled(), true, 'a writer may type a new name');
    assert.equal(await field('Slug').isDisabled(), true, 'a writer may type a new slug');
    for (const name of ['Save changes', 'Delete tag', 'Merge…']) {
      assert.equal(await page.getByRole('button', { name }).count(), 0, `a writer sees "${name}"`);
    }
    assert.equal(await merging.count(), 0, 'a writer sees the merge form');
    await visible(page.getByRole('link', { name: `Articles tagged ${names.change}` }), 'the link to its articles');
  });

  await journey.step('the list on a phone', async () => {
    await usePhone(page);
    await page.getByRole('link', { name: 'Back to tags' }).click();
    await search(suffix, 1);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at 390`);
  });

  journey.assertNoProblems();
});
