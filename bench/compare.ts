// `npm run bench:compare`: Gatehouse and panva's oidc-provider side by side on 127.0.0.1, driven
// by the same autocannon load, scenario by scenario. Writes bench/results/<date>.json, a
// markdown summary and an SVG chart; a run with errors or non-2xx answers is marked invalid.
// Every scenario gives both servers the same work (scopes, token formats, signatures, client
// authentication, rotation); the report states it per scenario, read off a real answer of each.
// BENCH_ONLY=4,5 runs only the scenarios listed (while iterating on one path).
import autocannon from 'autocannon';
import { Algorithm, hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { barChartSvg } from './chart.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** alternating turns per server and scenario (measurePair) */
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));
const SMOKE = process.env.BENCH_SMOKE === '1';
const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ?? join(process.cwd(), 'bench', 'results');
const MAIN = join(process.cwd(), 'dist', 'main.js');
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const PASSWORD = 'bench-password-123';
const VERIFIER = 'bench-verifier-bench-verifier-bench-verifier-0123456789';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const REDIRECT = 'https://app.example/cb';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map(Number)) : null;
const runs = (id: number): boolean => ONLY === null || ONLY.has(id);

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  valid: boolean;
}

interface ScenarioResult {
  id: number;
  name: string;
  gatehouse: Measured;
  oidcProvider?: Measured;
  /** Gatehouse / oidc-provider req/s */
  ratio?: number;
  target?: string;
  met?: boolean;
  note?: string;
  /** what each server did per request, read off one of its answers */
  work?: { gatehouse: string; oidcProvider: string };
}

/** The first successful answer of a run, to state what work the server did. */
interface Sample {
  body?: string;
}

/** What a token endpoint's answer shows of the work behind it: token formats, signatures, rotation. */
function workOf(body: string | undefined, rotation = false): string {
  if (!body) return 'no successful answer seen';
  const answer = JSON.parse(body) as Record<string, string>;
  const alg = (jwt: string | undefined): string => {
    const parts = jwt?.split('.') ?? [];
    if (parts.length !== 3) return 'opaque';
    return `JWT ${(JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as { alg: string }).alg}`;
  };
  const parts = [`${alg(answer.access_token)} access token`];
  if (answer.refresh_token) parts.push(rotation ? 'refresh token rotated (a new one back)' : 'refresh token issued');
  parts.push(answer.id_token ? `${alg(answer.id_token)} ID token` : 'no ID token');
  if (answer.scope) parts.push(`scope "${answer.scope}"`);
  return parts.join(', ');
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

async function waitFor(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not start`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const children: ChildProcess[] = [];
const temp = mkdtempSync(join(tmpdir(), 'gatehouse-compare-'));

/** A Gatehouse instance of its own (own SQLite file), its access-token key of `alg`. */
async function startGatehouse(alg: 'ES256' | 'RS256'): Promise<string> {
  // one user logs in over many connections at once: flood control holds an attempt per check in
  // flight, so its per-(user, IP) limit must exceed the connections
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(temp, `gh-${alg}.db`)}`,
    LOG_LEVEL: 'warn',
    GATEHOUSE_SECRET: 'compare-master-secret-0123456789abcdef-xyz',
    GATEHOUSE_FLOOD_USER_LIMIT: '1000',
  };
  const world = {
    roles: [{ id: 'reader', label: 'Reader', permissions: ['access user profiles'] }],
    scopes: [{ name: 'api', description: 'The API', granularity: 'permission', permission: 'access user profiles' }],
    users: [{ name: 'bench', mail: 'bench@example.com', password: PASSWORD, roles: ['reader'] }],
    clients: [
      {
        clientId: 'bench',
        secret: SECRET,
        grantTypes: ['client_credentials', 'refresh_token', 'authorization_code', 'password'],
        redirectUris: [REDIRECT],
        scopes: ['api', 'openid', 'email'],
        // `api` as oidc-provider's codes carry it: no `openid`, so neither side signs an ID token
        authorizationCodeScopes: ['openid', 'email', 'api'],
        user: 'bench',
        pkce: true,
        automaticAuthorization: true,
        accessTokenExpiration: 300,
      },
    ],
  };
  writeFileSync(join(temp, 'world.json'), JSON.stringify(world));
  for (const args of [['apply', join(temp, 'world.json')], ...(alg === 'RS256' ? [['keys', 'rotate', '--alg', 'RS256', '--use', 'access']] : [])]) {
    const r = spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
  }
  const port = await freePort();
  children.push(
    spawn(process.execPath, [MAIN, 'serve'], {
      env: { ...env, PORT: String(port), HOST: '127.0.0.1', GATEHOUSE_ISSUER: `http://127.0.0.1:${port}` },
      stdio: 'ignore',
    }),
  );
  await waitFor(`http://127.0.0.1:${port}/healthz`);
  return `http://127.0.0.1:${port}`;
}

