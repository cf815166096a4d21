// /user/login/second-factor: the login's second step, between a right password (a pending login,
// src/web/pending-logins.ts) and the session. A user with a factor passes one of their kinds; a
// user whose role requires a factor and who has none enrols TOTP here, confirms it with a first
// code and sees their recovery codes once. A user with a passkey is offered it: the options come
// from POST /user/login/second-factor/passkey/options, with a challenge bound to this pending login
// (its handle in the passkey ceremony cookie, spent by the next answer). /user/login/step-up starts
// the same step for a logged-in user an application asked a second factor of (acr_values).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { secondFactorOptions } from '../accounts/passkeys/passkey-second-factor.js';
import { PASSKEY_FACTOR_ID } from '../accounts/second-factors/passkey-factor.js';
import type { VerifyOutcome } from '../accounts/second-factors/second-factors.js';
import { AMR_OTP } from '../domain/authentication-method.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { CSRF_FIELD } from './csrf.js';
import { safeDestination } from './destination.js';
import { completeLogin, SECOND_FACTOR_PATH } from './login-completion.js';
import { loginTooManyRequests } from './login-routes.js';
import { sendPage } from './page-reply.js';
import { endCeremony, jsonRefusal, keepCeremony } from './passkey-ceremony.js';
import { PASSKEY_OPTIONS_PATH, PASSKEY_SECOND_FACTOR_TEXT as P } from './passkey-second-factor-form.js';
import type { PendingLogin } from './pending-logins.js';
import { messagePage } from './pages.js';
import { SECOND_FACTOR_MESSAGES as T, secondFactorPage, totpEnrolmentPage } from './second-factor-pages.js';

type Form = Record<string, unknown>;
const ENROL_PATH = `${SECOND_FACTOR_PATH}/enrol`;

export const recoveryCodesPath = (uid: number, destination: string): string =>
  `/user/${uid}/security/recovery-codes?${new URLSearchParams({ destination }).toString()}`;

function refusalMessage(outcome: Exclude<VerifyOutcome, { kind: 'ok' }>, method: unknown): string {
  if (outcome.kind === 'flood') return T.flood;
  if (method === PASSKEY_FACTOR_ID && outcome.reason !== 'unknown_method') return outcome.reason === 'malformed' ? P.expired : P.refused;
  switch (outcome.reason) {
    case 'reused':
      return method === 'recovery_code' ? T.reusedRecovery : T.reused;
    case 'malformed':
      return T.malformed;
    case 'unknown_method':
      return T.unknownMethod;
    default:
      return T.wrong;
  }
}

