// An article's corrections: the public log of what was wrong and what changed, which
// readers get under the article while it is live (unlike revisions, which stay in the
// newsroom). Whoever may see the article reads the log here; editors and admins add,
// edit and delete entries, each change to an entry sent with If-Match. A trashed
// article's log is read-only, as the API has it.
//
// The panel sits in the article's own form (under the body, so that the editor's save
// bar, which sticks within that form, stays in view down to the end of the page). A
// form may not hold another, so the panel's controls belong to forms of their own
// outside it through the `form` attribute: Enter and their submit buttons submit those,
// never the article.

import { ApiError, all, api, etagOf } from '../api.js';
import { badge, field, h, replace, toast } from '../dom.js';
import { fromLocalInput, localZone, toLocalInput, when } from '../dates.js';
import { richText } from '../blocks.js';
import { setInline } from '../inline.js';
import { clearErrors, messageOf, showConflict, showErrors } from '../problems.js';
import { can } from '../roles.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {import('../api.js').User} User */
/** @typedef {Schemas['CorrectionResponse']} Correction */
/** @typedef {Schemas['CorrectionKind']} Kind */
/** @typedef {Schemas['CreateCorrectionRequest']} Create */
/** @typedef {Schemas['UpdateCorrectionRequest']} Patch */

/** @type {Record<Kind, string>} a kind added to the API fails the type check until it is named here */
const KINDS = { correction: 'Correction', clarification: 'Clarification', update: 'Update' };
/** @type {Record<keyof Create, string>} the fields, as errors and conflicts name them */
const FIELD_NAMES = { kind: 'Kind', text: 'Text', corrected_at: 'Corrected at' };

let count = 0;

/**
 * The "Corrections" card of a saved article: the log, oldest first, and for editors
 * and admins a form to add an entry and Edit and Delete on each. `element` goes in the
 * article's form; `forms` (empty, hidden form elements that own the panel's controls)
 * goes anywhere outside it.
 * @param {{id: string, trashed_at?: string | null}} article
 * @param {User} user
 * @param {Map<string, string>} names user ids to names, to say who logged an entry
 */