async function startOidcProvider(alg: 'ES256' | 'RS256'): Promise<string> {
  const port = await freePort();
  const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
  children.push(
    spawn(tsx, [join(process.cwd(), 'bench', 'oidc-provider-server.ts')], {
      env: { ...process.env, PORT: String(port), ACCESS_ALG: alg, CLIENT_SECRET: SECRET, PKCE_CHALLENGE: CHALLENGE },
      stdio: 'ignore',
    }),
  );
  await waitFor(`http://127.0.0.1:${port}/.well-known/openid-configuration`);
  return `http://127.0.0.1:${port}`;
}

async function post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  const r = await fetch(url, { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams(fields).toString() });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Record<string, string>;
}

async function measure(options: autocannon.Options): Promise<Measured> {
  if (WARMUP > 0 && !options.amount) await autocannon({ ...options, duration: WARMUP });
  const started = performance.now();
  let lastAnswer = started;
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ connections: CONNECTIONS, duration: DURATION, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('response', () => {
      lastAnswer = performance.now();
    });
  });
  // a run bounded by amount ends when its pool does: rate = requests / time to the last answer
  // (autocannon itself notices the end only on its next one-second tick)
  const rps = options.amount ? r.requests.total / ((lastAnswer - started) / 1000) : r.requests.average;
  return { rps, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, valid: r.errors + r.timeouts + r.non2xx === 0 };
}

/** A server's load: fixed, or made afresh for each turn (bounded by its `amount`). */
type Side = autocannon.Options | (() => Promise<autocannon.Options>);

/**
 * Both servers in ROUNDS alternating turns (DURATION split between them, or the prepared pool):
 * on a shared machine whose load drifts, each side sees the same mix of quiet and busy moments.
 * The rate is all requests over all time; p50 the mean of the turns', p99 the worst turn's.
 */
async function measurePair(gatehouse: Side, provider: Side): Promise<[Measured, Measured]> {
  const sides = [gatehouse, provider];
  const totals = sides.map(() => ({ requests: 0, seconds: 0, p50: 0, p99: 0, errors: 0, non2xx: 0 }));
  if (WARMUP > 0) for (const side of sides) if (typeof side !== 'function') await autocannon({ ...side, duration: WARMUP });
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, side] of sides.entries()) {
      // a side made per turn (codes, which expire within a minute): made before its clock starts
      const options = typeof side === 'function' ? await side() : side;
      const started = performance.now();
      // a turn bounded by its pool (`amount`) still ends when its time is up: codes left over are
      // dropped rather than met expired in a long turn on a slow machine
      let lastAnswer = started;
      const r = await new Promise<autocannon.Result>((resolve, reject) => {
        const instance = autocannon({ connections: CONNECTIONS, ...options, duration: DURATION / ROUNDS }, (error, result) =>
          error ? reject(error) : resolve(result),
        );
        if (options.amount) {
          setTimeout(() => instance.stop(), (DURATION / ROUNDS) * 1000).unref();
          // autocannon notices an exhausted pool only on its next one-second tick: the turn
          // lasted until its last answer, not until then
          instance.on('response', () => {
            lastAnswer = performance.now();
          });
        }
      });
      const t = totals[i];
      t.requests += r.requests.total;
      t.seconds += ((options.amount ? lastAnswer : performance.now()) - started) / 1000;
      t.p50 += r.latency.p50 / ROUNDS;
      t.p99 = Math.max(t.p99, r.latency.p99);
      t.errors += r.errors + r.timeouts;
      t.non2xx += r.non2xx;
    }
  }
  const [g, p] = totals.map((t) => ({
    rps: t.requests / t.seconds,
    p50: Math.round(t.p50),
    p99: t.p99,
    errors: t.errors,
    non2xx: t.non2xx,
    valid: t.errors + t.non2xx === 0,
  }));
  return [g, p];
}

