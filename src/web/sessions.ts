// Server-side login sessions: the cookie holds a random id, the store its digest, so sessions are
// revocable and a database leak yields none. HttpOnly, SameSite=Lax; `__Host-`, Secure behind https.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { randomToken, tokenDigest } from '../crypto/secrets.js';
import { AMR_PASSWORD } from '../domain/authentication-method.js';
import type { User } from '../domain/user.js';
import type { SessionRow, Store } from '../store/store.js';
import type { WebCookies } from './web-cookies.js';

export interface CurrentSession {
  session: SessionRow;
  user: User;
}

export class WebSessions {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly cookies: WebCookies,
    /** seconds */
    private readonly ttl: number,
  ) {}

  /** A new session for `user`, who proved themselves with `amr` (RFC 8176 methods) just now. */
  async start(reply: FastifyReply, user: User, amr: string[] = [AMR_PASSWORD]): Promise<SessionRow> {
    const id = randomToken(32);
    const now = nowSeconds(this.clock);
    const row: SessionRow = { digest: tokenDigest(id), userId: user.uid, createdAt: now, authTime: now, expiresAt: now + this.ttl, amr };
    await this.store.sessions.insert(row);
    reply.setCookie(this.cookies.session, id, this.cookies.attributes(this.ttl));
    return row;
  }

  /** The logged-in user of this request, if the session is live and the account active. */
  async current(request: FastifyRequest): Promise<CurrentSession | null> {
    const id = request.cookies[this.cookies.session];
    if (!id || id.length > 128) return null;
    const session = await this.store.sessions.get(tokenDigest(id));
    if (!session || session.expiresAt <= nowSeconds(this.clock)) return null;
    const user = await this.store.users.findById(session.userId);
    if (!user?.status) return null;
    return { session, user };
  }

  async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const id = request.cookies[this.cookies.session];
    if (id) await this.store.sessions.delete(tokenDigest(id));
    reply.clearCookie(this.cookies.session, this.cookies.attributes());
  }
}
