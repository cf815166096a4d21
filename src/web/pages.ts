// The server-rendered pages: login, consent, error, the user's approved apps, logout and the
// OAuth form_post response. Each names its template (templates/<name>.liquid) and the values it
// shows; the texts come from the message catalog (messages/<lang>.json). Routes decide what to show.
import type { Client } from '../domain/client.js';
import type { Scope } from '../domain/scope.js';
import type { Html } from './html.js';
import type { PageView, Text } from './page-view.js';

/**
 * A page whose body is still built with the `html` tag (src/web/html.ts, escaping) rather than a
 * template of its own: it gets the layout, the brand and `<html lang>`, but its texts are whatever
 * the body says. For pages not yet moved to templates/ (docs/architecture.md, "A new page").
 */
export function layout(title: Text, body: Html): PageView {
  return { template: 'html_page', data: { title, body: body.value } };
}

/** Hidden fields, in order, for a template's loop. */
const hidden = (fields: Record<string, string>) => Object.entries(fields).map(([name, value]) => ({ name, value }));

export function loginPage(options: {
  csrf: string;
  destination: string;
  username?: string;
  error?: Text;
  /** links to the self-service pages the site offers */
  links?: { register: boolean; resetPassword: boolean };
  /** "Log in with a passkey" below the password form (templates/passkey_login.liquid) */
  passkeyLogin?: boolean;
}): PageView {
  return {
    template: 'login',
    data: {
      csrf: options.csrf,
      destination: options.destination,
      username: options.username ?? '',
      error: options.error,
      links: { register: options.links?.register === true, reset_password: options.links?.resetPassword === true },
      passkey_login: options.passkeyLogin === true,
    },
  };
}

export function consentPage(options: {
  client: Client;
  scopes: Scope[];
  userName: string;
  csrf: string;
  fields: Record<string, string>;
  action?: string;
  notice?: Text;
  /** the signed-in user's stored language */
  language?: string | null;
}): PageView {
  return {
    template: 'consent',
    language: options.language,
    data: {
      client: { label: options.client.label, description: options.client.description },
      scopes: options.scopes.map((s) => ({ name: s.name, description: s.description })),
      user_name: options.userName,
      csrf: options.csrf,
      fields: hidden(options.fields),
      action: options.action ?? '/oauth/authorize',
      notice: options.notice,
    },
  };
}

/** /device: the user code shown on the device, typed or confirmed by its user (RFC 8628 §3.3). */
export function deviceCodePage(options: { csrf: string; userCode: string; userName: string; error?: Text; language?: string | null }): PageView {
  return {
    template: 'device',
    language: options.language,
    data: { csrf: options.csrf, user_code: options.userCode, user_name: options.userName, error: options.error },
  };
}

export function errorPage(title: Text, message: Text, language?: string | null): PageView {
  return { template: 'error', language, data: { title, message } };
}

export function messagePage(title: Text, message: Text, language?: string | null): PageView {
  return { template: 'message', language, data: { title, message } };
}

export interface ApprovedApp {
  clientId: string;
  label: string;
  scopes: string[];
  grantedAt: number;
}

export function appsPage(options: { userName: string; apps: ApprovedApp[]; csrf: string; notice?: Text; language?: string | null }): PageView {
  return {
    template: 'apps',
    language: options.language,
    data: {
      user_name: options.userName,
      csrf: options.csrf,
      notice: options.notice,
      apps: options.apps.map((app) => ({
        client_id: app.clientId,
        label: app.label,
        access: app.scopes.join(', ') || '—',
        granted_on: new Date(app.grantedAt * 1000).toISOString().slice(0, 10),
      })),
    },
  };
}

export function logoutPage(options: { csrf: string; fields: Record<string, string> }): PageView {
  return { template: 'logout', data: { csrf: options.csrf, fields: hidden(options.fields) } };
}

/** OAuth 2.0 Form Post Response Mode: the browser posts the response to the client. */
export function formPostPage(action: string, fields: Record<string, string>, scriptNonce: string): PageView {
  return { template: 'form_post', data: { action, fields: hidden(fields), script_nonce: scriptNonce } };
}
