// CSRF tokens for every form: an HMAC of a random per-browser nonce kept in an HttpOnly cookie
// (OWASP's signed double-submit). A page from another origin can neither read the cookie nor
// forge the token.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { constantTimeEqual, deriveKey, keyedDigest, randomToken } from '../crypto/secrets.js';

export const CSRF_COOKIE = 'gh_csrf';
export const CSRF_FIELD = 'csrf_token';

export class Csrf {
  private readonly key: Buffer;

  constructor(
    masterSecret: string,
    private readonly secureCookies: boolean,
  ) {
    this.key = deriveKey(masterSecret, 'csrf');
  }

  /** The token to put in a form, setting the nonce cookie when the browser has none yet. */
  token(request: FastifyRequest, reply: FastifyReply): string {
    let nonce = request.cookies[CSRF_COOKIE];
    if (!nonce || !/^[A-Za-z0-9_-]{43}$/.test(nonce)) {
      nonce = randomToken(32);
      reply.setCookie(CSRF_COOKIE, nonce, { path: '/', httpOnly: true, sameSite: 'lax', secure: this.secureCookies });
      // the same request may render several forms: they must all carry the same token
      request.cookies[CSRF_COOKIE] = nonce;
    }
    return keyedDigest(this.key, nonce);
  }

  verify(request: FastifyRequest, submitted: unknown): boolean {
    const nonce = request.cookies[CSRF_COOKIE];
    if (!nonce || typeof submitted !== 'string') return false;
    return constantTimeEqual(keyedDigest(this.key, nonce), submitted);
  }
}
