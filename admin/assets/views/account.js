// My account: change password (which signs every session out, this one too).

import { api, currentUser, signOut } from '../api.js';
import { field, h, replace, toast } from '../dom.js';
import { clearErrors, showErrors } from '../problems.js';
import { navigate } from '../app.js';

/** @type {import('../app.js').View} */
export function accountView(main) {
  const user = /** @type {import('../api.js').User} */ (currentUser());
  const current = h('input', { type: 'password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 12 });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 12 });
  const message = h('div', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Change password');
  const form = h(
    'form',
    { class: 'card narrow' },
    h('h2', null, 'Change password'),
    field('Current password', current, { name: 'current_password' }),
    field('New password', next, { name: 'new_password', hint: 'At least 12 characters.' }),
    field('New password again', again),
    message,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form, message);
    if (next.value !== again.value) {
      showErrors(form, message, new Error('The two new passwords differ.'));
      return;
    }
    button.disabled = true;
    try {
      await api('PUT', '/api/v1/auth/password', {
        body: { current_password: current.value, new_password: next.value },
      });
      await signOut().catch(() => {});
      toast('Password changed. Sign in with the new one.');
      navigate('/admin/login', { replace: true });
    } catch (e) {
      showErrors(form, message, e);
    } finally {
      button.disabled = false;
    }
  });
  replace(
    main,
    h('h1', null, 'Account'),
    h('dl', { class: 'facts' }, h('dt', null, 'Name'), h('dd', null, user.display_name), h('dt', null, 'Email'), h('dd', null, user.email), h('dt', null, 'Role'), h('dd', null, user.role)),
    form,
  );
}