export function correctionsPanel(article, user, names) {
  const path = `/api/v1/articles/${encodeURIComponent(article.id)}/corrections`;
  const itemPath = (/** @type {Correction} */ c) => `${path}/${encodeURIComponent(c.id)}`;
  let writable = false;
  /** @type {Correction[]} */
  let entries = [];
  /** The entry being edited, with its form: kept across a redraw of the log. */
  /** @type {{id: string, form: ReturnType<typeof correctionForm>} | null} */
  let editing = null;
  const forms = h('div', { class: 'correction-owners', hidden: true });

  const headingId = `corrections-${++count}`;
  const heading = h('h2', { id: headingId, tabindex: '-1' }, 'Corrections');
  const note = h('p', { class: 'banner', role: 'note', hidden: true });
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const list = h('ol', { class: 'plain correction-log', 'aria-label': 'The log' });
  const empty = h('p', { class: 'muted', hidden: true }, 'No corrections yet.');
  const adder = correctionForm(forms, null, 'Add to the log', async (body) => {
    replace(alert);
    /** @type {{data: Correction}} */
    const { data } = await api('POST', path, { body });
    adder.reset();
    // Announced once the log shows it.
    await refresh();
    toast(`${KINDS[data.kind]} added.`);
  });
  const addBox = h(
    'fieldset',
    { class: 'correction-add' },
    h('legend', null, 'Add a correction, clarification or update'),
    adder.element,
  );
  const element = h(
    'section',
    { class: 'card corrections', 'aria-labelledby': headingId },
    heading,
    h('p', { class: 'hint' }, 'Readers see these notes under the article while it is published, oldest first: what was wrong and has been put right (a correction), what has been made clearer (a clarification) or how the story has moved on (an update).'),
    note,
    alert,
    list,
    empty,
    addBox,
  );
  // What is typed here is no change to the article: the editor's form, around the
  // panel, listens for input to keep unsaved work.
  for (const type of ['input', 'change']) element.addEventListener(type, (event) => event.stopPropagation());

  /** @param {Correction} c */
  function entry(c) {
    const kind = KINDS[c.kind] ?? c.kind;
    const text = h('div', { class: 'correction-text' });
    // Sanitised inline HTML from the server: through inline.js, like the article's text.
    setInline(text, c.text);
    const by = c.created_by === user.id ? 'you' : names.get(c.created_by) ?? 'another user';
    const changed = c.updated_at !== c.created_at ? `; changed ${when(c.updated_at)}` : '';
    return h(
      'li',
      { class: 'correction', 'data-id': c.id },
      h('p', { class: 'correction-head' }, badge(c.kind, kind), ' ', h('time', { datetime: c.corrected_at }, when(c.corrected_at))),
      text,
      h('p', { class: 'muted small correction-meta' }, `Logged by ${by}${changed}.`),
      writable
        ? h(
            'div',
            { class: 'buttons' },
            h('button', { type: 'button', 'data-edit': c.id, 'aria-label': `Edit the ${kind.toLowerCase()} of ${when(c.corrected_at)}`, onclick: () => edit(c) }, 'Edit'),
            h('button', { type: 'button', class: 'danger', 'aria-label': `Delete the ${kind.toLowerCase()} of ${when(c.corrected_at)}`, onclick: () => remove(c) }, 'Delete'),
          )
        : null,
    );
  }

  /** Closes the form of the entry being edited, if any. */
  function stopEditing() {
    editing?.form.dispose();
    editing = null;
  }

  function draw() {
    if (editing && (!writable || !entries.some((c) => c.id === editing?.id))) stopEditing();
    replace(
      list,
      entries.map((c) =>
        editing?.id === c.id ? h('li', { class: 'correction editing', 'data-id': c.id }, editing.form.element) : entry(c),
      ),
    );
    empty.hidden = entries.length > 0;
  }

  /** Reads the log again; false when it could not be read (said in its place). */
  async function refresh() {
    try {
      entries = await all(path);
    } catch (e) {
      replace(list, h('li', { class: 'error' }, messageOf(e)));
      empty.hidden = true;
      return false;
    }
    draw();
    return true;
  }

  /** @param {string} id */
  function focusEdit(id) {
    /** @type {HTMLElement | null} */ (list.querySelector(`[data-edit="${CSS.escape(id)}"]`))?.focus();
  }

  /** @param {Correction} c */
  function edit(c) {
    // One entry is edited at a time: changes made to another are dropped only if so said.
    if (editing && editing.id !== c.id && editing.form.changed() && !confirm('Drop your changes to the entry you are editing?')) {
      return editing.form;
    }
    replace(alert);
    const form = correctionForm(forms, c, 'Save changes', async (patch) => {
      if (Object.keys(patch).length === 0) {
        stopEditing();
        draw();
        toast('Nothing to save.');
        focusEdit(c.id);
        return;
      }
      try {
        /** @type {{data: Correction}} */
        const { data } = await api('PATCH', itemPath(c), { body: patch, ifMatch: etagOf(c) });
        stopEditing();
        await refresh();
        toast(`${KINDS[data.kind]} saved.`);
        focusEdit(c.id);
      } catch (e) {
        if (e instanceof ApiError && (e.status === 412 || e.status === 404)) {
          await conflict(c, /** @type {Array<keyof Create>} */ (Object.keys(patch)).map((f) => FIELD_NAMES[f]));
          return;
        }
        throw e;
      }
    }, () => {
      stopEditing();
      draw();
      focusEdit(c.id);
    });
    stopEditing();
    editing = { id: c.id, form };
    draw();
    form.focus();
    return form;
  }

  /**
   * Someone else changed or deleted the entry being edited: the log is read again and,
   * if the entry is still there, the form shows their version and names what was lost.
   * @param {Correction} mine the entry as it was when the edit began
   * @param {string[]} lost
   */
  async function conflict(mine, lost) {
    stopEditing();
    if (!(await refresh())) return;
    const theirs = entries.find((c) => c.id === mine.id);
    if (!theirs) {
      replace(alert, h('p', null, `Someone else deleted this ${KINDS[mine.kind].toLowerCase()} while you were editing it. The log has been reloaded.`));
      heading.focus();
      return;
    }
    showConflict(edit(theirs).alert, `this ${KINDS[theirs.kind].toLowerCase()}`, theirs, lost);
  }

  /** @param {Correction} c */
  async function remove(c) {
    const kind = KINDS[c.kind].toLowerCase();
    if (!confirm(`Delete this ${kind} from the log? Readers will no longer see it.`)) return;
    replace(alert);
    let deleted = false;
    try {
      await api('DELETE', itemPath(c), { ifMatch: etagOf(c) });
      deleted = true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        replace(alert, h('p', null, `Someone else changed this ${kind} meanwhile, so it was not deleted. The log has been reloaded: check it, then delete it again if need be.`));
      } else if (e instanceof ApiError && e.status === 404) {
        replace(alert, h('p', null, `Someone else had already deleted this ${kind}. The log has been reloaded.`));
      } else {
        replace(alert, h('p', null, messageOf(e)));
      }
    }
    await refresh();
    if (deleted) toast(`${KINDS[c.kind]} deleted.`);
    heading.focus();
  }

  /**
   * Who may change the log now: editors and admins, while the article is not trashed.
   * @param {{trashed_at?: string | null}} a
   */
  function update(a) {
    writable = can(user, 'edit_corrections') && !a.trashed_at;
    addBox.hidden = !writable;
    const why = a.trashed_at
      ? 'This article is in the trash: restore it to change its corrections.'
      : writable
        ? ''
        : 'Editors and admins add and change corrections.';
    note.hidden = !why;
    // The trash is something to act on (restore); a role is not.
    note.className = a.trashed_at ? 'banner' : 'muted';
    replace(note, why);
    draw();
  }

  update(article);
  refresh();

  return {
    element,
    forms,
    /** Follows the article's state (trashed, restored). */
    update,
    /** Whether a form of the panel holds something not yet saved. */
    unsaved: () => Boolean(writable && (adder.changed() || editing?.form.changed())),
  };
}

