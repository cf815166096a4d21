// The npm package as someone outside a checkout gets it (issue 11, part 9): `npm pack` makes
// gatehouse-server-<version>.tgz, which installs with only its declared dependencies and gives the
// `gatehouse` command, which runs: help, migrate, and serve answering with the package's version.
//
// Offline, as tests here run: the tarball is installed by `npm ci --offline` from a lockfile made of
// the checkout's own (the locked versions of the runtime dependencies, found in npm's cache by their
// integrity), with install scripts off. better-sqlite3's native addon is then copied from the
// checkout's build of the same locked version instead of compiled again (`npm install` in the
// checkout compiled it; compiling takes minutes and the Node headers). `npm pack --ignore-scripts`:
// dist/ is built by `npm test`, and `prepare` would rewrite it under the other tests' feet.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, waitForHttp } from '../helpers/gatehouse.js';

const ROOT = process.cwd();
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
  engines: { node: string };
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; resolved?: string; dev?: boolean; link?: boolean }>;
};

let dir: string;
let tarball: string;
let project: string;

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_update_notifier: 'false', ...env } });
  assert.equal(result.status, 0, `${command} ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** A project that depends on the tarball, locked to the checkout's versions of its dependencies. */
function lockedProject(at: string): void {
  const root = { name: 'try-gatehouse', version: '1.0.0', private: true, dependencies: { [manifest.name]: `file:${tarball}` } };
  const packages: Record<string, unknown> = {
    '': root,
    [`node_modules/${manifest.name}`]: {
      version: manifest.version,
      resolved: `file:${tarball}`,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '' || entry.dev || entry.link) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    // the registry's tarball address, under which npm finds the cached file by its integrity
    packages[path] = { ...entry, resolved: entry.resolved ?? `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz` };
  }
  writeFileSync(join(at, 'package.json'), JSON.stringify(root, null, 2));
  writeFileSync(
    join(at, 'package-lock.json'),
    JSON.stringify({ name: root.name, version: root.version, lockfileVersion: 3, requires: true, packages }, null, 2),
  );
}

before(() => {
  assert.ok(existsSync(join(ROOT, 'dist', 'main.js')), 'dist/main.js is built by `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-package-'));
  const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)) as { filename: string }[];
  tarball = join(dir, packed[0].filename);
  project = join(dir, 'project');
  mkdirSync(project);
  lockedProject(project);
  run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project);
  const addon = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  mkdirSync(join(project, addon, '..'), { recursive: true });
  cpSync(join(ROOT, addon), join(project, addon));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the npm package', () => {
  test(`is named ${manifest.name} (npm's "gatehouse" is another project) and gives the command gatehouse`, () => {
    assert.equal(manifest.name, 'gatehouse-server');
    assert.deepEqual(manifest.bin, { gatehouse: 'dist/main.js' });
    assert.equal(tarball, join(dir, `gatehouse-server-${manifest.version}.tgz`));
    const bin = join(project, 'node_modules', '.bin', 'gatehouse');
    assert.ok(existsSync(bin), 'npm linked the command');
    assert.ok(statSync(bin).mode & 0o111, 'executable');
    assert.match(readFileSync(join(project, 'node_modules', manifest.name, 'dist', 'main.js'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  test('holds the compiled code, the page templates and message catalogs, the README and the licence, and no sources, tests or data', () => {
    const installed = join(project, 'node_modules', manifest.name);
    const top = readdirSync(installed).sort();
    assert.deepEqual(top, ['LICENSE', 'README.md', 'dist', 'messages', 'package.json', 'templates']);
    assert.ok(existsSync(join(installed, 'dist', 'main.js')));
    assert.ok(!existsSync(join(installed, 'dist', '.tsbuildinfo')), "prepare's incremental build record stays home");
  });

  test('every package the compiled code imports is one of its declared dependencies', () => {
    const installed = join(project, 'node_modules', manifest.name);
    const declared = new Set(Object.keys(manifest.dependencies));
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    const walk = (folder: string): void => {
      for (const name of readdirSync(folder)) {
        const path = join(folder, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith('.js')) {
          const code = readFileSync(path, 'utf8');
          for (const [, specifier] of code.matchAll(/(?:from\s+|import\(\s*|require\(\s*)'([^'.][^']*)'/g)) {
            if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
            const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
            if (!declared.has(name)) missing.add(`${specifier} (${path.slice(installed.length + 1)})`);
          }
        }
      }
    };
    walk(join(installed, 'dist'));
    assert.deepEqual([...missing], []);
  });

  test('`gatehouse help` and `gatehouse migrate` run from the installed package', () => {
    const bin = join(project, 'node_modules', '.bin', 'gatehouse');
    assert.match(run(bin, ['help'], dir), /^Usage: gatehouse \[options\] \[command\]/);
    const out = run(bin, ['migrate'], dir, { DATABASE_URL: `sqlite:${join(dir, 'data', 'gatehouse.db')}` });
    assert.match(out, /Database schema is up to date\./);
  });

  test('`gatehouse serve` from the installed package answers, naming its version', async () => {
    const port = await freePort();
    const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(GATEHOUSE_|DATABASE_URL$|LOG_LEVEL$)/.test(key)));
    const child: ChildProcess = spawn(join(project, 'node_modules', '.bin', 'gatehouse'), ['serve'], {
      cwd: dir,
      env: { ...clean, PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'serve', 'gatehouse.db')}`, LOG_LEVEL: 'warn' },
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`, 30_000, () => output);
      const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      assert.ok(page.includes(`<td>${manifest.version}</td>`), 'the landing page names the version from the installed package.json');
    } finally {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    }
  });
});
