// The import-boundary check of `npm run lint` (.dependency-cruiser.cjs, docs/architecture.md
// "Layers"): the real tree passes, and each rule fails the check on a copy of src/ with one
// deliberate bad import added, naming the rule and the import.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const ROOT = process.cwd();
const CRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const copies: string[] = [];
after(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  status: number | null;
  output: string;
}

/** Runs the check exactly as `npm run lint` does, in `dir`. */
function cruise(dir: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CRUISE, 'src', '--config', '.dependency-cruiser.cjs'], { cwd: dir });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** A copy of the tree with `line` added to `file`. */
function treeWith(file: string, line: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-boundaries-'));
  copies.push(dir);
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  for (const name of ['tsconfig.json', '.dependency-cruiser.cjs', 'package.json']) cpSync(join(ROOT, name), join(dir, name));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  appendFileSync(join(dir, file), `\n${line}\n`);
  return dir;
}

test('the real tree passes', async () => {
  const { status, output } = await cruise(ROOT);
  assert.equal(status, 0, output);
  assert.match(output, /no dependency violations found/);
});

const BAD_IMPORTS: { rule: string; file: string; line: string; to: string }[] = [
  // type-only imports count: they tie the layers together as much as any other
  { rule: 'domain-imports-nothing', file: 'src/domain/scope.ts', line: "import type { Store } from '../store/store.js';", to: 'src/store/store.ts' },
  { rule: 'store-imports-only-domain', file: 'src/store/engine.ts', line: "import '../crypto/secrets.js';", to: 'src/crypto/secrets.ts' },
  { rule: 'crypto-not-store', file: 'src/crypto/secrets.ts', line: "import type { Store } from '../store/store.js';", to: 'src/store/store.ts' },
  {
    rule: 'services-not-protocol',
    file: 'src/limits/shared-counters.ts',
    line: "import '../compat/rest-api-errors.js';",
    to: 'src/compat/rest-api-errors.ts',
  },
  { rule: 'protocol-not-surfaces', file: 'src/oauth/pkce.ts', line: "import type { Html } from '../web/html.js';", to: 'src/web/html.ts' },
  { rule: 'protocol-not-surfaces', file: 'src/oidc/claims.ts', line: "import type { Services } from '../services.js';", to: 'src/services.ts' },
  { rule: 'accounts-not-surfaces', file: 'src/accounts/account-mails.ts', line: "import type { Html } from '../web/html.js';", to: 'src/web/html.ts' },
  { rule: 'services-not-protocol', file: 'src/mail/mailer.ts', line: "import '../oauth/pkce.js';", to: 'src/oauth/pkce.ts' },
  // oauth/ already imports resource/: the way back closes a cycle between the folders
  { rule: 'no-folder-cycles', file: 'src/resource/resource-errors.ts', line: "import '../oauth/pkce.js';", to: 'src/oauth' },
];

// each check takes seconds (it parses every file with TypeScript): the copies are checked at once
let outcomes: Outcome[] = [];
before(async () => {
  outcomes = await Promise.all(BAD_IMPORTS.map((bad) => cruise(treeWith(bad.file, bad.line))));
});

for (const [i, bad] of BAD_IMPORTS.entries()) {
  test(`${bad.rule}: ${bad.file} importing ${bad.to} fails the check`, () => {
    const { status, output } = outcomes[i];
    assert.notEqual(status, 0, output);
    assert.match(output, new RegExp(`error ${bad.rule}: `), output);
    assert.ok(output.includes(bad.to), output);
  });
}
