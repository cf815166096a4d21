// `npm run bench`: autocannon on 127.0.0.1 against a real `gatehouse serve` child process —
// (a) a trivial route, (b) client_credentials issuance, (c) GET /user/{id}?_format=json with a
// Bearer token, … (g) device-flow polling, (k)–(n) the gate — printing req/s, p99 and each as a
// ratio to (a) measured in the same run; and `serve --workers 2` beside one process, (w1)–(w4).
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { measurePaired, prepareGate } from './gate.js';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const MAIN = join(process.cwd(), 'dist', 'main.js');
/** BENCH_REFRESH_ONLY=1: only (a), the refresh grant on SQLite (f) and on PostgreSQL (i)/(j), while working on rotations */
const REFRESH_ONLY = process.env.BENCH_REFRESH_ONLY === '1';
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';

interface Scenario {
  name: string;
  target?: number;
  /** HTTP requests per measured unit (a whole flow is two requests) */
  requestsPerUnit?: number;
  options: Partial<autocannon.Options>;
}

/** Logs in through the login form and returns the session cookie. */
async function loginCookie(base: string): Promise<string> {
  const page = await fetch(`${base}/user/login`);
  const csrfCookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const token = /name="csrf_token" value="([^"]+)"/.exec(await page.text())![1];
  const login = await fetch(`${base}/user/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
    body: new URLSearchParams({ name: 'bench', pass: 'bench-password-123', destination: '/user/apps', csrf_token: token }).toString(),
  });
  const session = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('gh_session='));
  if (!session) throw new Error(`login failed: ${login.status}`);
  return session;
}

interface Result {
  name: string;
  rps: number;
  p99: number;
  errors: number;
  non2xx: number;
  ratio: number;
  target?: number;
  /** the req/s of its own baseline measured around it, and that baseline's label (bench/gate.ts) */
  baselineRps?: number;
  baselineName?: string;
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

function run(url: string, options: Partial<autocannon.Options>, duration: number, connections = CONNECTIONS): Promise<autocannon.Result> {
  return autocannon({ url, connections, duration, ...options } as autocannon.Options);
}

/** Starts `gatehouse serve` and waits until it answers. */
async function startServer(env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ base: string; stop(): void }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, [MAIN, 'serve', ...args], { env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: 'ignore' });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      /* starting */
    }
    if (Date.now() > deadline) {
      server.kill('SIGTERM');
      throw new Error('server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { base, stop: () => server.kill('SIGTERM') };
}

const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * The refresh grant under load. A refresh token is single-use, so the requests draw from a pool
 * of live tokens and put back the one each answer carries (autocannon's per-connection context
 * is reset after every pass through the request list, so it cannot hold a chain).
 */
function refreshRequests(pool: string[], basic: string): autocannon.Request[] {
  return [
    {
      method: 'POST',
      path: '/oauth/token',
      headers: { ...formHeaders, authorization: basic },
      setupRequest: (req: Record<string, unknown>) => ({ ...req, body: `grant_type=refresh_token&refresh_token=${pool.shift()}` }),
      onResponse: (status: number, body: string) => {
        if (status === 200) pool.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
      },
    },
  ] as unknown as autocannon.Request[];
}

/** Runs one scenario against several instances at once (the connections split between them). */
async function measureAcross(name: string, bases: string[], optionsFor: (base: string) => Partial<autocannon.Options>, target?: number): Promise<Result> {
  const each = Math.max(1, Math.floor(CONNECTIONS / bases.length));
  await Promise.all(bases.map((base) => run(base, optionsFor(base), WARMUP, each)));
  const runs = await Promise.all(bases.map((base) => run(base, optionsFor(base), DURATION, each)));
  return {
    name,
    rps: runs.reduce((sum, r) => sum + r.requests.average, 0),
    p99: Math.max(...runs.map((r) => r.latency.p99)),
    errors: runs.reduce((sum, r) => sum + r.errors + r.timeouts, 0),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    ratio: 0,
    target,
  };
}

/**
 * One user logs in over several connections at once: flood control holds an attempt per check in
 * flight, so its per-(user, IP) limit must exceed the connections.
 */
const BENCH_FLOOD = { GATEHOUSE_FLOOD_USER_LIMIT: '1000' };

const refreshBasic = 'Basic ' + Buffer.from(`bench-refresh:${SECRET}`).toString('base64');

/** Refresh tokens to start the chains from, issued by the password grant. */
async function refreshTokens(base: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  while (tokens.length < count) {
    const batch = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const res = await fetch(`${base}/oauth/token`, {
          method: 'POST',
          headers: { ...formHeaders, authorization: refreshBasic },
          body: 'grant_type=password&username=bench&password=bench-password-123',
        });
        if (!res.ok) throw new Error(`password grant for the refresh bench: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { refresh_token: string }).refresh_token;
      }),
    );
    tokens.push(...batch);
  }
  return tokens;
}

