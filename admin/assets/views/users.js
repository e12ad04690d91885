// Users (admins): the list with role and status filters kept in the address, a form to
// create an account, and one user's page: name, email and role, deactivate or
// reactivate, unlock after too many failed sign-ins, set a new password. Users are not
// versioned, so changes carry no If-Match; the API refuses to demote or deactivate the
// last active admin (409), and that message is shown as it comes.

import { api, currentUser, signOut } from '../api.js';
import { badge, field, h, replace, toast } from '../dom.js';
import { when } from '../dates.js';
import { apiPages, filterSelect, filters, pager } from '../lists.js';
import { clearErrors, notAllowed, showErrors } from '../problems.js';
import { can } from '../roles.js';
import { navigate, watchUnsaved } from '../app.js';

/** @typedef {import('../api.js').Schemas} Schemas */
/** @typedef {Schemas['UserResponse']} User */
/** @typedef {Schemas['Role']} Role */

/** @type {Role[]} */
const ROLES = ['admin', 'editor', 'writer', 'commercial'];
/** @type {Record<Role, string>} */
const ROLE_HINTS = {
  admin: 'Manages users and the paywall, and does everything an editor does.',
  editor: 'Runs the newsroom: edits and publishes any article, sections and polls.',
  writer: 'Writes articles and submits them for review; edits only their own drafts.',
  commercial: 'Runs sponsored content and offers; no access to articles.',
};

/** @param {Role} [selected] */
function roleSelect(selected) {
  const select = h('select', null, ROLES.map((r) => h('option', { value: r, selected: r === selected }, r)));
  return select;
}

/**
 * A role select whose hint says what the chosen role may do.
 * @param {HTMLSelectElement} select
 */
function roleField(select) {
  const wrap = field('Role', select, { name: 'role', hint: ROLE_HINTS[/** @type {Role} */ (select.value)] });
  const hint = /** @type {HTMLElement} */ (wrap.querySelector('.hint'));
  select.addEventListener('change', () => replace(hint, ROLE_HINTS[/** @type {Role} */ (select.value)] ?? ''));
  return wrap;
}

/** @param {User} u */
const statusBadge = (u) => (u.active ? badge('active') : badge('inactive', 'deactivated'));

/** @type {import('../app.js').View} */
export async function usersView(main, _params, query) {
  if (!can(currentUser(), 'manage_users')) return notAllowed(main, 'Users');
  const filter = filters('Filter users', '/admin/users', query, [
    filterSelect('Role', 'role', [['', 'Any role'], ...ROLES.map((r) => /** @type {[string, string]} */ ([r, r]))], query),
    filterSelect('Status', 'active', [['', 'Any status'], ['true', 'Active'], ['false', 'Deactivated']], query),
  ]);

  const rows = h('tbody');
  const headings = ['Name', 'Email', 'Role', 'Status', 'Created'];
  const list = pager(
    /** @type {import('../lists.js').PageOf<Schemas['UserPage']>} */ (apiPages('/api/v1/users', () => filter.current)),
    (items) => {
      for (const u of items) {
        // data-label names each cell where a phone shows rows as cards (app.css).
        rows.append(
          h(
            'tr',
            null,
            h('td', { 'data-label': headings[0] }, h('a', { href: `/admin/users/${encodeURIComponent(u.id)}` }, u.display_name)),
            h('td', { 'data-label': headings[1], class: 'break' }, u.email),
            h('td', { 'data-label': headings[2] }, u.role),
            h('td', { 'data-label': headings[3] }, statusBadge(u)),
            h('td', { 'data-label': headings[4] }, when(u.created_at)),
          ),
        );
      }
    },
    { label: 'More users', one: 'user', none: 'No users match.' },
  );
  replace(
    main,
    h('div', { class: 'title-row' }, h('h1', null, 'Users'), h('a', { class: 'button primary', href: '/admin/users/new' }, 'New user')),
    filter.form,
    list.count,
    h(
      'div',
      { class: 'table-wrap' },
      h('table', { class: 'stack' }, h('thead', null, h('tr', null, headings.map((t) => h('th', { scope: 'col' }, t)))), rows),
    ),
    list.more,
  );
  await list.load(null);
}

