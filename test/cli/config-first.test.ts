// test-engines: own
// Configuration is checked before anything is written (issue 11, part 9): `gatehouse serve` with a
// bad value on a fresh data folder stops with a one-line reason and leaves no folder, secret or
// database behind — no administrator made whose password the operator never got to use.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError, LOG_LEVELS, loadConfig } from '../../src/config.js';
import { startGatehouse } from '../helpers/gatehouse.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
let dir: string;
/** a theme folder whose login template has an unclosed tag */
const BROKEN_THEME = mkdtempSync(join(tmpdir(), 'gatehouse-theme-'));
writeFileSync(join(BROKEN_THEME, 'login.liquid'), '{% if x %}unclosed');
after(() => rmSync(BROKEN_THEME, { recursive: true, force: true }));

before(() => {
  assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The environment of a first start in `data`, without the test runner's own Gatehouse variables. */
function environment(data: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(GATEHOUSE_|DATABASE_URL$|LOG_LEVEL$|PORT$|HOST$|REDIS_URL$)/.test(key)));
  return { ...clean, DATABASE_URL: `sqlite:${join(data, 'gatehouse.db')}`, PORT: '0', ...extra };
}

describe('gatehouse serve refuses a bad configuration before it touches the data folder', () => {
  const cases: { name: string; env: Record<string, string>; reason: RegExp }[] = [
    {
      name: 'LOG_LEVEL=loud',
      env: { LOG_LEVEL: 'loud' },
      reason: /^gatehouse: LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "loud"$/,
    },
    {
      name: 'GATEHOUSE_LOG_FORMAT=fancy',
      env: { GATEHOUSE_LOG_FORMAT: 'fancy' },
      reason: /^gatehouse: GATEHOUSE_LOG_FORMAT must be json or pretty, got "fancy"$/,
    },
    {
      name: 'GATEHOUSE_PASSWORD_CONCURRENCY=lots',
      env: { GATEHOUSE_PASSWORD_CONCURRENCY: 'lots' },
      reason: /^gatehouse: GATEHOUSE_PASSWORD_CONCURRENCY must be a whole number between 1 and 1024, got "lots"$/,
    },
    {
      name: 'GATEHOUSE_METRICS_PORT equal to PORT',
      env: { PORT: '3999', GATEHOUSE_METRICS_PORT: '3999' },
      reason: /^gatehouse: GATEHOUSE_METRICS_PORT must differ from PORT \(3999\)$/,
    },
    // a value checked before this change too, now also before the secret is generated
    { name: 'GATEHOUSE_RATE_LIMIT=lots', env: { GATEHOUSE_RATE_LIMIT: 'lots' }, reason: /^gatehouse: GATEHOUSE_RATE_LIMIT must look like/ },
    {
      name: 'GATEHOUSE_BRAND_COLOR=red',
      env: { GATEHOUSE_BRAND_COLOR: 'red' },
      reason: /^gatehouse: GATEHOUSE_BRAND_COLOR must be a colour like #1f5fbf or #15b, got "red"$/,
    },
    {
      name: 'GATEHOUSE_THEME_DIR missing',
      env: { GATEHOUSE_THEME_DIR: '/nonexistent/theme' },
      reason: /^gatehouse: GATEHOUSE_THEME_DIR must be an existing folder, got "\/nonexistent\/theme"$/,
    },
    // checked by loading the theme, still before the secret is written
    {
      name: 'a theme template that does not parse',
      env: { GATEHOUSE_THEME_DIR: BROKEN_THEME },
      reason: /^gatehouse: the template .*login\.liquid does not parse: /,
    },
  ];
  for (const { name, env, reason } of cases) {
    test(name, () => {
      const data = join(dir, name.replace(/\W+/g, '-'));
      const run = spawnSync(process.execPath, [MAIN, 'serve'], { env: environment(data, env), encoding: 'utf8', timeout: 30_000 });
      assert.notEqual(run.status, 0, `serve must not start: ${run.stdout}${run.stderr}`);
      assert.equal(run.status, 1);
      const lines = run.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, `one line of reason: ${run.stderr}`);
      assert.match(lines[0], reason);
      assert.equal(run.stdout, '', 'nothing logged, no server started');
      assert.doesNotMatch(run.stderr, /administrator/, 'no administrator made');
      assert.equal(existsSync(data), false, `no data folder, secret or database: ${existsSync(data) ? readdirSync(data).join(', ') : ''}`);
    });
  }
});

describe('every level loadConfig accepts is a level the logger knows', () => {
  test('the list is pino’s, as Fastify’s logger reports it', async () => {
    const gh = await startGatehouse({ world: null, logLines: [] });
    try {
      // Fastify's logger is pino, whose levels object its type does not show
      const known = Object.keys((gh.app.log as unknown as { levels: { values: Record<string, number> } }).levels.values);
      assert.deepEqual([...LOG_LEVELS].filter((level) => level !== 'silent').sort(), known.sort());
    } finally {
      await gh.close();
    }
  });

  test('each is accepted, and the format defaults to the terminal’s', () => {
    const base = { DATABASE_URL: 'sqlite::memory:' };
    for (const level of LOG_LEVELS) assert.equal(loadConfig({ ...base, LOG_LEVEL: level }, undefined, false).logLevel, level);
    assert.equal(loadConfig(base, undefined, false).logFormat, 'json');
    assert.equal(loadConfig(base, undefined, true).logFormat, 'pretty');
    assert.equal(loadConfig({ ...base, GATEHOUSE_LOG_FORMAT: 'json' }, undefined, true).logFormat, 'json');
    assert.equal(loadConfig({ ...base, GATEHOUSE_LOG_FORMAT: 'pretty' }, undefined, false).logFormat, 'pretty');
    assert.throws(
      () => loadConfig({ ...base, LOG_LEVEL: 'INFO' }, undefined, false),
      (error: unknown) => error instanceof ConfigError && /LOG_LEVEL must be one of/.test(error.message),
    );
  });
});
