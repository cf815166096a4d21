// /user/register (the form, and Drupal's POST /user/register?_format=json, §7 rows 7.16–7.21) and
// /user/verify/{token}, where a mailed verification link is used — by a POST, so a mail scanner
// that follows the link does not spend it.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FieldError, type RegistrationOutcome, register } from '../accounts/registration.js';
import { completeVerification, inspectVerification, type LinkProblem } from '../accounts/mail-verification.js';
import { normalizeUser } from '../compat/drupal-user.js';
import { PermissionSet } from '../domain/access.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { type FieldErrors, linkProblemPage, registerPage, verifyPage } from './account-pages.js';
import { CSRF_FIELD } from './csrf.js';
import { isJsonBody, jsonFields, NOT_JSON_MESSAGE, sendMessage, wantsJson } from './json-format.js';
import { sendPage } from './page-reply.js';
import { completeLogin } from './login-completion.js';
import { messagePage } from './pages.js';
import { AMR_PASSWORD } from '../domain/authentication-method.js';

type Form = Record<string, unknown>;
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export const REGISTER_MESSAGES = {
  closed: 'You cannot register a new user account.',
  loggedIn: 'Only anonymous users can register a user.',
  noPassword: 'No password provided.',
  passwordNotAllowed: 'A Password cannot be specified. It will be generated on login.',
  mailUnavailable: 'Registration is unavailable: this site cannot send the verification mail. Contact the site administrator.',
  tooMany: 'There have been too many registrations from your IP address. Try again later.',
} as const;

/** Drupal's 422 body: every violation as `field: message` on its own line. */
export const validationMessage = (errors: FieldError[]): string =>
  `Unprocessable Entity: validation failed.\n${errors.map((e) => `${e.field}: ${e.message}\n`).join('')}`;

/** A Drupal field value: `[{"value": …}]` (also a bare value); undefined when absent. */
function fieldValue(field: unknown): unknown {
  if (Array.isArray(field)) return field.length && field[0] && typeof field[0] === 'object' ? (field[0] as Record<string, unknown>).value : undefined;
  return field;
}

/** The catalog key of a REGISTER_MESSAGES text on the pages (the JSON answers stay English, as Drupal's). */
const pageText = (name: keyof typeof REGISTER_MESSAGES): string => `register.${name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`;

