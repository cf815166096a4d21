// /user/login and /user/logout: the login form (flood control shared with the password grant),
// server-side sessions, and logout — also the end of RP-initiated logout.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { markBusy, noStore } from '../http/reply-helpers.js';
import { OAuthFailure } from '../oauth/oauth-failure.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { CSRF_FIELD } from './csrf.js';
import { loginHintOf, safeDestination } from './destination.js';
import { loginPage, logoutPage, messagePage } from './pages.js';
import { sendPage } from './page-reply.js';
import type { Text } from './page-view.js';
import { resolveLogoutTarget, sendLoggedOut } from '../oidc/end-session.js';
import { jsonLogin } from './json-login.js';
import { wantsJson } from './json-format.js';
import { continueLogin } from './login-completion.js';
import { AMR_PASSWORD } from '../domain/authentication-method.js';

type Form = Record<string, unknown>;

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** GATEHOUSE_RATE_LIMIT exceeded at the login form. */
export const loginTooManyRequests = (reply: FastifyReply, retryAfter: number): FastifyReply =>
  noStore(reply).code(429).header('retry-after', String(retryAfter)).type('text/plain; charset=utf-8').send('Too many requests. Try again later.');

/** The login page: the password form and, where the browser can, "Log in with a passkey". */
export function sendLoginPage(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  destination: string,
  extra: { username?: string; error?: Text } = {},
): FastifyReply {
  const csrf = services.web.csrf.token(request, reply);
  return sendPage(
    reply,
    status,
    loginPage({
      csrf,
      destination,
      username: extra.username ?? loginHintOf(destination),
      error: extra.error,
      links: {
        register: services.config.signup !== 'admin_only' && (services.mail.available || !services.config.signupVerifyEmail),
        resetPassword: services.mail.available,
      },
      passkeyLogin: true,
    }),
    { ownScripts: true },
  );
}

export async function loginRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const { services } = options;
  const { web } = services;
  const json = jsonLogin(services);

  const showLogin = (request: FastifyRequest, reply: FastifyReply, status: number, destination: string, extra: { username?: string; error?: string } = {}) =>
    sendLoginPage(services, request, reply, status, destination, extra);

  app.get('/user/login', { config: PUBLIC }, async (request, reply) => {
    const query = (request.query ?? {}) as Form;
    return showLogin(request, reply, 200, safeDestination(query.destination));
  });

  app.post('/user/login', { config: { ...PUBLIC, rateLimited: loginTooManyRequests } }, async (request, reply) => {
    if (wantsJson(request)) return json.login(request, reply);
    const form = (request.body ?? {}) as Form;
    const destination = safeDestination(form.destination);
    const name = text(form.name)?.trim() ?? '';
    const password = text(form.pass) ?? '';
    if (!web.csrf.verify(request, form[CSRF_FIELD])) {
      return showLogin(request, reply, 403, destination, { username: name, error: 'form.expired' });
    }
    if (!name || !password) return showLogin(request, reply, 400, destination, { username: name, error: 'login.error.missing' });
    try {
      const user = await services.users.authenticate(name, password, request.ip);
      // logged in now, or (a second factor due) once it is passed at /user/login/second-factor
      const next = await continueLogin(services, request, reply, user, [AMR_PASSWORD], destination);
      return reply
        .code(303)
        .header('cache-control', 'no-store')
        .redirect(next.kind === 'logged_in' ? destination : next.location, 303);
    } catch (error) {
      if (!(error instanceof OAuthFailure)) throw error;
      services.audit.record({
        event: 'user.login',
        outcome: 'failure',
        userId: null,
        clientId: null,
        ip: request.ip,
        endpoint: '/user/login',
        detail: error.reason,
      });
      if (error.reason === 'too_many_attempts') {
        reply.header('retry-after', String(error.detail.retryAfter ?? 60));
        return showLogin(request, reply, 429, destination, { username: name, error: 'login.error.too_many' });
      }
      if (error.reason === 'server_busy') {
        markBusy(reply).header('retry-after', String(error.detail.retryAfter ?? 1));
        return showLogin(request, reply, 503, destination, { username: name, error: 'login.error.busy' });
      }
      if (error.reason === 'user_blocked') return showLogin(request, reply, 403, destination, { username: name, error: 'login.error.blocked' });
      // a name longer than any account's (invalid_parameter) gets the ordinary answer
      return showLogin(request, reply, 401, destination, { username: name, error: 'login.error.unrecognized' });
    }
  });

  app.get('/user/logout', { config: PUBLIC }, async (request, reply) => {
    if (!(await web.sessions.current(request))) return reply.redirect('/user/login', 302);
    return sendPage(reply, 200, logoutPage({ csrf: web.csrf.token(request, reply), fields: {} }));
  });

  app.post('/user/logout', { config: PUBLIC }, async (request, reply) => {
    if (wantsJson(request)) return json.logout(request, reply);
    const form = (request.body ?? {}) as Form;
    if (!web.csrf.verify(request, form[CSRF_FIELD])) return sendPage(reply, 403, messagePage('form.expired.title', 'form.expired.again'));
    const target = await resolveLogoutTarget(services, form);
    const current = await web.sessions.current(request);
    await web.sessions.end(request, reply);
    if (current)
      services.audit.record({
        event: 'user.logout',
        outcome: 'success',
        userId: current.user.uid,
        clientId: null,
        ip: request.ip,
        endpoint: '/user/logout',
        detail: null,
      });
    return sendLoggedOut(reply, target.kind === 'redirect' ? target : null, web.pages);
  });
}
