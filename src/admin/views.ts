// What the surfaces (admin API, CLI) show of stored things: never a secret digest or a password hash.
import type { Client } from '../domain/client.js';
import type { User } from '../domain/user.js';
import type { RefreshTokenRow, SigningKeyRow } from '../store/store.js';

export function clientView(client: Client): Omit<Client, 'secretDigest'> {
  const { secretDigest: _secret, ...shown } = client;
  return shown;
}

export function userView(user: User): Omit<User, 'passHash' | 'init' | 'preferredLangcode' | 'preferredAdminLangcode' | 'langcode'> {
  const { passHash: _hash, init: _init, preferredLangcode: _p, preferredAdminLangcode: _a, langcode: _l, ...shown } = user;
  return shown;
}

export function grantView(row: RefreshTokenRow) {
  return { id: row.familyId, userId: row.userId, clientId: row.clientId, scopes: row.scopes, lastIssuedAt: row.issuedAt, expiresAt: row.expiresAt };
}

export function keyView(key: SigningKeyRow) {
  return {
    kid: key.kid,
    alg: key.alg,
    use: key.use,
    state: key.state,
    createdAt: key.createdAt,
    activatedAt: key.activatedAt,
    retiredAt: key.retiredAt,
    publishUntil: key.publishUntil,
  };
}
