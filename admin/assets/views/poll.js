// One poll: the editor (editors and admins; writers get a read-only view), its live
// results, what readers wrote in free-text answers, and their CSV export. Saving sends
// only the fields that changed, with If-Match; questions go only when they changed,
// since the server refuses any change to them once readers have answered.

import { ApiError, api, currentUser, download, etagOf } from '../api.js';
import { badge, field, h, replace, toast } from '../dom.js';
import { fromLocalInput, localZone, pollState, toLocalInput, when } from '../dates.js';
import { apiPages, pager } from '../lists.js';
import { clearErrors, messageOf, notAllowed, showConflict, showErrors } from '../problems.js';
import { can } from '../roles.js';
import { deleteAndLeave, watchUnsaved, navigate } from '../app.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['PollResponse']} Poll */
/** @typedef {Schemas['QuestionKind']} Kind */
/** @typedef {Schemas['ResultsVisibility']} Visibility */
/** @typedef {Schemas['ResultsResponse']} Results */
/** @typedef {Schemas['TextAnswerPage']} AnswerPage */
/**
 * A question as the form holds it; `null` numbers are the server's defaults.
 * @typedef {{prompt: string, kind: Kind, required: boolean, options: string[], max_choices: number | null, max_length: number | null}} Question
 */
/**
 * What the form edits. Dates are local wall-clock `YYYY-MM-DDTHH:MM` ('' for none), as a
 * datetime-local input holds them.
 * @typedef {{title: string, intro: string, opens_at: string, closes_at: string, results_visibility: Visibility, questions: Question[]}} Content
 */

/** @type {Array<[Kind, string]>} */
const KINDS = [
  ['single_choice', 'Single choice'],
  ['multiple_choice', 'Multiple choice'],
  ['free_text', 'Free text'],
];
/** @type {Array<[Visibility, string]>} */
const VISIBILITY = [
  ['always', 'Always'],
  ['after_vote', 'After they answer'],
  ['after_close', 'After the poll closes'],
  ['never', 'Never (editors only)'],
];
/** @type {Record<keyof Content, string>} */
const FIELD_NAMES = { title: 'Title', intro: 'Intro', opens_at: 'Opens at', closes_at: 'Closes at', results_visibility: 'Results shown to readers', questions: 'Questions' };
const DEFAULT_MAX_LENGTH = 500;
const REFRESH_MS = 5000;

/** @returns {Question} */
const emptyQuestion = () => ({ prompt: '', kind: 'single_choice', required: true, options: ['', ''], max_choices: null, max_length: null });

/** @param {Poll} p @returns {Content} */
function contentOf(p) {
  return {
    title: p.title,
    intro: p.intro ?? '',
    opens_at: toLocalInput(p.opens_at),
    closes_at: toLocalInput(p.closes_at),
    results_visibility: p.results_visibility,
    questions: p.questions.map((q) => ({
      prompt: q.prompt,
      kind: q.kind,
      required: q.required,
      options: q.options.map((o) => o.label),
      // "Any number" is stored as the option count; shown empty so that adding an option keeps meaning "any".
      max_choices: q.kind === 'multiple_choice' && q.max_choices !== q.options.length ? q.max_choices ?? null : null,
      max_length: q.kind === 'free_text' ? q.max_length ?? null : null,
    })),
  };
}

/**
 * A question as the server will store it, to tell a real change from a different
 * spelling of the same thing (empty for a default, spaces around text).
 * @param {Question} q
 */
function effective(q) {
  const choice = q.kind !== 'free_text';
  const options = choice ? q.options.map((o) => o.trim()) : [];
  return {
    prompt: q.prompt.trim(),
    kind: q.kind,
    required: q.required,
    options,
    max_choices: !choice ? null : q.kind === 'single_choice' ? 1 : q.max_choices ?? options.length,
    max_length: choice ? null : q.max_length ?? DEFAULT_MAX_LENGTH,
  };
}

/**
 * The fields where `next` differs from `base`.
 * @param {Content} base
 * @param {Content} next
 * @returns {Array<keyof Content>}
 */
