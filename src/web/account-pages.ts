// The self-service account pages: registration, mail verification, "forgot password" and the
// one-time reset link. Markup only; routes decide what to show.
import { PASSWORD_RULE } from '../domain/password-rule.js';
import { CSRF_FIELD } from './csrf.js';
import { html, type Html } from './html.js';
import { layout } from './pages.js';

export type FieldErrors = Partial<Record<'name' | 'mail' | 'pass', string>>;

const fieldError = (message: string | undefined, id: string): Html | '' => (message ? html`<p class="error" id="${id}" role="alert">${message}</p>` : '');

/** New password and its confirmation, with the rule stated. */
function passwordFields(error: string | undefined): Html {
  return html`<label for="edit-pass">Password</label>
  <p class="muted" id="pass-rule">${PASSWORD_RULE}</p>
  ${fieldError(error, 'pass-error')}
  <input type="password" id="edit-pass" name="pass" autocomplete="new-password" required aria-describedby="pass-rule">
  <label for="edit-pass-confirm">Confirm password</label>
  <input type="password" id="edit-pass-confirm" name="pass_confirm" autocomplete="new-password" required>`;
}

export function registerPage(options: { csrf: string; askPassword: boolean; name?: string; mail?: string; errors?: FieldErrors; notice?: string }): Html {
  const errors = options.errors ?? {};
  return layout(
    'Create new account',
    html`<h1>Create new account</h1>
${options.notice ? html`<p role="status">${options.notice}</p>` : ''}
<form method="post" action="/user/register">
  <input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}">
  <label for="edit-mail">Email address</label>
  ${fieldError(errors.mail, 'mail-error')}
  <input type="email" id="edit-mail" name="mail" autocomplete="email" required value="${options.mail ?? ''}">
  <label for="edit-name">Username</label>
  ${fieldError(errors.name, 'name-error')}
  <input type="text" id="edit-name" name="name" autocomplete="username" autocapitalize="none" spellcheck="false" required maxlength="60" value="${options.name ?? ''}">
  ${options.askPassword ? passwordFields(errors.pass) : html`<p class="muted">You choose your password after confirming your e-mail address.</p>`}
  <button type="submit">Create new account</button>
</form>
<p><a href="/user/login">Log in</a> · <a href="/user/password">Reset your password</a></p>`,
  );
}

export function verifyPage(options: { csrf: string; token: string; name: string; needsPassword: boolean; error?: string }): Html {
  return layout(
    'Confirm your e-mail address',
    html`<h1>Confirm your e-mail address</h1>
<p>This confirms the address of <strong>${options.name}</strong>.</p>
<form method="post" action="/user/verify/${options.token}">
  <input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}">
  ${options.needsPassword ? passwordFields(options.error) : ''}
  <button type="submit">Confirm</button>
</form>`,
  );
}

export function passwordRequestPage(options: { csrf: string; notice?: string; error?: string; identifier?: string }): Html {
  return layout(
    'Reset your password',
    html`<h1>Reset your password</h1>
${options.notice ? html`<p role="status">${options.notice}</p>` : ''}
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/user/password">
  <input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}">
  <label for="edit-name">Username or email address</label>
  <input type="text" id="edit-name" name="name" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${options.identifier ?? ''}">
  <p class="muted">Password reset instructions will be sent to your registered email address.</p>
  <button type="submit">Submit</button>
</form>`,
  );
}

export function resetPage(options: { csrf: string; action: string; name: string; error?: string }): Html {
  return layout(
    'Set a new password',
    html`<h1>Set a new password</h1>
<p>This is a one-time login for <strong>${options.name}</strong>. Choose a new password: it logs you in, ends your other sessions and signs you out of every application.</p>
<form method="post" action="${options.action}">
  <input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}">
  ${passwordFields(options.error)}
  <button type="submit">Set password and log in</button>
</form>`,
  );
}

export const LINK_PROBLEMS = {
  invalid: 'You have tried to use a one-time link that has either been used or is no longer valid. Please request a new one.',
  used: 'This one-time link has already been used. Please request a new one if you still need it.',
  expired: 'You have tried to use a one-time link that has expired. Please request a new one.',
} as const;

export function linkProblemPage(kind: keyof typeof LINK_PROBLEMS, again: { href: string; label: string }): Html {
  return layout(
    'Link not valid',
    html`<h1>This link cannot be used</h1><p class="error" role="alert">${LINK_PROBLEMS[kind]}</p><p><a href="${again.href}">${again.label}</a></p>`,
  );
}
