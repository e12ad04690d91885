// Authors: an admin creates a freelancer (a wire service) on the list and finds it with
// the search, meets the refusal of a slug another author has, gives the author a link,
// a bio and a photo URL on its page, meets a bad link URL (said next to that field) and
// an edit made meanwhile; adds the author to an article's byline with the editor's
// picker and moves it first; once the article is published, the public article and
// the author's public page name each other; deleting the author is refused while the
// article names it, and the page says so; another author is linked to a writer's
// account, and the writer reads the authors without any control to change them, and
// edits a draft naming that author as their own; the list on a phone.
//
// The UI contract this journey holds the client to:
//   - the navigation link "Authors" (admins, editors, writers) leads to the heading
//     "Authors", the search box "Search" with the button "Search" (the search is kept in
//     the address as ?q=), a line "<n> author(s) shown." and a table of authors, each
//     row its name (a link to the author's page) over its slug, its job title, its
//     linked account ("None" without one) and how many articles name it;
//   - for editors and admins, the form "New author" with "Name", "Slug", "Job title" and
//     "Create author" (a toast "Author <name> created."; the form empties and "Name" has
//     the focus for the next one); a slug another author has (409 slug_taken) is said
//     next to "Slug";
//   - an author's page, heading "Edit author" ("Author" when read-only), a line "Named
//     in N article(s) · version V · …", "Name", "Slug", "Job title", "Bio" (its hint
//     says links and emphasis are kept), "Photo URL" and "Alt text" (or "Choose from the
//     library"), the links as groups "Link N" each with "Label", "URL" and "Remove link
//     N", "Add link", "Linked account" (the first choice "No account"; its hint says
//     the account's articles are that person's own), "Save changes" (a toast starting
//     "Author saved."), "Delete author" (asks first; a toast "Author <name> deleted.");
//     a field error is said next to its field (links[1].url next to Link 2's "URL");
//   - a delete the API refuses because articles name the author (409
//     author_has_articles) says "N article(s) name(s) this author: change … byline(s)
//     first." (role=alert); a save over someone else's change (412) reloads the author
//     and says so (role=alert);
//   - the editor's "Add an author" offers authors in the group "Authors" and people
//     without an author in the group "Newsroom accounts without a byline yet"; "Add
//     author" adds the choice to the byline, "Move <name> up" moves it.

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

/** A public answer (no token). @param {string} path */
async function publicGet(path) {
  const response = await fetch(baseUrl + path, { headers: { accept: 'application/json' } });
  assert.equal(response.status, 200, `GET ${path}: ${response.status}`);
  return response.json();
}

