// A secret made by a console POST (client secret, API key, generated password) is shown on the
// GET the POST redirects to, once: held server-side under a one-time id for ten minutes, sealed
// with the login session's cookie (src/crypto/shown-once-sealing.ts), taken by the first view. A
// reload, another session, a later visit or a copy of the URL find nothing; the URL carries only
// the id, never the secret.
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { randomToken, tokenDigest } from '../crypto/secrets.js';
import type { ShownOnceSealer } from '../crypto/shown-once-sealing.js';
import type { Store } from '../store/store.js';
import type { WebCookies } from './web-cookies.js';

/** Seconds a held secret waits for its view. */
export const SHOWN_ONCE_TTL = 600;

/** randomToken(24) */
const ID = /^[A-Za-z0-9_-]{32}$/;

export class ShownOnce {
  constructor(
    private readonly store: Pick<Store, 'shownOnce'>,
    private readonly clock: Clock,
    private readonly cookies: WebCookies,
    private readonly sealer: ShownOnceSealer,
  ) {}

  /** Holds `value` (JSON) for one view in this request's session; the id to redirect with, or null without a session. */
  async hold(request: FastifyRequest, value: unknown): Promise<string | null> {
    const session = request.cookies[this.cookies.session];
    if (!session) return null;
    const id = randomToken(24);
    const digest = tokenDigest(id);
    await this.store.shownOnce.insert({
      digest,
      sessionDigest: tokenDigest(session),
      sealed: this.sealer.seal(JSON.stringify(value), session, digest),
      expiresAt: nowSeconds(this.clock) + SHOWN_ONCE_TTL,
    });
    return id;
  }

  /** What was held under `id` for this session — gone afterwards — or null. */
  async take(request: FastifyRequest, id: unknown): Promise<unknown> {
    const session = request.cookies[this.cookies.session];
    if (!session || typeof id !== 'string' || !ID.test(id)) return null;
    const digest = tokenDigest(id);
    const row = await this.store.shownOnce.take(digest, tokenDigest(session), nowSeconds(this.clock));
    const plain = row ? this.sealer.open(row.sealed, session, digest) : null;
    return plain === null ? null : (JSON.parse(plain) as unknown);
  }
}
