// /user/{uid}/security: the logged-in user's own second factors — set up an authenticator app
// (QR code, confirmed by a first code), see the recovery codes once, make new ones, turn the app
// off (with the current password or a code). Another user's uid is refused (403). Every POST
// redirects (PRG); recovery codes reach their page sealed in a short-lived cookie.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CurrentSession } from './sessions.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { CSRF_FIELD } from './csrf.js';
import { safeDestination } from './destination.js';
import { sendPage } from './page-reply.js';
import type { Text } from './page-view.js';
import { errorPage, messagePage } from './pages.js';
import { recoveryCodesPath } from './second-factor-routes.js';
import { SECOND_FACTOR_MESSAGES as T, recoveryCodesPage, securityPage, totpEnrolmentPage } from './second-factor-pages.js';

type Form = Record<string, unknown>;
// named :id as Drupal's /user/:id, which shares the path's first segment: Fastify keeps one name
type UidParams = { Params: { id: string } };

const NOTICES: Record<string, string> = { removed: T.removed, enrolled: T.enrolled, gone: T.codesGone };
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

export async function securityRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const { services } = options;
  const { web, secondFactors } = services;
  const base = (uid: number) => `/user/${uid}/security`;

  /**
   * The session, when it is the owner's; otherwise null, the answer sent (login, 403). Never the
   * reply itself: a Fastify reply is a thenable, so an async function cannot hand one back.
   */
  async function owner(request: FastifyRequest<UidParams>, reply: FastifyReply, method: 'GET' | 'POST'): Promise<CurrentSession | null> {
    const current = await web.sessions.current(request);
    if (!current) {
      if (method === 'POST') reply.redirect('/user/login', 303);
      else reply.redirect(`/user/login?${new URLSearchParams({ destination: request.url })}`, 302);
      return null;
    }
    if (request.params.id !== String(current.user.uid)) {
      sendPage(reply, 403, errorPage('error.access_denied', T.notYours, current.user.preferredLangcode));
      return null;
    }
    return current;
  }

  /** POSTs: the owner, with a valid CSRF token. */
  async function postingOwner(request: FastifyRequest<UidParams>, reply: FastifyReply): Promise<CurrentSession | null> {
    const who = await owner(request, reply, 'POST');
    if (!who) return null;
    if (!web.csrf.verify(request, ((request.body ?? {}) as Form)[CSRF_FIELD])) {
      sendPage(reply, 403, messagePage('form.expired.title', T.formExpired, who.user.preferredLangcode));
      return null;
    }
    return who;
  }

  async function showSecurity(
    request: FastifyRequest,
    reply: FastifyReply,
    current: CurrentSession,
    status: number,
    extra: { notice?: Text; error?: Text } = {},
  ) {
    const factors = await secondFactors.status(current.user);
    const uid = current.user.uid;
    const passkeyCount = (await services.store.webauthnCredentials.listByUser(uid)).length;
    const passkeysHref = `/user/${uid}/passkeys`;
    return sendPage(
      reply,
      status,
      securityPage({
        uid,
        userName: current.user.name,
        csrf: web.csrf.token(request, reply),
        language: current.user.preferredLangcode,
        ...factors,
        passkeysHref,
        passkeyCount,
        ...extra,
      }),
    );
  }

  async function showEnrolment(request: FastifyRequest, reply: FastifyReply, current: CurrentSession, status: number, error?: string) {
    const enrolment = await secondFactors.totpEnrolment(current.user);
    if (!enrolment) return reply.redirect(base(current.user.uid), 303);
    return sendPage(
      reply,
      status,
      totpEnrolmentPage({
        csrf: web.csrf.token(request, reply),
        action: `${base(current.user.uid)}/totp/confirm`,
        enrolment,
        error,
        language: current.user.preferredLangcode,
      }),
    );
  }

  app.get<UidParams>('/user/:id/security', { config: PUBLIC }, async (request, reply) => {
    const current = await owner(request, reply, 'GET');
    if (!current) return reply;
    const done = text((request.query as Form).done);
    return showSecurity(request, reply, current, 200, { notice: Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined });
  });

  app.post<UidParams>('/user/:id/security/totp', { config: PUBLIC }, async (request, reply) => {
    const current = await postingOwner(request, reply);
    if (!current) return reply;
    await secondFactors.totpEnrolment(current.user); // makes the pending secret the next page shows
    return reply.redirect(`${base(current.user.uid)}/totp`, 303);
  });

  app.get<UidParams>('/user/:id/security/totp', { config: PUBLIC }, async (request, reply) => {
    const current = await owner(request, reply, 'GET');
    if (!current) return reply;
    return showEnrolment(request, reply, current, 200);
  });

  app.post<UidParams>('/user/:id/security/totp/confirm', { config: PUBLIC }, async (request, reply) => {
    const current = await postingOwner(request, reply);
    if (!current) return reply;
    const endpoint = '/user/{uid}/security/totp/confirm';
    const result = await secondFactors.confirmTotp(current.user, text(((request.body ?? {}) as Form).code), request.ip, endpoint);
    if ('retryAfter' in result) {
      reply.header('retry-after', String(result.retryAfter));
      return showEnrolment(request, reply, current, 429, T.flood);
    }
    if ('refused' in result) {
      if (result.refused === 'none_pending') return reply.redirect(base(current.user.uid), 303);
      return showEnrolment(request, reply, current, result.refused === 'malformed' ? 400 : 401, result.refused === 'malformed' ? T.malformed : T.wrong);
    }
    web.reveal.keep(reply, current.session.digest, result.codes);
    return reply.redirect(recoveryCodesPath(current.user.uid, `${base(current.user.uid)}?done=enrolled`), 303);
  });

  app.post<UidParams>('/user/:id/security/totp/remove', { config: PUBLIC }, async (request, reply) => {
    const current = await postingOwner(request, reply);
    if (!current) return reply;
    const form = (request.body ?? {}) as Form;
    const outcome = await secondFactors.removeTotp(
      current.user,
      { password: text(form.current_pass), code: text(form.code) },
      request.ip,
      '/user/{uid}/security/totp/remove',
    );
    if (typeof outcome === 'object') {
      reply.header('retry-after', String(outcome.retryAfter));
      return showSecurity(request, reply, current, 429, { error: T.flood });
    }
    if (outcome === 'refused') return showSecurity(request, reply, current, 401, { error: T.notProved });
    return reply.redirect(`${base(current.user.uid)}?done=removed`, 303);
  });

  app.post<UidParams>('/user/:id/security/recovery-codes', { config: PUBLIC }, async (request, reply) => {
    const current = await postingOwner(request, reply);
    if (!current) return reply;
    const codes = await secondFactors.regenerateRecoveryCodes(current.user, request.ip, '/user/{uid}/security/recovery-codes');
    if (!codes) return reply.redirect(base(current.user.uid), 303);
    web.reveal.keep(reply, current.session.digest, codes);
    return reply.redirect(recoveryCodesPath(current.user.uid, base(current.user.uid)), 303);
  });

  app.get<UidParams>('/user/:id/security/recovery-codes', { config: PUBLIC }, async (request, reply) => {
    const current = await owner(request, reply, 'GET');
    if (!current) return reply;
    const codes = web.reveal.take(request, reply, current.session.digest);
    if (!codes) return reply.redirect(`${base(current.user.uid)}?done=gone`, 302);
    const destination = safeDestination((request.query as Form).destination);
    return sendPage(reply, 200, recoveryCodesPage({ codes, continueHref: destination, language: current.user.preferredLangcode }));
  });
}
