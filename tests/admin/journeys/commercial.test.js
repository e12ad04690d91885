// The commercial team's screens: sponsored blocks and offers, at desktop width; what an
// editor may see of them; and the sponsored editor at phone width.
//
// The UI contract this journey holds the client to:
//   - a commercial user's navigation has the links "Sponsored" and "Offers" and not
//     "Articles"; their home lists sponsored blocks live now and offers shown now;
//   - the sponsored editor labels its fields "Title", "Sponsor", "Label",
//     "Disclosure" (the last two marked required), "Status", "Starts", "Ends", a
//     "Sections" group of checkboxes named after the sections; its button is "Create
//     sponsored block", then "Save"; a field the server refuses is aria-invalid and
//     its error is in the element its aria-describedby names;
//   - the list shows the block by its title; the editor of a saved block has the
//     section "Impressions and clicks" with a table of the daily counts and an SVG
//     chart; a save over someone else's shows a message (role=alert) and their version;
//   - the offer editor labels "Name", "Text readers see", "Currency", "Price",
//     "Duration in months", a "Shown to" group, "Status"; its button is "Create offer";
//   - articles are targeted from "Find an article" (Enter searches), "Add <headline>"
//     in the list "Articles found", and shown by headline in "Chosen articles";
//   - an editor reads a block (heading "Sponsored block", fields disabled, no "Save",
//     no counts, and no request for them, which the API would refuse) and has no
//     "Offers" link;
//   - a commercial user who opens an editorial screen by its address (/admin/articles,
//     /admin/polls) is told their role may not use it (role=alert), not that something
//     went wrong;
//   - at 390 px the sponsored editor needs no sideways scrolling.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { admin, api, baseUrl, createUser, desktop, login, openJourney, phone, signIn, visible } from './lib.js';

/** @typedef {import('playwright-core').Page} Page */
/** @typedef {import('playwright-core').Locator} Locator */

/** A section made by the admin, to target. */
async function makeSection() {
  const token = await login(admin.email, admin.password);
  const name = `Markets ${randomBytes(3).toString('hex')}`;
  return api('POST', '/api/v1/sections', { token, body: { name }, expect: 201 });
}

/**
 * A published article in a section, made by the admin, to target by its headline.
 * @param {string} sectionId
 */
async function publishedArticle(sectionId) {
  const token = await login(admin.email, admin.password);
  const headline = `Port cranes go electric ${randomBytes(3).toString('hex')}`;
  const article = await api('POST', '/api/v1/articles', {
    token,
    expect: 201,
    body: { headline, section_id: sectionId, body: [{ type: 'paragraph', text: 'Cranes.' }] },
  });
  const res = await fetch(`${baseUrl}/api/v1/articles/${encodeURIComponent(article.id)}/publish`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'if-match': `"${article.version}"` },
  });
  assert.equal(res.status, 200, `publishing the article answered ${res.status}`);
  return { id: article.id, headline };
}

/**
 * A `datetime-local` value `hours` from now, in the browser's own time zone.
 * @param {Page} page
 * @param {number} hours
 */
function localInput(page, hours) {
  return page.evaluate((h) => {
    const d = new Date(Date.now() + h * 3_600_000);
    const p = (/** @type {number} */ n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, hours);
}

/**
 * The text of the error a field's aria-describedby points at, and whether it is
 * marked invalid.
 * @param {Locator} control
 */
async function fieldError(control) {
  return control.evaluate((el) => {
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    const text = ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
    return { text, invalid: el.getAttribute('aria-invalid') === 'true' };
  });
}

/** @param {Page} page */
async function noSidewaysScroll(page) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client + 1, `the page is ${scroll}px wide in a ${client}px window`);
}

