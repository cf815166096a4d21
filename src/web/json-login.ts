// Drupal core's JSON login, login status and logout (docs/compatibility.md §7, rows 7.1–7.12), as
// headless front ends call them: the same password check, flood control and session cookie as
// the login form, Drupal's bodies and status codes, and its per-session csrf/logout tokens.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { markBusy } from '../http/reply-helpers.js';
import { OAuthFailure } from '../oauth/oauth-failure.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { DrupalSessionTokens } from './drupal-session-tokens.js';
import { completeLogin } from './login-completion.js';
import { AMR_PASSWORD } from '../domain/authentication-method.js';
import { isJsonBody, jsonFields, NOT_JSON_MESSAGE, sendMessage, wantsJson } from './json-format.js';

export const JSON_LOGIN_MESSAGES = {
  missing: 'Missing credentials.',
  missingName: 'Missing credentials.name.',
  missingPass: 'Missing credentials.pass.',
  floodIp: 'Access is blocked because of IP based flood prevention.',
  blocked: 'The user has not been activated or is blocked.',
  unrecognized: 'Unrecognized username or password.',
  anonymousOnly: 'This route can only be accessed by anonymous users.',
  authenticatedOnly: 'This route can only be accessed by authenticated users.',
  tokenMissing: "'csrf_token' URL query argument is missing.",
  tokenInvalid: "'csrf_token' URL query argument is invalid.",
  busy: 'The server is busy. Try again in a moment.',
  secondFactor: 'This account logs in with a second factor: log in through the login page (/user/login) instead.',
} as const;

const floodUserMessage = (limit: number) =>
  `There have been more than ${limit} failed login attempts for this account. It is temporarily blocked. Try again later or request a new password.`;

export interface JsonLogin {
  login(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
  logout(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply>;
}

export function jsonLogin(services: Services): JsonLogin {
  const { web } = services;
  const tokens = new DrupalSessionTokens(services.config.secret);
  const ENDPOINT = '/user/login?_format=json';

  const audit = (request: FastifyRequest, outcome: 'success' | 'failure', userId: number | null, detail: string | null) =>
    services.audit.record({ event: 'user.login', outcome, userId, clientId: null, ip: request.ip, endpoint: ENDPOINT, detail });

  async function refused(request: FastifyRequest, reply: FastifyReply, error: OAuthFailure): Promise<FastifyReply> {
    audit(request, 'failure', null, error.reason);
    switch (error.reason) {
      case 'too_many_attempts': {
        const scope = await services.flood.blockedBy(request.ip);
        reply.header('retry-after', String(error.detail.retryAfter ?? 60));
        return sendMessage(reply, 403, scope === 'ip' ? JSON_LOGIN_MESSAGES.floodIp : floodUserMessage(services.config.flood.userLimit));
      }
      case 'server_busy':
        markBusy(reply).header('retry-after', String(error.detail.retryAfter ?? 1));
        return sendMessage(reply, 503, JSON_LOGIN_MESSAGES.busy);
      case 'user_blocked':
        return sendMessage(reply, 400, JSON_LOGIN_MESSAGES.blocked);
      default:
        return sendMessage(reply, 400, JSON_LOGIN_MESSAGES.unrecognized);
    }
  }

  return {
    async login(request, reply) {
      // Drupal's route access (_user_is_logged_in: FALSE) is decided before the controller runs
      if (await web.sessions.current(request)) return sendMessage(reply, 403, JSON_LOGIN_MESSAGES.anonymousOnly);
      if (!isJsonBody(request)) return sendMessage(reply, 400, NOT_JSON_MESSAGE);
      const body = jsonFields(request.body);
      const name = body.name ?? null;
      const pass = body.pass ?? null;
      if (name === null && pass === null) return sendMessage(reply, 400, JSON_LOGIN_MESSAGES.missing);
      if (name === null) return sendMessage(reply, 400, JSON_LOGIN_MESSAGES.missingName);
      if (pass === null) return sendMessage(reply, 400, JSON_LOGIN_MESSAGES.missingPass);
      if (typeof name !== 'string' || typeof pass !== 'string' || !name.trim() || !pass) return sendMessage(reply, 400, JSON_LOGIN_MESSAGES.unrecognized);
      try {
        const user = await services.users.authenticate(name.trim(), pass, request.ip, { blockedFirst: true });
        // Drupal's JSON login knows no second step: it must not log in a user who has a factor
        // (or must enrol one) with the password alone (docs/compatibility.md §7)
        if ((await services.secondFactors.requirement(user)) !== 'none') {
          audit(request, 'failure', user.uid, 'second_factor_required');
          return sendMessage(reply, 403, JSON_LOGIN_MESSAGES.secondFactor);
        }
        const session = await completeLogin(services, request, reply, user, [AMR_PASSWORD], ENDPOINT);
        return reply
          .code(200)
          .header('cache-control', 'no-store')
          .send({
            current_user: { uid: String(user.uid), roles: ['authenticated', ...user.roles], name: user.name },
            csrf_token: tokens.token('rest', session.digest),
            logout_token: tokens.token('user/logout', session.digest),
          });
      } catch (error) {
        if (!(error instanceof OAuthFailure)) throw error;
        return refused(request, reply, error);
      }
    },

    async logout(request, reply) {
      const token = (request.query as Record<string, unknown>).token;
      if (typeof token !== 'string' || token === '') return sendMessage(reply, 403, JSON_LOGIN_MESSAGES.tokenMissing);
      const current = await web.sessions.current(request);
      if (!current) return sendMessage(reply, 403, JSON_LOGIN_MESSAGES.authenticatedOnly);
      if (!tokens.verify('user/logout', current.session.digest, token)) return sendMessage(reply, 403, JSON_LOGIN_MESSAGES.tokenInvalid);
      await web.sessions.end(request, reply);
      services.audit.record({
        event: 'user.logout',
        outcome: 'success',
        userId: current.user.uid,
        clientId: null,
        ip: request.ip,
        endpoint: '/user/logout?_format=json',
        detail: null,
      });
      return reply.code(204).header('cache-control', 'no-store').send();
    },
  };
}

/** GET /user/login_status?_format=json: `1` or `0`, as text. */
export async function loginStatusRoute(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  app.get('/user/login_status', { config: PUBLIC }, async (request, reply) => {
    if (!wantsJson(request)) return sendMessage(reply, 406, 'Not acceptable format: only _format=json is served.');
    const current = await services.web.sessions.current(request);
    return reply
      .code(200)
      .header('cache-control', 'no-store')
      .type('text/plain; charset=utf-8')
      .send(current ? '1' : '0');
  });
}
