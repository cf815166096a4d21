// Dynamic client registration (RFC 7591/7592): the operator's policy, initial access tokens and
// the registration of each registered client. Tokens are kept only as digests.
import type { RegistrationPolicy } from '../../domain/registration-policy.js';

export interface InitialAccessTokenRow {
  digest: string;
  /** seconds */
  createdAt: number;
  /** seconds; null: never expires */
  expiresAt: number | null;
  /** null: any number of registrations */
  maxUses: number | null;
  uses: number;
}

/** RFC 7591 client metadata as registered (redirect_uris, grant_types, client_name, …). */
export type ClientMetadata = Record<string, unknown>;

export interface ClientRegistrationRow {
  clientId: string;
  /** digest of the registration access token (RFC 7592 §3) */
  accessDigest: string;
  metadata: ClientMetadata;
  /** seconds */
  registeredAt: number;
  /** seconds; null: until deleted */
  expiresAt: number | null;
}

export interface RegistrationRepository {
  /** the stored policy; null: none set (the default applies) */
  policy(): Promise<RegistrationPolicy | null>;
  setPolicy(policy: RegistrationPolicy): Promise<void>;
  createInitialToken(row: InitialAccessTokenRow): Promise<void>;
  findInitialToken(digest: string): Promise<InitialAccessTokenRow | null>;
  /**
   * Counts one registration against the token, only if it is unexpired at `now` (seconds) and
   * has uses left: one conditional UPDATE, so N registrations at once never exceed max uses.
   */
  spendInitialToken(digest: string, now: number): Promise<boolean>;
  insert(row: ClientRegistrationRow): Promise<void>;
  get(clientId: string): Promise<ClientRegistrationRow | null>;
  /** the ids of every registered client */
  clientIds(): Promise<string[]>;
  updateMetadata(clientId: string, metadata: ClientMetadata): Promise<void>;
  delete(clientId: string): Promise<void>;
  /** up to `limit` registered clients whose lifetime ended before `now` (seconds) */
  expired(now: number, limit: number): Promise<string[]>;
}
