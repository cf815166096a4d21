// /user/password ("forgot password": the form, and Drupal's POST /user/password?_format=json,
// §7 rows 7.13–7.15) and the mailed one-time link /user/reset/{uid}/{timestamp}/{hash}, whose
// page sets a new password and logs the user in.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { completeReset, inspectReset, requestReset } from '../accounts/password-reset.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { linkProblemPage, passwordRequestPage, resetPage } from './account-pages.js';
import { CSRF_FIELD } from './csrf.js';
import { isJsonBody, jsonFields, NOT_JSON_MESSAGE, sendMessage, wantsJson } from './json-format.js';
import { sendPage } from './page-reply.js';
import { message, type Text } from './page-view.js';
import { continueLogin } from './login-completion.js';
import { messagePage } from './pages.js';
import { AMR_PASSWORD } from '../domain/authentication-method.js';

type Form = Record<string, unknown>;
type LinkParams = { Params: { uid: string; timestamp: string; hash: string } };
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const PASSWORD_MESSAGES = {
  missing: 'Missing credentials.name or credentials.mail',
  cannotSend: 'Unable to send email. Contact the site administrator if the problem persists.',
  unavailable: 'Password reset is unavailable: this site cannot send mail. Contact the site administrator.',
  tooMany: 'Too many password recovery requests from your IP address. It is temporarily blocked. Try again later or log in with your password.',
  accepted: (identifier: string) => `If ${identifier} is a valid account, an email will be sent with instructions to reset your password.`,
} as const;

export async function passwordRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { web, accounts } = services;

  async function json(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    if (!isJsonBody(request)) return sendMessage(reply, 400, NOT_JSON_MESSAGE);
    const body = jsonFields(request.body);
    const name = text(body.name);
    const mail = text(body.mail);
    if (!name && !mail) return sendMessage(reply, 400, PASSWORD_MESSAGES.missing);
    const outcome = await requestReset(accounts, name ? { name } : { mail }, request.ip);
    if (outcome.kind === 'mail_unavailable') return sendMessage(reply, 400, PASSWORD_MESSAGES.cannotSend);
    if (outcome.kind === 'too_many') {
      reply.header('retry-after', String(outcome.retryAfter));
      return sendMessage(reply, 429, PASSWORD_MESSAGES.tooMany);
    }
    return reply.code(200).header('cache-control', 'no-store').send();
  }

  app.get('/user/password', { config: PUBLIC }, async (request, reply) => {
    // the site's setup, not the visitor's mistake, and nothing to retry: a page saying so, not an error
    if (!services.mail.available) return sendPage(reply, 200, messagePage('password.unavailable.title', 'password.unavailable'));
    return sendPage(reply, 200, passwordRequestPage({ csrf: web.csrf.token(request, reply) }));
  });

  app.post('/user/password', { config: PUBLIC }, async (request, reply) => {
    if (wantsJson(request)) return json(request, reply);
    const form = (request.body ?? {}) as Form;
    const identifier = text(form.name)?.trim() ?? '';
    const show = (status: number, extra: { notice?: Text; error?: Text }) =>
      sendPage(reply, status, passwordRequestPage({ csrf: web.csrf.token(request, reply), identifier, ...extra }));
    if (!web.csrf.verify(request, form[CSRF_FIELD])) return show(403, { error: 'form.expired' });
    if (!identifier) return show(400, { error: 'password.request.missing' });
    const outcome = await requestReset(accounts, { either: identifier }, request.ip);
    if (outcome.kind === 'mail_unavailable') return sendPage(reply, 200, messagePage('password.unavailable.title', 'password.unavailable'));
    if (outcome.kind === 'too_many') {
      reply.header('retry-after', String(outcome.retryAfter));
      return show(429, { error: 'password.too_many' });
    }
    return sendPage(reply, 200, passwordRequestPage({ csrf: web.csrf.token(request, reply), notice: message('password.accepted', { identifier }) }));
  });

  const problem = (reply: FastifyReply, kind: 'invalid' | 'expired') =>
    sendPage(reply, kind === 'invalid' ? 404 : 410, linkProblemPage(kind, { href: '/user/password', label: 'reset.again' }));

  app.get('/user/reset/:uid/:timestamp/:hash', { config: PUBLIC }, async (request: FastifyRequest<LinkParams>, reply) => {
    const { uid, timestamp, hash } = request.params;
    const view = await inspectReset(accounts, uid, timestamp, hash);
    if (view.kind !== 'valid') return problem(reply, view.kind);
    return sendPage(reply, 200, resetPage({ csrf: web.csrf.token(request, reply), action: request.url.split('?')[0], name: view.user.name }));
  });

  app.post('/user/reset/:uid/:timestamp/:hash', { config: PUBLIC }, async (request: FastifyRequest<LinkParams>, reply) => {
    const form = (request.body ?? {}) as Form;
    const view = await inspectReset(accounts, request.params.uid, request.params.timestamp, request.params.hash);
    if (view.kind !== 'valid') return problem(reply, view.kind);
    const again = (status: number, error: Text) =>
      sendPage(reply, status, resetPage({ csrf: web.csrf.token(request, reply), action: request.url.split('?')[0], name: view.user.name, error }));
    if (!web.csrf.verify(request, form[CSRF_FIELD])) return again(403, 'form.expired');
    if (text(form.pass) !== text(form.pass_confirm)) return again(400, 'password.mismatch');
    const outcome = await completeReset(accounts, request.params, text(form.pass), request.ip);
    if (outcome.kind === 'password_problem') return again(400, outcome.message);
    if (outcome.kind !== 'done') return problem(reply, outcome.kind);
    // every session of the user ended with the reset; this browser starts a new one — after the
    // second factor, when the user has one: a mailed link alone must not get past it
    const next = await continueLogin(services, request, reply, outcome.user, [AMR_PASSWORD], '/user/apps', '/user/reset');
    if (next.kind === 'second_factor') return reply.code(303).header('cache-control', 'no-store').redirect(next.location, 303);
    return sendPage(reply, 200, messagePage('reset.done.title', 'reset.done'));
  });
}