/** @type {import('../app.js').View} */
export function newUserView(main) {
  if (!can(currentUser(), 'manage_users')) return notAllowed(main, 'New user');
  const name = h('input', { type: 'text', maxlength: 100, autocomplete: 'off' });
  const email = h('input', { type: 'email', maxlength: 254, autocomplete: 'off', required: true });
  const role = roleSelect('writer');
  const password = h('input', { type: 'password', minlength: 12, maxlength: 256, autocomplete: 'new-password', required: true });
  const alert = h('div', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Create user');
  const form = h(
    'form',
    { class: 'card form-narrow', novalidate: true },
    field('Display name', name, { name: 'display_name', hint: 'Shown on bylines. Empty: the part of the email before the @.' }),
    field('Email', email, { name: 'email', hint: 'They sign in with it.' }),
    roleField(role),
    field('Initial password', password, { name: 'password', hint: 'At least 12 characters. Pass it on safely; they can change it under Account.' }),
    alert,
    h('div', { class: 'buttons' }, button, h('a', { class: 'button', href: '/admin/users' }, 'Cancel')),
  );
  watchUnsaved(() => Boolean(name.value.trim() || email.value.trim() || password.value) || role.value !== 'writer');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, alert);
    button.disabled = true;
    try {
      /** @type {Schemas['CreateUserRequest']} */
      const body = { email: email.value.trim(), role: /** @type {Role} */ (role.value), password: password.value };
      if (name.value.trim()) body.display_name = name.value.trim();
      /** @type {User} */
      const created = (await api('POST', '/api/v1/users', { body })).data;
      watchUnsaved(null);
      toast(`${created.display_name} can now sign in as ${created.role}.`);
      navigate(`/admin/users/${encodeURIComponent(created.id)}`, { replace: true });
    } catch (e) {
      showErrors(form, alert, e);
    } finally {
      button.disabled = false;
    }
  });
  replace(main, h('p', { class: 'crumbs' }, h('a', { href: '/admin/users' }, 'Users')), h('h1', null, 'New user'), form);
  name.focus();
}

