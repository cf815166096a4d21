// The README's walkthrough, run as a newcomer would paste it (issue 11, part 9): every block after
// an HTML comment `<!-- readme-test… -->` runs in order, verbatim, in one bash session in a fresh
// folder, against `gatehouse serve` started with `npm start` from this checkout.
//
//   <!-- readme-test: serve -->           the `npm install` / `npm start` block: `npm start` runs in
//                                         the checkout, in the background (`npm install` is what
//                                         `npm test` has done already: the checkout is installed and built)
//   <!-- readme-test -->                  a shell block, sourced into the session; it must not fail
//                                         (the session runs with `set -eo pipefail`). A line of it that
//                                         is a whole comment (`# …`) shows output: those texts must
//                                         appear in what the block printed, in their order, `…`
//                                         standing for anything
//   <!-- readme-test: relying-party -->   the JavaScript relying party: saved as rp.mjs and run with
//                                         node; alice signs in through it (login and consent pages),
//                                         once there and again after every other block
//   <!-- readme-test: file NAME -->       the block is saved as NAME in the session's folder
//
// What the test provides, and the only text it changes:
// - the environment: DATABASE_URL in the temporary folder, PORT a free port (the README's server
//   and CLI both read them), so that nothing lands in the checkout's ./data;
// - `http://localhost:3000` becomes the free port, and the relying party's port 5173 another one
//   (in its code and its redirect URI), so the test can run beside anything holding those ports;
// - `npx gatehouse`: npm runs the `gatehouse` of its global prefix when the current folder is not
//   a package that has one. The session's folder is not, and the prefix is a temporary one holding
//   a `gatehouse` that runs this checkout's dist/main.js — what `npm install -g` of this checkout
//   would put there. (In the checkout itself npx installs the checkout into its cache and runs its
//   `prepare` script, which rebuilds dist/ under the other tests.) npm is offline and its cache
//   temporary: nothing is fetched.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BrowserAgent, hiddenFields } from '../helpers/browser-http.js';
import { freePort, waitForHttp } from '../helpers/gatehouse.js';

const ROOT = process.cwd();
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

interface Block {
  kind: 'serve' | 'shell' | 'relying-party' | 'file';
  argument: string;
  language: string;
  code: string;
  line: number;
}

/** The marked blocks of the README, in order. */
function markedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  lines.forEach((line, i) => {
    const marker = /^<!--\s*readme-test(?::\s*([\w-]+)(?:\s+(\S+))?)?\s*-->$/.exec(line.trim());
    if (!marker) return;
    let start = i + 1;
    while (lines[start]?.trim() === '') start++;
    const fence = /^```(\w*)$/.exec(lines[start] ?? '');
    assert.ok(fence, `README.md:${i + 1}: a readme-test marker must be followed by a fenced block`);
    const end = lines.indexOf('```', start + 1);
    assert.ok(end > start, `README.md:${start + 1}: the block is not closed`);
    const kind = (marker[1] ?? 'shell') as Block['kind'];
    assert.ok(['serve', 'shell', 'relying-party', 'file'].includes(kind), `README.md:${i + 1}: unknown kind "${kind}"`);
    blocks.push({ kind, argument: marker[2] ?? '', language: fence[1], code: lines.slice(start + 1, end).join('\n') + '\n', line: start + 1 });
  });
  return blocks;
}

