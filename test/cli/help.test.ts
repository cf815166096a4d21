// The command line follows conventions: --version, help on every command and subcommand (exit 0,
// nothing started), --json offered everywhere, a suggestion for a mistyped command or option, and
// every failure one line on standard error with exit code 2 (the command line) or 1 (the input).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
let dir: string;

before(() => {
  assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm install` / `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-help-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[]): { status: number; stdout: string; stderr: string } {
  const { GATEHOUSE_SECRET: _s, ...rest } = process.env;
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    env: { ...rest, DATABASE_URL: `sqlite:${join(dir, 'data', 'help.db')}`, LOG_LEVEL: 'warn', PORT: '1' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Exit code, and exactly one line on standard error starting with "gatehouse: ". */
function assertOneLine(r: { status: number; stdout: string; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(r.status, code, r.stdout + r.stderr);
  assert.match(r.stderr, /^gatehouse: [^\n]+\n$/, `one line: ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, pattern);
  assert.equal(r.stdout, '');
}

/** Every command path: ['user'], ['user', 'create'], … */
function commandPaths(command: Command, prefix: string[] = []): string[][] {
  return command.commands.filter((c) => c.name() !== 'help').flatMap((c) => [[...prefix, c.name()], ...commandPaths(c, [...prefix, c.name()])]);
}

const leaves = (command: Command, prefix: string[] = []): string[][] =>
  command.commands.filter((c) => c.name() !== 'help').flatMap((c) => (c.commands.length ? leaves(c, [...prefix, c.name()]) : [[...prefix, c.name()]]));

test('--version prints the package version', () => {
  const version = (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string }).version;
  for (const flag of ['--version', '-V']) {
    const r = cli([flag]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${version}\n`);
  }
});

test('gatehouse, gatehouse help and --help list every command group, exit 0', () => {
  const groups = buildProgram()
    .commands.map((c) => c.name())
    .filter((n) => n !== 'help');
  assert.deepEqual(groups, ['serve', 'migrate', 'apply', 'user', 'client', 'scope', 'role', 'keys', 'audit', 'route', 'apikey', 'registration-token']);
  for (const args of [[], ['help'], ['--help'], ['-h']]) {
    const r = cli(args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /^Usage: gatehouse /);
    for (const group of groups) assert.match(r.stdout, new RegExp(`\\n  ${group}\\b`), `${args.join(' ')} lists ${group}`);
  }
});

test('help and --help on every command and subcommand: exit 0, usage on standard output; every command offers --json', () => {
  const program = buildProgram();
  const paths = commandPaths(program);
  assert.ok(paths.length >= 30, `${paths.length} commands`);
  for (const path of paths) {
    for (const args of [
      [...path, '--help'],
      ['help', ...path],
    ]) {
      const r = cli(args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: gatehouse ${path.join(' ')} `), args.join(' '));
      assert.equal(r.stderr, '', args.join(' '));
    }
  }
  for (const leaf of leaves(program)) assert.match(cli([...leaf, '--help']).stdout, /--json/, `${leaf.join(' ')} --json`);
});

test('serve --help does not start a server, nor open the database', () => {
  const r = cli(['serve', '--help']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Usage: gatehouse serve/);
  assert.ok(!existsSync(join(dir, 'data')), 'no data folder, no database made');
  // PORT=1 would fail to listen: had serve started, it would have said so
  assert.equal(r.stderr, '');
});

test('a mistyped command or option: exit 2, one line with a suggestion', () => {
  assertOneLine(cli(['usr']), 2, /unknown command 'usr' \(Did you mean user\?\)/);
  assertOneLine(cli(['user', 'lst']), 2, /unknown command 'lst' \(Did you mean list\?\)/);
  assertOneLine(cli(['client', 'rotate-secrets', 'x']), 2, /Did you mean rotate-secret\?/);
  assertOneLine(cli(['client', 'create', 'x', '--scop', 'a']), 2, /unknown option '--scop' \(Did you mean --scope\?\)/);
  assertOneLine(cli(['keys', 'rotate', '--algo', 'ES256']), 2, /Did you mean --alg\?/);
  assertOneLine(cli(['audit', 'tail', '--jsno']), 2, /Did you mean --json\?/);
});

test('other command-line mistakes: exit 2, one line naming the mistake and where help is', () => {
  assertOneLine(
    cli(['user']),
    2,
    /"gatehouse user" needs a command: create, list, show, update, block, unblock, set-password, revoke-tokens, reset-factors \(see: gatehouse user --help\)/,
  );
  assertOneLine(cli(['client', 'show']), 2, /missing required argument 'client-id' \(see: gatehouse client show --help\)/);
  assertOneLine(cli(['role', 'show', 'a', 'b']), 2, /too many arguments/);
  assertOneLine(cli(['user', 'create', 'frank']), 2, /required option '--mail <address>' not specified/);
  assertOneLine(cli(['user', 'list', '--limit', '0']), 2, /--limit must be a whole number from 1 to 200, got "0" \(see: gatehouse user list --help\)/);
  assertOneLine(cli(['client', 'update', 'x', '--access-token-expiration', 'soon']), 2, /--access-token-expiration must be a whole number/);
  assertOneLine(cli(['apply']), 2, /apply needs a FILE/);
});
