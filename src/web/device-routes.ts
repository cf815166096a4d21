// /device (RFC 8628 §3.3): where a person finishes a device's sign-in. They log in (the login
// page, coming back here), type or confirm the code the device shows, see the consent page with
// the client's label and scopes, and allow or deny. Every code checked counts against flood
// control like a password would; a form without its CSRF token is refused.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { nowSeconds } from '../clock.js';
import type { Scope } from '../domain/scope.js';
import { formatUserCode, normalizeUserCode } from '../domain/user-code.js';
import { noStore } from '../http/reply-helpers.js';
import { DEVICE_VERIFICATION_PATH } from '../oauth/device-authorization-endpoint.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { CSRF_FIELD } from './csrf.js';
import type { CurrentSession } from './sessions.js';
import { consentPage, deviceCodePage, messagePage } from './pages.js';
import { sendPage } from './page-reply.js';
import { message } from './page-view.js';

type Form = Record<string, unknown>;

const text = (value: unknown): string => (typeof value === 'string' ? value.slice(0, 64) : '');

/** GATEHOUSE_RATE_LIMIT exceeded at /device. */
const deviceTooManyRequests = (reply: FastifyReply, retryAfter: number): FastifyReply =>
  noStore(reply).code(429).header('retry-after', String(retryAfter)).type('text/plain; charset=utf-8').send('Too many requests. Try again later.');

/** The code as it is shown (XXXX-XXXX) when it is one, as typed otherwise. */
const shown = (typed: string): string => {
  const code = normalizeUserCode(typed);
  return code === null ? typed : formatUserCode(code);
};

export async function deviceRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const { services } = options;
  const { web, store, clock } = services;

  const loginFirst = (reply: FastifyReply, typed: string, status: 302 | 303): FastifyReply => {
    const back = typed ? `${DEVICE_VERIFICATION_PATH}?${new URLSearchParams({ user_code: shown(typed) }).toString()}` : DEVICE_VERIFICATION_PATH;
    return reply
      .code(status)
      .header('cache-control', 'no-store')
      .redirect(`/user/login?${new URLSearchParams({ destination: back }).toString()}`, status);
  };

  const showForm = (request: FastifyRequest, reply: FastifyReply, current: CurrentSession, status: number, typed: string, error?: string) =>
    sendPage(
      reply,
      status,
      deviceCodePage({
        csrf: web.csrf.token(request, reply),
        userCode: shown(typed),
        userName: current.user.name,
        error,
        language: current.user.preferredLangcode,
      }),
    );

  const audit = (request: FastifyRequest, event: string, outcome: 'success' | 'failure', userId: number, clientId: string | null, detail: string | null) =>
    services.audit.record({ event, outcome, userId, clientId, ip: request.ip, endpoint: DEVICE_VERIFICATION_PATH, detail });

  app.get(DEVICE_VERIFICATION_PATH, { config: PUBLIC }, async (request, reply) => {
    const typed = text(((request.query ?? {}) as Form).user_code);
    const current = await web.sessions.current(request);
    if (!current) return loginFirst(reply, typed, 302);
    return showForm(request, reply, current, 200, typed);
  });

  app.post(DEVICE_VERIFICATION_PATH, { config: { ...PUBLIC, rateLimited: deviceTooManyRequests } }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const typed = text(form.user_code);
    const current = await web.sessions.current(request);
    if (!current) return loginFirst(reply, typed, 303);
    if (!web.csrf.verify(request, form[CSRF_FIELD])) {
      return showForm(request, reply, current, 403, typed, 'form.expired');
    }
    const digest = services.userCodes.digestOfTyped(typed);
    if (digest === null) return showForm(request, reply, current, 400, typed, 'device.error.format');

    // every code looked up is a guess until it proves right
    const attempt = await services.userCodeFlood.reserve(request.ip, current.user.uid);
    if ('retryAfter' in attempt) {
      reply.header('retry-after', String(attempt.retryAfter));
      return showForm(request, reply, current, 429, typed, 'device.error.too_many');
    }
    const now = nowSeconds(clock);
    const row = await store.deviceCodes.findByUserCodeDigest(digest);
    const client = row && row.status === 'pending' && row.expiresAt > now ? await store.clients.get(row.clientId) : null;
    if (!row || !client?.status) {
      audit(request, 'device.code_refused', 'failure', current.user.uid, null, null);
      return showForm(request, reply, current, 400, typed, 'device.error.invalid');
    }
    await services.userCodeFlood.release(attempt.reservation);

    const decision = form.decision;
    if (decision === undefined) {
      const scopes = row.scopes.map((name) => services.catalog.scopes.get(name)).filter((s): s is Scope => s !== undefined);
      return sendPage(
        reply,
        200,
        consentPage({
          client,
          scopes,
          userName: current.user.name,
          csrf: web.csrf.token(request, reply),
          fields: { user_code: shown(typed) },
          action: DEVICE_VERIFICATION_PATH,
          notice: message('device.consent_notice', { app: client.label }),
          language: current.user.preferredLangcode,
        }),
      );
    }
    if (decision !== 'allow' && decision !== 'deny')
      return sendPage(reply, 400, messagePage('error.invalid_request', 'device.unknown_decision', current.user.preferredLangcode));
    const decided = await store.deviceCodes.decide(
      digest,
      { status: decision === 'allow' ? 'approved' : 'denied', userId: current.user.uid, authTime: current.session.authTime, amr: current.session.amr },
      now,
    );
    if (!decided) return showForm(request, reply, current, 400, typed, 'device.error.invalid');
    audit(
      request,
      decision === 'allow' ? 'device.approved' : 'device.denied',
      decision === 'allow' ? 'success' : 'failure',
      current.user.uid,
      client.clientId,
      row.scopes.join(' ') || null,
    );
    return decision === 'allow'
      ? sendPage(reply, 200, messagePage('device.connected.title', message('device.connected', { app: client.label }), current.user.preferredLangcode))
      : sendPage(reply, 200, messagePage('device.denied.title', message('device.denied', { app: client.label }), current.user.preferredLangcode));
  });
}
