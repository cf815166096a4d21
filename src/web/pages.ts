// The server-rendered pages: login, consent, error, the user's approved apps, logout and the
// OAuth form_post response. Markup only; routes decide what to show.
import type { Client } from '../domain/client.js';
import type { Scope } from '../domain/scope.js';
import { html, type Html } from './html.js';
import { CSRF_FIELD } from './csrf.js';

/** The <head> of every page (the console's too). */
export function documentHead(title: string, extra: Html = html``): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<link rel="stylesheet" href="/assets/gatehouse.css">
${extra}
</head>`;
}

export function layout(title: string, body: Html, head: Html = html``): Html {
  return html`${documentHead(`${title} · Gatehouse`, head)}
<body>
<main>
${body}
</main>
</body>
</html>`;
}

export function loginPage(options: {
  csrf: string;
  destination: string;
  username?: string;
  error?: string;
  /** links to the self-service pages the site offers */
  links?: { register: boolean; resetPassword: boolean };
  /** the other way in, below the password form (passkey-pages.ts) */
  passkey?: Html;
}): Html {
  const links = [
    options.links?.register ? html`<a href="/user/register">Create new account</a>` : '',
    options.links?.resetPassword ? html`<a href="/user/password">Reset your password</a>` : '',
  ].filter((link) => link !== '');
  return layout(
    'Log in',
    html`<h1>Log in</h1>
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/user/login">
  <input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}">
  <input type="hidden" name="destination" value="${options.destination}">
  <label for="edit-name">Username</label>
  <input type="text" id="edit-name" name="name" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${options.username ?? ''}" ${options.username ? '' : html`autofocus`}>
  <label for="edit-pass">Password</label>
  <input type="password" id="edit-pass" name="pass" autocomplete="current-password" required ${options.username ? html`autofocus` : ''}>
  <button type="submit">Log in</button>
</form>
${options.passkey ?? ''}
${links.length ? html`<p>${links.map((link, i) => html`${i ? ' · ' : ''}${link}`)}</p>` : ''}`,
  );
}

export function consentPage(options: {
  client: Client;
  scopes: Scope[];
  userName: string;
  csrf: string;
  fields: Record<string, string>;
  action?: string;
  notice?: string;
}): Html {
  const { client } = options;
  return layout(
    `Allow ${client.label}?`,
    html`<h1>${client.label} wants to access your account</h1>
${client.description ? html`<p>${client.description}</p>` : ''}
<p class="muted">Signed in as <strong>${options.userName}</strong>.</p>
${options.scopes.length ? html`<p>It asks to:</p><ul class="scopes">${options.scopes.map((s) => html`<li>${s.description}</li>`)}</ul>` : html`<p>It asks for no particular permission.</p>`}
${options.notice ? html`<p role="note"><strong>${options.notice}</strong></p>` : ''}
<form method="post" action="${options.action ?? '/oauth/authorize'}">
  <input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}">
  ${Object.entries(options.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <div class="actions">
    <button type="submit" name="decision" value="allow">Allow</button>
    <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
  </div>
</form>`,
  );
}

/** /device: the user code shown on the device, typed or confirmed by its user (RFC 8628 §3.3). */
export function deviceCodePage(options: { csrf: string; userCode: string; userName: string; error?: string }): Html {
  return layout(
    'Connect a device',
    html`<h1>Connect a device</h1>
<p class="muted">Signed in as <strong>${options.userName}</strong>.</p>
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/device">
  <input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}">
  <label for="edit-user-code">The code shown on your device</label>
  <input type="text" id="edit-user-code" name="user_code" autocomplete="off" autocapitalize="characters" spellcheck="false" required placeholder="BCDF-GHJK" value="${options.userCode}" autofocus>
  <p class="muted">Only enter a code shown on a device you are using yourself.</p>
  <button type="submit">Continue</button>
</form>`,
  );
}

export function errorPage(title: string, message: string): Html {
  return layout(title, html`<h1>${title}</h1><p class="error" role="alert">${message}</p>`);
}

export function messagePage(title: string, message: string): Html {
  return layout(title, html`<h1>${title}</h1><p>${message}</p>`);
}

export interface ApprovedApp {
  clientId: string;
  label: string;
  scopes: string[];
  grantedAt: number;
}

export function appsPage(options: { userName: string; apps: ApprovedApp[]; csrf: string; notice?: string }): Html {
  return layout(
    'Your apps',
    html`<h1>Apps you have approved</h1>
<p class="muted">Signed in as <strong>${options.userName}</strong>.</p>
${options.notice ? html`<p role="status">${options.notice}</p>` : ''}
${
  options.apps.length === 0
    ? html`<p>You have not approved any app.</p>`
    : html`<table><thead><tr><th scope="col">App</th><th scope="col">Access</th><th scope="col"><span class="muted">Action</span></th></tr></thead><tbody>
${options.apps.map(
  (
    app,
  ) => html`<tr><td>${app.label}<br><span class="muted">approved ${new Date(app.grantedAt * 1000).toISOString().slice(0, 10)}</span></td><td>${app.scopes.join(', ') || '—'}</td>
<td><form method="post" action="/user/apps/revoke"><input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}"><input type="hidden" name="client_id" value="${app.clientId}"><button type="submit" class="danger" aria-label="Revoke ${app.label}">Revoke</button></form></td></tr>`,
)}
</tbody></table>`
}
<form method="post" action="/user/logout"><input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}"><button type="submit" class="secondary">Log out</button></form>`,
  );
}

export function logoutPage(options: { csrf: string; fields: Record<string, string> }): Html {
  return layout(
    'Log out',
    html`<h1>Log out?</h1>
<form method="post" action="/user/logout">
  <input type="hidden" name="${CSRF_FIELD}" value="${options.csrf}">
  ${Object.entries(options.fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <button type="submit">Log out</button>
</form>`,
  );
}

/** OAuth 2.0 Form Post Response Mode: the browser posts the response to the client. */
export function formPostPage(action: string, fields: Record<string, string>, scriptNonce: string): Html {
  return layout(
    'Continue',
    html`<h1>Continue to the application</h1>
<form method="post" action="${action}" id="response">
  ${Object.entries(fields).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <noscript><button type="submit">Continue</button></noscript>
</form>
<script nonce="${scriptNonce}">document.getElementById('response').submit();</script>`,
  );
}
