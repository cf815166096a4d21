// The gate's scenarios of `npm run bench` (issue 12 part 6): (k) a GET proxied through a bearer
// route vs the same upstream called directly, (l) /gate/check decisions with a Bearer token,
// (m) a basic route with a remembered credential, (n) an api_key route — (l)–(n) as /gate/check
// decisions. Each is a ratio to its baseline (the upstream called directly for (k), the trivial
// route for the others) measured just before and just after it, so that a machine whose speed
// drifts during the run (other work on it) moves both sides alike. A scenario whose feature this
// build lacks (routes, a method, the CLI) is skipped with a line saying so.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type autocannon from 'autocannon';

export interface GateScenario {
  name: string;
  target?: number;
  /** what this one is a ratio to (default: the trivial route) */
  baseline?: GateScenario;
  options: Partial<autocannon.Options>;
}

export interface Measured {
  name: string;
  rps: number;
}

/**
 * Measures each scenario between two runs of its baseline and returns it with `baselineRps`, the
 * mean of those two (one run of a baseline serves as the `after` of one scenario and the `before`
 * of the next).
 */
export async function measurePaired<R extends Measured>(
  scenarios: GateScenario[],
  trivial: GateScenario,
  measure: (scenario: GateScenario) => Promise<R>,
): Promise<(R & { baselineRps: number; baselineName: string })[]> {
  const results: (R & { baselineRps: number; baselineName: string })[] = [];
  let before: { of: GateScenario; rps: number } | null = null;
  for (const scenario of scenarios) {
    const baseline = scenario.baseline ?? trivial;
    if (before?.of !== baseline) before = { of: baseline, rps: (await measure(baseline)).rps };
    const result = await measure(scenario);
    const after: { of: GateScenario; rps: number } = { of: baseline, rps: (await measure(baseline)).rps };
    results.push({ ...result, baselineRps: (before.rps + after.rps) / 2, baselineName: baseline.name.split(' ')[0] });
    before = after;
  }
  return results;
}

export interface GatePlan {
  /** scenarios that can run once the server is up (token known) */
  scenarios(base: string, token: string): Promise<GateScenario[]>;
  /** why some scenarios will not run */
  skipped: string[];
  stop(): void;
}

const UPSTREAM = `const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  res.setHeader('content-type', 'application/json');
  res.end('{"items":[{"id":1,"title":"bench"}]}');
});
server.keepAliveTimeout = 10000;
server.listen(Number(process.env.PORT), '127.0.0.1');`;

const PROXIED = { name: 'bench-proxied', path: '/bench/proxied', auth: ['bearer'], scopes: ['profile:read'] };
const CHECKED = { name: 'bench-check', path: '/bench/check', auth: ['bearer'], scopes: ['profile:read'] };
const BASIC = { name: 'bench-basic', path: '/bench/basic', auth: ['basic'] };
const KEYED = { name: 'bench-key', path: '/bench/key', auth: ['api_key'] };

function apply(main: string, env: NodeJS.ProcessEnv, dir: string, document: unknown): { ok: boolean; reason: string } {
  const file = join(dir, `gate-routes-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(document));
  const applied = spawnSync(process.execPath, [main, 'apply', file], { env, encoding: 'utf8' });
  return { ok: applied.status === 0, reason: (applied.stderr || applied.stdout).trim().split('\n')[0] ?? '' };
}

/** Declares the routes (before `serve` starts), an API key for the bench user, and the upstream. */
export async function prepareGate(main: string, env: NodeJS.ProcessEnv, dir: string, upstreamPort: number, user: string): Promise<GatePlan> {
  const skipped: string[] = [];
  const routes: object[] = [];
  const tryRoutes = (extra: object, what: string): boolean => {
    const result = apply(main, env, dir, { routes: [...routes, extra] });
    if (result.ok) routes.push(extra);
    else skipped.push(`${what} skipped: this build refuses the route (${result.reason})`);
    return result.ok;
  };
  const proxied = { ...PROXIED, upstream: `http://127.0.0.1:${upstreamPort}` };
  const hasRoutes = tryRoutes(CHECKED, '(l) /gate/check with a Bearer token');
  const hasProxy = hasRoutes && tryRoutes(proxied, '(k) proxied GET through a bearer route');
  if (!hasRoutes) skipped.push('(k) proxied GET through a bearer route skipped: no gate routes in this build');
  const hasBasic = hasRoutes && tryRoutes(BASIC, '(m) basic route, remembered credential');
  let key: string | null = null;
  if (hasRoutes && tryRoutes(KEYED, '(n) api_key route')) {
    const created = spawnSync(process.execPath, [main, 'apikey', 'create', user, '--label', 'bench', '--json'], { env, encoding: 'utf8' });
    if (created.status === 0) key = (JSON.parse(created.stdout) as { key: string }).key;
    else skipped.push(`(n) api_key route skipped: \`gatehouse apikey create\` failed (${created.stderr.trim().split('\n')[0]})`);
  }
  if (!hasRoutes) skipped.push('(m) basic route skipped: no gate routes in this build', '(n) api_key route skipped: no gate routes in this build');

  let upstream: ChildProcess | null = null;
  if (hasProxy) {
    upstream = spawn(process.execPath, ['-e', UPSTREAM], { env: { ...process.env, PORT: String(upstreamPort) }, stdio: 'ignore' });
    await waitFor(`http://127.0.0.1:${upstreamPort}/`);
  }

  return {
    skipped,
    stop: () => upstream?.kill('SIGTERM'),
    async scenarios(base, token) {
      const bearer = `Bearer ${token}`;
      // /gate/check is there when it answers in its own vocabulary (no route → NO_ROUTE)
      const probe = await fetch(`${base}/gate/check`, { headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/bench/check/1', authorization: bearer } });
      const checkable = probe.status === 200;
      if (hasRoutes && !checkable) skipped.push(`(l)–(n) skipped: GET /gate/check answered ${probe.status} ${(await probe.text()).slice(0, 120)}`);
      const check = (uri: string, headers: Record<string, string>): Partial<autocannon.Options> => ({
        url: `${base}/gate/check`,
        headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': uri, ...headers },
      });
      const scenarios: GateScenario[] = [];
      if (hasProxy) {
        scenarios.push({
          name: '(k) GET proxied through a bearer route',
          target: 0.6,
          baseline: { name: '(k0) the same GET, upstream called directly', options: { url: `http://127.0.0.1:${upstreamPort}/bench/proxied/items` } },
          options: { url: `${base}/bench/proxied/items`, headers: { authorization: bearer } },
        });
      }
      if (checkable) scenarios.push({ name: '(l) GET /gate/check, Bearer token', target: 0.5, options: check('/bench/check/1', { authorization: bearer }) });
      if (checkable && hasBasic) {
        const basic = `Basic ${Buffer.from(`${user}:bench-password-123`).toString('base64')}`;
        scenarios.push({ name: '(m) GET /gate/check, basic route (remembered)', target: 0.4, options: check('/bench/basic/1', { authorization: basic }) });
      }
      if (checkable && key) scenarios.push({ name: '(n) GET /gate/check, api_key route', target: 0.4, options: check('/bench/key/1', { 'x-api-key': key }) });
      // one request each first: a wrong setup shows here, not as a run of non-2xx
      for (const scenario of scenarios) {
        const res = await fetch(scenario.options.url as string, { headers: scenario.options.headers as Record<string, string> });
        if (!res.ok) throw new Error(`${scenario.name}: ${res.status} ${(await res.text()).slice(0, 200)}`);
      }
      return scenarios;
    },
  };
}

async function waitFor(url: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await fetch(url);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${url} did not answer`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
