// panva's oidc-provider configured as closely as it allows to Gatehouse, for the side-by-side
// benchmark: client_secret_post, client_credentials with JWT access tokens (resource
// indicators), introspection, refresh rotation, PKCE codes, userinfo. /__bench/* mints codes and
// tokens ahead of a run through the provider's own models, so runs measure the token endpoint.
// Minted codes and refresh tokens carry `offline_access api` for the resource urn:bench:api and
// no `openid`: each exchange or rotation signs one ES256 JWT access token and rotates (or issues)
// one opaque refresh token, and no ID token — the same work Gatehouse does (bench/compare.ts).
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const PORT = Number(process.env.PORT);
const ISSUER = `http://127.0.0.1:${PORT}`;
const ALG = process.env.ACCESS_ALG === 'RS256' ? 'RS256' : 'ES256';
const SECRET = process.env.CLIENT_SECRET ?? '';
const CHALLENGE = process.env.PKCE_CHALLENGE ?? '';
const REDIRECT = 'https://app.example/cb';
const RESOURCE = 'urn:bench:api';

const es = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
const rs = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

/**
 * oidc-provider's development adapter is an LRU of 1000 entries: a run with more codes or grants
 * than that would lose them. This one keeps everything until it expires — what a real database
 * adapter does.
 */
class MapAdapter {
  static store = new Map<string, { payload: Record<string, unknown>; expires: number }>();
  static byGrant = new Map<string, Set<string>>();
  constructor(private readonly name: string) {}
  private key(id: string): string {
    return `${this.name}:${id}`;
  }
  async upsert(id: string, payload: Record<string, unknown>, expiresIn: number): Promise<void> {
    const key = this.key(id);
    MapAdapter.store.set(key, { payload, expires: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    const grantId = payload.grantId as string | undefined;
    if (grantId) {
      if (!MapAdapter.byGrant.has(grantId)) MapAdapter.byGrant.set(grantId, new Set());
      MapAdapter.byGrant.get(grantId)!.add(key);
    }
  }
  async find(id: string): Promise<Record<string, unknown> | undefined> {
    const entry = MapAdapter.store.get(this.key(id));
    if (!entry || entry.expires <= Date.now()) return undefined;
    return entry.payload;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async consume(id: string): Promise<void> {
    const entry = MapAdapter.store.get(this.key(id));
    if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id: string): Promise<void> {
    MapAdapter.store.delete(this.key(id));
  }
  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of MapAdapter.byGrant.get(grantId) ?? []) MapAdapter.store.delete(key);
    MapAdapter.byGrant.delete(grantId);
  }
}

const provider = new Provider(ISSUER, {
  adapter: MapAdapter,
  clients: [
    {
      client_id: 'bench',
      client_secret: SECRET,
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials', 'refresh_token', 'authorization_code'],
      response_types: ['code'],
      redirect_uris: [REDIRECT],
      introspection_endpoint_auth_method: 'client_secret_post',
    },
  ],
  jwks: {
    keys: [
      { ...es, alg: 'ES256', use: 'sig', kid: 'es' },
      { ...rs, alg: 'RS256', use: 'sig', kid: 'rs' },
    ],
  },
  scopes: ['openid', 'offline_access', 'api'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'] },
  findAccount: async (_ctx: unknown, id: string) => ({ accountId: id, claims: async () => ({ sub: id, email: `${id}@example.com`, email_verified: false }) }),
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async (_ctx: unknown, _client: unknown, oneOf?: string) => oneOf ?? RESOURCE,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({ scope: 'api', audience: RESOURCE, accessTokenTTL: 300, accessTokenFormat: 'jwt', jwt: { sign: { alg: ALG } } }),
    },
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  ttl: {
    AccessToken: 300,
    ClientCredentials: 300,
    AuthorizationCode: 60,
    RefreshToken: 1_209_600,
    Grant: 1_209_600,
    Session: 1_209_600,
    Interaction: 3600,
    IdToken: 3600,
  },
});

/** Mints what a run consumes, through the provider's models (the same rows a real flow saves). */
async function mint(kind: string, n: number): Promise<string[]> {
  const client = await provider.Client.find('bench');
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const grant = new provider.Grant({ accountId: 'bench-user', clientId: 'bench' });
    grant.addOIDCScope(kind === 'access' ? 'openid' : 'offline_access');
    grant.addResourceScope(RESOURCE, 'api');
    const grantId = await grant.save();
    const now = Math.floor(Date.now() / 1000);
    if (kind === 'codes') {
      const code = new provider.AuthorizationCode({
        accountId: 'bench-user',
        client,
        grantId,
        scope: 'offline_access api',
        resource: RESOURCE,
        redirectUri: REDIRECT,
        codeChallenge: CHALLENGE,
        codeChallengeMethod: 'S256',
        authTime: now,
      } as never);
      out.push(await code.save());
    } else if (kind === 'refresh') {
      const token = new provider.RefreshToken({
        accountId: 'bench-user',
        client,
        grantId,
        scope: 'offline_access api',
        resource: RESOURCE,
        gty: 'authorization_code',
        iiat: now,
        rotations: 0,
        authTime: now,
      } as never);
      out.push(await token.save());
    } else {
      const token = new provider.AccessToken({ accountId: 'bench-user', client, grantId, scope: 'openid', gty: 'authorization_code' } as never);
      out.push(await token.save());
    }
  }
  return out;
}

const handler = provider.callback();
createServer(async (req, res) => {
  if (req.url?.startsWith('/__bench/')) {
    const url = new URL(req.url, ISSUER);
    try {
      const tokens = await mint(url.pathname.slice('/__bench/'.length), Number(url.searchParams.get('n') ?? 1));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(tokens));
    } catch (error) {
      res.writeHead(500).end(String((error as Error).stack));
    }
    return;
  }
  handler(req, res);
}).listen(PORT, '127.0.0.1', () => process.stdout.write('ready\n'));