/**
 * The fields of an entry: a new one (`initial` null: kind, text and an optional time,
 * empty for now) or changes to one (only the fields that differ are given to `submit`).
 * A refusal thrown by `submit` is shown on the form, field errors next to their fields.
 * @param {HTMLElement} owners where the form element that owns the controls is put
 * @param {Correction | null} initial
 * @param {string} submitLabel
 * @param {(body: any) => Promise<void>} submit given a Create, or a Patch when editing
 * @param {() => void} [cancel] a Cancel button, when given
 */
function correctionForm(owners, initial, submitLabel, submit, cancel) {
  const formId = `correction-form-${++count}`;
  const owner = h('form', { id: formId, novalidate: true });
  owners.append(owner);
  const kind = h('select', { form: formId }, Object.entries(KINDS).map(([value, label]) => h('option', { value, selected: value === (initial?.kind ?? 'correction') }, label)));
  const text = richText(initial?.text ?? '', 'Text', () => {});
  const area = /** @type {HTMLElement} */ (text.element.querySelector('[contenteditable]'));
  const at = h('input', { type: 'datetime-local', form: formId, value: toLocalInput(initial?.corrected_at) });
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', form: formId, class: 'primary' }, submitLabel);

  // The rich text area is no form control, so `field()` cannot label it: the same
  // slots by hand (aria-label from richText, hint and error tied with describedby).
  const id = `correction-text-${++count}`;
  area.id = id;
  area.dataset.field = 'text';
  area.setAttribute('aria-describedby', `${id}-hint ${id}-error`);
  const textField = h(
    'div',
    { class: 'field' },
    h('span', { class: 'label', 'aria-hidden': 'true', onclick: () => area.focus() }, 'Text'),
    text.element,
    h('small', { id: `${id}-hint`, class: 'hint' }, 'Say what was wrong and what is right. Bold, italic and links (Ctrl+B, Ctrl+I, Ctrl+K) show to readers.'),
    h('small', { id: `${id}-error`, class: 'error', 'data-error-for': 'text' }),
  );

  /** What the form read when it was filled: anything else is a change. */
  let pristine = { kind: kind.value, text: text.read(), at: at.value };

  /** @returns {Create | Patch} */
  function read() {
    const value = /** @type {Kind} */ (kind.value);
    const html = text.read();
    if (!initial) {
      /** @type {Create} */
      const create = { kind: value, text: html };
      // Empty: the server takes now.
      if (at.value) create.corrected_at = fromLocalInput(at.value);
      return create;
    }
    /** @type {Patch} */
    const patch = {};
    if (value !== pristine.kind) patch.kind = value;
    if (html !== pristine.text) patch.text = html;
    // The input holds minutes only: an untouched time is not sent, so its seconds stay;
    // emptied, it stays as it was too (the API keeps a time on every entry).
    if (at.value && at.value !== pristine.at) patch.corrected_at = /** @type {string} */ (fromLocalInput(at.value));
    return patch;
  }

  const form = h(
    'div',
    { class: 'correction-form', role: initial ? 'group' : null, 'aria-label': initial ? `Edit the ${KINDS[initial.kind].toLowerCase()}` : null },
    initial ? h('p', { class: 'correction-head' }, h('strong', null, `Editing the ${KINDS[initial.kind].toLowerCase()} of ${when(initial.corrected_at)}`)) : null,
    h(
      'div',
      { class: 'row' },
      field('Kind', kind, { name: 'kind' }),
      field('Corrected at', at, { name: 'corrected_at', hint: initial ? `In your time zone (${localZone}).` : `In your time zone (${localZone}). Empty: now.` }),
    ),
    textField,
    alert,
    h('div', { class: 'buttons' }, button, cancel ? h('button', { type: 'button', class: 'quiet', onclick: cancel }, 'Cancel') : null),
  );
  owner.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, alert);
    button.disabled = true;
    try {
      await submit(read());
    } catch (e) {
      showErrors(form, alert, e, FIELD_NAMES);
    } finally {
      button.disabled = false;
    }
  });

  return {
    element: form,
    alert,
    focus: () => kind.focus(),
    /** Whether anything differs from what the form was filled with. */
    changed: () => kind.value !== pristine.kind || text.read() !== pristine.text || at.value !== pristine.at,
    /** Removes the form that owns the controls, once they are gone. */
    dispose: () => owner.remove(),
    /** Empties the form of a new entry, after it was added. */
    reset() {
      kind.value = 'correction';
      setInline(area, '');
      at.value = '';
      pristine = { kind: kind.value, text: text.read(), at: at.value };
    },
  };
}
