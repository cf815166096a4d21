// This instance's in-memory view of what is revoked and who is blocked, kept fresh by following
// the store's append-only revocation feed, so the guard never waits on the database.
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import type { RevocationRow, Store } from '../store/store.js';

export interface TokenIdentity {
  jti: string;
  sub: string;
  clientId: string;
  /** when it was issued, ms */
  issuedMs: number;
}

export class RevocationView {
  private lastId = 0;
  private readonly jtis = new Map<string, number>();
  /** subject → revoked-at (ms) and when that revocation stops mattering (s) */
  private readonly users = new Map<string, { at: number; expiresAt: number }>();
  private readonly clients = new Map<string, { at: number; expiresAt: number }>();
  /** "uid:clientId" → revoked-at: one user's tokens through one client (an app revoked at /user/apps) */
  private readonly grants = new Map<string, { at: number; expiresAt: number }>();
  private blocked = new Set<number>();
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> | null = null;
  /** the read queued behind the one under way */
  private again: Promise<void> | null = null;

  constructor(
    /** the database itself, not a cache: a user blocked elsewhere must read as blocked */
    private readonly store: Pick<Store, 'revocations' | 'users'>,
    private readonly clock: Clock,
    private readonly log: Pick<FastifyBaseLogger, 'warn'>,
  ) {}

  async start(pollMs: number): Promise<void> {
    const now = nowSeconds(this.clock);
    const [latest, rows, blocked] = await Promise.all([this.store.revocations.latestId(), this.store.revocations.active(now), this.store.users.blockedIds()]);
    this.blocked = new Set(blocked);
    for (const row of rows) this.applyRow(row);
    this.lastId = Math.max(latest, ...rows.map((r) => r.id));
    this.timer = setInterval(() => void this.refresh(), pollMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** How often to poll the feed: often when polling is all there is, rarely behind notifications. */
  setPollInterval(pollMs: number): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => void this.refresh(), pollMs);
    this.timer.unref();
  }

  /**
   * Reads new feed rows now (also called right after this instance writes one, and when another
   * instance announces one). A read already under way may have started before the new row was
   * committed, so the caller waits for one that starts after it asked.
   */
  refresh(): Promise<void> {
    if (this.polling) {
      this.again ??= this.polling.then(() => {
        this.again = null;
        return this.refresh();
      });
      return this.again;
    }
    this.polling = this.poll().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async poll(): Promise<void> {
    try {
      for (;;) {
        const rows = await this.store.revocations.since(this.lastId, 1000);
        const userIds = new Set<number>();
        for (const row of rows) {
          this.applyRow(row);
          if (row.kind === 'user') userIds.add(Number(row.subject));
          this.lastId = Math.max(this.lastId, row.id);
        }
        for (const uid of userIds) {
          const user = await this.store.users.findById(uid);
          if (user && !user.status) this.blocked.add(uid);
          else this.blocked.delete(uid);
        }
        if (rows.length < 1000) break;
      }
      this.prune();
    } catch (error) {
      this.log.warn({ err: error }, 'revocation feed poll failed; will retry');
    }
  }

  private applyRow(row: RevocationRow): void {
    const entry = { at: row.at, expiresAt: row.expiresAt };
    if (row.kind === 'jti') this.jtis.set(row.subject, row.expiresAt);
    else if (row.kind === 'user') this.users.set(row.subject, maxEntry(this.users.get(row.subject), entry));
    else if (row.kind === 'grant') this.grants.set(row.subject, maxEntry(this.grants.get(row.subject), entry));
    else this.clients.set(row.subject, maxEntry(this.clients.get(row.subject), entry));
  }

  private prune(): void {
    const now = nowSeconds(this.clock);
    for (const map of [this.users, this.clients, this.grants]) for (const [k, v] of map) if (v.expiresAt <= now) map.delete(k);
    for (const [k, exp] of this.jtis) if (exp <= now) this.jtis.delete(k);
  }

  isBlocked(uid: number): boolean {
    return this.blocked.has(uid);
  }

  /** Is this token covered by a revocation: its own jti, or its user's or client's tokens issued until then. */
  isRevoked(token: TokenIdentity): boolean {
    return this.jtis.has(token.jti) || this.grantEnded(token.sub, token.clientId, token.issuedMs);
  }

  /**
   * Was what user `sub` granted to `clientId` at `issuedMs` ended since — the user's tokens
   * revoked (new password, status or roles; "revoke all"), the client's, or the user's through
   * that client. Both times are ms, so a revocation in the same second still counts.
   */
  grantEnded(sub: string, clientId: string, issuedMs: number): boolean {
    const user = this.users.get(sub);
    if (user && issuedMs <= user.at) return true;
    const client = this.clients.get(clientId);
    if (client && issuedMs <= client.at) return true;
    const grant = this.grants.get(`${sub}:${clientId}`);
    return grant !== undefined && issuedMs <= grant.at;
  }
}

function maxEntry(a: { at: number; expiresAt: number } | undefined, b: { at: number; expiresAt: number }): { at: number; expiresAt: number } {
  if (!a) return b;
  return { at: Math.max(a.at, b.at), expiresAt: Math.max(a.expiresAt, b.expiresAt) };
}
