// Passwordless login with a passkey (issue 13 part 6): POST /user/login/passkey/options hands the
// login page's script a discoverable-credential request and keeps its challenge server-side; POST
// /user/login/passkey checks the answer and logs in whoever the passkey belongs to, as the password
// form does. Also the two same-origin scripts the passkey forms run.
import type { FastifyInstance } from 'fastify';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PasskeyFailure } from '../accounts/passkeys/passkey-failure.js';
import { loginOptions, verifyPasskeyLogin } from '../accounts/passkeys/passkey-login.js';
import { noStore } from '../http/reply-helpers.js';
import { PUBLIC } from '../resource/route-access.js';
import type { Services } from '../services.js';
import { CSRF_FIELD } from './csrf.js';
import { safeDestination } from './destination.js';
import { completeLogin } from './login-completion.js';
import { loginTooManyRequests, sendLoginPage } from './login-routes.js';
import { endCeremony, jsonRefusal, keepCeremony, PASSKEY_FAILURE_STATUS } from './passkey-ceremony.js';
import { passkeyFailureText } from './passkey-pages.js';
import { PASSKEYS_SCRIPT } from './passkeys-script.js';

type Form = Record<string, unknown>;

/** @simplewebauthn/browser's UMD bundle (it defines window.SimpleWebAuthnBrowser), read once. */
function browserLibrary(): Buffer {
  const entry = createRequire(import.meta.url).resolve('@simplewebauthn/browser');
  return readFileSync(join(dirname(entry), '..', 'dist', 'bundle', 'index.umd.min.js'));
}

export async function passkeyLoginRoutes(app: FastifyInstance, options: { services: Services }): Promise<void> {
  const { services } = options;
  const { web } = services;
  const library = browserLibrary();
  const rateLimited = { ...PUBLIC, rateLimited: loginTooManyRequests };

  app.get('/assets/webauthn-browser.js', { config: PUBLIC }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(library),
  );
  app.get('/assets/passkeys.js', { config: PUBLIC }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PASSKEYS_SCRIPT),
  );

  app.post('/user/login/passkey/options', { config: rateLimited }, async (request, reply) => {
    const body = (request.body ?? {}) as Form;
    if (!web.csrf.verify(request, body[CSRF_FIELD])) return jsonRefusal(reply, 403, 'invalid_csrf', 'form.expired');
    const { options: requestOptions, handle } = await loginOptions(services.passkeys);
    keepCeremony(reply, web.cookies, handle);
    return noStore(reply).send(requestOptions);
  });

  app.post('/user/login/passkey', { config: rateLimited }, async (request, reply) => {
    const form = (request.body ?? {}) as Form;
    const destination = safeDestination(form.destination);
    const handle = endCeremony(request, reply, web.cookies);
    if (!web.csrf.verify(request, form[CSRF_FIELD])) return sendLoginPage(services, request, reply, 403, destination, { error: 'form.expired' });
    try {
      const { user, amr } = await verifyPasskeyLogin(services.passkeys, handle, form.credential);
      await completeLogin(services, request, reply, user, [amr], '/user/login/passkey');
      return reply.code(303).header('cache-control', 'no-store').redirect(destination, 303);
    } catch (error) {
      if (!(error instanceof PasskeyFailure)) throw error;
      services.audit.record({
        event: 'user.login',
        outcome: 'failure',
        userId: null,
        clientId: null,
        ip: request.ip,
        endpoint: '/user/login/passkey',
        detail: `passkey ${error.reason}`,
      });
      return sendLoginPage(services, request, reply, PASSKEY_FAILURE_STATUS[error.reason], destination, { error: passkeyFailureText(error.reason) });
    }
  });
}