export async function secondFactorRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const { services } = options;
  const { web, secondFactors } = services;

  const expired = (reply: FastifyReply) => sendPage(reply, 401, messagePage(T.stepTitle, T.expired));

  async function showStep(request: FastifyRequest, reply: FastifyReply, pending: PendingLogin, status: number, error?: string): Promise<FastifyReply> {
    if (!(await secondFactors.hasFactor(pending.user.uid))) return showEnrolment(request, reply, pending, status, error);
    const kinds = await secondFactors.enrolledKinds(pending.user.uid);
    const csrf = web.csrf.token(request, reply);
    const page = secondFactorPage({ csrf, kinds, error, language: pending.user.preferredLangcode });
    // the passkey's button runs this server's scripts, which fetch its options from here
    return sendPage(reply, status, page, { ownScripts: kinds.includes(PASSKEY_FACTOR_ID) });
  }

  async function showEnrolment(request: FastifyRequest, reply: FastifyReply, pending: PendingLogin, status: number, error?: string): Promise<FastifyReply> {
    const enrolment = await secondFactors.totpEnrolment(pending.user);
    if (!enrolment) return showStep(request, reply, pending, status, error);
    return sendPage(
      reply,
      status,
      totpEnrolmentPage({
        csrf: web.csrf.token(request, reply),
        action: ENROL_PATH,
        enrolment,
        required: true,
        error,
        language: pending.user.preferredLangcode,
      }),
    );
  }

  app.get(SECOND_FACTOR_PATH, { config: PUBLIC }, async (request, reply) => {
    const pending = await web.pending.current(request);
    if (!pending) return reply.redirect('/user/login', 302);
    return showStep(request, reply, pending, 200);
  });

  app.post(SECOND_FACTOR_PATH, { config: PUBLIC }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const pending = await web.pending.current(request);
    if (!pending) return expired(reply);
    // the passkey ceremony's handle goes with this answer, whatever it is: a challenge is used once
    const handle = endCeremony(request, reply, web.cookies);
    if (!web.csrf.verify(request, form[CSRF_FIELD])) return showStep(request, reply, pending, 403, T.formExpired);
    const outcome = await secondFactors.verify(pending.user, form.method, form, request.ip, SECOND_FACTOR_PATH, { handle, boundTo: pending.row.digest });
    if (outcome.kind === 'flood') reply.header('retry-after', String(outcome.retryAfter));
    if (outcome.kind !== 'ok') {
      const status = outcome.kind === 'flood' ? 429 : outcome.reason === 'wrong' || outcome.reason === 'reused' ? 401 : 400;
      return showStep(request, reply, pending, status, refusalMessage(outcome, form.method));
    }
    // the pending login completes once: a second request with the same cookie finds none
    await completeLogin(services, request, reply, pending.user, [...pending.row.amr, outcome.amr], SECOND_FACTOR_PATH);
    return reply.code(303).header('cache-control', 'no-store').redirect(pending.row.destination, 303);
  });

  // The passkey's options: only this user's passkeys, a challenge bound to this pending login.
  // Rate limited as the passwordless login's options are: each call stores a challenge.
  app.post(PASSKEY_OPTIONS_PATH, { config: { ...PUBLIC, rateLimited: loginTooManyRequests } }, async (request, reply) => {
    const body = (request.body ?? {}) as Form;
    const pending = await web.pending.current(request);
    if (!pending) return jsonRefusal(reply, 401, 'login_required', P.noLogin);
    if (!web.csrf.verify(request, body[CSRF_FIELD])) return jsonRefusal(reply, 403, 'invalid_csrf', T.formExpired);
    if (!(await secondFactors.enrolledKinds(pending.user.uid)).includes(PASSKEY_FACTOR_ID)) return jsonRefusal(reply, 400, 'no_passkey', T.unknownMethod);
    const { options: requestOptions, handle } = await secondFactorOptions(services.passkeys, pending.user.uid, pending.row.digest);
    keepCeremony(reply, web.cookies, handle);
    return reply.header('cache-control', 'no-store').send(requestOptions);
  });

  app.post(ENROL_PATH, { config: PUBLIC }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const pending = await web.pending.current(request);
    if (!pending) return expired(reply);
    if (!web.csrf.verify(request, form[CSRF_FIELD])) return showEnrolment(request, reply, pending, 403, T.formExpired);
    const result = await secondFactors.confirmTotp(pending.user, typeof form.code === 'string' ? form.code : '', request.ip, ENROL_PATH);
    if ('retryAfter' in result) {
      reply.header('retry-after', String(result.retryAfter));
      return showEnrolment(request, reply, pending, 429, T.flood);
    }
    if ('refused' in result) {
      if (result.refused === 'none_pending') return showStep(request, reply, pending, 409);
      return showEnrolment(request, reply, pending, result.refused === 'malformed' ? 400 : 401, result.refused === 'malformed' ? T.malformed : T.wrong);
    }
    const session = await completeLogin(services, request, reply, pending.user, [...pending.row.amr, AMR_OTP], ENROL_PATH);
    web.reveal.keep(reply, session.digest, result.codes);
    return reply.code(303).header('cache-control', 'no-store').redirect(recoveryCodesPath(pending.user.uid, pending.row.destination), 303);
  });

  // A logged-in user asked for a second factor (acr_values): the same step, then a new session.
  app.get('/user/login/step-up', { config: PUBLIC }, async (request, reply) => {
    const destination = safeDestination((request.query as Form).destination);
    const current = await web.sessions.current(request);
    if (!current) return reply.redirect(`/user/login?${new URLSearchParams({ destination })}`, 302);
    await web.pending.start(request, reply, current.user, current.session.amr, destination);
    return reply.code(302).header('cache-control', 'no-store').redirect(SECOND_FACTOR_PATH, 302);
  });
}
