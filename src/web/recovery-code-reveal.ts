// Recovery codes are shown once, after a redirect (PRG): the POST that makes them puts them in a
// short-lived cookie, sealed (AES-256-GCM under a subkey of GATEHOUSE_SECRET) and bound to the
// session, and the page that shows them clears it. The database only ever holds their digests.
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TokenSealer } from '../crypto/token-sealing.js';
import type { WebCookies } from './web-cookies.js';

/** seconds the sealed codes wait for their page */
const REVEAL_TTL = 300;

export class RecoveryCodeReveal {
  private readonly sealer: TokenSealer;

  constructor(
    masterSecret: string,
    private readonly cookies: WebCookies,
  ) {
    this.sealer = new TokenSealer(masterSecret, 'recovery-code-reveal');
  }

  /** Keeps `codes` for the next page of the session `sessionDigest`. */
  keep(reply: FastifyReply, sessionDigest: string, codes: string[]): void {
    reply.setCookie(this.cookies.reveal, this.sealer.seal(JSON.stringify(codes), sessionDigest), this.cookies.attributes(REVEAL_TTL));
  }

  /** The codes kept for this session, once: the cookie is cleared. Null when there are none. */
  take(request: FastifyRequest, reply: FastifyReply, sessionDigest: string): string[] | null {
    const sealed = request.cookies[this.cookies.reveal];
    if (sealed === undefined) return null;
    reply.clearCookie(this.cookies.reveal, this.cookies.attributes());
    const opened = sealed.length <= 4096 ? this.sealer.open(sealed, sessionDigest) : null;
    if (opened === null) return null;
    try {
      const codes: unknown = JSON.parse(opened);
      return Array.isArray(codes) && codes.every((c) => typeof c === 'string') ? (codes as string[]) : null;
    } catch {
      return null;
    }
  }
}
