// Polls in the admin client: an editor builds one, embeds it in an article and
// publishes it; a reader votes through the public API and the editor sees the vote
// arrive in the live results, then downloads the free-text answers as CSV. A writer
// reads polls but is offered nothing to change.
//
// The UI contract this journey holds the client to:
//   - a navigation link "Polls"; the list's h1 is "Polls", with a link "New poll" for
//     editors and admins only;
//   - the editor: fields "Title" and "Intro"; each question a group "Question N" with
//     "Prompt", "Kind" and options "Option N", buttons named "Move option N of question
//     M up", "Remove option N of question M", "Add option to question M"; a button
//     "Add question"; "Create poll" / "Save";
//   - an API field error shows next to its field (the field is aria-invalid) and the
//     problem's message in role=alert; a 412 says "Someone else saved this poll" and
//     the form holds their version;
//   - live results: "N response(s) in all.", a meter per option named by its label and
//     its count as text ("1 vote, 100%"), refreshed while the page is open; free-text
//     answers listed; "Download CSV" saves the export (header
//     response_id,question_id,created_at,text);
//   - at 390 px wide nothing is wider than the screen.

import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { admin, api, baseUrl, createUser, desktop, login, openJourney, signIn, usePhone, visible } from './lib.js';

const idPattern = /\/admin\/polls\/([0-9a-f-]{36})$/;

/** @param {import('playwright-core').Page} page */
async function noSidewaysScroll(page) {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
  assert.ok(widths.page <= widths.screen, `the page is ${widths.page} px wide on a ${widths.screen} px screen`);
}

