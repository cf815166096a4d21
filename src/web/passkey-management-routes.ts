// /user/{uid}/passkeys: a user's own passkeys — listed, added (named), renamed, removed. Login
// required; another user's page is refused (403), an administrator's reset included (that is
// the console's "reset factors"). Every form carries a CSRF token and redirects after success.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PasskeyFailure } from '../accounts/passkeys/passkey-failure.js';
import { registerPasskey, registrationOptions } from '../accounts/passkeys/passkey-registration.js';
import { passkeyName } from '../domain/passkey-name.js';
import { parseUid, type User } from '../domain/user.js';
import { noStore } from '../http/reply-helpers.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { CSRF_FIELD } from './csrf.js';
import { sendPage, themeOf } from './page-reply.js';
import type { Text } from './page-view.js';
import { endCeremony, jsonRefusal, keepCeremony, PASSKEY_FAILURE_STATUS } from './passkey-ceremony.js';
import { PASSKEY_NOTICES, passkeyFailureText, passkeysPage } from './passkey-pages.js';
import { errorPage } from './pages.js';

type Form = Record<string, unknown>;
// :id as Drupal's /user/:id (Fastify keeps one name per path segment); :passkeyId the credential
type Params = { id: string; passkeyId?: string };

/** What a passkey is called when its user names it not: in their language. */
function defaultName(request: FastifyRequest, reply: FastifyReply, user: User): string {
  const theme = themeOf(reply);
  return theme.text(theme.language(request.headers['accept-language'], user.preferredLangcode), 'passkeys.default_name');
}

export async function passkeyManagementRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const { services } = options;
  const { web } = services;
  const store = services.passkeys.store;

  /** The page's owner, logged in; otherwise the answer is sent and null returned. */
  async function owner(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, answer: 'page' | 'json'): Promise<User | null> {
    const uid = parseUid(request.params.id);
    if (uid === null) {
      if (answer === 'json') jsonRefusal(reply, 404, 'not_found', 'passkeys.error.no_such_user');
      else sendPage(reply, 404, errorPage('error.not_found', 'passkeys.error.no_such_user'));
      return null;
    }
    const current = await web.sessions.current(request);
    if (!current) {
      if (answer === 'json') jsonRefusal(reply, 401, 'login_required', 'passkeys.error.login_required');
      else reply.redirect(`/user/login?${new URLSearchParams({ destination: `/user/${uid}/passkeys` })}`, request.method === 'GET' ? 302 : 303);
      return null;
    }
    if (uid !== current.user.uid) {
      if (answer === 'json') jsonRefusal(reply, 403, 'forbidden', 'passkeys.error.forbidden');
      else sendPage(reply, 403, errorPage('error.access_denied', 'passkeys.error.forbidden', current.user.preferredLangcode));
      return null;
    }
    return current.user;
  }

  async function showPage(
    request: FastifyRequest,
    reply: FastifyReply,
    user: User,
    status: number,
    extra: { notice?: Text; error?: Text; name?: string } = {},
  ) {
    const passkeys = await store.webauthnCredentials.listByUser(user.uid);
    return sendPage(
      reply,
      status,
      passkeysPage({
        uid: user.uid,
        userName: user.name,
        csrf: web.csrf.token(request, reply),
        passkeys,
        language: user.preferredLangcode,
        ...extra,
      }),
      {
        ownScripts: true,
      },
    );
  }

  /** The owner of a form that passed its CSRF check; otherwise the answer is sent and null returned. */
  async function formOwner(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply): Promise<User | null> {
    const user = await owner(request, reply, 'page');
    if (!user) return null;
    if (!web.csrf.verify(request, ((request.body ?? {}) as Form)[CSRF_FIELD])) {
      await showPage(request, reply, user, 403, { error: 'form.expired' });
      return null;
    }
    return user;
  }

  const audit = (request: FastifyRequest, user: User, event: string, outcome: 'success' | 'failure', detail: string | null) =>
    services.audit.record({ event, outcome, userId: user.uid, clientId: null, ip: request.ip, endpoint: '/user/{uid}/passkeys', detail });

  app.get<{ Params: Params }>('/user/:id/passkeys', { config: PUBLIC }, async (request, reply) => {
    const user = await owner(request, reply, 'page');
    if (!user) return reply;
    const done = (request.query as Form).done;
    return showPage(request, reply, user, 200, {
      notice: typeof done === 'string' && Object.hasOwn(PASSKEY_NOTICES, done) ? PASSKEY_NOTICES[done] : undefined,
    });
  });

  app.post<{ Params: Params }>('/user/:id/passkeys/options', { config: PUBLIC }, async (request, reply) => {
    const user = await owner(request, reply, 'json');
    if (!user) return reply;
    if (!web.csrf.verify(request, ((request.body ?? {}) as Form)[CSRF_FIELD])) return jsonRefusal(reply, 403, 'invalid_csrf', 'form.expired');
    const { options: creationOptions, handle } = await registrationOptions(services.passkeys, user);
    keepCeremony(reply, web.cookies, handle);
    return noStore(reply).send(creationOptions);
  });

  app.post<{ Params: Params }>('/user/:id/passkeys', { config: PUBLIC }, async (request, reply) => {
    const handle = endCeremony(request, reply, web.cookies);
    const user = await formOwner(request, reply);
    if (!user) return reply;
    const form = (request.body ?? {}) as Form;
    const name = passkeyName(form.name, defaultName(request, reply, user));
    if (name === null) return showPage(request, reply, user, 400, { error: 'passkeys.error.bad_name' });
    try {
      await registerPasskey(services.passkeys, user, handle, form.credential, name);
    } catch (error) {
      if (!(error instanceof PasskeyFailure)) throw error;
      audit(request, user, 'passkey.added', 'failure', error.reason);
      return showPage(request, reply, user, PASSKEY_FAILURE_STATUS[error.reason], { error: passkeyFailureText(error.reason), name });
    }
    audit(request, user, 'passkey.added', 'success', null);
    return reply.redirect(`/user/${user.uid}/passkeys?done=added`, 303);
  });

  app.post<{ Params: Params }>('/user/:id/passkeys/:passkeyId/rename', { config: PUBLIC }, async (request, reply) => {
    const user = await formOwner(request, reply);
    if (!user) return reply;
    const name = passkeyName(((request.body ?? {}) as Form).name, defaultName(request, reply, user));
    if (name === null) return showPage(request, reply, user, 400, { error: 'passkeys.error.bad_name' });
    if (!(await store.webauthnCredentials.rename(user.uid, request.params.passkeyId ?? '', name)))
      return showPage(request, reply, user, 404, { error: 'passkeys.error.not_found' });
    audit(request, user, 'passkey.renamed', 'success', null);
    return reply.redirect(`/user/${user.uid}/passkeys?done=renamed`, 303);
  });

  app.post<{ Params: Params }>('/user/:id/passkeys/:passkeyId/delete', { config: PUBLIC }, async (request, reply) => {
    const user = await formOwner(request, reply);
    if (!user) return reply;
    if (!(await store.webauthnCredentials.delete(user.uid, request.params.passkeyId ?? '')))
      return showPage(request, reply, user, 404, { error: 'passkeys.error.not_found' });
    audit(request, user, 'passkey.removed', 'success', null);
    return reply.redirect(`/user/${user.uid}/passkeys?done=removed`, 303);
  });
}