export async function registerRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { web, accounts } = services;
  const askPassword = !services.config.signupVerifyEmail;

  const showForm = (request: FastifyRequest, reply: FastifyReply, status: number, values: { name?: string; mail?: string; errors?: FieldErrors } = {}) =>
    sendPage(reply, status, registerPage({ csrf: web.csrf.token(request, reply), askPassword, ...values }));

  async function json(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    if (await web.sessions.current(request)) return sendMessage(reply, 403, REGISTER_MESSAGES.loggedIn);
    if (!isJsonBody(request)) return sendMessage(reply, 400, NOT_JSON_MESSAGE);
    const body = jsonFields(request.body);
    const language = web.theme.language(request.headers['accept-language']);
    const outcome = await register(accounts, { name: fieldValue(body.name), mail: fieldValue(body.mail), pass: fieldValue(body.pass), language }, request.ip);
    switch (outcome.kind) {
      case 'created':
        return reply
          .code(200)
          .header('cache-control', 'no-store')
          .send(normalizeUser(outcome.user, { uid: outcome.user.uid, permissions: PermissionSet.of([]) }, services.catalog.roles));
      case 'invalid':
        return sendMessage(reply, 422, validationMessage(outcome.errors));
      default:
        return refusal(reply, outcome, (status, message) => sendMessage(reply, status, REGISTER_MESSAGES[message]));
    }
  }

  /** send gets the status and which of REGISTER_MESSAGES answers */
  function refusal(
    reply: FastifyReply,
    outcome: Exclude<RegistrationOutcome, { kind: 'created' | 'invalid' }>,
    send: (status: number, message: keyof typeof REGISTER_MESSAGES) => FastifyReply,
  ) {
    switch (outcome.kind) {
      case 'closed':
        return send(403, 'closed');
      case 'mail_unavailable':
        return send(503, 'mailUnavailable');
      case 'password_required':
        return send(422, 'noPassword');
      case 'password_not_allowed':
        return send(422, 'passwordNotAllowed');
      case 'too_many':
        reply.header('retry-after', String(outcome.retryAfter));
        return send(429, 'tooMany');
    }
  }

  app.get('/user/register', { config: PUBLIC }, async (request, reply) => {
    if (await web.sessions.current(request)) return sendPage(reply, 403, messagePage('register.logged_in.title', pageText('loggedIn')));
    if (services.config.signup === 'admin_only') return sendPage(reply, 403, messagePage('register.closed.title', pageText('closed')));
    // the site's setup, not the visitor's mistake, and nothing to retry: a page saying so, not an error
    if (services.config.signupVerifyEmail && !services.mail.available)
      return sendPage(reply, 200, messagePage('register.unavailable.title', pageText('mailUnavailable')));
    return showForm(request, reply, 200);
  });

  app.post('/user/register', { config: PUBLIC }, async (request, reply) => {
    if (wantsJson(request)) return json(request, reply);
    const form = (request.body ?? {}) as Form;
    const name = text(form.name)?.trim() ?? '';
    const mail = text(form.mail)?.trim() ?? '';
    if (!web.csrf.verify(request, form[CSRF_FIELD])) return showForm(request, reply, 403, { name, mail, errors: { name: 'form.expired' } });
    if (await web.sessions.current(request)) return sendPage(reply, 403, messagePage('register.logged_in.title', pageText('loggedIn')));
    const pass = askPassword ? text(form.pass) : undefined;
    if (askPassword && pass && pass !== text(form.pass_confirm)) return showForm(request, reply, 400, { name, mail, errors: { pass: 'password.mismatch' } });
    const language = web.theme.language(request.headers['accept-language']);
    const outcome = await register(accounts, { name, mail, pass: askPassword ? (pass ?? '') : undefined, language }, request.ip);
    switch (outcome.kind) {
      case 'created':
        if (outcome.state === 'active') {
          await completeLogin(services, request, reply, outcome.user, [AMR_PASSWORD], '/user/register');
        }
        return sendPage(reply, 200, messagePage('register.created.title', `register.state.${outcome.state}`));
      case 'invalid':
        return showForm(request, reply, 400, { name, mail, errors: Object.fromEntries(outcome.errors.map((e) => [e.field, e.message])) });
      case 'password_required':
        return showForm(request, reply, 400, { name, mail, errors: { pass: 'register.password_required' } });
      default:
        return refusal(reply, outcome, (status, message) =>
          sendPage(reply, outcome.kind === 'mail_unavailable' ? 200 : status, messagePage('register.refused.title', pageText(message))),
        );
    }
  });

  const problem = (reply: FastifyReply, kind: LinkProblem) =>
    sendPage(reply, kind === 'invalid' ? 404 : 410, linkProblemPage(kind, { href: '/user/password', label: 'verify.again' }));

  app.get('/user/verify/:token', { config: PUBLIC }, async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
    const view = await inspectVerification(accounts, request.params.token);
    if (view.kind !== 'valid') return problem(reply, view.kind);
    return sendPage(
      reply,
      200,
      verifyPage({ csrf: web.csrf.token(request, reply), token: request.params.token, name: view.user.name, needsPassword: view.needsPassword }),
    );
  });

  app.post('/user/verify/:token', { config: PUBLIC }, async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
    const { token } = request.params;
    const form = (request.body ?? {}) as Form;
    const view = await inspectVerification(accounts, token);
    if (view.kind !== 'valid') return problem(reply, view.kind);
    const again = (status: number, error: string) =>
      sendPage(reply, status, verifyPage({ csrf: web.csrf.token(request, reply), token, name: view.user.name, needsPassword: view.needsPassword, error }));
    if (!web.csrf.verify(request, form[CSRF_FIELD])) return again(403, 'form.expired');
    if (view.needsPassword && text(form.pass) !== text(form.pass_confirm)) return again(400, 'password.mismatch');
    const outcome = await completeVerification(accounts, token, text(form.pass), request.ip);
    if (outcome.kind === 'password_problem') return again(400, outcome.message);
    if (outcome.kind !== 'done') return problem(reply, outcome.kind);
    return sendPage(reply, 200, messagePage('verify.done.title', outcome.waitsForApproval ? 'verify.done.approval' : 'verify.done.login'));
  });
}
