// Starts a real Gatehouse (buildApp on an ephemeral 127.0.0.1 port) over a fresh SQLite
// database, with a small world of roles, scopes, users and clients, for HTTP tests.
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { loggerOptions } from '../../src/http/logger.js';
import { applyDocument, type ApplyDocument } from '../../src/admin/apply.js';
import { operatorContext, type AdminContext } from '../../src/admin/admin-context.js';
import { ManualClock, type Clock } from '../../src/clock.js';
import { testConfig, type Config } from '../../src/config.js';
import { openStore } from '../../src/store/open-store.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from './postgres.js';
import type { Store } from '../../src/store/store.js';

export interface Running {
  app: FastifyInstance;
  url: string;
  store: Store;
  clock: ManualClock;
  admin: AdminContext;
  config: Config;
  /** the database the server runs on, for other processes (the CLI) to open too */
  databaseUrl: string;
  close(): Promise<void>;
}

/** Real time behind the ManualClock interface (advance and set shift it by an offset). */
class SystemClockForTests extends ManualClock {
  private offset = 0;
  override now(): number {
    return Date.now() + this.offset;
  }
  override advance(seconds: number): void {
    this.offset += seconds * 1000;
  }
  override tick(): void {
    this.offset += 1;
  }
  override set(ms: number): void {
    this.offset = ms - Date.now();
  }
}

export const SECRET = 'a-very-long-client-secret-for-tests-0123456789';
export const PASSWORD = 'correct horse battery staple';

/** The seed world: an editor who may view profiles, a plain user, a blocked user, and clients. */
export const WORLD: ApplyDocument = {
  roles: [
    { id: 'editor', label: 'Editor', permissions: ['access user profiles', 'view user email addresses'] },
    { id: 'viewer', label: 'Viewer', permissions: ['access user profiles'] },
  ],
  scopes: [
    { name: 'profile:read', description: 'Read user profiles', granularity: 'permission', permission: 'access user profiles' },
    { name: 'mail:read', description: 'Read e-mail addresses', granularity: 'permission', permission: 'view user email addresses' },
    { name: 'users:admin', description: 'Administer users', granularity: 'permission', permission: 'administer users' },
    { name: 'editor', description: 'Act as an editor', granularity: 'role', role: 'editor' },
    { name: 'everything', description: 'All profile access', umbrella: true },
    { name: 'child:profiles', description: 'Profiles (child)', granularity: 'permission', permission: 'access user profiles', parent: 'everything' },
    {
      name: 'cc-only',
      description: 'Only for client credentials',
      granularity: 'permission',
      permission: 'access user profiles',
      grantTypes: ['client_credentials'],
    },
  ],
  users: [
    { name: 'alice', mail: 'alice@example.com', password: PASSWORD, roles: ['editor'] },
    { name: 'bob', mail: 'bob@example.com', password: PASSWORD, roles: [] },
    { name: 'carol', mail: 'carol@example.com', password: PASSWORD, roles: ['editor'], status: false },
    { name: 'root', mail: 'root@example.com', password: PASSWORD, roles: ['administrator'] },
  ],
  clients: [
    {
      clientId: 'backend',
      label: 'Back end',
      confidential: true,
      secret: SECRET,
      grantTypes: ['client_credentials', 'password', 'refresh_token'],
      scopes: ['profile:read', 'mail:read', 'users:admin', 'editor', 'everything', 'child:profiles', 'cc-only'],
      user: 'alice',
      actAs: '*', // miniOrange's client_credentials + username for anyone
    },
    {
      clientId: 'script',
      label: 'Script (no refresh)',
      confidential: true,
      secret: SECRET,
      grantTypes: ['client_credentials', 'password'],
      redirectUris: ['https://script.example/cb'],
      scopes: ['profile:read'],
      user: 'bob',
    },
    {
      clientId: 'mobile',
      label: 'Mobile app',
      confidential: false,
      grantTypes: ['password', 'refresh_token', 'authorization_code'],
      redirectUris: ['http://127.0.0.1:5173/callback'],
      scopes: ['profile:read'],
    },
    {
      clientId: 'spa',
      label: 'React app',
      description: 'The team calendar',
      confidential: false,
      grantTypes: ['authorization_code', 'refresh_token'],
      redirectUris: ['http://127.0.0.1:5173/callback', 'https://spa.example/callback', 'https://spa.example/logged-out'],
      scopes: ['openid', 'profile', 'email', 'profile:read', 'mail:read'],
      authorizationCodeScopes: ['openid', 'profile:read'],
      rememberApproval: true,
    },
    {
      clientId: 'webapp',
      label: 'Server-side web app',
      confidential: true,
      secret: SECRET,
      pkce: false,
      automaticAuthorization: true,
      grantTypes: ['authorization_code'],
      redirectUris: ['https://rp.example/cb', 'https://rp.example/other'],
      scopes: ['openid', 'profile', 'email', 'profile:read'],
    },
    { clientId: 'nouser', label: 'No default user', confidential: true, secret: SECRET, grantTypes: ['client_credentials'], scopes: ['profile:read'] },
    {
      clientId: 'ccblocked',
      label: 'Acts as blocked carol',
      confidential: true,
      secret: SECRET,
      grantTypes: ['client_credentials'],
      scopes: ['profile:read'],
      user: 'carol',
    },
  ],
};

