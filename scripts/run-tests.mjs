#!/usr/bin/env node
// Runs every test file under test/ with node:test through tsx (Node 20's --test cannot glob .ts):
// first everything on the default engine (SQLite), then the files marked `// test-engines: both`
// again on PostgreSQL. The marker is a line among the comments a test file starts with:
//   // test-engines: both   a server test (startGatehouse): run it again on PostgreSQL
//   // test-engines: own    it starts servers on databases it chooses itself: run it once
// Unit, docs and lint tests carry none. A file that calls startGatehouse must say which it is, so a
// new server test cannot miss the PostgreSQL pass unnoticed: the run stops before it starts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { enginesOf, findTestFiles, unmarkedServerTests } from './test-engines.mjs';

const all = findTestFiles('test');
const unmarked = unmarkedServerTests(all);
if (unmarked.length) {
  console.error(
    `These test files start a server but do not say on which engines (a "// test-engines: both" or "// test-engines: own" line among their first comments):\n${unmarked
      .map((f) => `  ${f}`)
      .join('\n')}\n"both": run again on PostgreSQL; "own": it chooses its databases itself.`,
  );
  process.exit(1);
}

const filters = process.argv.slice(2);
const files = all.filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const run = (list, env) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...list], { stdio: 'inherit', env: { ...process.env, ...env } }).status ??
  1;

const first = run(files, {});
// GATEHOUSE_TEST_ENGINES=sqlite skips the second pass
const passes = (process.env.GATEHOUSE_TEST_ENGINES ?? 'sqlite,postgres').split(',');
const serverTests = files.filter((f) => enginesOf(readFileSync(f, 'utf8')) === 'both');
let second = 0;
if (passes.includes('postgres') && serverTests.length) {
  console.log('\n# the same server tests on PostgreSQL\n');
  second = run(serverTests, { GATEHOUSE_TEST_ENGINE: 'postgres' });
}
process.exit(first || second);
