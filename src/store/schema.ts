// Table typings for Kysely. Booleans are integers 0/1 and lists are JSON text on both engines,
// so one store implementation serves SQLite and PostgreSQL alike.
import type { Generated } from 'kysely';

export interface UsersTable {
  uid: Generated<number>;
  uuid: string;
  name: string;
  /** lower-cased name: Drupal user names are unique regardless of case */
  name_key: string;
  mail: string | null;
  pass_hash: string | null;
  status: number;
  langcode: string;
  preferred_langcode: string;
  preferred_admin_langcode: string | null;
  timezone: string | null;
  created: number;
  changed: number;
  access: number;
  login: number;
  init: string | null;
  /** 1: the address in `mail` was proved by a mailed link (migration 015) */
  mail_verified: Generated<number>;
  /** JSON object of the user's free-form fields (issue 14) */
  fields: Generated<string>;
}

export interface ClaimMappingsTable {
  scope: string;
  /** JSON object: claim name → literal or `$user.…` reference */
  access_token: string;
  id_token: string;
}

export interface ResourcesTable {
  uri: string;
  /** JSON list of the scopes the resource accepts */
  scopes: string;
}

export interface UserRolesTable {
  uid: number;
  role_id: string;
}

export interface RolesTable {
  id: string;
  label: string;
  permissions: string;
  is_admin: number;
  /** 1: its holders must log in with a second factor (migration 016) */
  mfa_required: number;
}

export interface ScopesTable {
  name: string;
  description: string;
  grant_types: string;
  umbrella: number;
  parent: string | null;
  granularity: string | null;
  permission: string | null;
  role: string | null;
}

export interface ClientsTable {
  client_id: string;
  label: string;
  description: string;
  secret_digest: string | null;
  confidential: number;
  grant_types: string;
  redirect_uris: string;
  scopes: string;
  authorization_code_scopes: string;
  user_id: number | null;
  /** JSON: "*" or a list of user ids */
  act_as: string;
  /** RFC 7591 name; NULL: by the client's type */
  token_endpoint_auth_method: string | null;
  pkce: number;
  automatic_authorization: number;
  remember_approval: number;
  access_token_expiration: number;
  refresh_token_expiration: number;
  refresh_family_lifetime: number;
  refresh_reuse_interval: number;
  status: number;
  created: number;
  changed: number;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  use: string;
  state: string;
  public_jwk: string;
  private_key_encrypted: string;
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
  publish_until: number | null;
}

export interface RefreshTokensTable {
  digest: string;
  family_id: string;
  client_id: string;
  user_id: number;
  scopes: string;
  issued_at: number;
  expires_at: number;
  access_jti: string;
  access_expires_at: number;
  spent_at: number | null;
  revoked_at: number | null;
  /** null only on rows written before migration 005 had filled it */
  family_started_at: number | null;
  successor_sealed: string | null;
  reuse_until: number | null;
  /** the resource indicator (RFC 8707) the family was granted for */
  resource: string | null;
}

export interface ReissuedAccessTokensTable {
  jti: string;
  family_id: string;
  expires_at: number;
}

export interface RevocationsTable {
  id: Generated<number>;
  kind: string;
  subject: string;
  at: number;
  expires_at: number;
}

export interface FloodTable {
  id: Generated<number>;
  event: string;
  identifier: string;
  timestamp: number;
  expiration: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  event: string;
  outcome: string;
  user_id: number | null;
  client_id: string | null;
  ip: string | null;
  endpoint: string | null;
  detail: string | null;
}

export interface SessionsTable {
  digest: string;
  user_id: number;
  created_at: number;
  auth_time: number;
  expires_at: number;
  /** JSON list of RFC 8176 method references: how the session was authenticated (migration 016) */
  amr: string;
}

export interface AuthorizationCodesTable {
  digest: string;
  client_id: string;
  user_id: number;
  redirect_uri: string;
  redirect_uri_given: number;
  scopes: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  nonce: string | null;
  auth_time: number;
  issued_at: number;
  issued_ms: number | null;
  expires_at: number;
  used_at: number | null;
  family_id: string | null;
  access_jti: string | null;
  access_expires_at: number | null;
  /** JSON of the claims request (OIDC Core §5.5), issue 14 */
  claims: string | null;
  /** the resource indicator (RFC 8707) the code was granted for */
  resource: string | null;
  /** JSON list: the amr of the session that authorized it (migration 016); NULL before */
  amr: string | null;
}

export interface ConsentsTable {
  user_id: number;
  client_id: string;
  scopes: string;
  granted_at: number;
}

/** SQLite's change feed: one row per topic, bumped by every write others must see (PostgreSQL uses NOTIFY) */
export interface ChangeVersionsTable {
  topic: string;
  version: number;
}

