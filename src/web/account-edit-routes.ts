// The account page (issue 13 part 5): GET /user leads to /user/{uid}/edit, which only the user
// themself may see (another uid: 403; not logged in: the login form and back). Its forms — change
// password, change e-mail address, log out everywhere — each carry the CSRF token, check the
// current password through the flood-controlled check every login uses, and redirect (303) when
// they succeed. /user/mail-change/{token} is the mailed link that confirms a new address.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { logOutEverywhere } from '../accounts/logout-everywhere.js';
import { completeMailChange, inspectMailChange, requestMailChange } from '../accounts/mail-change.js';
import { changePassword } from '../accounts/password-change.js';
import { passwordProblem } from '../domain/password-rule.js';
import { parseUid } from '../domain/user.js';
import { markBusy } from '../http/reply-helpers.js';
import { OAuthFailure } from '../oauth/oauth-failure.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { ACCOUNT_NOTICES, accountEditPage, confirmMailChangePage, type AccountErrors, type AccountNotice } from './account-edit-page.js';
import { linkProblemPage } from './account-pages.js';
import { approvedApps } from './approved-apps.js';
import { CSRF_FIELD } from './csrf.js';
import { message, type Text } from './page-view.js';
import { sendPage } from './page-reply.js';
import { messagePage } from './pages.js';
import type { CurrentSession } from './sessions.js';

type Form = Record<string, unknown>;
/** `:id`, as Drupal's REST route /user/{id} at the same place names it */
type UidParams = { Params: { id: string } };
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
/** The current password's error, by what it was asked for. */
const CURRENT_PASSWORD_WRONG = { Password: 'account.error.current_password.password', Email: 'account.error.current_password.mail' } as const;

