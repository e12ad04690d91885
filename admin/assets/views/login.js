// Sign in. The form posts to /api/v1/auth/session: the answer's access token stays in
// memory and the refresh token arrives as an HttpOnly cookie.

import { ApiError, signIn } from '../api.js';
import { field, h, replace } from '../dom.js';
import { clearErrors, showErrors } from '../problems.js';
import { navigate, takeEndedSession } from '../app.js';

/** @type {import('../app.js').View} */
export function loginView(main, _params, query) {
  const ended = takeEndedSession();
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, value: ended ?? '' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const message = h('div', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'card narrow', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Sign in to Masthead'),
    ended ? h('p', { class: 'banner', role: 'status' }, 'Your session has ended. Sign in again to go on: unsaved changes are kept in this browser.') : null,
    field('Email', email, { name: 'email' }),
    field('Password', password, { name: 'password' }),
    message,
    button,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    button.disabled = true;
    clearErrors(form, message);
    try {
      await signIn(email.value.trim(), password.value);
      const next = query.get('next');
      // Only back into the admin: `next` comes from the address bar.
      navigate(next && next.startsWith('/admin/') && !next.startsWith('/admin/login') ? next : '/admin/', {
        replace: true,
      });
    } catch (e) {
      showErrors(form, message, e instanceof ApiError && e.status === 401 ? new Error('The email or password is not right.') : e);
      password.select();
    } finally {
      button.disabled = false;
    }
  });
  replace(main, form);
  (ended ? password : email).focus();
}
