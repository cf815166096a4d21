// `npx tsx bench/profile.ts`: one Gatehouse under `node --cpu-prof`, driven by autocannon with
// the refresh grant (PROFILE_SCENARIO=refresh, the default) or the code exchange (=code), on
// SQLite or PostgreSQL (PROFILE_ENGINE=postgres; 127.0.0.1:5432, database test, a schema of its
// own, dropped afterwards). Prints where the server's time went — the rotation's parts as
// inclusive shares of busy time, then the heaviest functions by self time — and leaves the
// .cpuprofile in PROFILE_DIR (default: a temporary folder) for Chrome DevTools.
// `npx tsx bench/profile.ts FILE.cpuprofile SECONDS` summarizes the last SECONDS of a profile.
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SCENARIO = process.env.PROFILE_SCENARIO === 'code' ? 'code' : 'refresh';
const ENGINE = process.env.PROFILE_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
const MAIN = join(process.cwd(), 'dist', 'main.js');
const SECRET = 'bench-secret-bench-secret-bench-secret-0123';
const PASSWORD = 'bench-password-123';
const VERIFIER = 'bench-verifier-bench-verifier-bench-verifier-0123456789';
const CHALLENGE = createHash('sha256').update(VERIFIER).digest('base64url');
const REDIRECT = 'https://app.example/cb';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const CLIENT = { client_id: 'bench', client_secret: SECRET };

/** Frames whose inclusive time tells where a rotation or an exchange goes: function names, and where given, the file. */
const PARTS: [label: string, names: string[], file?: RegExp][] = [
  ['the grant function itself (its synchronous parts)', ['refreshTokenGrant', 'authorizationCodeGrant']],
  ['client authentication', ['authenticateClient']],
  ['access token signing (JWT, claims + sign call)', ['signJwt']],
  ['token digests (SHA-256)', ['tokenDigest']],
  ['SQL: Kysely query building and compiling', ['compileQuery', 'executeQuery'], /kysely/],
  ['SQL: SQLite statements (better-sqlite3, native)', ['execute'], /sqlite-dialect/],
  ['SQL: pg client (protocol, parsing rows)', ['handleDataRow', 'parseMessage', 'submit', 'handleCommandComplete', 'handleRowDescription'], /pg/],
  ['audit log', ['record', 'flush'], /audit-log/],
  ['socket writes (writev)', ['writev', 'writeUtf8String', 'writeBuffer']],
  ['fastify request handling and reply', ['runPreParsing', 'onSendEnd', 'serialize'], /fastify/],
  ['garbage collector', ['(garbage collector)']],
];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
  hitCount?: number;
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

async function post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  const r = await fetch(url, { method: 'POST', headers: { ...FORM, ...headers }, body: new URLSearchParams(fields).toString() });
  if (!r.ok) throw new Error(`${url}: ${r.status} ${await r.text()}`);
  return (await r.json()) as Record<string, string>;
}