async function measureRefresh(name: string, bases: string[]): Promise<Result> {
  // a fresh pool per run and instance: a run's last requests are cut off in flight, and their
  // tokens (spent, their successors never read) leave the pool
  const perRun = Math.ceil(CONNECTIONS / bases.length) + 8;
  const pools = new Map<string, string[][]>();
  for (const base of bases) pools.set(base, [await refreshTokens(base, perRun), await refreshTokens(base, perRun)]);
  return measureAcross(name, bases, (base) => ({ url: base, requests: refreshRequests(pools.get(base)!.shift()!, refreshBasic) }));
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** device codes polled in turn: enough that each is polled no faster than its 5 s interval */
const DEVICE_POOL = Number(process.env.BENCH_DEVICE_CODES ?? 40_000);

/** Device codes awaiting approval, from the device authorization endpoint. */
async function deviceCodes(base: string, count: number): Promise<string[]> {
  const codes: string[] = [];
  while (codes.length < count) {
    const batch = await Promise.all(
      Array.from({ length: 32 }, async () => {
        const res = await fetch(`${base}/oauth/device_authorization`, { method: 'POST', headers: formHeaders, body: 'client_id=bench-tv&scope=profile:read' });
        if (!res.ok) throw new Error(`device authorization for the polling bench: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { device_code: string }).device_code;
      }),
    );
    codes.push(...batch);
  }
  return codes;
}

/**
 * Device-flow polling (RFC 8628 §3.4) while the user has not yet approved: the requests go round
 * a pool of codes large enough that no code is polled faster than its interval, so every answer
 * should be `authorization_pending`; any other answer (slow_down included) counts as non-2xx.
 */
async function measureDevicePolling(name: string, base: string, target: number): Promise<Result> {
  const pool = await deviceCodes(base, DEVICE_POOL);
  let next = 0;
  let wrong = 0;
  const requests = [
    {
      method: 'POST',
      path: '/oauth/token',
      headers: formHeaders,
      setupRequest: (req: Record<string, unknown>) => ({
        ...req,
        body: `grant_type=${encodeURIComponent(DEVICE_GRANT)}&client_id=bench-tv&device_code=${pool[next++ % pool.length]}`,
      }),
      onResponse: (status: number, body: string) => {
        if (status !== 400 || !body.includes('"authorization_pending"')) wrong++;
      },
    },
  ] as unknown as autocannon.Request[];
  await run(base, { url: base, requests }, WARMUP);
  wrong = 0;
  const r = await run(base, { url: base, requests }, DURATION);
  return { name, rps: r.requests.average, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: wrong, ratio: 0, target };
}

/** Workers forked together come up together: this long after the first answers, the others listen too. */
const WORKERS_SETTLE_MS = 3000;

/**
 * `serve --workers 2` on the same SQLite file against the one-process server `single`, measured
 * in turn (one, two, one, two) so both see the same machine: the trivial route and client_credentials.
 */
async function workerResults(env: NodeJS.ProcessEnv, ccForm: string, single: string): Promise<Result[]> {
  const server = await startServer(env, ['--workers', '2']);
  try {
    await new Promise((r) => setTimeout(r, WORKERS_SETTLE_MS));
    const trivial = (b: string): Partial<autocannon.Options> => ({ url: `${b}/healthz` });
    const cc = (b: string): Partial<autocannon.Options> => ({ url: `${b}/oauth/token`, method: 'POST', headers: formHeaders, body: ccForm });
    return [
      await measureAcross('(w1) GET /healthz, one process, beside (w2)', [single], trivial),
      await measureAcross('(w2) GET /healthz, serve --workers 2', [server.base], trivial),
      await measureAcross('(w3) client_credentials, one process, beside (w4)', [single], cc),
      await measureAcross('(w4) client_credentials, serve --workers 2', [server.base], cc),
    ];
  } finally {
    server.stop();
  }
}

/**
 * The same issuance and refresh on PostgreSQL (127.0.0.1:5432, database test, a schema of its
 * own), with one instance and with two sharing it. Skipped with a note when PostgreSQL is down.
 */
async function postgresResults(worldFile: string, ccForm: string): Promise<Result[]> {
  const url = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `gh_bench_${process.pid}_${Date.now()}`;
  const env = { ...process.env, DATABASE_URL: `${url}?schema=${schema}`, GATEHOUSE_SECRET: `${SECRET}-postgres`, LOG_LEVEL: 'warn', ...BENCH_FLOOD };
  const applied = spawnSync(process.execPath, [MAIN, 'apply', worldFile], { env, encoding: 'utf8' });
  if (applied.status !== 0) {
    console.log(`PostgreSQL scenarios skipped: ${applied.stderr.trim()}`);
    return [];
  }
  const servers = [await startServer(env), await startServer(env)];
  try {
    const bases = servers.map((s) => s.base);
    const cc = (base: string): Partial<autocannon.Options> => ({ url: `${base}/oauth/token`, method: 'POST', headers: formHeaders, body: ccForm });
    return [
      ...(REFRESH_ONLY
        ? []
        : [
            await measureAcross('(g) client_credentials, PostgreSQL, one instance', bases.slice(0, 1), cc),
            await measureAcross('(h) client_credentials, PostgreSQL, two instances', bases, cc),
          ]),
      await measureRefresh('(i) refresh_token, PostgreSQL, one instance', bases.slice(0, 1)),
      await measureRefresh('(j) refresh_token, PostgreSQL, two instances', bases),
    ];
  } finally {
    for (const server of servers) server.stop();
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, LOG_LEVEL: 'warn', ...BENCH_FLOOD };
  const world = {
    roles: [{ id: 'reader', label: 'Reader', permissions: ['access user profiles'] }],
    scopes: [{ name: 'profile:read', description: 'Read profiles', granularity: 'permission', permission: 'access user profiles' }],
    users: [{ name: 'bench', mail: 'bench@example.com', password: 'bench-password-123', roles: ['reader'] }],
    clients: [
      { clientId: 'bench', secret: SECRET, grantTypes: ['client_credentials'], scopes: ['profile:read'], user: 'bench' },
      { clientId: 'bench-refresh', secret: SECRET, grantTypes: ['password', 'refresh_token'], scopes: ['profile:read'] },
      {
        clientId: 'bench-spa',
        confidential: false,
        grantTypes: ['authorization_code'],
        redirectUris: ['https://app.example/cb'],
        scopes: ['profile:read'],
        authorizationCodeScopes: ['profile:read'],
        automaticAuthorization: true,
      },
      { clientId: 'bench-tv', confidential: false, grantTypes: ['device_code'], scopes: ['profile:read'] },
    ],
  };
  writeFileSync(join(dir, 'world.json'), JSON.stringify(world));
  const applied = spawnSync(process.execPath, [MAIN, 'apply', join(dir, 'world.json')], { env, encoding: 'utf8' });
  if (applied.status !== 0) throw new Error(applied.stderr);
  // the gate's routes, an API key and the upstream of (k), before the server reads them
  const gate = await prepareGate(MAIN, env, dir, await freePort(), 'bench');

  const server = await startServer(env);
  const base = server.base;
  try {
    const form = `grant_type=client_credentials&client_id=bench&client_secret=${SECRET}`;
    const tokenRes = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
    const { access_token: token } = (await tokenRes.json()) as { access_token: string };
    const uid = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub;

    const session = await loginCookie(base);
    const verifier = 'bench-verifier-bench-verifier-bench-verifier-0123456789';
    const { createHash } = await import('node:crypto');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const authorizePath = `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'bench-spa', redirect_uri: 'https://app.example/cb', code_challenge: challenge, code_challenge_method: 'S256', state: 'bench' })}`;

    const scenarios: Scenario[] = [
      { name: '(a) GET /healthz (trivial route)', options: { url: `${base}/healthz` } },
      {
        name: '(b) POST /oauth/token client_credentials',
        target: 0.2,
        options: { url: `${base}/oauth/token`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form },
      },
      {
        name: '(c) GET /user/{id}?_format=json Bearer',
        target: 0.5,
        options: { url: `${base}/user/${uid}?_format=json`, headers: { authorization: `Bearer ${token}` } },
      },
      {
        name: '(d) authorization-code flows (authorize + token), per flow',
        requestsPerUnit: 2,
        options: {
          url: base,
          requests: [
            {
              method: 'GET',
              path: authorizePath,
              headers: { cookie: session },
              onResponse: (_status: number, _body: string, context: Record<string, unknown>, headers: Record<string, string>) => {
                context.code = new URL(headers.location).searchParams.get('code');
              },
            },
            {
              method: 'POST',
              path: '/oauth/token',
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => ({
                ...req,
                body: new URLSearchParams({
                  grant_type: 'authorization_code',
                  client_id: 'bench-spa',
                  code: String(context.code),
                  redirect_uri: 'https://app.example/cb',
                  code_verifier: verifier,
                }).toString(),
              }),
            },
          ] as unknown as autocannon.Request[],
        },
      },
      {
        name: '(e) POST /oauth/introspect of a valid token',
        options: {
          url: `${base}/oauth/introspect`,
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic ' + Buffer.from(`bench:${SECRET}`).toString('base64') },
          body: `token=${token}`,
        },
      },
    ];
    const results: Result[] = [];
    const measure = async (scenario: Scenario): Promise<Result> => {
      const url = scenario.options.url as string;
      await run(url, scenario.options, WARMUP);
      const r = await run(url, scenario.options, DURATION);
      // the authorize step answers 302: a redirect is its success
      const failures = scenario.requestsPerUnit ? r.non2xx - (r['3xx'] ?? 0) : r.non2xx;
      return {
        name: scenario.name,
        rps: r.requests.average / (scenario.requestsPerUnit ?? 1),
        p99: r.latency.p99,
        errors: r.errors + r.timeouts,
        non2xx: failures,
        ratio: 0,
        target: scenario.target,
      };
    };
    for (const scenario of REFRESH_ONLY ? scenarios.slice(0, 1) : scenarios) results.push(await measure(scenario));
    if (!REFRESH_ONLY) results.push(...(await measurePaired(await gate.scenarios(base, token), scenarios[0], measure)));
    results.push(await measureRefresh('(f) POST /oauth/token refresh_token (rotation), SQLite', [base]));
    if (!REFRESH_ONLY) results.push(await measureDevicePolling('(g) POST /oauth/token device_code polling (authorization_pending), SQLite', base, 0.3));
    results.push(...(await postgresResults(join(dir, 'world.json'), form)));
    if (!REFRESH_ONLY) results.push(...(await workerResults(env, form, base)));
    // the machine's speed drifts during a run: the baseline is measured first and last, and averaged
    const last = await measure(scenarios[0]);
    results[0] = {
      ...results[0],
      rps: (results[0].rps + last.rps) / 2,
      p99: Math.max(results[0].p99, last.p99),
      errors: results[0].errors + last.errors,
      non2xx: results[0].non2xx + last.non2xx,
    };
    const baseline = results[0].rps;
    for (const r of results) r.ratio = r.rps / (r.baselineRps ?? baseline);
    console.log(`\nGatehouse bench — ${DURATION}s per scenario, ${CONNECTIONS} connections, node ${process.version}\n`);
    console.log('| scenario | req/s | p99 ms | ratio to (a) | target | errors/non-2xx |');
    console.log('|---|---:|---:|---:|---:|---:|');
    let missed = 0;
    for (const r of results) {
      const verdict = r.target === undefined ? '' : r.ratio >= r.target ? ` ≥ ${r.target} ✓` : ` ≥ ${r.target} ✗`;
      if (r.target !== undefined && r.ratio < r.target) missed++;
      if (r.errors || r.non2xx) missed++;
      const ratio = `${r.ratio.toFixed(2)}${r.baselineName ? ` of ${r.baselineName} around it (${Math.round(r.baselineRps!)} req/s)` : ''}`;
      console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.p99} | ${ratio} | ${verdict} | ${r.errors}/${r.non2xx} |`);
    }
    for (const line of gate.skipped) console.log(`\n${line}`);
    const named = (prefix: string) => results.find((r) => r.name.startsWith(prefix));
    const [one, two, ccOne, ccTwo] = ['(w1)', '(w2)', '(w3)', '(w4)'].map(named);
    if (one && two && ccOne && ccTwo) {
      console.log(
        `\ntwo workers / one process: trivial route ×${(two.rps / one.rps).toFixed(2)}, client_credentials ×${(ccTwo.rps / ccOne.rps).toFixed(2)} (${availableParallelism()} cores, autocannon on one of them)`,
      );
    }
    console.log(missed ? `\n${missed} target(s) missed or run invalid` : '\nall targets met');
    if (process.env.BENCH_STRICT === '1' && missed) process.exitCode = 1;
  } finally {
    server.stop();
    gate.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