test('authors: create a freelancer, edit its page, name it in a byline, link a writer; read-only for writers', { timeout: 300_000 }, async (t) => {
  const token = await login(admin.email, admin.password);
  const me = await api('GET', '/api/v1/auth/me', { token });
  const suffix = randomBytes(4).toString('hex');
  const writer = await createUser({ role: 'writer', display_name: `Sam Writer ${suffix}` });
  const section = await createSection('Wire');
  const names = { wire: `Wire Service ${suffix}`, field: `Field Reporter ${suffix}` };
  const slugs = { wire: `wire-service-${suffix}` };
  const link = { label: 'Website', url: `https://wire.example.org/${suffix}` };
  const photoUrl = `https://images.example.org/wire-${suffix}.png`;

  const journey = await openJourney('authors');
  t.after(() => journey.close());
  const { page } = journey;
  const nav = page.getByRole('navigation', { name: 'Main' });
  const toast = page.getByRole('status');
  const alert = page.getByRole('alert');
  const newAuthor = page.getByRole('form', { name: 'New author' });
  const rows = page.locator('table.authors tbody tr');
  const authorLink = (/** @type {string} */ name) => page.locator('table.authors').getByRole('link', { name, exact: true });
  const row = (/** @type {string} */ name) => rows.filter({ has: page.getByRole('link', { name, exact: true }) });
  /** A row's cells as shown. @param {string} name */
  const cellsOf = async (name) => (await row(name).locator('td').allInnerTexts()).map((x) => x.trim());
  const field = (/** @type {string} */ label) => page.getByLabel(label, { exact: true });
  const linkGroup = (/** @type {number} */ n) => page.getByRole('group', { name: `Link ${n}`, exact: true });

  /** This journey's authors on the server, in the API's order. */
  const authorsNow = async () => {
    /** @type {{items: any[]}} */
    const answer = await api('GET', `/api/v1/authors?q=${suffix}&limit=100`, { token });
    return answer.items;
  };
  /** @param {string} name */
  const authorNamed = async (name) => (await authorsNow()).find((x) => x.name === name);

  /**
   * Searches the list and waits for its answer: the count line.
   * @param {string} q
   * @param {number} shown how many authors the list should show
   */
  const search = async (q, shown) => {
    await page.getByRole('searchbox', { name: 'Search', exact: true }).fill(q);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/admin/authors' && url.searchParams.get('q') === q);
    await visible(page.getByText(`${shown} author${shown === 1 ? '' : 's'} shown.`, { exact: true }), `the count line for ${shown}`);
    assert.equal(await rows.count(), shown);
  };

  /** Opens an author's page from the list. @param {string} name @param {string} [heading] */
  const open = async (name, heading = 'Edit author') => {
    await authorLink(name).click();
    await visible(page.getByRole('heading', { level: 1, name: heading, exact: true }), `the heading "${heading}"`);
    await visible(page.getByText(/^Named in \d+ articles?/), 'the facts line');
    assert.equal(await field('Name').inputValue(), name);
  };

  /** Goes back to the list and searches this journey's authors. @param {number} shown */
  const backToList = async (shown) => {
    await page.getByRole('link', { name: 'Back to authors' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Authors' }), 'the list');
    await search(suffix, shown);
  };

  await journey.step('signed in as an admin: the authors list', async () => {
    await page.goto('/admin/login');
    await signIn(page, admin.email, admin.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    // "Authors" comes right after "Tags".
    const labels = (await nav.getByRole('link').allInnerTexts()).map((x) => x.trim());
    assert.equal(labels[labels.indexOf('Tags') + 1], 'Authors', `the navigation: ${labels.join(', ')}`);
    await nav.getByRole('link', { name: 'Authors', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Authors' }), 'the heading "Authors"');
    await visible(newAuthor, 'the form "New author"');
  });

  /** @type {any} */
  let wire;
  await journey.step('a freelancer created', async () => {
    await newAuthor.getByLabel('Name', { exact: true }).fill(names.wire);
    await newAuthor.getByLabel('Job title', { exact: true }).fill('News agency');
    await newAuthor.getByRole('button', { name: 'Create author' }).click();
    await visible(toast.getByText(`Author ${names.wire} created.`, { exact: true }), 'the toast');
    assert.equal(await newAuthor.getByLabel('Name', { exact: true }).inputValue(), '', 'the form was not emptied');
    assert.equal(await newAuthor.getByLabel('Job title', { exact: true }).inputValue(), '', 'the form was not emptied');
    await page.waitForFunction(() => document.activeElement?.closest('form')?.getAttribute('aria-labelledby') === 'new-author-title' && document.activeElement.getAttribute('data-field') === 'name');
    wire = await authorNamed(names.wire);
    assert.ok(wire, 'the author is not on the server');
    assert.equal(wire.slug, slugs.wire, 'the slug is not made from the name');
    assert.equal(wire.job_title, 'News agency');
    assert.equal(wire.user_id ?? null, null);
    assert.equal(wire.article_count, 0);
  });

  await journey.step('found with the search', async () => {
    await search(suffix, 1);
    assert.deepEqual(await cellsOf(names.wire), [`${names.wire}\n${slugs.wire}`, 'News agency', 'None', '0']);
    assert.equal(await page.getByRole('searchbox', { name: 'Search', exact: true }).inputValue(), suffix);
  });

  await journey.step('a slug another author has is refused', async () => {
    const slug = newAuthor.getByLabel('Slug', { exact: true });
    await newAuthor.getByLabel('Name', { exact: true }).fill(`Wire copy ${suffix}`);
    await slug.fill(slugs.wire);
    await newAuthor.getByRole('button', { name: 'Create author' }).click();
    await visible(newAuthor.getByRole('alert').getByText('Another author already has this slug.'), 'the API\'s message');
    assert.match(await errorNextTo(page, slug), /another author already has this slug/);
    assert.equal(await slug.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-field')), 'slug', 'the focus is not on the field in error');
    assert.equal((await authorsNow()).length, 1, 'a second author was made');
    // Nothing left typed: leaving does not ask.
    await newAuthor.getByLabel('Name', { exact: true }).fill('');
    await slug.fill('');
  });

  await journey.step('a link, a bio and a photo URL on the author’s page', async () => {
    await open(names.wire);
    assert.match(await hintOf(page, field('Bio')), /links .*emphasis/);
    await visible(page.getByText('No links yet.'), 'no links yet');
    await page.getByRole('button', { name: 'Add link', exact: true }).click();
    // The new row's label has the focus.
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-field')), 'links[0].label');
    await linkGroup(1).getByLabel('Label', { exact: true }).fill(link.label);
    await linkGroup(1).getByLabel('URL', { exact: true }).fill(link.url);
    await field('Bio').fill('Breaking news from <em>everywhere</em>.<script>alert(1)</script>');
    await field('Photo URL').fill(photoUrl);
    await field('Alt text').fill(`${names.wire} logo`);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(toast.getByText(/^Author saved\./), 'the toast "Author saved."');
    const saved = await api('GET', `/api/v1/authors/${wire.id}`, { token });
    assert.deepEqual(saved.links, [link]);
    assert.equal(saved.bio, 'Breaking news from <em>everywhere</em>.', 'the bio was not cleaned as documented');
    assert.equal(saved.photo?.url, photoUrl);
    assert.equal(saved.photo?.alt, `${names.wire} logo`);
    assert.equal(saved.version, 2);
    // The form shows what the server kept.
    assert.equal(await field('Bio').inputValue(), saved.bio);
    await visible(page.getByText(/^Named in 0 articles · version 2/), 'the new version');
  });

  await journey.step('a bad link URL is said next to it', async () => {
    await page.getByRole('button', { name: 'Add link', exact: true }).click();
    await linkGroup(2).getByLabel('Label', { exact: true }).fill('Feed');
    const url = linkGroup(2).getByLabel('URL', { exact: true });
    await url.fill('wire.example.org/feed');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(alert.getByText(/Each field in error says why\./), 'the alert');
    assert.match(await errorNextTo(page, url), /http\(s\) URL/);
    assert.equal(await url.getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-field')), 'links[1].url', 'the focus is not on the URL in error');
    assert.equal(await errorNextTo(page, linkGroup(1).getByLabel('URL', { exact: true })), '', 'the good link has an error');
    assert.equal((await api('GET', `/api/v1/authors/${wire.id}`, { token })).version, 2, 'the author changed');
  });

  await journey.step('the bad link removed: nothing left to save', async () => {
    await page.getByRole('button', { name: 'Remove link 2' }).click();
    assert.equal(await linkGroup(2).count(), 0, 'the row is still there');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(toast.getByText('Nothing to save.', { exact: true }), 'nothing to save');
  });

  await journey.step('a stale edit is reloaded', async () => {
    await api('PATCH', `/api/v1/authors/${wire.id}`, { token, ifMatch: '"2"', body: { job_title: 'Wire service' } });
    await field('Job title').fill('Mine');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(alert.getByText('Someone else changed this author'), 'the 412 message');
    assert.equal(await field('Job title').inputValue(), 'Wire service');
    // Their link and photo are still in the form.
    assert.equal(await linkGroup(1).getByLabel('URL', { exact: true }).inputValue(), link.url);
    assert.equal(await field('Photo URL').inputValue(), photoUrl);
  });

  const article = await createArticle(token, {
    headline: `Markets steady ${suffix}`,
    section_id: section.id,
    body: [{ type: 'paragraph', text: 'Trading was calm.' }],
  });
  // The admin's own author, made when the article first named them: bylines show its name.
  const mine = await api('GET', `/api/v1/authors/${me.id}`, { token });
  assert.equal(mine.user_id, me.id);
  await journey.step('the editor’s picker adds the freelancer to the byline', async () => {
    await page.goto(`/admin/articles/${article.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Edit article' }), 'the editor');
    const pick = page.getByLabel('Add an author', { exact: true });
    // Authors in their group, and a colleague without an author yet in the other.
    const authorsGroup = pick.locator('optgroup[label="Authors"]');
    const accountsGroup = pick.locator('optgroup[label="Newsroom accounts without a byline yet"]');
    assert.equal(await authorsGroup.locator(`option[value="${wire.id}"]`).innerText(), `${names.wire}, Wire service`);
    assert.equal(await accountsGroup.locator(`option[value="${writer.id}"]`).innerText(), `${writer.display_name} (account)`);
    // The admin is in the byline already: not offered again, under either heading.
    assert.equal(await pick.locator(`option[value="${me.id}"]`).count(), 0, 'the admin is offered again');
    await pick.selectOption(wire.id);
    await page.getByRole('button', { name: 'Add author', exact: true }).click();
    const byline = page.locator('ol.bylines li');
    assert.deepEqual((await byline.locator('span').allInnerTexts()).map((x) => x.trim()), [mine.name, names.wire]);
    assert.equal(await pick.locator(`option[value="${wire.id}"]`).count(), 0, 'the freelancer is still offered');
    // The freelancer goes first.
    await page.getByRole('button', { name: `Move ${names.wire} up` }).click();
    assert.deepEqual((await byline.locator('span').allInnerTexts()).map((x) => x.trim()), [names.wire, mine.name]);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(toast.getByText('Saved.', { exact: true }), 'the toast "Saved."');
    const saved = await api('GET', `/api/v1/articles/${article.id}`, { token });
    assert.deepEqual(saved.author_ids, [wire.id, me.id]);
  });

  /** @type {any} */
  let published;
  await journey.step('published: the article names the freelancer, and its page lists the article', async () => {
    const current = await api('GET', `/api/v1/articles/${article.id}`, { token });
    published = await api('POST', `/api/v1/articles/${article.id}/publish`, { token, ifMatch: `"${current.version}"` });
    const live = await publicGet(`/api/v1/public/articles/${published.slug}`);
    assert.deepEqual(live.authors.map((/** @type {any} */ a) => a.display_name), [names.wire, mine.name]);
    assert.equal(live.authors[0].id, wire.id);
    const page1 = await publicGet(`/api/v1/public/authors/${slugs.wire}`);
    assert.deepEqual(page1.articles.items.map((/** @type {any} */ a) => a.id), [article.id]);
    assert.equal(page1.author.name, names.wire);
    assert.equal(page1.author.job_title, 'Wire service');
    assert.deepEqual(page1.author.links, [link]);
    // By id too: bylines carry the id.
    const byId = await publicGet(`/api/v1/public/authors/${wire.id}`);
    assert.equal(byId.author.slug, slugs.wire);
    // The author's page in the admin counts the article and shows where readers find them.
    await page.goto('/admin/authors');
    await visible(page.getByRole('heading', { level: 1, name: 'Authors' }), 'the list');
    await search(suffix, 1);
    assert.equal((await cellsOf(names.wire))[3], '1');
    await open(names.wire);
    await visible(page.getByText(/^Named in 1 article · /), 'one article');
    await visible(page.getByRole('link', { name: `/api/v1/public/authors/${slugs.wire}`, exact: true }), 'the public page');
  });

  await journey.step('an author an article names is not deleted', async () => {
    /** @type {string[]} */
    const asked = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      dialog.accept();
    });
    await page.getByRole('button', { name: 'Delete author' }).click();
    await visible(alert.getByText('1 article names this author: change its byline first.', { exact: true }), 'why it is not deleted');
    assert.equal(asked.length, 1, 'deleting did not ask');
    assert.match(asked[0] ?? '', new RegExp(`^Delete the author “${names.wire}”\\?`));
    assert.equal(new URL(page.url()).pathname, `/admin/authors/${wire.id}`, 'the page was left');
    assert.ok(await authorNamed(names.wire), 'the author is gone from the server');
  });

  /** @type {any} */
  let fieldAuthor;
  /** @type {any} */
  let draft;
  await journey.step('an author linked to a writer’s account', async () => {
    fieldAuthor = await api('POST', '/api/v1/authors', { token, body: { name: names.field, job_title: 'Reporter' }, expect: 201 });
    await backToList(2);
    await open(names.field);
    const account = field('Linked account');
    assert.equal(await account.locator('option').first().innerText(), 'No account');
    assert.equal(await account.inputValue(), '');
    assert.match(await hintOf(page, account), /person’s own/);
    await account.selectOption(writer.id);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await visible(toast.getByText(/^Author saved\./), 'the toast "Author saved."');
    assert.equal((await api('GET', `/api/v1/authors/${fieldAuthor.id}`, { token })).user_id, writer.id);
    await backToList(2);
    assert.equal((await cellsOf(names.field))[2], writer.display_name);
    assert.equal((await cellsOf(names.wire))[2], 'None');
    // A draft naming that author is the writer's own.
    draft = await createArticle(token, { headline: `Flood defences hold ${suffix}`, section_id: section.id, author_ids: [fieldAuthor.id] });
    assert.deepEqual(draft.author_ids, [me.id, fieldAuthor.id]);
  });

  await journey.step('a writer reads authors without changing them', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByLabel('Email'), 'the sign-in form');
    await signIn(page, writer.email, writer.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the home page');
    await nav.getByRole('link', { name: 'Authors', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Authors' }), 'the heading "Authors"');
    await search(suffix, 2);
    assert.equal(await newAuthor.count(), 0, 'a writer sees the form "New author"');
    assert.equal(await page.getByRole('button', { name: 'Create author' }).count(), 0);
    await open(names.field, 'Author');
    assert.equal(await field('Name').isDisabled(), true, 'a writer may type a new name');
    assert.equal(await field('Bio').isDisabled(), true, 'a writer may type a bio');
    assert.equal(await field('Linked account').isDisabled(), true, 'a writer may change the account');
    assert.equal(await field('Linked account').inputValue(), writer.id);
    for (const name of ['Save changes', 'Delete author', 'Add link', 'Choose from the library']) {
      assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `a writer sees "${name}"`);
    }
    await page.getByRole('link', { name: 'Back to authors' }).click();
    await search(suffix, 2);
    await open(names.wire, 'Author');
    assert.equal(await linkGroup(1).getByLabel('URL', { exact: true }).inputValue(), link.url);
    assert.equal(await linkGroup(1).getByLabel('URL', { exact: true }).isDisabled(), true, 'a writer may change a link');
    assert.equal(await page.getByRole('button', { name: 'Remove link 1' }).count(), 0, 'a writer sees "Remove link 1"');
  });

  await journey.step('the linked author’s draft is the writer’s own', async () => {
    await page.goto(`/admin/articles/${draft.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Edit article' }), 'the editor (not read-only)');
    assert.equal(await page.getByText('You may read this article but not change it.').count(), 0, 'the draft is read-only');
    // The writer keeps their own place in the byline; the other name may go.
    assert.equal(await page.getByRole('button', { name: `Remove ${names.field}` }).isDisabled(), true, 'a writer may remove themselves');
    assert.equal(await page.getByRole('button', { name: `Remove ${mine.name}` }).isDisabled(), false);
    await page.getByLabel('Kicker', { exact: true }).fill('Weather');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(toast.getByText('Saved.', { exact: true }), 'the toast "Saved."');
    assert.equal((await api('GET', `/api/v1/articles/${draft.id}`, { token })).kicker, 'Weather');
  });

  await journey.step('the list on a phone', async () => {
    await usePhone(page);
    await page.goto(`/admin/authors?q=${suffix}`);
    await visible(page.getByText('2 authors shown.', { exact: true }), 'the list');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the page is ${width} px wide at 390`);
  });

  journey.assertNoProblems();
});
