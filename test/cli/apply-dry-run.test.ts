// `gatehouse apply --dry-run FILE` says what applying the file would change — created, updated
// (with the fields), unchanged — and changes nothing: no row, no audit entry, no secret made.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { verifyPassword } from '../../src/crypto/passwords.js';
import { openStore } from '../../src/store/open-store.js';
import { PASSWORD, SECRET, WORLD } from '../helpers/gatehouse.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
let dir: string;
let db: string;

function cli(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, ...rest } = process.env;
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    env: { ...rest, DATABASE_URL: `sqlite:${db}`, LOG_LEVEL: 'warn' },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[], input?: string): string {
  const r = cli(args, input);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Everything a dry run must leave as it was, read straight from the database. */
async function snapshot(): Promise<string> {
  const store = await openStore(`sqlite:${db}`);
  try {
    const users = (await store.users.search({ limit: 100, offset: 0 })).users;
    return JSON.stringify({
      users,
      clients: await store.clients.list(),
      roles: await store.roles.list(),
      scopes: await store.scopes.list(),
      audit: (await store.audit.tail(1000)).length,
      revocations: await store.revocations.latestId(),
    });
  } finally {
    await store.close();
  }
}

before(() => {
  assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm install` / `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-dry-run-'));
  db = join(dir, 'dry.db');
  ok(['apply', '-'], JSON.stringify(WORLD));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const CHANGES = {
  roles: [
    { id: 'editor', label: 'Editor', permissions: ['access user profiles', 'view user email addresses'] },
    { id: 'viewer', label: 'Readers', permissions: ['access user profiles'] },
    { id: 'auditor', permissions: ['view audit log'] },
  ],
  users: [
    { name: 'alice', password: PASSWORD },
    { name: 'bob', password: 'a password bob never had', timezone: 'Europe/Paris' },
    { name: 'newbie', mail: 'newbie@example.com', password: 'newbie password', roles: ['auditor'] },
  ],
  clients: [
    { clientId: 'script', label: 'Script (renamed)', scopes: ['profile:read', 'mail:read'], secret: SECRET },
    { clientId: 'nouser', status: false },
    { clientId: 'brand_new', grantTypes: ['client_credentials'] },
  ],
};

test('--dry-run reports each item and, for updates, the fields; nothing is written', async () => {
  const file = join(dir, 'changes.json');
  writeFileSync(file, JSON.stringify(CHANGES));
  const before = await snapshot();

  const report = JSON.parse(ok(['apply', file, '--dry-run', '--json']));
  assert.equal(report.dryRun, true);
  assert.deepEqual(report.roles, { editor: 'unchanged', viewer: 'updated', auditor: 'created' });
  assert.deepEqual(report.users, { alice: 'unchanged', bob: 'updated', newbie: 'created' });
  assert.deepEqual(report.clients, { script: 'updated', nouser: 'updated', brand_new: 'created' });
  assert.deepEqual(report.changed, {
    roles: { viewer: ['label'] },
    scopes: {},
    users: { bob: ['timezone', 'password'] },
    clients: { script: ['label', 'scopes'], nouser: ['status'] },
    registrationPolicy: {},
  });
  assert.deepEqual(report.generatedSecrets, {}, 'no secret is made, so none is shown');
  assert.deepEqual(report.secretsToGenerate, ['brand_new']);

  const text = ok(['apply', file, '--dry-run']);
  assert.equal(
    text,
    [
      'Dry run: nothing was changed.',
      'role editor: unchanged',
      'role viewer: would be updated (label)',
      'role auditor: would be created',
      'user alice: unchanged',
      'user bob: would be updated (timezone, password)',
      'user newbie: would be created',
      'client script: would be updated (label, scopes)',
      'client nouser: would be updated (status)',
      'client brand_new: would be created (a secret would be generated and shown once)',
      '',
    ].join('\n'),
  );

  assert.equal(await snapshot(), before, 'no row, audit entry or revocation written');
  const store = await openStore(`sqlite:${db}`);
  try {
    assert.equal((await verifyPassword(PASSWORD, (await store.users.findByName('bob'))!.passHash)).ok, true, "bob's password is as it was");
  } finally {
    await store.close();
  }

  // and applied for real, it does what the dry run said
  const applied = JSON.parse(ok(['apply', file, '--json']));
  assert.equal(applied.dryRun, false);
  for (const section of ['roles', 'users', 'clients'] as const) assert.deepEqual(applied[section], report[section], section);
  assert.deepEqual(applied.changed, report.changed);
  assert.deepEqual(Object.keys(applied.generatedSecrets), ['brand_new']);
  assert.notEqual(await snapshot(), before);
  const again = JSON.parse(ok(['apply', file, '--dry-run', '--json']));
  for (const section of ['roles', 'users', 'clients'] as const)
    assert.ok(
      Object.values(again[section]).every((o) => o === 'unchanged'),
      section,
    );
});

test('--dry-run refuses what apply refuses, the same way', () => {
  const r = cli(['apply', '-', '--dry-run'], JSON.stringify({ clients: [{ clientId: 'x', grantType: ['password'] }] }));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^gatehouse: clients\[0\]\.grantType: is not a field of a client \(did you mean grantTypes\?\)\n$/);
  const semantic = cli(['apply', '-', '--dry-run'], JSON.stringify({ users: [{ name: 'x', roles: ['ghost'] }] }));
  assert.equal(semantic.status, 1);
  assert.match(semantic.stderr, /^gatehouse: users\[0\]\.roles: no role "ghost" exists\n$/);
});
