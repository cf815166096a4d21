// Real front proxies for the gate's forward-auth tests (issue 12 part 3): Debian's nginx
// (`auth_request`) and Caddy (`forward_auth`) run as child processes with their own temporary
// folder and a free 127.0.0.1 port, in front of a recording upstream (a node:http server).
// Under CI=true a missing binary is a failure (.ci/run installs both); elsewhere a skip.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, request as httpRequest, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './gatehouse.js';

export const NGINX = process.env.NGINX_PATH ?? '/usr/sbin/nginx';
export const CADDY = process.env.CADDY_PATH ?? '/usr/bin/caddy';

/** `false` when the proxy can run; a skip reason locally; throws under CI when it is missing. */
export function proxySkip(which: 'nginx' | 'caddy'): false | string {
  const binary = which === 'nginx' ? NGINX : CADDY;
  if (existsSync(binary)) return false;
  if (process.env.CI === 'true') throw new Error(`${which} is required under CI=true but ${binary} is missing (apt-get install -y ${which})`);
  return `${which} not installed at ${binary}`;
}

// --- the configurations the README shows -------------------------------------------------------

/** The addresses the README's configurations use, which the tests replace (README "Behind nginx or Caddy"). */
export const PLACEHOLDERS = { gatehouse: '127.0.0.1:3000', upstream: '127.0.0.1:8080', proxyPort: '8000' } as const;

/**
 * The fenced block after `<!-- gate-proxy-config: NAME -->` in README.md, verbatim. The same text
 * is the file under deploy/ (the tests compare them).
 */
export function readmeConfig(name: 'nginx' | 'caddy', readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8')): string {
  const lines = readme.split('\n');
  const marker = lines.findIndex((line) => line.trim() === `<!-- gate-proxy-config: ${name} -->`);
  assert.ok(marker >= 0, `README.md has no <!-- gate-proxy-config: ${name} --> marker`);
  let start = marker + 1;
  while (lines[start]?.trim() === '') start++;
  assert.match(lines[start] ?? '', /^```\w*$/, `README.md:${start + 1}: the ${name} marker must be followed by a fenced block`);
  const end = lines.indexOf('```', start + 1);
  assert.ok(end > start, `README.md:${start + 1}: the ${name} block is not closed`);
  return `${lines.slice(start + 1, end).join('\n')}\n`;
}

export interface Ports {
  gatehouse: number;
  upstream: number;
  proxy: number;
}

/**
 * The README's configuration with only its addresses changed: `127.0.0.1:3000` (Gatehouse),
 * `127.0.0.1:8080` (the API) and the proxy's port 8000 (nginx `listen 8000;`, Caddy's `:8000 {`
 * site address), each of which must be there.
 */
export function withPorts(config: string, ports: Ports): string {
  for (const placeholder of [PLACEHOLDERS.gatehouse, PLACEHOLDERS.upstream]) {
    assert.ok(config.includes(placeholder), `the configuration names ${placeholder}`);
  }
  const listen = /^(\s*)listen 8000;$/m;
  const site = /^:8000 \{$/m;
  assert.ok(listen.test(config) || site.test(config), 'the configuration listens on port 8000 (`listen 8000;` or `:8000 {`)');
  return config
    .replaceAll(PLACEHOLDERS.gatehouse, `127.0.0.1:${ports.gatehouse}`)
    .replaceAll(PLACEHOLDERS.upstream, `127.0.0.1:${ports.upstream}`)
    .replace(listen, `$1listen 127.0.0.1:${ports.proxy};`)
    .replace(site, `http://127.0.0.1:${ports.proxy} {`);
}

// --- the proxies ---------------------------------------------------------------------------------

export interface RunningProxy {
  url: string;
  port: number;
  /** what the proxy printed and logged, for assertion messages */
  output(): string;
  stop(): Promise<void>;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
      socket.setTimeout(1000, () => resolve(false));
    }).then((up) => up);
    if (open) return;
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the proxy exited (${child.exitCode ?? child.signalCode}) before listening:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`the proxy did not listen on ${port} within ${timeoutMs} ms:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function supervise(
  command: string,
  args: string[],
  dir: string,
  env: NodeJS.ProcessEnv,
  extraOutput: () => string = () => '',
): { child: ChildProcess; output: () => string } {
  let printed = '';
  const child = spawn(command, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  // a test process that ends without its `after` hooks (a timeout, an uncaught error) takes the proxy with it
  const orphaned = () => child.kill('SIGTERM');
  process.once('exit', orphaned);
  child.once('exit', () => process.off('exit', orphaned));
  return { child, output: () => printed + extraOutput() };
}

async function stopChild(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const killed = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killed);
  }
  rmSync(dir, { recursive: true, force: true });
}

/**
 * nginx with `serverConfig` (what goes in /etc/nginx/conf.d/: included in the http block, as
 * Debian's nginx.conf does) around a minimal main configuration whose paths are all in a
 * temporary folder.
 */
export async function startNginx(serverConfig: string, port: number): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-nginx-'));
  // run as root, nginx's workers are `nobody`: they must reach the temporary paths
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'gatehouse-gate.conf'), serverConfig);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${join(dir, `${kind}_temp`)};`).join('\n');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;\nevents { worker_connections 512; }\nhttp {\n${temp}\n  access_log ${join(dir, 'access.log')};\n  include ${join(dir, 'gatehouse-gate.conf')};\n}\n`,
  );
  const errorLog = join(dir, 'error.log');
  const readLog = () => (existsSync(errorLog) ? `\n--- error.log ---\n${readFileSync(errorLog, 'utf8')}` : '');
  const { child, output } = supervise(
    NGINX,
    ['-p', dir, '-e', errorLog, '-c', join(dir, 'nginx.conf'), '-g', `daemon off; pid ${join(dir, 'nginx.pid')};`],
    dir,
    process.env,
    readLog,
  );
  await waitForPort(port, child, output).catch(async (error) => {
    await stopChild(child, dir);
    throw error;
  });
  return { url: `http://127.0.0.1:${port}`, port, output, stop: () => stopChild(child, dir) };
}