function changed(base, next) {
  /** @type {Array<keyof Content>} */
  const out = [];
  if (base.title.trim() !== next.title.trim()) out.push('title');
  if (base.intro.trim() !== next.intro.trim()) out.push('intro');
  if (base.opens_at !== next.opens_at) out.push('opens_at');
  if (base.closes_at !== next.closes_at) out.push('closes_at');
  if (base.results_visibility !== next.results_visibility) out.push('results_visibility');
  if (JSON.stringify(base.questions.map(effective)) !== JSON.stringify(next.questions.map(effective))) out.push('questions');
  return out;
}

/** @param {Question} q @returns {Schemas['QuestionInput']} */
function questionInput(q) {
  /** @type {Schemas['QuestionInput']} */
  const out = { prompt: q.prompt, kind: q.kind, required: q.required };
  if (q.kind === 'free_text') {
    if (q.max_length !== null) out.max_length = q.max_length;
  } else {
    out.options = q.options.map((label) => ({ label }));
    if (q.kind === 'multiple_choice' && q.max_choices !== null) out.max_choices = q.max_choices;
  }
  return out;
}

/** @type {import('../app.js').View} */
export async function pollView(main, params) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  const id = params[0];
  const editor = can(user, 'edit_polls');
  if (!can(user, 'read_polls')) return notAllowed(main, 'Poll', 'Polls are for the newsroom: admins, editors and writers.');
  if (!id && !editor) return notAllowed(main, 'New poll', 'Only editors and admins create polls.');
  /** @type {Poll | null} */
  let poll = id ? (await api('GET', `/api/v1/polls/${encodeURIComponent(id)}`)).data : null;
  if (poll && !editor) {
    readOnlyView(main, poll);
    return;
  }

  /** @type {Content} */
  let base = poll ? contentOf(poll) : { title: '', intro: '', opens_at: '', closes_at: '', results_visibility: 'always', questions: [emptyQuestion()] };
  /** Readers have answered: the questions are fixed (the server answers 409 otherwise). */
  let locked = false;

  // --- the form -----------------------------------------------------------------
  const title = h('input', { type: 'text', required: true, maxlength: 200, class: 'headline' });
  const intro = h('textarea', { rows: 3, maxlength: 1000 });
  const opensAt = h('input', { type: 'datetime-local' });
  const closesAt = h('input', { type: 'datetime-local' });
  const visibility = h('select', null, VISIBILITY.map(([v, label]) => h('option', { value: v }, label)));
  const questionList = h('ol', { class: 'poll-questions' });
  const lockNote = h('p', { class: 'banner', hidden: true }, 'Readers have answered this poll: its questions and options can no longer change. The title, intro, dates and visibility still can.');
  const addQuestion = h('button', { type: 'button', onclick: () => restructure((qs) => qs.push(emptyQuestion()), `q${questions.length}-prompt`) }, 'Add question');
  const status = h('p', { class: 'status-line', 'aria-live': 'polite' });
  const formError = h('div', { class: 'form-error', role: 'alert' });
  const saveButton = h('button', { type: 'submit', class: 'primary' }, poll ? 'Save' : 'Create poll');
  const deleteButton = h('button', { type: 'button', class: 'danger', hidden: !poll, onclick: onDelete }, 'Delete poll');

  /** @type {Question[]} */
  let questions = [];
  /** @type {ReturnType<typeof liveResults> | null} */
  let results = null;
  /** @type {Array<() => Question>} */
  let readers = [];

  const schedule = h(
    'fieldset',
    { class: 'card' },
    h('legend', null, 'Schedule and visibility'),
    field('Opens at', opensAt, { name: 'opens_at', hint: `Your time (${localZone}). Empty: open at once.` }),
    field('Closes at', closesAt, { name: 'closes_at', hint: 'Empty: never closes.' }),
    field('Results shown to readers', visibility, { name: 'results_visibility', hint: 'Editors always see them here.' }),
  );
  const side = h('div', { class: 'editor-side' }, h('div', { class: 'card' }, status, formError, h('div', { class: 'buttons' }, saveButton, deleteButton)), schedule);
  const form = h(
    'form',
    { class: 'editor poll-editor', novalidate: true },
    h(
      'div',
      { class: 'editor-main' },
      field('Title', title, { name: 'title' }),
      field('Intro', intro, { name: 'intro', hint: 'Shown to readers above the questions.' }),
      h('h2', { class: 'sub', id: 'questions-title' }, 'Questions'),
      lockNote,
      h('small', { class: 'error', 'data-error-for': 'questions' }),
      questionList,
      addQuestion,
    ),
    side,
  );

  /** @param {Content} c */
  function fill(c) {
    title.value = c.title;
    intro.value = c.intro;
    opensAt.value = c.opens_at;
    closesAt.value = c.closes_at;
    visibility.value = c.results_visibility;
    questions = structuredClone(c.questions);
    drawQuestions();
  }

  /** @returns {Content} */
  function read() {
    return {
      title: title.value,
      intro: intro.value,
      opens_at: opensAt.value,
      closes_at: closesAt.value,
      results_visibility: /** @type {Visibility} */ (visibility.value),
      questions: readers.map((r) => r()),
    };
  }

  // --- questions: redrawn from the model on every add, move and removal, so numbers,
  // labels and error slots (questions[i].options[j]) always match positions ----------
  /**
   * @param {(qs: Question[]) => void} change
   * @param {string} [focusKey] the data-key of the control to focus afterwards
   */
  function restructure(change, focusKey) {
    const qs = readers.map((r) => r());
    change(qs);
    questions = qs;
    drawQuestions();
    showStatus();
    if (focusKey) focus(focusKey);
  }

  /** @param {string} key */
  function focus(key) {
    /** @type {HTMLElement | null} */
    let el = questionList.querySelector(`[data-key="${CSS.escape(key)}"]`);
    // A move button that became disabled at the end of the list: its sibling instead.
    if (el instanceof HTMLButtonElement && el.disabled) el = /** @type {HTMLElement | null} */ (el.parentElement?.querySelector('button:not(:disabled)'));
    (el ?? addQuestion).focus();
  }

  function drawQuestions() {
    readers = [];
    replace(
      questionList,
      questions.map((q, i) => {
        if (!locked) return h('li', null, questionCard(q, i));
        // Fixed questions read better as text than as a column of disabled inputs.
        const kept = structuredClone(q);
        readers.push(() => kept);
        return h('li', { class: 'card' }, h('h3', { class: 'q-number' }, `Question ${i + 1}`), questionSummary(q));
      }),
    );
    addQuestion.hidden = locked || questions.length >= 20;
    lockNote.hidden = !locked;
  }

  /** @param {Question} q @param {number} i */
  function questionCard(q, i) {
    const n = questions.length;
    const at = `questions[${i}]`;
    const name = `question ${i + 1}`;
    const prompt = h('input', { type: 'text', value: q.prompt, maxlength: 300, 'data-key': `q${i}-prompt` });
    const kind = h(
      'select',
      { 'data-key': `q${i}-kind`, onchange: () => restructure((qs) => padOptions(/** @type {Question} */ (qs[i])), `q${i}-kind`) },
      KINDS.map(([v, label]) => h('option', { value: v, selected: v === q.kind }, label)),
    );
    const required = h('input', { type: 'checkbox', checked: q.required });
    const maxChoices = h('input', { type: 'number', min: 1, step: 1, inputmode: 'numeric', value: q.max_choices === null ? '' : String(q.max_choices) });
    const maxLength = h('input', { type: 'number', min: 1, max: 5000, step: 1, inputmode: 'numeric', placeholder: String(DEFAULT_MAX_LENGTH), value: q.max_length === null ? '' : String(q.max_length) });
    const choice = q.kind !== 'free_text';
    /** @type {HTMLInputElement[]} */
    const optionInputs = [];
    const options = choice
      ? h(
          'ol',
          { class: 'options' },
          q.options.map((label, j) => {
            const input = h('input', { type: 'text', value: label, maxlength: 200, 'data-key': `q${i}-o${j}` });
            optionInputs.push(input);
            const m = q.options.length;
            return h(
              'li',
              null,
              optionField(`Option ${j + 1}`, input, `${at}.options[${j}]`, [
                iconButton('↑', `Move option ${j + 1} of ${name} up`, `q${i}-o${j}-up`, j === 0, () => restructure((qs) => swap(/** @type {Question} */ (qs[i]).options, j, j - 1), `q${i}-o${j - 1}-up`)),
                iconButton('↓', `Move option ${j + 1} of ${name} down`, `q${i}-o${j}-down`, j === m - 1, () => restructure((qs) => swap(/** @type {Question} */ (qs[i]).options, j, j + 1), `q${i}-o${j + 1}-down`)),
                iconButton('✕', `Remove option ${j + 1} of ${name}`, `q${i}-o${j}-remove`, m <= 2, () => restructure((qs) => /** @type {Question} */ (qs[i]).options.splice(j, 1), `q${i}-o${Math.min(j, m - 2)}`)),
              ]),
            );
          }),
        )
      : null;
    readers.push(() => ({
      prompt: prompt.value,
      kind: /** @type {Kind} */ (kind.value),
      required: required.checked,
      options: choice ? optionInputs.map((o) => o.value) : q.options,
      max_choices: maxChoices.value === '' ? null : Number(maxChoices.value),
      max_length: maxLength.value === '' ? null : Number(maxLength.value),
    }));
    const card = h(
      'fieldset',
      { class: 'card question' },
      h('legend', null, `Question ${i + 1}`),
      h(
        'div',
        { class: 'question-bar' },
        iconButton('↑', `Move ${name} up`, `q${i}-up`, i === 0, () => restructure((qs) => swap(qs, i, i - 1), `q${i - 1}-up`)),
        iconButton('↓', `Move ${name} down`, `q${i}-down`, i === n - 1, () => restructure((qs) => swap(qs, i, i + 1), `q${i + 1}-down`)),
        h('button', { type: 'button', class: 'quiet danger', 'data-key': `q${i}-remove`, disabled: n <= 1, 'aria-label': `Remove ${name}`, onclick: () => restructure((qs) => qs.splice(i, 1), `q${Math.min(i, n - 2)}-prompt`) }, 'Remove'),
      ),
      field('Prompt', prompt, { name: `${at}.prompt` }),
      h(
        'div',
        { class: 'row question-row' },
        field('Kind', kind, { name: `${at}.kind` }),
        q.kind === 'multiple_choice' ? field('Most a reader may pick', maxChoices, { name: `${at}.max_choices`, hint: 'Empty: any number.' }) : null,
        q.kind === 'free_text' ? field('Longest answer (characters)', maxLength, { name: `${at}.max_length`, hint: `Empty: ${DEFAULT_MAX_LENGTH}. At most 5000.` }) : null,
      ),
      h('div', { class: 'field check' }, h('label', null, required, ' Readers must answer it')),
      choice ? h('div', { class: 'poll-options-label' }, 'Options') : null,
      h('small', { class: 'error', 'data-error-for': `${at}.options` }),
      options,
      choice && q.options.length < 20
        ? h('button', { type: 'button', 'data-key': `q${i}-add`, onclick: () => restructure((qs) => /** @type {Question} */ (qs[i]).options.push(''), `q${i}-o${q.options.length}`) }, `Add option to ${name}`)
        : null,
    );
    return card;
  }

  fill(base);
  replace(
    main,
    h('div', { class: 'title-row' }, h('h1', null, poll ? 'Edit poll' : 'New poll'), h('a', { href: '/admin/polls' }, 'All polls')),
    form,
  );
  title.focus();
  showStatus();

  form.addEventListener('input', showStatus);
  form.addEventListener('change', showStatus);
  watchUnsaved(() => changed(base, read()).length > 0);

  function showStatus() {
    if (!poll) {
      replace(status, 'Not saved yet.');
      return;
    }
    const state = pollState(poll);
    const dirty = changed(base, read()).length > 0;
    replace(status, badge(state), ` · version ${poll.version}`, dirty ? ' · unsaved changes' : ' · saved');
  }

  // --- saving ----------------------------------------------------------------------
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await save();
  });

  async function save() {
    clearErrors(form, formError);
    const now = read();
    saveButton.disabled = true;
    try {
      if (!poll) {
        /** @type {Schemas['CreatePollRequest']} */
        const create = { title: now.title, questions: now.questions.map(questionInput), results_visibility: now.results_visibility };
        if (now.intro.trim()) create.intro = now.intro;
        if (now.opens_at) create.opens_at = fromLocalInput(now.opens_at);
        if (now.closes_at) create.closes_at = fromLocalInput(now.closes_at);
        const { data } = await api('POST', '/api/v1/polls', { body: create });
        watchUnsaved(null);
        toast('Poll created.');
        navigate(`/admin/polls/${encodeURIComponent(data.id)}`, { replace: true });
        return;
      }
      const fields = changed(base, now);
      if (fields.length === 0) {
        showStatus();
        return;
      }
      /** @type {Schemas['UpdatePollRequest']} */
      const patch = {};
      for (const f of fields) {
        if (f === 'title') patch.title = now.title;
        else if (f === 'intro') patch.intro = now.intro.trim() ? now.intro : null;
        else if (f === 'opens_at') patch.opens_at = fromLocalInput(now.opens_at);
        else if (f === 'closes_at') patch.closes_at = fromLocalInput(now.closes_at);
        else if (f === 'results_visibility') patch.results_visibility = now.results_visibility;
        else patch.questions = now.questions.map(questionInput);
      }
      const { data } = await api('PATCH', `/api/v1/polls/${encodeURIComponent(poll.id)}`, { body: patch, ifMatch: etagOf(poll) });
      adopt(data);
      toast('Saved.');
    } catch (e) {
      if (e instanceof ApiError && e.status === 412 && poll) {
        await reloadAfterConflict(changed(base, now));
      } else {
        if (e instanceof ApiError && e.code === 'poll_has_responses') setLocked(true);
        showErrors(form, formError, e, FIELD_NAMES);
      }
    } finally {
      saveButton.disabled = false;
    }
  }

  /** @param {Poll} fresh */
  function adopt(fresh) {
    poll = fresh;
    base = contentOf(fresh);
    fill(base);
    showStatus();
    results?.refresh();
  }

  /** @param {boolean} value */
  function setLocked(value) {
    if (locked === value) return;
    const current = readers.map((r) => r());
    locked = value;
    questions = current;
    drawQuestions();
  }

  /**
   * Someone saved since this page loaded: their version replaces the form, and the
   * message says which of my changes did not go through.
   * @param {Array<keyof Content>} lost
   */
  async function reloadAfterConflict(lost) {
    if (!poll) return;
    const { data } = await api('GET', `/api/v1/polls/${encodeURIComponent(poll.id)}`);
    adopt(data);
    showConflict(formError, 'this poll', data, lost.map((f) => FIELD_NAMES[f]));
    toast('Someone else saved this poll: reloaded.', 'error');
  }

  async function onDelete() {
    if (!poll) return;
    clearErrors(form, formError);
    try {
      await deleteAndLeave(`Delete the poll “${poll.title}” and every answer readers gave?`, `/api/v1/polls/${encodeURIComponent(poll.id)}`, poll, 'Poll deleted.', '/admin/polls');
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) await reloadAfterConflict([]);
      else showErrors(form, formError, e, FIELD_NAMES);
    }
  }

  // --- results and answers ----------------------------------------------------------
  if (poll) {
    const current = poll;
    results = liveResults(main, () => poll ?? current, (total) => setLocked(total > 0));
    side.insertBefore(results.element, schedule);
    main.append(results.answers);
    await results.refresh();
  }
}