export async function accountEditRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { web, accounts, store } = services;

  /** The logged-in user when `segment` is their uid; otherwise the answer is sent and null returned. */
  async function owner(request: FastifyRequest, reply: FastifyReply, segment: string): Promise<CurrentSession | null> {
    const current = await web.sessions.current(request);
    if (!current) {
      const destination = request.method === 'GET' ? request.url : `/user/${parseUid(segment) ?? ''}/edit`;
      reply.redirect(`/user/login?${new URLSearchParams({ destination })}`, request.method === 'GET' ? 302 : 303);
      return null;
    }
    const uid = parseUid(segment);
    if (uid === null) {
      sendPage(reply, 404, messagePage('error.page_not_found', 'account.not_found', current.user.preferredLangcode));
      return null;
    }
    if (uid !== current.user.uid) {
      sendPage(reply, 403, messagePage('error.access_denied', 'account.access_denied', current.user.preferredLangcode));
      return null;
    }
    return current;
  }

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    current: CurrentSession,
    status: number,
    extra: { errors?: AccountErrors; newMail?: string; notice?: AccountNotice } = {},
  ): Promise<FastifyReply> {
    const { user } = current;
    return sendPage(
      reply,
      status,
      accountEditPage({
        uid: user.uid,
        name: user.name,
        mail: user.mail,
        mailVerified: user.mailVerified,
        mailAvailable: services.mail.available,
        apps: await approvedApps(store, user.uid),
        csrf: web.csrf.token(request, reply),
        language: user.preferredLangcode,
        ...extra,
      }),
    );
  }

  /** The current password, through the login's flood control; the field error to show when it is not right. */
  async function currentPasswordError(
    current: CurrentSession,
    password: string,
    ip: string,
    what: 'Password' | 'Email',
    reply: FastifyReply,
  ): Promise<{ status: number; message: Text } | null> {
    if (!password) return { status: 400, message: CURRENT_PASSWORD_WRONG[what] };
    try {
      await services.users.authenticate(current.user.name, password, ip);
      return null;
    } catch (error) {
      if (!(error instanceof OAuthFailure)) throw error;
      services.audit.record({
        event: what === 'Password' ? 'user.password_change' : 'user.mail_change_request',
        outcome: 'failure',
        userId: current.user.uid,
        clientId: null,
        ip,
        endpoint: '/user/edit',
        detail: error.reason,
      });
      if (error.reason === 'too_many_attempts') {
        reply.header('retry-after', String(error.detail.retryAfter ?? 60));
        return { status: 429, message: 'account.error.too_many_attempts' };
      }
      if (error.reason === 'server_busy') {
        markBusy(reply).header('retry-after', String(error.detail.retryAfter ?? 1));
        return { status: 503, message: 'login.error.busy' };
      }
      return { status: 400, message: CURRENT_PASSWORD_WRONG[what] };
    }
  }

  app.get('/user', { config: PUBLIC }, async (request, reply) => {
    const current = await web.sessions.current(request);
    if (!current) return reply.redirect(`/user/login?${new URLSearchParams({ destination: '/user' })}`, 302);
    return reply.redirect(`/user/${current.user.uid}/edit`, 302);
  });

  app.get('/user/:id/edit', { config: PUBLIC }, async (request: FastifyRequest<UidParams>, reply) => {
    const current = await owner(request, reply, request.params.id);
    if (!current) return reply;
    const done = (request.query as Record<string, unknown>).done;
    const notice = typeof done === 'string' && Object.hasOwn(ACCOUNT_NOTICES, done) ? (done as AccountNotice) : undefined;
    return show(request, reply, current, 200, { notice });
  });

  app.post('/user/:id/edit/password', { config: PUBLIC }, async (request: FastifyRequest<UidParams>, reply) => {
    const current = await owner(request, reply, request.params.id);
    if (!current) return reply;
    const form = (request.body ?? {}) as Form;
    if (!web.csrf.verify(request, form[CSRF_FIELD])) return show(request, reply, current, 403, { errors: { form: 'form.expired' } });
    const pass = text(form.pass);
    if (pass !== text(form.pass_confirm)) return show(request, reply, current, 400, { errors: { pass: 'password.mismatch' } });
    // the rule first: a refused new password costs no password check
    const problem = passwordProblem(pass, current.user);
    if (problem) return show(request, reply, current, 400, { errors: { pass: problem } });
    const refused = await currentPasswordError(current, text(form.current_pass), request.ip, 'Password', reply);
    if (refused) return show(request, reply, current, refused.status, { errors: { current_pass: refused.message } });
    const outcome = await changePassword(accounts, current.user, pass, request.ip);
    if (outcome.kind === 'password_problem') return show(request, reply, current, 400, { errors: { pass: outcome.message } });
    // every session ended with the change; this browser goes on in a new one
    await web.sessions.end(request, reply);
    if (outcome.kind === 'gone') return reply.redirect('/user/login', 303);
    await web.sessions.start(reply, outcome.user);
    web.csrf.forgetNonce(request, reply);
    return reply.redirect(`/user/${current.user.uid}/edit?done=password`, 303);
  });

  app.post('/user/:id/edit/mail', { config: PUBLIC }, async (request: FastifyRequest<UidParams>, reply) => {
    const current = await owner(request, reply, request.params.id);
    if (!current) return reply;
    const form = (request.body ?? {}) as Form;
    const newMail = text(form.mail).trim();
    if (!web.csrf.verify(request, form[CSRF_FIELD])) return show(request, reply, current, 403, { newMail, errors: { form: 'form.expired' } });
    if (!services.mail.available) return show(request, reply, current, 400, { errors: { form: 'account.mail.unavailable' } });
    const refused = await currentPasswordError(current, text(form.current_pass), request.ip, 'Email', reply);
    if (refused) return show(request, reply, current, refused.status, { newMail, errors: { mail_current_pass: refused.message } });
    const outcome = await requestMailChange(accounts, current.user, newMail, request.ip);
    switch (outcome.kind) {
      case 'sent':
        return reply.redirect(`/user/${current.user.uid}/edit?done=mail`, 303);
      case 'invalid':
        return show(request, reply, current, 400, { newMail, errors: { mail: message(`account.mail.error.${outcome.reason}`, { mail: newMail }) } });
      case 'too_many':
        reply.header('retry-after', String(outcome.retryAfter));
        return show(request, reply, current, 429, { newMail, errors: { mail: 'account.mail.error.too_many' } });
      case 'mail_unavailable':
        return show(request, reply, current, 400, { errors: { form: 'account.mail.unavailable' } });
    }
  });

  app.post('/user/:id/edit/logout-everywhere', { config: PUBLIC }, async (request: FastifyRequest<UidParams>, reply) => {
    const current = await owner(request, reply, request.params.id);
    if (!current) return reply;
    const form = (request.body ?? {}) as Form;
    if (!web.csrf.verify(request, form[CSRF_FIELD])) return show(request, reply, current, 403, { errors: { form: 'form.expired' } });
    await logOutEverywhere(accounts, current.user, request.ip);
    await web.sessions.end(request, reply);
    return reply.redirect('/user/login', 303);
  });

  const problem = (reply: FastifyReply, kind: 'invalid' | 'used' | 'expired') =>
    sendPage(reply, kind === 'invalid' ? 404 : 410, linkProblemPage(kind, { href: '/user', label: 'account.mail_confirm.again' }));

  app.get('/user/mail-change/:token', { config: PUBLIC }, async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
    const view = await inspectMailChange(accounts, request.params.token);
    if (view.kind !== 'valid') return problem(reply, view.kind);
    return sendPage(
      reply,
      200,
      confirmMailChangePage({
        csrf: web.csrf.token(request, reply),
        token: request.params.token,
        name: view.user.name,
        mail: view.mail,
        language: view.user.preferredLangcode,
      }),
    );
  });

  app.post('/user/mail-change/:token', { config: PUBLIC }, async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
    const { token } = request.params;
    const view = await inspectMailChange(accounts, token);
    if (view.kind !== 'valid') return problem(reply, view.kind);
    const form = (request.body ?? {}) as Form;
    if (!web.csrf.verify(request, form[CSRF_FIELD]))
      return sendPage(reply, 403, messagePage('form.expired.title', 'form.expired', view.user.preferredLangcode));
    const outcome = await completeMailChange(accounts, token, request.ip);
    if (outcome.kind === 'taken')
      return sendPage(
        reply,
        409,
        messagePage('account.mail_confirm.taken.title', message('account.mail.error.taken', { mail: outcome.mail }), view.user.preferredLangcode),
      );
    if (outcome.kind !== 'done') return problem(reply, outcome.kind);
    return reply.redirect(`/user/${outcome.user.uid}/edit?done=mailchanged`, 303);
  });
}
