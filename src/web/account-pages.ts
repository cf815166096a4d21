// The self-service account pages: registration, mail verification, "forgot password" and the
// one-time reset link. Templates and values only (templates/*.liquid); routes decide what to show.
import { PASSWORD_MIN_LENGTH } from '../domain/password-rule.js';
import type { PageView, Text } from './page-view.js';

export type FieldErrors = Partial<Record<'name' | 'mail' | 'pass', Text>>;

export function registerPage(options: { csrf: string; askPassword: boolean; name?: string; mail?: string; errors?: FieldErrors; notice?: Text }): PageView {
  return {
    template: 'register',
    data: {
      csrf: options.csrf,
      ask_password: options.askPassword,
      name: options.name ?? '',
      mail: options.mail ?? '',
      errors: options.errors ?? {},
      notice: options.notice,
      password_min_length: PASSWORD_MIN_LENGTH,
    },
  };
}

export function verifyPage(options: { csrf: string; token: string; name: string; needsPassword: boolean; error?: Text }): PageView {
  return {
    template: 'verify',
    data: {
      csrf: options.csrf,
      token: options.token,
      name: options.name,
      needs_password: options.needsPassword,
      error: options.error,
      password_min_length: PASSWORD_MIN_LENGTH,
    },
  };
}

export function passwordRequestPage(options: { csrf: string; notice?: Text; error?: Text; identifier?: string }): PageView {
  return { template: 'password_request', data: { csrf: options.csrf, notice: options.notice, error: options.error, identifier: options.identifier ?? '' } };
}

export function resetPage(options: { csrf: string; action: string; name: string; error?: Text }): PageView {
  return {
    template: 'reset',
    data: { csrf: options.csrf, action: options.action, name: options.name, error: options.error, password_min_length: PASSWORD_MIN_LENGTH },
  };
}

export type LinkProblemKind = 'invalid' | 'used' | 'expired';

/** again: where a new link is asked for, and the catalog key of that link's text */
export function linkProblemPage(kind: LinkProblemKind, again: { href: string; label: string }): PageView {
  return { template: 'link_problem', data: { problem: `link.${kind}`, again_href: again.href, again_label: again.label } };
}