/**
 * Rotating refresh tokens: each request takes a token from a shared pool and each answer puts
 * the rotated one back, so every token is presented exactly once (autocannon clears a
 * connection's context after every loop, so the chain cannot live there).
 */
function refreshRequests(path: string, pool: string[], extra: Record<string, string>, sample: Sample = {}): autocannon.Request[] {
  return [
    {
      method: 'POST',
      path,
      headers: FORM,
      setupRequest: (req: autocannon.Request) => ({
        ...req,
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: pool.shift() ?? 'exhausted', ...extra }).toString(),
      }),
      onResponse: (status: number, body: string) => {
        if (status === 200 && sample.body === undefined) sample.body = body;
        try {
          const rotated = JSON.parse(body).refresh_token;
          if (rotated) pool.push(rotated);
        } catch {
          /* counted as an error by its status */
        }
      },
    } as unknown as autocannon.Request,
  ];
}

/** One request per prepared code, until the pool is empty. */
function codeRequests(path: string, pool: string[], extra: Record<string, string>, sample: Sample = {}): autocannon.Request[] {
  return [
    {
      method: 'POST',
      path,
      headers: FORM,
      setupRequest: (req: autocannon.Request) => ({
        ...req,
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: pool.pop() ?? 'exhausted',
          redirect_uri: REDIRECT,
          code_verifier: VERIFIER,
          ...extra,
        }).toString(),
      }),
      onResponse: (status: number, body: string) => {
        if (status === 200 && sample.body === undefined) sample.body = body;
      },
    } as unknown as autocannon.Request,
  ];
}