/**
 * Caddy with `caddyfile` (a site block, as the README shows it) after global options that keep
 * it to itself: no admin endpoint, no automatic HTTPS, its storage and HOME in a temporary folder.
 */
export async function startCaddy(caddyfile: string, port: number): Promise<RunningProxy> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-caddy-'));
  const file = join(dir, 'Caddyfile');
  writeFileSync(file, `{\n\tadmin off\n\tauto_https off\n\tstorage file_system ${join(dir, 'storage')}\n}\n\n${caddyfile}`);
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };
  const { child, output } = supervise(CADDY, ['run', '--config', file, '--adapter', 'caddyfile'], dir, env);
  await waitForPort(port, child, output).catch(async (error) => {
    await stopChild(child, dir);
    throw error;
  });
  return { url: `http://127.0.0.1:${port}`, port, output, stop: () => stopChild(child, dir) };
}

// --- the upstream --------------------------------------------------------------------------------

export interface Recorded {
  method: string;
  /** the request target exactly as it arrived */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RecordingUpstream {
  port: number;
  url: string;
  /** every request received, in order */
  received: Recorded[];
  close(): Promise<void>;
}

/** An API that answers 200 `{"upstream":true,"url":…}` to anything and remembers what it got. */
export async function startRecordingUpstream(): Promise<RecordingUpstream> {
  const received: Recorded[] = [];
  const server: Server = createServer((req, res) => {
    const got: Recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' };
    received.push(got);
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (got.body += chunk));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ upstream: true, url: req.url }));
    });
  });
  server.keepAliveTimeout = 1000;
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: any;
}

/**
 * A request whose target is sent exactly as written (fetch would resolve `..` and `//`), for
 * the path-spelling tests.
 */
export function rawRequest(
  port: number,
  target: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: target, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: unknown = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          body = null;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * Where a request target lands once decoded and resolved as a lenient upstream would: percent-
 * encodings decoded once (`%2e`, `%2f`), `\\` read as `/`, `//` collapsed, `.` and `..` resolved.
 */
export function resolvedPath(target: string): string {
  let path = target.split('?')[0];
  try {
    path = decodeURIComponent(path);
  } catch {
    /* a malformed escape stays as it is */
  }
  const out: string[] = [];
  for (const segment of path.replaceAll('\\', '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return `/${out.join('/')}`;
}