/** gate routes (issue 12): the route as JSON, in the operator's order */
export interface GateRoutesTable {
  name: string;
  position: number;
  definition: string;
}

/** Per-user API keys: the keyed digest of the whole key, never the key (migration 011) */
export interface ApiKeysTable {
  id: string;
  user_id: number;
  label: string;
  digest: string;
  /** JSON list */
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

/** Mails waiting to be sent, being sent, sent or given up (migration 015). */
export interface MailOutboxTable {
  id: Generated<number>;
  recipient: string;
  subject: string;
  text: string;
  html: string | null;
  created_at: number;
  attempts: number;
  /** seconds; NULL once sent or given up */
  next_attempt_at: number | null;
  last_error: string | null;
  sent_at: number | null;
}

/** One-time tokens mailed to users (mail verification), by keyed digest (migration 015). */
export interface UserTokensTable {
  digest: string;
  purpose: string;
  user_id: number;
  mail: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

/** secrets held for the console's one view after a redirect (017_shown_once) */
export interface ShownOnceTable {
  digest: string;
  session_digest: string;
  sealed: string;
  expires_at: number;
}

/** RFC 8628 device authorizations (013_device_codes) */
export interface DeviceCodesTable {
  device_digest: string;
  user_code_digest: string;
  client_id: string;
  scopes: string;
  status: string;
  user_id: number | null;
  auth_time: number | null;
  /** JSON list: the amr of the session that approved it (migration 016) */
  amr: string | null;
  poll_interval: number;
  issued_ms: number;
  expires_at: number;
}

/** the registration policy of RFC 7591 clients: one row, id 1 (013_client_registration) */
export interface RegistrationPolicyTable {
  id: number;
  policy: string;
}

/** initial access tokens for RFC 7591 registration (013_client_registration) */
export interface InitialAccessTokensTable {
  digest: string;
  created_at: number;
  expires_at: number | null;
  max_uses: number | null;
  uses: number;
}

/** dynamically registered clients (013_client_registration) */
export interface ClientRegistrationsTable {
  client_id: string;
  access_digest: string;
  metadata: string;
  registered_at: number;
  expires_at: number | null;
}

/** WebAuthn passkeys users registered (migration 019) */
export interface WebauthnCredentialsTable {
  id: string;
  user_id: number;
  public_key: string;
  counter: number;
  transports: string;
  device_type: string;
  backed_up: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

/** WebAuthn ceremony challenges, by the digest of the browser's handle (migration 019) */
export interface WebauthnChallengesTable {
  handle_digest: string;
  purpose: string;
  user_id: number | null;
  challenge: string;
  expires_at: number;
}

/** TOTP secrets (RFC 6238), sealed; confirmed by a first code (migration 016) */
export interface TotpSecretsTable {
  user_id: number;
  sealed_secret: string;
  created_at: number;
  confirmed_at: number | null;
  last_step: number | null;
}

/** recovery codes by keyed digest, each usable once (migration 016) */
export interface RecoveryCodesTable {
  user_id: number;
  digest: string;
  created_at: number;
  used_at: number | null;
}

/** logins whose password was right, waiting for the second factor (migration 016) */
export interface PendingLoginsTable {
  digest: string;
  user_id: number;
  amr: string;
  destination: string;
  created_at: number;
  expires_at: number;
}

export interface Database {
  sessions: SessionsTable;
  authorization_codes: AuthorizationCodesTable;
  consents: ConsentsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  roles: RolesTable;
  scopes: ScopesTable;
  clients: ClientsTable;
  signing_keys: SigningKeysTable;
  refresh_tokens: RefreshTokensTable;
  reissued_access_tokens: ReissuedAccessTokensTable;
  revocations: RevocationsTable;
  flood: FloodTable;
  audit_log: AuditLogTable;
  change_versions: ChangeVersionsTable;
  gate_routes: GateRoutesTable;
  api_keys: ApiKeysTable;
  mail_outbox: MailOutboxTable;
  user_tokens: UserTokensTable;
  shown_once: ShownOnceTable;
  device_codes: DeviceCodesTable;
  registration_policy: RegistrationPolicyTable;
  initial_access_tokens: InitialAccessTokensTable;
  client_registrations: ClientRegistrationsTable;
  claim_mappings: ClaimMappingsTable;
  resources: ResourcesTable;
  webauthn_credentials: WebauthnCredentialsTable;
  webauthn_challenges: WebauthnChallengesTable;
  totp_secrets: TotpSecretsTable;
  recovery_codes: RecoveryCodesTable;
  pending_logins: PendingLoginsTable;
}