export async function startGatehouse(
  options: {
    config?: Partial<Config>;
    world?: ApplyDocument | null;
    clock?: ManualClock | 'system';
    databaseUrl?: string;
    port?: number;
    logLines?: string[];
    /** the level logLines are captured at (default warn) */
    logLevel?: string;
  } = {},
): Promise<Running> {
  // 'system': real time, for tests that share the database with other processes
  const clock = options.clock === 'system' ? new SystemClockForTests() : (options.clock ?? new ManualClock(Date.now()));
  const config = testConfig({ revocationPollMs: 50, ...options.config });
  // GATEHOUSE_TEST_ENGINE=postgres runs the same tests on PostgreSQL, each server in a fresh schema
  // (unreachable PostgreSQL: a failure under CI=true, SQLite with a warning elsewhere)
  const onPostgres = options.databaseUrl === undefined && process.env.GATEHOUSE_TEST_ENGINE === 'postgres' && !(await postgresSkip());
  const schema = onPostgres ? freshSchemaName() : undefined;
  // as `serve` opens it: the request budget, and SQLite's change feed polled like the revocation feed
  const storeOptions = { timeoutMs: config.dbTimeoutMs, changePollMs: config.revocationPollMs };
  const store = onPostgres
    ? await openStore(POSTGRES_URL, { ...storeOptions, schema, poolSize: 5 })
    : await openStore(options.databaseUrl ?? 'sqlite::memory:', storeOptions);
  await store.migrate();
  const logLines = options.logLines;
  // the production logger's redaction and serializers, writing into logLines
  const logger = logLines ? { ...loggerOptions(options.logLevel ?? 'warn', 'json'), stream: { write: (line: string) => void logLines.push(line) } } : false;
  const app = await buildApp({ config, store, clock: clock as Clock, logger });
  // as the CLI would: the operator, audit rows written with each change, no views of its own
  const admin: AdminContext = operatorContext({ store, clock, secrets: app.gatehouse.secrets, keySecret: config.secret });
  if (options.world !== null) {
    await applyDocument(admin, options.world ?? WORLD);
    await app.gatehouse.reload();
  }
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    store,
    clock,
    admin,
    config,
    databaseUrl: onPostgres ? `${POSTGRES_URL}?schema=${schema}` : (options.databaseUrl ?? 'sqlite::memory:'),
    async close() {
      await app.close();
      await store.close();
      if (schema) await dropSchema(schema);
    },
  };
}

/** A free port on 127.0.0.1, for servers whose URL must be known before they listen. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Waits until a server answers 2xx at `url` (a child process starting up). */
export async function waitForHttp(url: string, timeoutMs = 30_000, describe: () => string = () => ''): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms ${describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export async function request(url: string, init: RequestInit = {}): Promise<JsonResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  return { status: response.status, headers: response.headers, body, text };
}

export function form(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<JsonResponse> {
  return request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

export function basic(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Decodes a JWT's header and claims without verifying (tests inspect what was issued). */
export function decodeJwt(token: string): { header: any; claims: any } {
  const [h, c] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()), claims: JSON.parse(Buffer.from(c, 'base64url').toString()) };
}
