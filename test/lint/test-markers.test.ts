// The test runner's marker (scripts/run-tests.mjs): a test file that starts a server says whether
// it runs again on PostgreSQL (`// test-engines: both`) or picks its own databases (`own`); one
// that says neither stops the run before any test starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
// @ts-expect-error: a plain .mjs script without type declarations
import { enginesOf, findTestFiles, unmarkedServerTests } from '../../scripts/test-engines.mjs';

// spelt in two parts so that this file, which starts no server, does not itself look like one
const START = ['start', 'Gatehouse('].join('');

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

test('every test file of the tree that starts a server is marked', () => {
  assert.deepEqual(unmarkedServerTests(findTestFiles('test')), []);
});

test('the marker is read from the comments a file starts with, nowhere else', () => {
  assert.equal(enginesOf('// test-engines: both\n// What it tests.\nimport x from "y";'), 'both');
  assert.equal(enginesOf('// What it tests,\n// test-engines: own\nimport x from "y";'), 'own');
  assert.equal(enginesOf('// What it tests.\nimport x from "y";\n// test-engines: both'), null);
  assert.equal(enginesOf('// test-engines: postgres\n'), 'invalid');
});

test('a server test without the marker, or with a misspelt one, is named', () => {
  const files: Record<string, string> = {
    'unmarked.test.ts': `import x from "./h.js";\nawait ${START});`,
    'misspelt.test.ts': '// test-engines: sqlite\nimport x from "y";',
    'marked.test.ts': `// test-engines: both\nawait ${START});`,
    'unit.test.ts': '// A pure rule.\nimport x from "y";',
  };
  assert.deepEqual(
    unmarkedServerTests(Object.keys(files), (f: string) => files[f]),
    ['unmarked.test.ts', 'misspelt.test.ts'],
  );
});

test('the runner stops before running anything when one is unmarked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-markers-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'scripts'));
  for (const name of ['run-tests.mjs', 'test-engines.mjs']) cpSync(join('scripts', name), join(dir, 'scripts', name));
  mkdirSync(join(dir, 'test', 'oauth'), { recursive: true });
  writeFileSync(join(dir, 'test', 'oauth', 'new-feature.test.ts'), `// A new feature.\nthrow new Error('must not run');\n${START});\n`);
  const run = spawnSync(process.execPath, ['scripts/run-tests.mjs'], { cwd: dir, encoding: 'utf8' });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /test\/oauth\/new-feature\.test\.ts/);
  assert.doesNotMatch(run.stdout + run.stderr, /must not run/);
});