async function codes(base: string, n: number): Promise<string[]> {
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
  const out: string[] = [];
  const worker = async (): Promise<void> => {
    while (out.length < n) {
      const r = await fetch(base + path, { redirect: 'manual', headers: { cookie: session } });
      out.push(new URL(r.headers.get('location')!).searchParams.get('code')!);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out.slice(0, n);
}

/** Self time per node, then inclusive time per label (a frame counted once per stack). */
function summarize(file: string, window: number): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // only the samples of the load (the last `window` µs), not the server's start
  const ends: number[] = [];
  profile.timeDeltas.reduce((t, d, i) => (ends[i] = t + d), 0);
  const from = ends[ends.length - 1] - window;
  profile.samples.forEach((id, i) => {
    if (ends[i] >= from) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = new Map<number, number>();
  const inclusive = (node: ProfileNode): number => {
    let sum = self.get(node.id) ?? 0;
    for (const child of node.children ?? []) sum += inclusive(byId.get(child)!);
    total.set(node.id, sum);
    return sum;
  };
  const root = profile.nodes[0];
  const all = inclusive(root);
  const idle = profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').reduce((s, n) => s + (self.get(n.id) ?? 0), 0);
  const busy = all - idle;
  const label = (n: ProfileNode): string =>
    `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  const lines = [`busy ${(busy / 1e6).toFixed(2)} s of ${(all / 1e6).toFixed(2)} s sampled`, '', 'inclusive share of busy time:'];
  for (const [name, names, where] of PARTS) {
    const wanted = new Set(names);
    let sum = 0;
    const walk = (node: ProfileNode, inside: boolean): void => {
      const hit = !inside && wanted.has(node.callFrame.functionName) && (!where || where.test(node.callFrame.url));
      if (hit) sum += total.get(node.id) ?? 0;
      for (const child of node.children ?? []) walk(byId.get(child)!, inside || hit);
    };
    walk(root, false);
    lines.push(`  ${((sum / busy) * 100).toFixed(1).padStart(5)} %  ${name}`);
  }
  const selfByLabel = new Map<string, number>();
  for (const node of profile.nodes) selfByLabel.set(label(node), (selfByLabel.get(label(node)) ?? 0) + (self.get(node.id) ?? 0));
  lines.push('', 'self time, top 30:');
  for (const [name, time] of [...selfByLabel]
    .filter(([n]) => !n.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 30))
    lines.push(`  ${((time / busy) * 100).toFixed(1).padStart(5)} %  ${name}`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const temp = mkdtempSync(join(tmpdir(), 'gatehouse-profile-'));
  const dir = process.env.PROFILE_DIR ?? join(temp, 'profile');
  mkdirSync(dir, { recursive: true });
  const schema = `gh_profile_${process.pid}`;
  const postgresUrl = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const env = {
    ...process.env,
    DATABASE_URL: ENGINE === 'postgres' ? `${postgresUrl}?schema=${schema}` : `sqlite:${join(temp, 'gh.db')}`,
    LOG_LEVEL: 'warn',
    GATEHOUSE_SECRET: 'profile-master-secret-0123456789abcdef-xyz',
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
        grantTypes: ['refresh_token', 'authorization_code', 'password'],
        redirectUris: [REDIRECT],
        scopes: ['api'],
        authorizationCodeScopes: ['api'],
        user: 'bench',
        pkce: true,
        automaticAuthorization: true,
        accessTokenExpiration: 300,
      },
    ],
  };
  writeFileSync(join(temp, 'world.json'), JSON.stringify(world));
  const applied = spawnSync(process.execPath, [MAIN, 'apply', join(temp, 'world.json')], { env, encoding: 'utf8' });
  if (applied.status !== 0) throw new Error(applied.stderr);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawn(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, MAIN, 'serve'], {
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', GATEHOUSE_ISSUER: base },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  for (let ready = false; !ready; ) {
    ready = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  let requests: autocannon.Request[];
  let amount: number | undefined;
  if (SCENARIO === 'refresh') {
    const pool: string[] = [];
    for (let i = 0; i < CONNECTIONS * 2; i++)
      pool.push((await post(`${base}/oauth/token`, { grant_type: 'password', ...CLIENT, username: 'bench', password: PASSWORD, scope: 'api' })).refresh_token);
    requests = [
      {
        method: 'POST',
        path: '/oauth/token',
        headers: FORM,
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: pool.shift()!, ...CLIENT }).toString(),
        }),
        onResponse: (status: number, body: string) => {
          if (status === 200) pool.push((JSON.parse(body) as { refresh_token: string }).refresh_token);
        },
      },
    ] as unknown as autocannon.Request[];
  } else {
    const pool = await codes(base, Math.max(200, 1500 * DURATION));
    amount = pool.length;
    requests = [
      {
        method: 'POST',
        path: '/oauth/token',
        headers: FORM,
        setupRequest: (req: Record<string, unknown>) => ({
          ...req,
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code: pool.pop()!,
            redirect_uri: REDIRECT,
            code_verifier: VERIFIER,
            ...CLIENT,
          }).toString(),
        }),
      },
    ] as unknown as autocannon.Request[];
  }
  const started = performance.now();
  let lastAnswer = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: base, connections: CONNECTIONS, duration: DURATION, amount, requests }, (error, r) =>
      error ? reject(error) : resolve(r),
    );
    instance.on('response', () => {
      lastAnswer = performance.now();
    });
  });
  // autocannon notices an exhausted pool (amount) only on its next one-second tick
  const seconds = ((amount ? lastAnswer : performance.now()) - started) / 1000;
  server.kill('SIGTERM');
  await exited;
  if (ENGINE === 'postgres') {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  console.log(
    `${SCENARIO} on ${ENGINE}: ${Math.round(result.requests.total / seconds)} req/s, p99 ${result.latency.p99} ms, ${result.errors + result.timeouts} errors, ${result.non2xx} non-2xx`,
  );
  if (!file) throw new Error(`no profile written in ${dir}`);
  console.log(`profile: ${join(dir, file)}\n`);
  console.log(summarize(join(dir, file), seconds * 1e6));
}

// `npx tsx bench/profile.ts FILE.cpuprofile SECONDS`: only the summary, of the last SECONDS of FILE
const run = process.argv[2] ? async () => console.log(summarize(process.argv[2], Number(process.argv[3] ?? DURATION) * 1e6)) : main;
run().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