/**
 * The results, fetched now and every few seconds while the screen is shown; and, when
 * the poll asks for free text, the answers with their CSV export.
 * @param {HTMLElement} main the screen: once it has left the page, refreshing stops
 * @param {() => Poll} currentPoll
 * @param {(total: number) => void} onTotal
 */
function liveResults(main, currentPoll, onTotal) {
  const total = h('p', { class: 'poll-total', 'aria-live': 'polite' });
  const body = h('div', { class: 'poll-bars' });
  const updated = h('p', { class: 'muted small' });
  const answers = freeTextAnswers(currentPoll);
  const element = h('section', { class: 'card poll-results', 'aria-labelledby': 'results-title' }, h('h2', { id: 'results-title' }, 'Live results'), total, body, updated);
  let lastJson = '';
  let lastTotal = -1;
  let busy = false;

  async function refresh() {
    if (busy) return;
    busy = true;
    const poll = currentPoll();
    try {
      /** @type {Results} */
      const data = (await api('GET', `/api/v1/polls/${encodeURIComponent(poll.id)}/results`)).data;
      replace(updated, `Updated ${new Date().toLocaleTimeString()}; refreshed every ${REFRESH_MS / 1000} seconds.`);
      const json = JSON.stringify([poll.version, data]);
      if (json === lastJson) return;
      lastJson = json;
      drawResults(poll, data);
      if (data.total_responses !== lastTotal) {
        if (lastTotal >= 0) answers.reloadIfFirstPage();
        lastTotal = data.total_responses;
        onTotal(data.total_responses);
      }
    } catch (e) {
      replace(updated, h('span', { class: 'error' }, `Results could not be refreshed: ${messageOf(e)}`));
    } finally {
      busy = false;
    }
  }

  /** @param {Poll} poll @param {Results} data */
  function drawResults(poll, data) {
    const n = data.total_responses;
    replace(total, `${n} response${n === 1 ? '' : 's'} in all.`);
    const pct = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
    replace(
      body,
      data.questions.map((r, i) => {
        const q = poll.questions.find((x) => x.id === r.question_id);
        const prompt = q?.prompt ?? `Question ${i + 1}`;
        return h(
          'div',
          { class: 'poll-result' },
          h('h3', null, prompt),
          h('p', { class: 'muted small' }, `${r.answered} answered${q && !q.required ? ' (optional)' : ''}`),
          r.kind === 'free_text'
            ? h('p', null, h('a', { href: '#answers-title' }, 'Read the written answers'))
            : h(
                'ul',
                { class: 'bars' },
                r.options.map((o) => {
                  const labelId = `bar-${o.option_id}`;
                  return h(
                    'li',
                    null,
                    h('span', { id: labelId, class: 'bar-label' }, o.label),
                    h('meter', { min: 0, max: 100, value: o.percentage, 'aria-labelledby': labelId }),
                    h('span', { class: 'bar-number' }, `${o.count} vote${o.count === 1 ? '' : 's'}, ${pct.format(o.percentage)}%`),
                  );
                }),
              ),
        );
      }),
    );
  }

  const timer = setInterval(() => {
    if (!main.isConnected) clearInterval(timer);
    else if (!document.hidden) refresh();
  }, REFRESH_MS);

  return { element, answers: answers.element, refresh };
}

