#!/usr/bin/env node
// Runs every test file under test/ with node:test through tsx (Node 20's --test cannot glob .ts).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const filters = process.argv.slice(2);
const files = find('test')
  .sort()
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const run = (list, env) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...list], { stdio: 'inherit', env: { ...process.env, ...env } }).status ??
  1;

// first pass: everything on the default engine (SQLite)
const first = run(files, {});
// second pass: every test that runs a server through startGatehouse, again on PostgreSQL (the store,
// CLI, benchmark and kill -9 tests pick their engines themselves; unit and docs tests need none).
// GATEHOUSE_TEST_ENGINES=sqlite skips it.
const engines = (process.env.GATEHOUSE_TEST_ENGINES ?? 'sqlite,postgres').split(',');
const serverTests = files.filter(
  (f) => !/^test[/](store|cli|bench|domain|crypto|limits|docs)[/]/.test(f) && !f.includes('drupal-user.test') && !/robustness[/]crash\.test/.test(f),
);
let second = 0;
if (engines.includes('postgres') && serverTests.length) {
  console.log('\n# the same server tests on PostgreSQL\n');
  second = run(serverTests, { GATEHOUSE_TEST_ENGINE: 'postgres' });
}
process.exit(first || second);
