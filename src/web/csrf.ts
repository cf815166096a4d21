// CSRF tokens for every form (OWASP's signed double-submit, bound to the session): a logged-in
// form carries an HMAC of the login session's cookie, an anonymous one (the login form) an HMAC of
// a random nonce cookie that is dropped at login. A page from another origin can neither read the
// cookies nor forge the HMAC, and a token learnt before login, or in another session, is refused.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual, deriveKey, keyedDigest, randomToken } from '../crypto/secrets.js';
import type { WebCookies } from './web-cookies.js';

export const CSRF_FIELD = 'csrf_token';

/** randomToken(32): what both cookies hold */
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

export class Csrf {
  /** the form field every form carries its token in */
  readonly field = CSRF_FIELD;
  private readonly key: Buffer;

  constructor(
    masterSecret: string,
    private readonly cookies: WebCookies,
  ) {
    this.key = deriveKey(masterSecret, 'csrf');
  }

  /** The token to put in a form, setting the nonce cookie when an anonymous browser has none yet. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    const bound = this.binding(request);
    if (bound) return bound;
    const nonce = randomToken(32);
    reply.setCookie(this.cookies.csrf, nonce, this.cookies.attributes());
    // the same request may render several forms: they must all carry the same token
    request.cookies[this.cookies.csrf] = nonce;
    return this.binding(request)!;
  }

  verify(request: FastifyRequest, submitted: unknown): boolean {
    const expected = this.binding(request);
    if (!expected || typeof submitted !== 'string') return false;
    return constantTimeEqual(expected, submitted);
  }

  /** At login the anonymous nonce is dropped: nothing learnt before login outlives it. */
  forgetNonce(request: FastifyRequest, reply: FastifyReply): void {
    if (request.cookies[this.cookies.csrf] === undefined) return;
    reply.clearCookie(this.cookies.csrf, this.cookies.attributes());
  }

  /** The token this request's cookies stand for: the session's when logged in, else the nonce's. */
  private binding(request: FastifyRequest): string | null {
    const session = request.cookies[this.cookies.session];
    if (session !== undefined && COOKIE_VALUE.test(session)) return keyedDigest(this.key, `session:${session}`);
    const nonce = request.cookies[this.cookies.csrf];
    if (nonce !== undefined && COOKIE_VALUE.test(nonce)) return keyedDigest(this.key, `anonymous:${nonce}`);
    return null;
  }
}
