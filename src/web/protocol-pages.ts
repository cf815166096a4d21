// The pages the protocol layer shows without knowing them: the authorization endpoint's
// (src/oauth/interaction.ts) and RP-initiated logout's (src/oidc/end-session.ts), rendered from
// pages.ts. Handed to them by the composition root as part of `services.web`.
import type { FastifyReply } from 'fastify';
import { randomToken } from '../crypto/secrets.js';
import type { AuthorizationPages } from '../oauth/interaction.js';
import type { LogoutPages } from '../oidc/end-session.js';
import { sendPage } from './page-reply.js';
import { consentPage, errorPage, formPostPage, logoutPage, messagePage } from './pages.js';

export const protocolPages: AuthorizationPages & LogoutPages = {
  error: (reply, status, title, message) => sendPage(reply, status, errorPage(title, message)),
  consent: (reply, view) => sendPage(reply, 200, consentPage(view)),
  formPost(reply: FastifyReply, action, fields) {
    // the one inline script Gatehouse sends, allowed by a nonce made for this page alone
    const nonce = randomToken(16);
    return sendPage(reply, 200, formPostPage(action, fields, nonce), { scriptNonce: nonce });
  },
  logout: (reply, view) => sendPage(reply, 200, logoutPage(view)),
  loggedOut: (reply) => sendPage(reply, 200, messagePage('logout.done.title', 'logout.done')),
};