/** `# text` lines of a shell block: output it must print, `…` standing for anything. */
function shownOutput(code: string): RegExp[] {
  return code
    .split('\n')
    .filter((line) => /^# /.test(line))
    .map(
      (line) =>
        new RegExp(
          line
            .slice(2)
            .split('…')
            .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
            .join('.*?'),
        ),
    );
}

/** One bash session the blocks are sourced into, as a person pastes them into one terminal. */
class Session {
  private output = '';
  private exited: number | null = null;
  private readonly child: ChildProcess;
  private count = 0;

  constructor(cwd: string, env: NodeJS.ProcessEnv) {
    this.child = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.once('exit', (code) => (this.exited = code ?? -1));
    this.child.stdin!.write('set -eo pipefail\n');
  }

  /** Runs `script` (a file) in the session; resolves with what it printed, or fails with it. */
  async source(script: string, timeoutMs = 120_000): Promise<string> {
    const marker = `@@readme-test-done-${++this.count}@@`;
    const from = this.output.length;
    // standard input of the block's commands is not the session's, which holds the next commands
    this.child.stdin!.write(`source '${script}' < /dev/null\necho '${marker}'\n`);
    const deadline = Date.now() + timeoutMs;
    while (!this.output.includes(marker, from)) {
      if (this.exited !== null) throw new Error(`the block failed (bash exited ${this.exited}); it printed:\n${this.output.slice(from)}`);
      if (Date.now() > deadline) throw new Error(`the block did not finish within ${timeoutMs} ms; it printed:\n${this.output.slice(from)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.output.slice(from, this.output.indexOf(marker, from));
  }

  /** A shell variable's value (for the test's own steps, never shown in the README). */
  async variable(name: string, dir: string): Promise<string> {
    const file = join(dir, `print-${name}.sh`);
    writeFileSync(file, `printf '%s\\n' "$${name}"\n`);
    return (await this.source(file)).trim();
  }

  close(): void {
    if (this.exited === null) this.child.stdin!.end('exit\n');
  }
}

/** Signs alice in through the relying party: its /login, Gatehouse's login and consent pages, its /callback. */
async function signIn(rp: string, gatehouse: string, password: string): Promise<string> {
  const start = await fetch(`${rp}/login`, { redirect: 'manual' });
  assert.equal(start.status, 302, 'the relying party sends the browser to Gatehouse');
  const agent = new BrowserAgent(gatehouse);
  let page = await agent.get(start.headers.get('location')!);
  for (let step = 0; step < 5 && !(page.status === 302 && page.location!.startsWith(rp)); step++) {
    if (page.status === 302 && page.location!.startsWith('/user/login')) {
      const destination = new URL(page.location!, gatehouse).searchParams.get('destination')!;
      const login = await agent.login('alice', password, destination);
      assert.equal(login.status, 303, `alice logs in: ${login.text.slice(0, 300)}`);
      page = await agent.get(login.location!);
    } else if (page.status === 200 && page.text.includes('name="decision"')) {
      page = await agent.post('/oauth/authorize', { ...hiddenFields(page.text), decision: 'allow' });
    } else {
      assert.fail(`unexpected answer on the way to the relying party: ${page.status} ${page.location ?? page.text.slice(0, 300)}`);
    }
  }
  assert.ok(page.location?.startsWith(`${rp}/callback?`), `back at the relying party: ${page.location}`);
  const callback = await fetch(page.location!);
  return callback.text();
}

const onPostgresPass = process.env.GATEHOUSE_TEST_ENGINE === 'postgres' && 'the README runs on SQLite, as a newcomer does; the first pass ran it';

describe('the README, followed from top to bottom', { skip: onPostgresPass }, () => {
  const blocks = markedBlocks(README);
  let work: string;
  let port: number;
  let rpPort: number;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess | undefined;
  let serverOutput = '';
  let rp: ChildProcess | undefined;
  let rpOutput = '';
  let session: Session | undefined;

  const substitute = (text: string): string => text.replaceAll('http://localhost:3000', `http://localhost:${port}`).replaceAll('5173', String(rpPort));

  before(async () => {
    assert.ok(existsSync(join(ROOT, 'dist', 'main.js')), 'dist/main.js is built by `npm test`');
    work = mkdtempSync(join(tmpdir(), 'gatehouse-readme-'));
    port = await freePort();
    rpPort = await freePort();
    const prefix = join(work, 'npm-global');
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    const shim = join(prefix, 'bin', 'gatehouse');
    writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist', 'main.js')}" "$@"\n`);
    chmodSync(shim, 0o755);
    // openid-client for the relying party, as `npm install openid-client` would provide it
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
    const inherited = Object.fromEntries(
      Object.entries(process.env).filter(([key]) => !/^(GATEHOUSE_|DATABASE_URL$|LOG_LEVEL$|PORT$|HOST$|REDIS_URL$|npm_|NODE_OPTIONS$)/i.test(key)),
    );
    env = {
      ...inherited,
      PATH: `${join(prefix, 'bin')}:${dirname(process.execPath)}:${process.env.PATH}`,
      DATABASE_URL: `sqlite:${join(work, 'data', 'gatehouse.db')}`,
      PORT: String(port),
      npm_config_prefix: prefix,
      npm_config_cache: join(work, 'npm-cache'),
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    };
  });

  after(async () => {
    session?.close();
    for (const child of [rp, server]) {
      if (child?.pid && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        process.kill(-child.pid, 'SIGTERM'); // npm and the server under it
        await exited;
      }
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test('the walkthrough is marked: a server, shell blocks, the relying party, the apply file', () => {
    const kinds = blocks.map((b) => b.kind);
    assert.equal(kinds[0], 'serve', 'the first marked block starts the server');
    assert.ok(kinds.filter((k) => k === 'shell').length >= 6, kinds.join(', '));
    assert.equal(kinds.filter((k) => k === 'relying-party').length, 1);
    assert.deepEqual(
      blocks.filter((b) => b.kind === 'file').map((b) => b.argument),
      ['gatehouse.yaml'],
    );
    assert.ok(README.includes('http://localhost:3000') && README.includes('.listen(5173'), 'the addresses the test substitutes are there');
  });

  test('every block runs, in order, and prints what the README says it prints', { timeout: 600_000 }, async () => {
    let signedIn = 0;
    let password = '';
    for (const [index, block] of blocks.entries()) {
      const where = `README.md:${block.line} (${block.kind}${block.argument ? ` ${block.argument}` : ''})`;
      if (block.kind === 'serve') {
        const commands = block.code
          .split('\n')
          .map((line) => line.replace(/#.*$/, '').trim())
          .filter(Boolean);
        assert.deepEqual(commands, ['npm install', 'npm start'], `${where}: the test knows how to run these`);
        server = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        server.stdout!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
        server.stderr!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
        await waitForHttp(`http://localhost:${port}/healthz`, 60_000, () => serverOutput);
        assert.match(serverOutput, /Created the administrator account "admin" \(uid 1\)/, `${where}: the first start made the administrator`);
        const landing = await (await fetch(`http://localhost:${port}/`)).text();
        assert.match(landing, /<a href="\/admin">/, 'http://localhost:3000 links to the console');
        session = new Session(work, env);
        continue;
      }
      assert.ok(session, `${where}: the server block comes first`);
      if (block.kind === 'file') {
        writeFileSync(join(work, block.argument), substitute(block.code));
        continue;
      }
      if (block.kind === 'relying-party') {
        assert.equal(block.language, 'js');
        writeFileSync(join(work, 'rp.mjs'), substitute(block.code));
        rp = spawn(process.execPath, ['rp.mjs'], { cwd: work, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        rp.stdout!.on('data', (chunk: Buffer) => (rpOutput += chunk.toString()));
        rp.stderr!.on('data', (chunk: Buffer) => (rpOutput += chunk.toString()));
        const deadline = Date.now() + 30_000;
        for (;;) {
          const probe = await fetch(`http://127.0.0.1:${rpPort}/login`, { redirect: 'manual' }).catch((error: Error) => error);
          if (!(probe instanceof Error) && probe.status === 302) break;
          const state = `exit ${rp.exitCode}, last answer ${probe instanceof Error ? probe.message : probe.status}`;
          assert.ok(rp.exitCode === null && Date.now() < deadline, `${where}: the relying party did not start (${state}): ${rpOutput}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        password = await session.variable('PASSWORD', work);
        assert.ok(password.length >= 8, 'alice has the password the README captured');
        assert.equal(await signIn(`http://127.0.0.1:${rpPort}`, `http://localhost:${port}`, password), 'Hello alice', `${where}: ${rpOutput}`);
        signedIn++;
        continue;
      }
      assert.equal(block.language, 'sh', `${where}: shell blocks are sh`);
      const script = join(work, `block-${index}.sh`);
      writeFileSync(script, substitute(block.code));
      let printed: string;
      try {
        printed = await session.source(script);
      } catch (error) {
        throw new Error(`${where}: ${(error as Error).message}\n--- server ---\n${serverOutput.slice(-3000)}`);
      }
      // in order, each in what is left after the one before: two equal lines need two answers
      let rest = printed;
      for (const shown of shownOutput(substitute(block.code))) {
        const match = shown.exec(rest);
        assert.ok(match, `${where}: the README shows ${shown} next; the block printed:\n${printed}`);
        rest = rest.slice(match.index + match[0].length);
      }
    }
    assert.equal(signedIn, 1, 'the relying party ran');
    // after everything else, the apply file above all: react_app still lets alice sign in with the
    // scopes its relying party asks for (the apply example once narrowed them: invalid_scope)
    const again = await signIn(`http://127.0.0.1:${rpPort}`, `http://localhost:${port}`, password).catch((error: Error) => `${error.message}: ${rpOutput}`);
    assert.equal(again, 'Hello alice', 'alice signs in again through react_app after the apply file');
    // and nothing the server logged was an error
    for (const line of serverOutput.split('\n').filter((l) => l.startsWith('{'))) {
      assert.ok((JSON.parse(line) as { level: number }).level < 50, `the server logged an error: ${line}`);
    }
  });
});