test('polls: build, embed, publish, see a vote live, export CSV', { timeout: 240_000 }, async (t) => {
  const suffix = randomBytes(3).toString('hex');
  const editor = await createUser({ role: 'editor' });
  const token = await login(editor.email, editor.password);
  const section = await api('POST', '/api/v1/sections', { token, body: { name: `Polls ${suffix}` }, expect: 201 });
  const title = `Transport in 2030 ${suffix}`;
  const journey = await openJourney('polls', desktop);
  t.after(() => journey.close());
  const { page } = journey;
  let pollId = '';

  await journey.step('the polls list', async () => {
    await page.goto('/admin/polls');
    await signIn(page, editor.email, editor.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Polls', exact: true }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Polls' }), 'the h1 "Polls"');
    await visible(page.getByRole('link', { name: 'New poll' }), 'the link "New poll"');
  });

  const q1 = page.getByRole('group', { name: 'Question 1' });
  const q2 = page.getByRole('group', { name: 'Question 2' });

  await journey.step('a new poll: an empty option is refused next to its field', async () => {
    await page.getByRole('link', { name: 'New poll' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'New poll' }), 'the h1 "New poll"');
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Intro').fill('Tell us how you will get around.');
    await q1.getByLabel('Prompt').fill('Will you still own a car?');
    await q1.getByLabel('Option 1', { exact: true }).fill('No');
    await q1.getByLabel('Option 2', { exact: true }).fill('Yes');
    // Reordering: "Yes" goes first.
    await q1.getByRole('button', { name: 'Move option 2 of question 1 up' }).click();
    assert.equal(await q1.getByLabel('Option 1', { exact: true }).inputValue(), 'Yes');
    assert.equal(await q1.getByLabel('Option 2', { exact: true }).inputValue(), 'No');
    await q1.getByRole('button', { name: 'Add option to question 1' }).click();
    await page.getByRole('button', { name: 'Add question' }).click();
    await q2.getByLabel('Kind').selectOption('free_text');
    await q2.getByLabel('Prompt').fill('What would make you leave the car at home?');
    await page.getByRole('button', { name: 'Create poll' }).click();
    await visible(page.getByRole('alert').filter({ hasText: /\S/ }), 'the problem in role=alert');
    const option3 = q1.getByLabel('Option 3', { exact: true });
    assert.equal(await option3.getAttribute('aria-invalid'), 'true', 'the empty option is not marked invalid');
    const errorId = /** @type {string} */ (await option3.getAttribute('aria-describedby')).split(' ').pop();
    const message = (await page.locator(`[id="${errorId}"]`).innerText()).trim();
    assert.ok(message.length > 0, 'no error next to "Option 3"');
  });

  await journey.step('the poll is created', async () => {
    await q1.getByRole('button', { name: 'Remove option 3 of question 1' }).click();
    assert.equal(await q1.getByLabel('Option 3', { exact: true }).count(), 0, 'option 3 is still there');
    await page.getByRole('button', { name: 'Create poll' }).click();
    await page.waitForURL(idPattern);
    pollId = /** @type {RegExpExecArray} */ (idPattern.exec(new URL(page.url()).pathname))[1] ?? '';
    await visible(page.getByRole('heading', { level: 1, name: 'Edit poll' }), 'the h1 "Edit poll"');
    await visible(page.getByText('0 responses in all.'), 'the live results, empty');
    const poll = await api('GET', `/api/v1/polls/${pollId}`, { token });
    assert.equal(poll.title, title);
    assert.deepEqual(poll.questions.map((/** @type {any} */ q) => q.kind), ['single_choice', 'free_text']);
    assert.deepEqual(poll.questions[0].options.map((/** @type {any} */ o) => o.label), ['Yes', 'No']);
  });

  await journey.step('someone else saves first: a clear message and their version', async () => {
    const response = await fetch(`${baseUrl}/api/v1/polls/${pollId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': '"1"' },
      body: JSON.stringify({ title: `${title} (their title)` }),
    });
    assert.equal(response.status, 200, `PATCH by someone else: ${response.status}`);
    await page.getByLabel('Intro').fill('My change, made on an old version.');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByRole('alert').filter({ hasText: 'Someone else saved this poll' }), 'the conflict message');
    assert.equal(await page.getByLabel('Title').inputValue(), `${title} (their title)`);
    assert.equal(await page.getByLabel('Intro').inputValue(), 'Tell us how you will get around.');
  });

  await journey.step('saved again, over their version', async () => {
    await page.getByLabel('Title').fill(title);
    // A local wall-clock time, sent as the instant it is in the browser's time zone.
    await page.getByLabel('Closes at').fill('2030-01-02T03:04');
    await page.getByRole('button', { name: 'Save' }).click();
    await visible(page.getByText('version 3 · saved'), 'the poll saved as version 3');
    const expected = await page.evaluate(() => new Date('2030-01-02T03:04').toISOString().replace('.000Z', 'Z'));
    const poll = await api('GET', `/api/v1/polls/${pollId}`, { token });
    assert.equal(poll.title, title);
    assert.equal(poll.closes_at, expected);
    assert.equal(await page.getByLabel('Closes at').inputValue(), '2030-01-02T03:04');
  });

  await journey.step('embedded in an article, published', async () => {
    await page.goto('/admin/articles/new');
    await page.getByLabel('Headline').fill(`How we will travel ${suffix}`);
    await page.getByLabel('Section').selectOption(section.id);
    await page.getByLabel('Type of block to add').selectOption('poll');
    await page.getByRole('button', { name: 'Add block' }).click();
    await page.getByLabel('Poll', { exact: true }).selectOption({ label: title });
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/admin\/articles\/[0-9a-f-]{36}$/);
    await page.getByRole('button', { name: 'Publish now' }).click();
    await visible(page.locator('.status-line .badge', { hasText: 'published' }), 'the status "published"');
    const id = new URL(page.url()).pathname.split('/').pop();
    const article = await api('GET', `/api/v1/articles/${id}`, { token });
    assert.equal(article.status, 'published');
    assert.deepEqual(article.body, [{ type: 'poll', poll_id: pollId }]);
  });

  await journey.step('a reader votes; the vote shows in the live results', async () => {
    await page.goto(`/admin/polls/${pollId}`);
    await visible(page.getByText('0 responses in all.'), 'the live results, empty');
    const reader = randomUUID();
    const pub = await api('GET', `/api/v1/public/polls/${pollId}`);
    const [choice, text] = pub.questions;
    const yes = choice.options.find((/** @type {any} */ o) => o.label === 'Yes');
    const response = await fetch(`${baseUrl}/api/v1/public/polls/${pollId}/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-reader-id': reader },
      body: JSON.stringify({
        answers: [
          { question_id: choice.id, option_ids: [yes.id] },
          { question_id: text.id, text: 'A tram every five minutes.' },
        ],
      }),
    });
    assert.equal(response.status, 201, `the vote: ${response.status} ${await response.text()}`);
    // No reload: the screen refreshes by itself.
    await visible(page.getByText('1 response in all.'), 'the vote in the live results');
    const yesBar = page.getByRole('meter', { name: 'Yes' });
    assert.equal(Number(await yesBar.getAttribute('value')), 100);
    await visible(page.getByText('1 vote, 100%'), 'the count as text');
    await visible(page.getByText('0 votes, 0%'), 'the other option as text');
    await visible(page.getByText('A tram every five minutes.'), 'the free-text answer');
    await visible(page.getByText('Readers have answered this poll'), 'the note that questions are fixed');
    assert.equal(await page.getByRole('textbox', { name: 'Prompt' }).count(), 0, 'the questions can still be edited');
    assert.ok(await page.getByRole('button', { name: 'Add question' }).isHidden(), '"Add question" is still offered');
  });

  await journey.step('the CSV export', async () => {
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    assert.match(file.suggestedFilename(), /\.csv$/);
    const csv = readFileSync(await file.path(), 'utf8');
    const [header, ...rows] = csv.split(/\r?\n/);
    assert.equal(header, 'response_id,question_id,created_at,text');
    assert.ok(rows.some((r) => r.includes('A tram every five minutes.')), `the answer is not in the CSV:\n${csv}`);
  });

  await journey.step('deleting is refused while an article embeds the poll', async () => {
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Delete poll' }).click();
    await visible(page.getByRole('alert').filter({ hasText: 'Articles embed this poll' }), 'the 409 message');
  });

  await journey.step('a poll nobody embeds is deleted', async () => {
    const spare = await api('POST', '/api/v1/polls', {
      token,
      body: { title: `Spare ${suffix}`, questions: [{ prompt: 'Yes or no?', kind: 'single_choice', options: [{ label: 'Yes' }, { label: 'No' }] }] },
      expect: 201,
    });
    await page.goto(`/admin/polls/${spare.id}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Edit poll' }), 'the h1 "Edit poll"');
    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Delete poll' }).click();
    await page.waitForURL(/\/admin\/polls$/);
    await visible(page.getByRole('link', { name: title }), 'the list');
    assert.equal(await page.getByRole('link', { name: `Spare ${suffix}` }).count(), 0, 'the deleted poll is still listed');
    await api('GET', `/api/v1/polls/${spare.id}`, { token, expect: 404 });
  });

  await journey.step('phone: the list', async () => {
    await usePhone(page);
    await page.goto('/admin/polls');
    await visible(page.getByRole('link', { name: title }), 'the poll in the list');
    await noSidewaysScroll(page);
  });

  await journey.step('phone: the poll with its results', async () => {
    await page.goto(`/admin/polls/${pollId}`);
    await visible(page.getByText('1 response in all.'), 'the live results');
    await noSidewaysScroll(page);
  });

  await journey.step('phone: a new poll', async () => {
    await page.goto('/admin/polls/new');
    await page.getByLabel('Title').fill('A poll on a phone');
    await q1.getByLabel('Prompt').fill('Which days do you read the paper on?');
    await q1.getByLabel('Kind').selectOption('multiple_choice');
    await q1.getByLabel('Option 1', { exact: true }).fill('Weekdays');
    await q1.getByLabel('Option 2', { exact: true }).fill('Weekends, with a long label that has to wrap on a narrow screen');
    await page.getByRole('button', { name: 'Add question' }).click();
    await q2.getByLabel('Kind').selectOption('free_text');
    await noSidewaysScroll(page);
  });

  journey.assertNoProblems();
});

test('polls-writer: a writer reads polls and is offered no change', { timeout: 120_000 }, async (t) => {
  const writer = await createUser({ role: 'writer' });
  const adminToken = await login(admin.email, admin.password);
  const title = `Read-only poll ${randomBytes(3).toString('hex')}`;
  const poll = await api('POST', '/api/v1/polls', {
    token: adminToken,
    body: {
      title,
      intro: 'Writers may embed this, not change it.',
      results_visibility: 'after_vote',
      questions: [
        { prompt: 'Tea or coffee?', kind: 'single_choice', options: [{ label: 'Tea' }, { label: 'Coffee' }] },
        { prompt: 'Anything else?', kind: 'free_text', required: false, max_length: 280 },
      ],
    },
    expect: 201,
  });
  const journey = await openJourney('polls-writer', desktop);
  t.after(() => journey.close());
  const { page } = journey;

  await journey.step('the list, without "New poll"', async () => {
    await page.goto('/admin/polls');
    await signIn(page, writer.email, writer.password);
    await visible(page.getByRole('heading', { level: 1, name: 'Polls' }), 'the h1 "Polls"');
    await visible(page.getByRole('link', { name: title }), 'the poll in the list');
    assert.equal(await page.getByRole('link', { name: 'New poll' }).count(), 0, 'a writer is offered "New poll"');
  });

  await journey.step('a poll, read only', async () => {
    await page.getByRole('link', { name: title }).click();
    await visible(page.getByRole('heading', { level: 1, name: title }), 'the poll title as h1');
    await visible(page.getByText('Tea or coffee?'), 'the first question');
    await visible(page.getByText('Coffee', { exact: true }), 'an option');
    assert.equal(await page.getByRole('textbox').count(), 0, 'a writer sees text fields');
    assert.equal(await page.getByRole('button', { name: /save|delete|add/i }).count(), 0, 'a writer is offered changes');
    assert.equal(await page.getByText('Live results').count(), 0, 'a writer is shown results the API refuses them');
    assert.equal(poll.version, 1);
  });

  journey.assertNoProblems();
});