/**
 * What readers wrote, a page at a time, optionally for one question; and the CSV of it.
 * @param {() => Poll} currentPoll
 */
function freeTextAnswers(currentPoll) {
  const list = h('ol', { class: 'poll-answer-list' });
  const which = h('select');
  const exportButton = h('button', { type: 'button', onclick: exportCsv }, 'Download CSV');
  let pages = 0;
  const answers = pager(
    // The poll (and the chosen question) as they are when a page is asked for.
    (cursor) =>
      /** @type {Promise<AnswerPage>} */ (
        apiPages(`/api/v1/polls/${encodeURIComponent(currentPoll().id)}/responses`, () => new URLSearchParams(which.value ? { question: which.value } : undefined), 20)(cursor)
      ),
    (items, first) => {
      if (first) replace(list);
      pages = first ? 1 : pages + 1;
      const prompts = new Map(currentPoll().questions.map((q) => [q.id, q.prompt]));
      list.append(
        ...items.map((a) =>
          h('li', null, h('p', { class: 'answer-text' }, a.text), h('p', { class: 'muted small' }, `${prompts.get(a.question_id) ?? 'A question since replaced'} · ${when(a.created_at)}`)),
        ),
      );
    },
    { label: 'More answers', one: 'answer', none: 'No written answers yet.' },
  );
  const section = h(
    'section',
    { class: 'card poll-answers', 'aria-labelledby': 'answers-title' },
    h('div', { class: 'title-row' }, h('h2', { id: 'answers-title' }, 'Free-text answers'), h('div', { class: 'buttons' }, h('button', { type: 'button', onclick: reload }, 'Reload'), exportButton)),
    field('Question', which),
    answers.count,
    list,
    answers.more,
  );

  function questions() {
    return currentPoll().questions.filter((q) => q.kind === 'free_text');
  }

  function drawChoices() {
    const qs = questions();
    const current = which.value;
    replace(which, h('option', { value: '' }, 'Every free-text question'), qs.map((q) => h('option', { value: q.id, selected: q.id === current }, q.prompt)));
    section.hidden = qs.length === 0;
    /** @type {HTMLElement} */ (which.parentElement).hidden = qs.length < 2;
  }
  which.addEventListener('change', reload);

  /** The first page again, of the question chosen. */
  function reload() {
    drawChoices();
    if (section.hidden) return;
    answers.load(null).catch((e) => replace(answers.count, h('span', { class: 'error' }, messageOf(e))));
  }

  // The access token is only in memory: fetch with it, then hand the file over as a Blob URL.
  async function exportCsv() {
    const poll = currentPoll();
    const params = new URLSearchParams();
    if (which.value) params.set('question', which.value);
    exportButton.disabled = true;
    try {
      const blob = await download(`/api/v1/polls/${encodeURIComponent(poll.id)}/responses${params.size ? `?${params}` : ''}`, 'text/csv');
      const url = URL.createObjectURL(blob);
      const slug = poll.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'poll';
      const link = h('a', { href: url, download: `${slug}-answers.csv`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      toast(`The CSV could not be made: ${messageOf(e)}`, 'error');
    } finally {
      exportButton.disabled = false;
    }
  }

  reload();
  return {
    element: section,
    /** New answers arrived: show them, unless the reader has paged further. */
    reloadIfFirstPage: () => {
      if (pages <= 1) reload();
    },
  };
}

/**
 * A poll for those who read polls but do not edit them (writers).
 * @param {HTMLElement} main
 * @param {Poll} poll
 */
function readOnlyView(main, poll) {
  const state = pollState(poll);
  replace(
    main,
    h('div', { class: 'title-row' }, h('h1', null, poll.title), h('a', { href: '/admin/polls' }, 'All polls')),
    poll.intro ? h('p', { class: 'lead poll-lead' }, poll.intro) : null,
    h(
      'dl',
      { class: 'facts card' },
      h('dt', null, 'State'), h('dd', null, badge(state)),
      h('dt', null, 'Opens'), h('dd', null, poll.opens_at ? when(poll.opens_at) : 'At once'),
      h('dt', null, 'Closes'), h('dd', null, poll.closes_at ? when(poll.closes_at) : 'Never'),
      h('dt', null, 'Results shown to readers'), h('dd', null, VISIBILITY.find(([v]) => v === poll.results_visibility)?.[1] ?? poll.results_visibility),
      h('dt', null, 'Updated'), h('dd', null, when(poll.updated_at)),
    ),
    h('h2', null, 'Questions'),
    h('ol', { class: 'poll-questions' }, contentOf(poll).questions.map((q) => h('li', { class: 'card' }, questionSummary(q)))),
    h('p', { class: 'muted' }, 'Editors and admins change polls and read their results.'),
  );
}

/**
 * A question as text: its prompt, its rules and its options.
 * @param {Question} q
 */
function questionSummary(q) {
  const rules = [KINDS.find(([v]) => v === q.kind)?.[1] ?? q.kind, q.required ? 'required' : 'optional'];
  if (q.kind === 'multiple_choice') rules.push(q.max_choices === null ? 'any number of options' : `at most ${q.max_choices} options`);
  if (q.kind === 'free_text') rules.push(`at most ${q.max_length ?? DEFAULT_MAX_LENGTH} characters`);
  return [
    h('p', { class: 'prompt' }, q.prompt),
    h('p', { class: 'muted small' }, rules.join(' · ')),
    q.kind !== 'free_text' ? h('ul', { class: 'summary-options' }, q.options.map((o) => h('li', null, o))) : null,
  ];
}

/**
 * A labelled option input with its buttons on the same line.
 * @param {string} label
 * @param {HTMLInputElement} input
 * @param {string} name the API's field path, for errors
 * @param {HTMLButtonElement[]} buttons
 */
function optionField(label, input, name, buttons) {
  const id = `opt-${++optionCount}`;
  input.id = id;
  input.dataset.field = name;
  input.setAttribute('aria-describedby', `${id}-error`);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('div', { class: 'option-line' }, input, buttons),
    h('small', { id: `${id}-error`, class: 'error', 'data-error-for': name }),
  );
}
let optionCount = 0;

/**
 * @param {string} text
 * @param {string} label
 * @param {string} key
 * @param {boolean} disabled
 * @param {() => void} onclick
 */
function iconButton(text, label, key, disabled, onclick) {
  return h('button', { type: 'button', class: 'quiet poll-icon', 'aria-label': label, title: label, 'data-key': key, disabled, onclick }, text);
}

/** @param {unknown[]} list @param {number} i @param {number} j */
function swap(list, i, j) {
  if (j < 0 || j >= list.length) return;
  [list[i], list[j]] = [list[j], list[i]];
}

/** @param {Question} q */
function padOptions(q) {
  if (q.kind !== 'free_text') while (q.options.length < 2) q.options.push('');
}