async function gatehouseCodes(base: string, n: number): Promise<string[]> {
  const page = await fetch(`${base}/user/login`);
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1];
  const login = await fetch(`${base}/user/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...FORM, cookie },
    body: new URLSearchParams({ name: 'bench', pass: PASSWORD, destination: '/user/apps', csrf_token: csrf }).toString(),
  });
  const session = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('gh_session='))!;
  const path = `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'bench', redirect_uri: REDIRECT, scope: 'api', code_challenge: CHALLENGE, code_challenge_method: 'S256' })}`;
  const codes: string[] = [];
  // codes live 60 s: on a slow machine, fewer codes rather than expired ones
  const until = performance.now() + 15_000;
  const worker = async (): Promise<void> => {
    while (codes.length < n && performance.now() < until) {
      const r = await fetch(base + path, { redirect: 'manual', headers: { cookie: session } });
      codes.push(new URL(r.headers.get('location')!).searchParams.get('code')!);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return codes.slice(0, n);
}

async function providerMint(base: string, kind: string, n: number): Promise<string[]> {
  const out: string[] = [];
  while (out.length < n) {
    const batch = Math.min(2000, n - out.length);
    const r = await fetch(`${base}/__bench/${kind}?n=${batch}`, { method: 'POST' });
    out.push(...((await r.json()) as string[]));
  }
  return out;
}

/** The physical ceiling of scenario 7: argon2id verifications per second with the thread pool busy. */
async function rawArgon2Rate(seconds: number): Promise<number> {
  const params = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
  const hash = await argon2Hash(PASSWORD, params);
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < until) {
      await argon2Verify(hash, PASSWORD);
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: 4 }, worker));
  return done / ((performance.now() - started) / 1000);
}

function signsPerSecond(alg: 'ES256' | 'RS256', seconds: number): number {
  const { privateKey } = alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const data = Buffer.from('header.payload-of-a-typical-access-token');
  let n = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  while (performance.now() < until) {
    for (let i = 0; i < 50; i++) sign('sha256', data, alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
    n += 50;
  }
  return n / ((performance.now() - started) / 1000);
}

function judge(result: ScenarioResult, minimum: number): void {
  result.target = `≥ ${minimum}× oidc-provider`;
  if (!result.gatehouse.valid || !result.oidcProvider?.valid || result.ratio === undefined) {
    result.met = false;
    result.note = 'invalid run (errors or non-2xx answers): no figure reported';
    return;
  }
  result.met = result.ratio >= minimum;
  if (!result.met) result.note = `missed by ${(((minimum - result.ratio) / minimum) * 100).toFixed(0)} %`;
}

async function main(): Promise<void> {
  const [ghEs, ghRs, opEs, opRs] = await Promise.all([
    startGatehouse('ES256'),
    runs(2) ? startGatehouse('RS256') : '',
    startOidcProvider('ES256'),
    runs(2) ? startOidcProvider('RS256') : '',
  ]);
  const results: ScenarioResult[] = [];
  const both = async (
    id: number,
    name: string,
    gatehouse: Side,
    provider: Side,
    minimum: number,
    work: () => { gatehouse: string; oidcProvider: string },
  ): Promise<ScenarioResult> => {
    const [g, p] = await measurePair(gatehouse, provider);
    const result: ScenarioResult = { id, name, gatehouse: g, oidcProvider: p };
    result.ratio = result.gatehouse.rps / result.oidcProvider!.rps;
    result.work = work();
    judge(result, minimum);
    results.push(result);
    console.log(
      `${id}. ${name}: Gatehouse ${Math.round(result.gatehouse.rps)} req/s, oidc-provider ${Math.round(result.oidcProvider!.rps)} req/s, ×${result.ratio.toFixed(2)}${result.note ? ` (${result.note})` : ''}`,
    );
    console.log(`   Gatehouse: ${result.work.gatehouse}\n   oidc-provider: ${result.work.oidcProvider}`);
    return result;
  };
  const ccFields = { grant_type: 'client_credentials', client_id: 'bench', client_secret: SECRET, scope: 'api' };
  const ccGh = (base: string): autocannon.Options => ({
    url: `${base}/oauth/token`,
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams(ccFields).toString(),
  });
  const ccOp = (base: string): autocannon.Options => ({
    url: `${base}/token`,
    method: 'POST',
    headers: FORM,
    body: new URLSearchParams(ccFields).toString(),
  });
  const secretPost = 'client_secret_post';
  const ccWork = async (gh: string, op: string) => {
    const [a, b] = [await post(`${gh}/oauth/token`, ccFields), await post(`${op}/token`, ccFields)];
    return { gatehouse: `${secretPost}; ${workOf(JSON.stringify(a))}`, oidcProvider: `${secretPost}; ${workOf(JSON.stringify(b))}` };
  };

  const trivial = await measure({ url: `${ghEs}/healthz` });
  const ceilings = {
    trivialRoute: trivial.rps,
    es256SignsPerCore: signsPerSecond('ES256', SMOKE ? 0.2 : 2),
    rs256SignsPerCore: signsPerSecond('RS256', SMOKE ? 0.2 : 2),
    argon2idPerSecond: await rawArgon2Rate(SMOKE ? 0.5 : 3),
  };

  let s1: ScenarioResult | undefined;
  if (runs(1)) {
    const work = await ccWork(ghEs, opEs);
    s1 = await both(1, 'client_credentials, JWT ES256, client_secret_post', ccGh(ghEs), ccOp(opEs), 2.0, () => work);
  }
  if (runs(2)) {
    const work = await ccWork(ghRs, opRs);
    await both(2, 'client_credentials, JWT RS256, client_secret_post', ccGh(ghRs), ccOp(opRs), 2.0, () => work);
  }

  if (runs(3)) {
    const [opOpaque] = await providerMint(opEs, 'access', 1);
    const ghToken = (await post(`${ghEs}/oauth/token`, ccFields)).access_token;
    await both(
      3,
      'token introspection of a valid token',
      {
        url: `${ghEs}/oauth/introspect`,
        method: 'POST',
        headers: FORM,
        body: new URLSearchParams({ client_id: 'bench', client_secret: SECRET, token: ghToken }).toString(),
      },
      {
        url: `${opEs}/token/introspection`,
        method: 'POST',
        headers: FORM,
        body: new URLSearchParams({ client_id: 'bench', client_secret: SECRET, token: opOpaque }).toString(),
      },
      1.5,
      () => ({
        gatehouse: `${secretPost}; its own access token, a JWT ES256 (signature verified once, then remembered; revocation checked)`,
        oidcProvider: `${secretPost}; its own access token, opaque (looked up in its in-memory Map): neither introspects JWTs the same way, each its native format`,
      }),
    );
  }

  if (runs(4)) {
    // no `openid` on either side (so no ID token), one ES256 JWT access token per rotation
    // a turn's end drops the tokens of the requests then in flight (their answers are never
    // read): enough for every turn to lose a connection's worth
    const poolSize = CONNECTIONS * (ROUNDS + 3);
    const ghRefresh: string[] = [];
    for (let i = 0; i < poolSize; i++)
      ghRefresh.push(
        (
          await post(`${ghEs}/oauth/token`, {
            grant_type: 'password',
            client_id: 'bench',
            client_secret: SECRET,
            username: 'bench',
            password: PASSWORD,
            scope: 'api',
          })
        ).refresh_token,
      );
    const opRefresh = await providerMint(opEs, 'refresh', poolSize);
    const [ghSample, opSample]: Sample[] = [{}, {}];
    await both(
      4,
      'refresh-token grant with rotation',
      { url: ghEs, requests: refreshRequests('/oauth/token', ghRefresh, { client_id: 'bench', client_secret: SECRET }, ghSample) },
      { url: opEs, requests: refreshRequests('/token', opRefresh, { client_id: 'bench', client_secret: SECRET }, opSample) },
      1.5,
      () => ({
        gatehouse: `${secretPost}; ${workOf(ghSample.body, true)}; stored durably in SQLite`,
        oidcProvider: `${secretPost}; ${workOf(opSample.body, true)}; stored in its in-memory Map`,
      }),
    );
  }

  if (runs(5)) {
    // codes live 60 s: each turn gets codes made just before it
    const codeCount = Math.max(200, Math.ceil((2500 * DURATION) / ROUNDS));
    const [ghSample, opSample]: Sample[] = [{}, {}];
    // oidc-provider's turn exchanges as many codes as Gatehouse's turn before it did
    let lastCount = codeCount;
    const turn = (base: string, path: string, make: () => Promise<string[]>, sample: Sample) => async (): Promise<autocannon.Options> => {
      const codes = await make();
      lastCount = codes.length;
      // a moment for the server to settle after making them (Gatehouse's WAL checkpoint of the
      // thousands of commits that made its codes), given to both sides alike
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return { url: base, amount: codes.length, requests: codeRequests(path, codes, { client_id: 'bench', client_secret: SECRET }, sample) };
    };
    await both(
      5,
      'authorization-code exchange (codes prepared ahead)',
      turn(ghEs, '/oauth/token', () => gatehouseCodes(ghEs, codeCount), ghSample),
      turn(opEs, '/token', () => providerMint(opEs, 'codes', lastCount), opSample),
      1.5,
      () => ({
        gatehouse: `${secretPost}, PKCE S256; codes from its /oauth/authorize; ${workOf(ghSample.body)}; stored durably in SQLite`,
        oidcProvider: `${secretPost}, PKCE S256; codes saved through its AuthorizationCode model (the row its /auth saves); ${workOf(opSample.body)}; stored in its in-memory Map`,
      }),
    );
  }

  if (runs(6)) {
    // minted here: an access token lives 300 s, and a slow run may take longer to get here
    const [opOpaque] = await providerMint(opEs, 'access', 1);
    const ghUserToken = (
      await post(`${ghEs}/oauth/token`, {
        grant_type: 'password',
        client_id: 'bench',
        client_secret: SECRET,
        username: 'bench',
        password: PASSWORD,
        scope: 'openid email',
      })
    ).access_token;
    await both(
      6,
      'protected resource with a Bearer token (userinfo)',
      { url: `${ghEs}/oauth/userinfo`, headers: { authorization: `Bearer ${ghUserToken}` } },
      { url: `${opEs}/me`, headers: { authorization: `Bearer ${opOpaque}` } },
      1.5,
      () => ({
        gatehouse: 'its own access token, a JWT ES256 (verified once, then remembered); user from its cache',
        oidcProvider: 'its own access token, opaque (looked up in its in-memory Map); account from findAccount',
      }),
    );
  }

  if (runs(7)) {
    // 7: password-bound work — against the argon2id ceiling, and beside scenario 1
    const passwordBody = new URLSearchParams({
      grant_type: 'password',
      client_id: 'bench',
      client_secret: SECRET,
      username: 'bench',
      password: PASSWORD,
      scope: 'api',
    }).toString();
    const alone = s1?.gatehouse ?? (await measure(ccGh(ghEs)));
    const passwordOptions: autocannon.Options = { url: `${ghEs}/oauth/token`, method: 'POST', headers: FORM, body: passwordBody, connections: 8 };
    const password = await measure(passwordOptions);
    const [beside] = await Promise.all([measure({ ...ccGh(ghEs) }), measure({ ...passwordOptions, duration: DURATION + WARMUP })]);
    const fraction = password.rps / ceilings.argon2idPerSecond;
    const p99Ratio = beside.p99 / Math.max(alone.p99, 1);
    const s7: ScenarioResult = {
      id: 7,
      name: 'password grant (argon2id) alone, and scenario 1 beside it',
      gatehouse: password,
      target: '≥ 0.8 of raw argon2id rate; scenario-1 p99 with password load ≤ 3× without',
      met: password.valid && beside.valid && fraction >= 0.8 && p99Ratio <= 3,
      note: `${Math.round(password.rps)} logins/s = ${fraction.toFixed(2)} of the raw ${Math.round(ceilings.argon2idPerSecond)} hashes/s; scenario-1 p99 ${beside.p99} ms beside it vs ${alone.p99} ms alone (×${p99Ratio.toFixed(2)})`,
    };
    results.push(s7);
    console.log(`7. ${s7.note}`);
  }

  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
  mkdirSync(RESULTS_DIR, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    smoke: SMOKE,
    node: process.version,
    durationSeconds: DURATION,
    rounds: ROUNDS,
    connections: CONNECTIONS,
    ceilings,
    scenarios: results,
  };
  writeFileSync(join(RESULTS_DIR, `${stamp}.json`), JSON.stringify(report, null, 2) + '\n');
  writeFileSync(join(RESULTS_DIR, `${stamp}.md`), markdown(report));
  writeFileSync(
    join(RESULTS_DIR, `${stamp}.svg`),
    barChartSvg(results.filter((r) => r.oidcProvider).map((r) => ({ label: `${r.id}`, gatehouse: r.gatehouse, oidcProvider: r.oidcProvider! }))),
  );
  console.log(`\nreport: ${join(RESULTS_DIR, stamp)}.{json,md,svg}`);
}

function fmt(m: Measured | undefined): string {
  if (!m) return '— | | ';
  return m.valid ? `${Math.round(m.rps)} | ${m.p50} | ${m.p99}` : `invalid (${m.errors} errors, ${m.non2xx} non-2xx) | | `;
}

function markdown(report: {
  date: string;
  smoke: boolean;
  node: string;
  durationSeconds: number;
  rounds: number;
  connections: number;
  ceilings: Record<string, number>;
  scenarios: ScenarioResult[];
}): string {
  const lines = [
    `# Gatehouse vs oidc-provider — ${report.date}${report.smoke ? ' (smoke run: figures not meaningful)' : ''}`,
    '',
    `Node ${report.node}, ${report.durationSeconds} s per scenario and server after warm-up, in ${report.rounds} alternating turns, ${report.connections} connections, both servers on 127.0.0.1 of the same 2-core machine.`,
    '',
    '| # | scenario | Gatehouse req/s | p50 ms | p99 ms | oidc-provider req/s | p50 ms | p99 ms | ratio | target | met |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|---|',
    ...report.scenarios.map(
      (r) =>
        `| ${r.id} | ${r.name} | ${fmt(r.gatehouse)} | ${fmt(r.oidcProvider)} | ${r.ratio !== undefined ? `×${r.ratio.toFixed(2)}` : ''} | ${r.target ?? ''} | ${r.met ? 'yes' : `no${r.note ? ` — ${r.note}` : ''}`} |`,
    ),
    '',
    'What each server does per request, read off one of its answers in this run:',
    '',
    ...report.scenarios.filter((r) => r.work).map((r) => `- ${r.id}. Gatehouse: ${r.work!.gatehouse}. oidc-provider: ${r.work!.oidcProvider}.`),
    '',
    `Scenario 7: ${report.scenarios.find((r) => r.id === 7)?.note ?? 'not run'}`,
    '',
    `Ceilings measured in the same run: trivial route ${Math.round(report.ceilings.trivialRoute)} req/s; ES256 ${Math.round(report.ceilings.es256SignsPerCore)} signs/s and RS256 ${Math.round(report.ceilings.rs256SignsPerCore)} signs/s on one core; argon2id ${Math.round(report.ceilings.argon2idPerSecond)} verifications/s (OWASP parameters, 4 threads).`,
    '',
  ];
  return lines.join('\n');
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill('SIGTERM');
    rmSync(temp, { recursive: true, force: true });
  });
