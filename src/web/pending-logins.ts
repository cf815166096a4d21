// Logins between the password and the second factor: the browser holds a random id in an
// HttpOnly cookie, the store its digest, for ten minutes. No session exists until the factor is
// passed (src/web/login-completion.ts); the pending login then ends, so it completes once.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { randomToken, tokenDigest } from '../crypto/secrets.js';
import type { User } from '../domain/user.js';
import type { PendingLoginRow, Store } from '../store/store.js';
import type { WebCookies } from './web-cookies.js';

/** seconds: long enough to find the phone, or to scan a QR code at a first enrolment */
export const PENDING_LOGIN_TTL = 600;

export interface PendingLogin {
  row: PendingLoginRow;
  user: User;
}

export class PendingLogins {
  constructor(
    private readonly store: Pick<Store, 'pendingLogins' | 'users'>,
    private readonly clock: Clock,
    private readonly cookies: WebCookies,
  ) {}

  async start(request: FastifyRequest, reply: FastifyReply, user: User, amr: string[], destination: string): Promise<void> {
    await this.end(request, reply);
    const id = randomToken(32);
    const now = nowSeconds(this.clock);
    await this.store.pendingLogins.insert({ digest: tokenDigest(id), userId: user.uid, amr, destination, createdAt: now, expiresAt: now + PENDING_LOGIN_TTL });
    reply.setCookie(this.cookies.pending, id, this.cookies.attributes(PENDING_LOGIN_TTL));
  }

  /** This browser's pending login, if live and its account still active. */
  async current(request: FastifyRequest): Promise<PendingLogin | null> {
    const id = request.cookies[this.cookies.pending];
    if (!id || id.length > 128) return null;
    const row = await this.store.pendingLogins.get(tokenDigest(id));
    if (!row || row.expiresAt <= nowSeconds(this.clock)) return null;
    const user = await this.store.users.findById(row.userId);
    if (!user?.status) return null;
    return { row, user };
  }

  /** Ends this browser's pending login; true when there was one to end (a login completes once). */
  async end(request: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const id = request.cookies[this.cookies.pending];
    if (id === undefined) return false;
    reply.clearCookie(this.cookies.pending, this.cookies.attributes());
    return id.length <= 128 && (await this.store.pendingLogins.delete(tokenDigest(id)));
  }
}
