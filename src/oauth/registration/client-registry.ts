// Registered clients (RFC 7591/7592): made, read, changed and deleted on behalf of whoever holds
// an initial access token (or anyone, under open registration) and then the client's registration
// access token. Secrets and tokens are 256 random bits, kept only as digests; a registered client
// is an ordinary client (consent always asked, PKCE on) plus its registration row.
import type { AuditLog } from '../../audit-log.js';
import type { Clock } from '../../clock.js';
import type { ClientSecrets } from '../../crypto/client-secret.js';
import { constantTimeEqual, randomToken, tokenDigest } from '../../crypto/secrets.js';
import { type Client, DEFAULT_ACCESS_TOKEN_EXPIRATION, DEFAULT_REFRESH_FAMILY_LIFETIME, DEFAULT_REFRESH_TOKEN_EXPIRATION } from '../../domain/client.js';
import { DEFAULT_REGISTRATION_POLICY, type RegistrationPolicy } from '../../domain/registration-policy.js';
import type { ClientRegistrationRow, StoreFor } from '../../store/store.js';
import { revokeClientTokens } from '../revocation.js';
import { type CheckedMetadata, metadataView } from './client-metadata.js';
import { RegistrationFailure } from './registration-failure.js';

export interface ClientRegistryDeps {
  store: StoreFor<'clients' | 'registrations' | 'refreshTokens' | 'revocations'>;
  secrets: ClientSecrets;
  clock: Clock;
  audit: Pick<AuditLog, 'record'>;
  revocations: { refresh(): Promise<void> };
}

export interface Registered {
  client: Client;
  metadata: Record<string, unknown>;
  /** in clear, this once */
  secret: string | null;
  registrationAccessToken: string;
  registration: ClientRegistrationRow;
}

const ENDPOINT = '/oauth/register';
const badToken = () => new RegistrationFailure('invalid_token', 'The registration access token is invalid, or the client no longer exists.');

export class ClientRegistry {
  constructor(private readonly deps: ClientRegistryDeps) {}

  async policy(): Promise<RegistrationPolicy> {
    return (await this.deps.store.registrations.policy()) ?? DEFAULT_REGISTRATION_POLICY;
  }

  /** Whether an initial access token may register a client now (it is spent by register()). */
  async initialTokenUsable(token: string): Promise<boolean> {
    const row = await this.deps.store.registrations.findInitialToken(tokenDigest(token));
    const now = this.now();
    return row !== null && (row.expiresAt === null || row.expiresAt > now) && (row.maxUses === null || row.uses < row.maxUses);
  }

  /** Registers a client; `initialToken` (when given) is spent in the same transaction. */
  async register(checked: CheckedMetadata, initialToken: string | null, ip: string): Promise<Registered> {
    const { store, secrets } = this.deps;
    const now = this.now();
    const policy = await this.policy();
    const clientId = `dyn_${randomToken(16)}`;
    const confidential = checked.tokenEndpointAuthMethod !== 'none';
    const secret = confidential ? secrets.generate() : null;
    const registrationAccessToken = randomToken(32);
    const client: Client = {
      ...this.fields(checked),
      clientId,
      description: '',
      confidential,
      secretDigest: secret === null ? null : secrets.digest(secret),
      userId: null,
      actAs: [],
      pkce: true,
      automaticAuthorization: false,
      rememberApproval: true,
      accessTokenExpiration: DEFAULT_ACCESS_TOKEN_EXPIRATION,
      refreshTokenExpiration: DEFAULT_REFRESH_TOKEN_EXPIRATION,
      refreshFamilyLifetime: DEFAULT_REFRESH_FAMILY_LIFETIME,
      refreshReuseInterval: 0,
      status: true,
      created: now,
      changed: now,
    };
    const registration: ClientRegistrationRow = {
      clientId,
      accessDigest: tokenDigest(registrationAccessToken),
      metadata: metadataView(checked),
      registeredAt: now,
      expiresAt: policy.clientLifetimeDays === null ? null : now + policy.clientLifetimeDays * 86_400,
    };
    await store.transaction(async (tx) => {
      if (initialToken !== null && !(await tx.registrations.spendInitialToken(tokenDigest(initialToken), now))) {
        throw new RegistrationFailure('invalid_token', 'The initial access token is invalid, expired or used up.');
      }
      await tx.clients.create(client);
      await tx.registrations.insert(registration);
    });
    this.audit('client.registered', clientId, ip, checked.grantTypes.join(' '));
    return { client, metadata: registration.metadata, secret, registrationAccessToken, registration };
  }

  /** The registered client the registration access token is for (RFC 7592 §2), or invalid_token. */
  async find(clientId: string, accessToken: string | null): Promise<{ client: Client; registration: ClientRegistrationRow }> {
    const registration = await this.deps.store.registrations.get(clientId);
    const presented = accessToken === null ? '' : tokenDigest(accessToken);
    // compared even when nothing is registered, so timing does not tell which it was
    const matches = constantTimeEqual(presented, registration?.accessDigest ?? tokenDigest('-'));
    const client = registration && matches ? await this.deps.store.clients.get(clientId) : null;
    if (!registration || !matches || !client) throw badToken();
    return { client, registration };
  }

  /** RFC 7592 §2.2: the metadata replaced; a client cannot switch between public and confidential. */
  async update(client: Client, checked: CheckedMetadata, ip: string): Promise<Record<string, unknown>> {
    if ((checked.tokenEndpointAuthMethod !== 'none') !== client.confidential) {
      throw new RegistrationFailure(
        'invalid_client_metadata',
        'token_endpoint_auth_method: a client cannot switch between public (none) and confidential; register a new client',
      );
    }
    const metadata = metadataView(checked);
    await this.deps.store.transaction(async (tx) => {
      await tx.clients.update({ ...client, ...this.fields(checked), clientId: client.clientId, changed: this.now() });
      await tx.registrations.updateMetadata(client.clientId, metadata);
    });
    this.audit('client.registration_updated', client.clientId, ip, null);
    return metadata;
  }

  /** RFC 7592 §2.3: the client and every token it holds are gone. */
  async remove(clientId: string, ip: string): Promise<void> {
    await this.deps.store.transaction(async (tx) => {
      await revokeClientTokens(tx, this.deps.clock, clientId);
      await tx.clients.delete(clientId);
      await tx.registrations.delete(clientId);
    });
    await this.deps.revocations.refresh();
    this.audit('client.registration_deleted', clientId, ip, null);
  }

  private fields(
    checked: CheckedMetadata,
  ): Pick<Client, 'label' | 'grantTypes' | 'redirectUris' | 'scopes' | 'authorizationCodeScopes' | 'tokenEndpointAuthMethod'> {
    return {
      label: checked.clientName ?? 'Registered client',
      grantTypes: checked.grantTypes,
      redirectUris: checked.redirectUris,
      scopes: checked.scopes,
      authorizationCodeScopes: [],
      tokenEndpointAuthMethod: checked.tokenEndpointAuthMethod,
    };
  }

  private now(): number {
    return Math.floor(this.deps.clock.now() / 1000);
  }

  private audit(event: string, clientId: string, ip: string, detail: string | null): void {
    this.deps.audit.record({ event, outcome: 'success', userId: null, clientId, ip, endpoint: ENDPOINT, detail });
  }
}
