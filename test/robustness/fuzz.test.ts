// test-engines: both
// The seeded fuzzer: thousands of requests over every route Gatehouse serves — odd methods, paths,
// content types, bodies, credentials — then malformed framing on a bare socket. Nothing may
// answer 5xx (but 503 with Retry-After), every answer must be well-formed, and the server must be
// healthy afterwards. GATEHOUSE_FUZZ_REQUESTS sets the count, GATEHOUSE_FUZZ_SEED replays a run.
import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { after, before, test } from 'node:test';
import { applyDocument } from '../../src/admin/apply.js';
import { testConfig } from '../../src/config.js';
import { BrowserAgent } from '../helpers/browser-http.js';
import { basic, form, PASSWORD, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { FRAMING_CASES, randomFramingCases } from './framing-cases.js';
import { describe, fuzzRequest, type FuzzRequest, type FuzzTarget } from './fuzz-requests.js';
import { apiOperations, FUZZ_OWN, FUZZ_WORLD, obtainCredentials, scrapeForms, type Credentials } from './fuzz-world.js';
import { send, sendRaw, type RawResponse } from './raw-http.js';
import { Random, seedFrom } from './seeded-random.js';
import { servedRoutes } from './served-routes.js';

const REQUESTS = Number(process.env.GATEHOUSE_FUZZ_REQUESTS ?? 5000);
const SEED = seedFrom('GATEHOUSE_FUZZ_SEED');
const CONCURRENCY = 4;
/** the fuzzer's own session and tokens are renewed this often (it may log itself out) */
const BATCH = 500;
const REQUEST_TIMEOUT_MS = 10_000;
const BODY_LIMIT = 65_536;
const METRICS_TOKEN = 'fuzz-metrics-token-0123456789abcdef0123';

const replay = `replay with GATEHOUSE_FUZZ_SEED=${SEED}`;
let gh: Running;
let target: FuzzTarget;
const logLines: string[] = [];

before(async () => {
  assert.ok(Number.isInteger(REQUESTS) && REQUESTS > 0, 'GATEHOUSE_FUZZ_REQUESTS must be a positive whole number');
  gh = await startGatehouse({
    world: FUZZ_WORLD,
    logLines,
    // flood control would soon answer every password check with 429: raise it so they run
    config: { bodyLimit: BODY_LIMIT, metricsToken: METRICS_TOKEN, flood: { ...testConfig().flood, userLimit: 1_000_000, ipLimit: 1_000_000 } },
  });
  const creds = await obtainCredentials(gh);
  const routes = servedRoutes(gh.app);
  const uids: number[] = [];
  for (const name of ['alice', 'bob', 'carol', 'root']) uids.push((await gh.store.users.findByName(name))!.uid);
  const fill = (url: string) =>
    url.replace(':uid', String(uids[0])).replace(':id', String(uids[0])).replace(':clientId', 'backend').replace(':name', 'profile:read');
  const pages = routes.filter((r) => r.methods.includes('GET') && !r.url.includes('*') && !r.url.startsWith('/docs')).map((r) => fill(r.url));
  pages.push(
    `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'spa', redirect_uri: 'http://127.0.0.1:5173/callback', scope: 'openid profile:read', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', state: 's' })}`,
  );
  target = { routes, forms: await scrapeForms(gh, creds.cookies, pages), api: await apiOperations(gh), creds, uids, metricsToken: METRICS_TOKEN };
});

after(() => gh?.close());

test('the fuzzer sees every route, form and admin API operation the server offers', () => {
  const urls = target.routes.map((r) => r.url);
  for (const url of [
    '/oauth/token',
    '/oauth/authorize',
    '/rest_api/access_token',
    '/user/login',
    '/user/:id',
    '/admin/api/v1/users/:uid',
    '/admin/clients/:clientId',
    '/metrics',
    '/healthz',
  ])
    assert.ok(urls.includes(url), `${url} is served and fuzzed`);
  assert.ok(target.routes.length >= 50, `${target.routes.length} routes`);
  const actions = new Set(target.forms.filter((f) => f.method === 'post').map((f) => f.action));
  for (const action of ['/user/login', '/user/logout', '/oauth/authorize', '/admin/clients/new', '/admin/users/new', '/admin/roles', '/admin/scopes'])
    assert.ok(actions.has(action), `a form posting to ${action} was found`);
  assert.ok(target.api.bodies.size >= 6, `${target.api.bodies.size} admin API request bodies`);
});

/** What is wrong with an answer, or null. */
function problem(request: FuzzRequest, response: RawResponse): string | null {
  if (response.status >= 500 && !(response.status === 503 && response.headers['retry-after']))
    return `answered ${response.status}${response.status === 503 ? ' without Retry-After' : ''}: ${response.body.subarray(0, 200).toString()}`;
  if (response.status < 100 || response.status > 599) return `status ${response.status}`;
  const type = String(response.headers['content-type'] ?? '');
  const hasBody = request.method !== 'HEAD' && response.status !== 204 && response.status !== 304;
  if (hasBody && /[/+]json/i.test(type)) {
    try {
      JSON.parse(response.body.toString('utf8'));
    } catch {
      return `content-type ${type} but the body is not JSON: ${JSON.stringify(response.body.subarray(0, 120).toString())}`;
    }
  }
  if (hasBody && response.body.length > 0 && !type) return 'a body without a content-type';
  return null;
}

/** A 2xx, or a redirect that is not to the login form (a form's 303 after success, a code sent back). */
function reachedTheOperation(response: RawResponse): boolean {
  if (response.status >= 200 && response.status < 300) return true;
  return response.status >= 300 && response.status < 400 && !String(response.headers.location ?? '').startsWith('/user/login');
}

/** Sends one fuzzed request (again on a fresh connection if a kept-alive one was closed under it). */
async function exchange(agent: Agent, request: FuzzRequest): Promise<RawResponse | Error> {
  try {
    return await send(gh.url, agent, request, REQUEST_TIMEOUT_MS);
  } catch (first) {
    if ((first as Error).message.startsWith('the client refused')) return first as Error;
    try {
      return await send(gh.url, new Agent({ keepAlive: false }), request, REQUEST_TIMEOUT_MS);
    } catch (second) {
      const code = (second as NodeJS.ErrnoException).code;
      // a body over the limit may be cut off by the server's 413 while still being written
      if ((request.body?.length ?? 0) > BODY_LIMIT && (code === 'EPIPE' || code === 'ECONNRESET')) return { status: 413, headers: {}, body: Buffer.alloc(0) };
      return second as Error;
    }
  }
}

async function renewCredentials(): Promise<Credentials> {
  try {
    return await obtainCredentials(gh);
  } catch {
    // the fuzzer may have changed its own account or client through a field it sent: restore them
    await applyDocument(gh.admin, FUZZ_OWN);
    await gh.app.gatehouse.reload();
    return obtainCredentials(gh);
  }
}

test(`${REQUESTS} seeded requests over every route: no 5xx, every answer well-formed`, async (t) => {
  t.diagnostic(`fuzz seed ${SEED} (${replay}), ${REQUESTS} requests`);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  // failures grouped by what went wrong, with the first request that showed it
  const failures = new Map<string, { count: number; example: string }>();
  const statuses = new Map<number, number>();
  /** "METHOD /route" that did its work at least once: how deep the run reached */
  const served = new Set<string>();
  const started = performance.now();
  for (let from = 0; from < REQUESTS; from += BATCH) {
    if (from > 0) target.creds = await renewCredentials();
    let next = from;
    const end = Math.min(REQUESTS, from + BATCH);
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < end) {
          const request = fuzzRequest(target, SEED, next++);
          const outcome = await exchange(agent, request);
          const wrong = outcome instanceof Error ? `no answer: ${outcome.message}` : problem(request, outcome);
          if (!(outcome instanceof Error)) statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
          if (!(outcome instanceof Error) && reachedTheOperation(outcome)) served.add(`${request.method} ${request.route}`);
          if (wrong) {
            const kind = `${wrong.slice(0, 80)} (${request.method} ${outcome instanceof Error ? '*' : request.route})`;
            const seen = failures.get(kind) ?? { count: 0, example: describe(request) };
            failures.set(kind, { ...seen, count: seen.count + 1 });
          }
        }
      }),
    );
  }
  agent.destroy();
  const seconds = (performance.now() - started) / 1000;
  const histogram = [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}:${n}`)
    .join(' ');
  t.diagnostic(`${REQUESTS} requests in ${seconds.toFixed(1)} s; statuses ${histogram}`);
  const report = [...failures].map(([kind, { count, example }]) => `${count}× ${kind}\n    e.g. ${example}`);
  assert.ok(failures.size === 0, `bad answers (seed ${SEED}; ${replay}):\n${report.join('\n')}`);
  // the credentials must have carried requests past the first check, or the run proved little
  const operations = target.routes.flatMap((r) => r.methods.map((m) => `${m} ${r.url}`));
  const unserved = operations.filter((o) => !served.has(o));
  t.diagnostic(`${operations.length - unserved.length} of ${operations.length} route methods did their work at least once; never: ${unserved.join(', ')}`);
  if (REQUESTS >= 5000)
    assert.ok(
      served.size >= operations.length / 2,
      `only ${served.size} of ${operations.length} route methods ever did their work: the fuzzer is not getting past the first checks`,
    );
});

test('malformed framing on a bare socket: a 4xx or a closed connection, never a 5xx, never a hang', async (t) => {
  const cases = [...FRAMING_CASES, ...randomFramingCases(new Random(SEED, 1_000_000_007), 40)];
  const failures: string[] = [];
  for (let i = 0; i < cases.length; i += 8) {
    await Promise.all(
      cases.slice(i, i + 8).map(async (c) => {
        const outcome = await sendRaw(gh.url, c.bytes, { end: c.end, timeoutMs: 5000 });
        const bad = outcome.statuses.filter((s) => s >= 500);
        if (outcome.ended === 'hung') failures.push(`${c.name}: neither answered nor closed within 5 s`);
        else if (bad.length) failures.push(`${c.name}: answered ${bad.join(', ')}: ${outcome.text.slice(0, 200)}`);
        else if (c.expect === 'reject' && (outcome.statuses.some((s) => s < 400) || (outcome.statuses.length === 0 && outcome.ended !== 'closed'))) {
          failures.push(`${c.name}: expected a 4xx or a closed connection, got [${outcome.statuses.join(', ')}] ${outcome.ended}`);
        }
      }),
    );
  }
  t.diagnostic(`${cases.length} framing cases (seed ${SEED})`);
  assert.equal(failures.length, 0, `${replay}:\n${failures.join('\n')}`);
});

test('after the fuzzing the server is healthy: probes, a token, a login; nothing logged as an error', async () => {
  assert.equal((await fetch(`${gh.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${gh.url}/readyz`)).status, 200);
  // a principal the fuzzer never saw, so what the fuzzer legitimately changed cannot matter
  await applyDocument(gh.admin, {
    users: [{ name: 'after-fuzz', mail: 'after@example.com', password: PASSWORD, roles: [] }],
    clients: [{ clientId: 'after-fuzz', confidential: true, secret: SECRET, grantTypes: ['client_credentials'], scopes: ['profile:read'], user: 'after-fuzz' }],
  });
  await gh.app.gatehouse.reload();
  const token = await form(
    `${gh.url}/oauth/token`,
    { grant_type: 'client_credentials', scope: 'profile:read' },
    { authorization: basic('after-fuzz', SECRET) },
  );
  assert.equal(token.status, 200, token.text);
  assert.equal((await fetch(`${gh.url}/oauth/debug`, { headers: { authorization: `Bearer ${token.body.access_token}` } })).status, 200);
  const browser = new BrowserAgent(gh.url);
  const login = await browser.login('after-fuzz', PASSWORD, '/user/apps');
  assert.equal(login.status, 303, login.text.slice(0, 300));
  assert.equal((await browser.get('/user/apps')).status, 200);
  const errors = logLines.filter((line) => (JSON.parse(line).level ?? 0) >= 50);
  assert.deepEqual(
    errors.map((line) => line.slice(0, 600)),
    [],
    `errors were logged (seed ${SEED})`,
  );
});