/** @type {import('../app.js').View} */
export async function userView(main, params) {
  const me = /** @type {import('../api.js').User} */ (currentUser());
  if (!can(me, 'manage_users')) return notAllowed(main, 'User');
  const path = `/api/v1/users/${encodeURIComponent(params[0] ?? '')}`;
  /** @type {User} */
  let user = (await api('GET', path)).data;
  const self = user.id === me.id;

  const title = h('h1');
  const facts = h('dl', { class: 'facts' });
  const name = h('input', { type: 'text', maxlength: 100, required: true });
  const email = h('input', { type: 'email', maxlength: 254, required: true });
  const role = roleSelect();
  const detailsAlert = h('div', { class: 'form-error', role: 'alert' });
  const save = h('button', { type: 'submit', class: 'primary' }, 'Save changes');
  const details = h(
    'form',
    { class: 'card', novalidate: true, 'aria-labelledby': 'user-details' },
    h('h2', { id: 'user-details' }, 'Details'),
    field('Display name', name, { name: 'display_name', hint: 'Shown on bylines.' }),
    field('Email', email, { name: 'email' }),
    roleField(role),
    detailsAlert,
    h('div', { class: 'buttons' }, save),
  );

  const accessAlert = h('div', { class: 'form-error', role: 'alert' });
  const accessState = h('p');
  const toggle = h('button', { type: 'button' });
  const unlock = h('button', { type: 'button' }, 'Unlock sign-in');
  const access = h(
    'section',
    { class: 'card', 'aria-labelledby': 'user-access' },
    h('h2', { id: 'user-access' }, 'Access'),
    accessState,
    h('div', { class: 'buttons' }, toggle, unlock),
    h('p', { class: 'hint small' }, 'Deactivating ends their sessions at once; their bylines stay. Unlocking forgets failed sign-ins, so someone locked out by wrong passwords can sign in again now.'),
    accessAlert,
  );

  const password = h('input', { type: 'password', minlength: 12, maxlength: 256, autocomplete: 'new-password', required: true });
  const passwordAlert = h('div', { class: 'form-error', role: 'alert' });
  const setPassword = h('button', { type: 'submit' }, 'Set password');
  const passwordForm = h(
    'form',
    { class: 'card', novalidate: true, 'aria-labelledby': 'user-password' },
    h('h2', { id: 'user-password' }, 'New password'),
    field('New password', password, { name: 'password', hint: 'At least 12 characters. Every session of theirs ends.' }),
    passwordAlert,
    h('div', { class: 'buttons' }, setPassword),
  );

  /** Shows the user as stored; `fields` also resets the details form to it. */
  function fill(fields = true) {
    replace(title, user.display_name);
    replace(
      facts,
      h('dt', null, 'Email'), h('dd', { class: 'break' }, user.email),
      h('dt', null, 'Role'), h('dd', null, user.role),
      h('dt', null, 'Status'), h('dd', null, statusBadge(user)),
      h('dt', null, 'Created'), h('dd', null, when(user.created_at)),
      h('dt', null, 'Changed'), h('dd', null, when(user.updated_at)),
    );
    if (fields) {
      name.value = user.display_name;
      email.value = user.email;
      role.value = user.role;
      role.dispatchEvent(new Event('change'));
    }
    replace(accessState, user.active ? 'Active: they can sign in.' : 'Deactivated: they cannot sign in.');
    replace(toggle, user.active ? 'Deactivate' : 'Reactivate');
    toggle.className = user.active ? 'danger' : 'primary';
  }

  /**
   * Sends a change and takes the answer; false when it was refused (shown on `form`).
   * @param {Schemas['UpdateUserRequest']} patch
   * @param {Element} form
   * @param {Element} alert
   */
  async function change(patch, form, alert) {
    clearErrors(form, alert);
    try {
      user = (await api('PATCH', path, { body: patch })).data;
      // Only the details form's own answer resets it: unsaved edits there survive the others.
      fill(form === details);
      return true;
    } catch (e) {
      showErrors(form, alert, e);
      return false;
    }
  }

  details.addEventListener('submit', async (event) => {
    event.preventDefault();
    /** @type {Schemas['UpdateUserRequest']} */
    const patch = {};
    if (name.value.trim() !== user.display_name) patch.display_name = name.value.trim();
    if (email.value.trim().toLowerCase() !== user.email) patch.email = email.value.trim();
    if (role.value !== user.role) patch.role = /** @type {Role} */ (role.value);
    if (Object.keys(patch).length === 0) {
      toast('Nothing to save.');
      return;
    }
    save.disabled = true;
    const myRoleChanged = self && patch.role !== undefined;
    if (await change(patch, details, detailsAlert)) {
      toast('Saved.');
      // My own role changed: load the client again so the navigation and buttons
      // follow the new role (the session is renewed from the cookie).
      if (myRoleChanged) location.assign('/admin/');
    }
    save.disabled = false;
  });

  toggle.addEventListener('click', async () => {
    clearErrors(access, accessAlert);
    toggle.disabled = true;
    try {
      if (user.active) {
        const question = self
          ? 'Deactivate your own account? You will be signed out at once.'
          : `Deactivate ${user.display_name}? Their sessions end at once.`;
        if (!confirm(question)) return;
        await api('DELETE', path);
        if (self) return; // the next request finds the session ended and signs out
        user = (await api('GET', path)).data;
        fill(false);
        toast(`${user.display_name} is deactivated.`);
      } else if (await change({ active: true }, access, accessAlert)) {
        toast(`${user.display_name} is active again.`);
      }
    } catch (e) {
      showErrors(access, accessAlert, e);
    } finally {
      toggle.disabled = false;
    }
  });

  unlock.addEventListener('click', async () => {
    clearErrors(access, accessAlert);
    unlock.disabled = true;
    try {
      await api('POST', `${path}/unlock`);
      toast(`Unlocked: ${user.display_name} can sign in again now.`);
    } catch (e) {
      showErrors(access, accessAlert, e);
    } finally {
      unlock.disabled = false;
    }
  });

  passwordForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    setPassword.disabled = true;
    if (await change({ password: password.value }, passwordForm, passwordAlert)) {
      password.value = '';
      if (self) {
        // My sessions ended with the change, this one too.
        await signOut().catch(() => {});
        toast('Password set. Sign in with the new one.');
        navigate('/admin/login', { replace: true });
        return;
      }
      toast(`Password set; ${user.display_name}'s sessions have ended.`);
    }
    setPassword.disabled = false;
  });

  fill();
  // Unsaved work: details that differ from the user as stored, or a password typed and
  // not set. Each successful change refills from the answer, which clears it.
  watchUnsaved(
    () =>
      name.value.trim() !== user.display_name ||
      email.value.trim().toLowerCase() !== user.email ||
      role.value !== user.role ||
      password.value !== '',
  );
  replace(
    main,
    h('p', { class: 'crumbs' }, h('a', { href: '/admin/users' }, 'Users')),
    title,
    self ? h('p', { class: 'lead' }, 'This is your own account.') : null,
    facts,
    h('div', { class: 'user-cards' }, details, access, passwordForm),
  );
}
