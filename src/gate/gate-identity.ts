// The identity headers the gate hands an upstream (issue 12 part 2): the facts as plain headers,
// and the same facts in X-Gatehouse-Identity, a JWT signed with the current access-token signing
// key (ES256 unless configured otherwise; verifiable with /oauth/jwks), `aud` = the route name, 60 s,
// so an upstream can trust them without trusting the network. A signed identity is reused for
// half its life per (credential facts, route), so the hot path does not sign on every request.
import type { Clock } from '../clock.js';
import { nowSeconds } from '../clock.js';
import { signJwt } from '../crypto/jwt.js';
import type { KeyRing } from '../crypto/keys.js';
import type { GateRoute } from '../domain/gate-route.js';
import type { GateIdentity } from './credential-method.js';

export const IDENTITY_TYP = 'gatehouse-identity+jwt';
export const IDENTITY_TTL_SECONDS = 60;
/** a cached identity JWT is handed out while it has at least this long to live */
const REUSE_MIN_SECONDS = 30;
const CACHE_LIMIT = 10_000;

/** Every header the gate adds, and removes when a client sends it (lower-case). */
export const IDENTITY_HEADER_PREFIX = 'x-gatehouse-';

/**
 * A header value for any text: characters outside printable ASCII, and '%' itself, as RFC 3986
 * percent-encoded UTF-8 (a user name may hold any character; a header may not).
 */
export function headerText(value: string): string {
  if (/^[\x20-\x24\x26-\x7e]*$/.test(value)) return value;
  return value.replace(/[^\x20-\x24\x26-\x7e]/gu, (c) => [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}

export interface IdentityDeps {
  keys: Pick<KeyRing, 'signingKey'>;
  clock: Clock;
  issuer: string;
}

export class IdentitySigner {
  private readonly cache = new Map<string, { jwt: string; exp: number }>();

  constructor(private readonly deps: IdentityDeps) {}

  /** The headers for `identity` on `route` (null identity: a public route, only X-Gatehouse-Route). */
  async headers(route: GateRoute, identity: GateIdentity | null): Promise<Record<string, string>> {
    if (!identity) return { 'x-gatehouse-route': route.name };
    const headers: Record<string, string> = {
      'x-gatehouse-user-id': String(identity.uid),
      'x-gatehouse-user-name': headerText(identity.userName),
      'x-gatehouse-scopes': identity.scopes.join(' '),
      'x-gatehouse-auth-method': identity.method,
      'x-gatehouse-route': route.name,
      'x-gatehouse-identity': await this.jwt(route, identity),
    };
    if (identity.clientId !== null) headers['x-gatehouse-client-id'] = headerText(identity.clientId);
    return headers;
  }

  private async jwt(route: GateRoute, identity: GateIdentity): Promise<string> {
    const now = nowSeconds(this.deps.clock);
    const key = [route.name, identity.method, identity.uid, identity.userName, identity.clientId ?? '', identity.scopes.join(' ')].join('\u0000');
    const cached = this.cache.get(key);
    if (cached && cached.exp - now >= REUSE_MIN_SECONDS) return cached.jwt;
    const exp = now + IDENTITY_TTL_SECONDS;
    const claims: Record<string, unknown> = {
      iss: this.deps.issuer,
      sub: String(identity.uid),
      aud: route.name,
      iat: now,
      exp,
      name: identity.userName,
      scope: identity.scopes.join(' '),
      auth_method: identity.method,
    };
    if (identity.clientId !== null) claims.client_id = identity.clientId;
    const jwt = await signJwt(this.deps.keys.signingKey('access'), IDENTITY_TYP, claims);
    if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, { jwt, exp });
    return jwt;
  }
}