test('commercial: sponsored blocks, their stats, and offers (1280x800)', { timeout: 240_000 }, async (t) => {
  const user = await createUser({ role: 'commercial' });
  const section = await makeSection();
  const article = await publishedArticle(section.id);
  const journey = await openJourney('commercial', desktop);
  t.after(() => journey.close());
  const { page } = journey;
  const nav = page.getByRole('navigation', { name: 'Main' });
  const title = `Harbour futures ${randomBytes(3).toString('hex')}`;
  // Names of their own, so that the journey can run again on the same database.
  const offerName = `Autumn trial ${randomBytes(3).toString('hex')}`;
  /** @type {string} */
  let blockId = '';

  await journey.step('signed in: Sponsored and Offers, no Articles', async () => {
    await page.goto('/admin/');
    await signIn(page, user.email, user.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Home' }), 'the heading "Home"');
    await visible(nav.getByRole('link', { name: 'Sponsored', exact: true }), 'the navigation link "Sponsored"');
    await visible(nav.getByRole('link', { name: 'Offers', exact: true }), 'the navigation link "Offers"');
    assert.equal(await nav.getByRole('link', { name: 'Articles', exact: true }).count(), 0, 'a commercial user is shown "Articles"');
    await visible(page.getByRole('region', { name: 'Sponsored: live now' }), 'the home card "Sponsored: live now"');
    await visible(page.getByRole('region', { name: 'Offers readers see now' }), 'the home card "Offers readers see now"');
  });

  await journey.step('a block without a disclosure is refused, by the field', async () => {
    await nav.getByRole('link', { name: 'Sponsored', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Sponsored blocks' }), 'the heading "Sponsored blocks"');
    await page.getByRole('link', { name: 'New sponsored block' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'New sponsored block' }), 'the heading "New sponsored block"');
    const disclosure = page.getByLabel('Disclosure');
    assert.match((await page.locator('label', { hasText: 'Disclosure' }).innerText()).trim(), /required/i, 'the form does not say the disclosure is required');
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Sponsor').fill('Harbourline Studio');
    await page.getByLabel('Label', { exact: false }).first().fill('Sponsored content');
    await page.getByRole('button', { name: 'Create sponsored block' }).click();
    await page.waitForFunction(() => document.querySelector('[data-error-for="disclosure"]')?.textContent);
    const error = await fieldError(disclosure);
    assert.ok(error.text.length > 0, 'no error next to the disclosure');
    assert.ok(error.invalid, 'the disclosure is not marked aria-invalid');
    assert.ok(new URL(page.url()).pathname.endsWith('/new'), 'the block was created without a disclosure');
    await visible(page.getByRole('alert').filter({ hasText: /invalid/i }), 'the form message');
  });

  await journey.step('created: label, disclosure, flight, section targeting', async () => {
    await page.getByLabel('Disclosure').fill('This content was commissioned by Harbourline Studio.');
    await page.getByRole('button', { name: 'Add block' }).click();
    await page.getByRole('textbox', { name: 'Paragraph text' }).fill('Ports are changing faster than ever.');
    await page.getByLabel('Status').selectOption('active');
    await page.getByLabel('Starts').fill(await localInput(page, -1));
    await page.getByLabel('Ends').fill(await localInput(page, 24 * 14));
    await page.getByRole('group', { name: 'Sections' }).getByLabel(section.name).check();
    const articles = page.getByRole('group', { name: 'Articles' });
    await articles.getByLabel('Find an article').fill(article.headline.split(' ').pop() ?? '');
    await articles.getByLabel('Find an article').press('Enter');
    await articles.getByRole('list', { name: 'Articles found' }).getByRole('button', { name: `Add ${article.headline}` }).click();
    await visible(articles.getByRole('list', { name: 'Chosen articles' }).getByText(article.headline), 'the chosen article by its headline');
    await page.getByLabel('Button text').fill('Read the report');
    await page.getByLabel('Button link').fill('https://studio.example.com/report');
    await page.getByRole('button', { name: 'Create sponsored block' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit sponsored block' }), 'the heading "Edit sponsored block"');
    blockId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    assert.ok(blockId && blockId !== 'new', `no block id in ${page.url()}`);
    await visible(page.locator('.status-line .badge', { hasText: 'live' }), 'the state "live"');
    assert.equal(await page.getByRole('group', { name: 'Sections' }).getByLabel(section.name).isChecked(), true, 'the section is not kept');
    assert.equal(await page.getByLabel('Disclosure').inputValue(), 'This content was commissioned by Harbourline Studio.');
    await visible(page.getByRole('list', { name: 'Chosen articles' }).getByText(article.headline), 'the targeted article by its headline');
    await visible(page.getByRole('region', { name: 'Revisions' }).getByRole('cell').filter({ hasText: '#1 created' }), 'the first revision');
  });

  await journey.step('the block is in the list', async () => {
    await nav.getByRole('link', { name: 'Sponsored', exact: true }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: title }) });
    await visible(row, `a row for "${title}"`);
    assert.match(await row.innerText(), /live/);
    assert.match(await row.innerText(), new RegExp(`${section.name}, 1 article`), 'the targets are not named');
  });

  await journey.step('an impression and a click show in the chart', async () => {
    await api('POST', `/api/v1/public/sponsored/${encodeURIComponent(blockId)}/impressions`, { expect: 204 });
    await api('POST', `/api/v1/public/sponsored/${encodeURIComponent(blockId)}/clicks`, { expect: 204 });
    await page.getByRole('link', { name: title }).click();
    const stats = page.getByRole('region', { name: 'Impressions and clicks' });
    const today = new Date().toISOString().slice(0, 10);
    const row = stats.locator('tbody tr').filter({ has: page.locator(`time[datetime="${today}"]`) });
    await visible(row, `the row for ${today} in the stats table`);
    const cells = await row.getByRole('cell').allInnerTexts();
    assert.deepEqual(cells.slice(0, 2), ['1', '1'], `impressions and clicks on ${today}`);
    const chart = stats.locator('svg');
    await visible(chart, 'the chart');
    const drawn = await chart.evaluate((svg) => ({
      bars: [...svg.querySelectorAll('.bars rect')].map((r) => Number(r.getAttribute('height'))),
      points: svg.querySelectorAll('.line circle').length,
    }));
    assert.equal(drawn.bars.length, 1, 'one bar for one day');
    assert.ok((drawn.bars[0] ?? 0) > 0, 'the bar has no height');
    assert.equal(drawn.points, 1, 'one point for the clicks');
    await stats.scrollIntoViewIfNeeded();
  });

  await journey.step('a save over someone else’s shows their version', async () => {
    const token = await login(user.email, user.password);
    const current = await api('GET', `/api/v1/sponsored/${encodeURIComponent(blockId)}`, { token });
    // Someone else saves first (lib's api() sends no If-Match, so fetch it is).
    const res = await fetch(`${baseUrl}/api/v1/sponsored/${encodeURIComponent(blockId)}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': `"${current.version}"` },
      body: JSON.stringify({ sponsor_name: 'Harbourline Studio Ltd' }),
    });
    assert.equal(res.status, 200, `the other save answered ${res.status}`);
    await page.getByLabel('Title').fill(`${title}, edited`);
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await visible(page.getByRole('alert').filter({ hasText: 'Someone else saved this block' }), 'the conflict message');
    assert.equal(await page.getByLabel('Sponsor').inputValue(), 'Harbourline Studio Ltd', 'their version is not shown');
    assert.match(await page.getByRole('alert').filter({ hasText: 'Someone else' }).innerText(), /Title/);
  });

  await journey.step('an offer is created', async () => {
    await nav.getByRole('link', { name: 'Offers', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Offers' }), 'the heading "Offers"');
    await page.getByRole('link', { name: 'New offer' }).click();
    await page.getByLabel('Name').fill(offerName);
    await page.getByLabel('Text readers see').fill('Try 3 months for $9');
    await page.getByLabel('Currency').selectOption('USD');
    await page.getByLabel('Price').fill('9.00');
    await page.getByLabel('Duration in months').fill('3');
    await page.getByLabel('A trial').check();
    await page.getByRole('group', { name: 'Shown to' }).getByLabel('Readers who are not signed in').check();
    await page.getByLabel('Status').selectOption('active');
    await page.getByRole('button', { name: 'Create offer' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Edit offer' }), 'the heading "Edit offer"');
    assert.equal(await page.getByLabel('Price').inputValue(), '9.00');
    assert.equal(await page.getByRole('group', { name: 'Shown to' }).getByLabel('Readers who are not signed in').isChecked(), true);
    await visible(page.locator('.status-line .badge', { hasText: 'live' }), 'the state "live"');
  });

  await journey.step('the offer is in the list', async () => {
    await nav.getByRole('link', { name: 'Offers', exact: true }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: offerName }) });
    await visible(row, 'a row for the offer');
    assert.match(await row.innerText(), /\$9\.00 for 3 months, trial/);
  });

  await journey.step('home lists the live block and the offer', async () => {
    await nav.getByRole('link', { name: 'Home', exact: true }).click();
    await visible(page.getByRole('region', { name: 'Sponsored: live now' }).getByRole('link', { name: title }), 'the live block on the home page');
    await visible(page.getByRole('region', { name: 'Offers readers see now' }).getByRole('link', { name: offerName }), 'the offer on the home page');
  });

  await journey.step('editorial screens say the role may not use them', async () => {
    for (const [path, heading] of [['/admin/articles', 'Articles'], ['/admin/polls', 'Polls']]) {
      await page.goto(path);
      await visible(page.getByRole('heading', { level: 1, name: heading }), `the heading "${heading}"`);
      await visible(page.getByRole('alert').filter({ hasText: 'admins, editors and writers' }), `the refusal on ${path}`);
      assert.equal(await page.getByRole('heading', { name: 'Something went wrong' }).count(), 0, `${path} says something went wrong`);
    }
  });

  journey.assertNoProblems();
});

test('commercial-editor: editors read sponsored blocks, without changing them', { timeout: 120_000 }, async (t) => {
  const owner = await createUser({ role: 'commercial' });
  const editor = await createUser({ role: 'editor' });
  const token = await login(owner.email, owner.password);
  const readOnly = `Read-only check ${randomBytes(3).toString('hex')}`;
  const block = await api('POST', '/api/v1/sponsored', {
    token,
    expect: 201,
    body: { title: readOnly, sponsor_name: 'Harbourline', label: 'Sponsored', disclosure: 'Paid for by Harbourline.', placement: 'sidebar' },
  });
  const journey = await openJourney('commercial-editor', desktop);
  t.after(() => journey.close());
  const { page } = journey;
  /** @type {string[]} */
  const statsRequests = [];
  page.on('request', (request) => {
    if (/\/api\/v1\/sponsored\/[^/]+\/stats/.test(new URL(request.url()).pathname)) statsRequests.push(request.url());
  });

  await journey.step('an editor sees the block, read only', async () => {
    await page.goto('/admin/');
    await signIn(page, editor.email, editor.password);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Sponsored', exact: true }).click();
    assert.equal(await nav.getByRole('link', { name: 'Offers', exact: true }).count(), 0, 'an editor is shown "Offers"');
    assert.equal(await page.getByRole('link', { name: 'New sponsored block' }).count(), 0, 'an editor is offered "New sponsored block"');
    await page.getByRole('link', { name: readOnly }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Sponsored block' }), 'the heading "Sponsored block"');
    assert.equal(await page.getByLabel('Disclosure').isDisabled(), true, 'an editor may change the disclosure');
    assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 0, 'an editor is offered "Save"');
    assert.equal(await page.getByRole('region', { name: 'Impressions and clicks' }).count(), 0, 'an editor is shown the counts');
    await visible(page.getByRole('region', { name: 'Revisions' }).getByRole('table'), 'the revisions');
    assert.deepEqual(statsRequests, [], 'the counts were asked for (the API refuses them to editors)');
  });

  journey.assertNoProblems();
});

test('commercial-phone: the sponsored editor at 390x844', { timeout: 180_000 }, async (t) => {
  const user = await createUser({ role: 'commercial' });
  const section = await makeSection();
  const token = await login(user.email, user.password);
  const block = await api('POST', '/api/v1/sponsored', {
    token,
    expect: 201,
    body: {
      title: 'The future of container shipping, and what it means for the ports of the Pacific',
      sponsor_name: 'Harbourline Studio',
      label: 'Sponsored content',
      disclosure: 'This content was commissioned by Harbourline Studio.',
      placement: 'article_inline',
      status: 'active',
      section_ids: [section.id],
      body: [{ type: 'paragraph', text: 'Ports are changing.' }],
      cta: { text: 'Read the report', url: 'https://studio.example.com/report' },
    },
  });
  await api('POST', `/api/v1/public/sponsored/${encodeURIComponent(block.id)}/impressions`, { expect: 204 });
  await api('POST', `/api/v1/public/sponsored/${encodeURIComponent(block.id)}/clicks`, { expect: 204 });
  const journey = await openJourney('commercial-phone', phone);
  t.after(() => journey.close());
  const { page } = journey;

  await journey.step('the sponsored editor', async () => {
    await page.goto(`/admin/sponsored/${encodeURIComponent(block.id)}`);
    await signIn(page, user.email, user.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Edit sponsored block' }), 'the heading "Edit sponsored block"');
    await visible(page.getByRole('region', { name: 'Impressions and clicks' }).locator('svg'), 'the chart');
    await visible(page.getByRole('region', { name: 'Revisions' }).getByRole('table'), 'the revisions');
    await noSidewaysScroll(page);
  });

  await journey.step('a new sponsored block', async () => {
    await page.getByRole('link', { name: 'Sponsored blocks' }).click();
    await page.getByRole('link', { name: 'New sponsored block' }).click();
    await visible(page.getByLabel('Disclosure'), 'the "Disclosure" field');
    await noSidewaysScroll(page);
  });

  journey.assertNoProblems();
});
