// The SQLite database is private (issue 10, finding 13): a data folder Gatehouse creates is 0700
// and the database with its WAL and SHM files 0600, whatever the umask; existing files or folders
// open to others are reported and left as the operator set them.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { openStore } from '../../src/store/open-store.js';

let root: string;
let umask: number;
before(() => {
  root = mkdtempSync(join(tmpdir(), 'gatehouse-modes-'));
  umask = process.umask(0o000); // the most permissive: nothing may rely on the umask
});
after(() => {
  process.umask(umask);
  rmSync(root, { recursive: true, force: true });
});

const mode = (path: string): number => statSync(path).mode & 0o777;

test('a fresh data folder, database, WAL, SHM and secret are owner-only under umask 000', async () => {
  const dir = join(root, 'fresh', 'data');
  const db = join(dir, 'gatehouse.db');
  const warnings: string[] = [];
  const config = loadConfig({ DATABASE_URL: `sqlite:${db}` }, (m) => warnings.push(m));
  assert.equal(mode(dir), 0o700, 'the folder made for the secret');
  assert.equal(mode(join(dir, 'gatehouse.secret')), 0o600);
  const store = await openStore(config.databaseUrl, { warn: (m) => warnings.push(m) });
  try {
    await store.migrate();
    await store.roles.upsert({ id: 'writer', label: 'Writer', permissions: ['write'], isAdmin: false });
    assert.equal(mode(db), 0o600, 'database');
    for (const suffix of ['-wal', '-shm']) {
      assert.ok(existsSync(db + suffix), `${suffix} exists while open`);
      assert.equal(mode(db + suffix), 0o600, suffix);
    }
  } finally {
    await store.close();
  }
  assert.deepEqual(warnings, []);
});

test('a folder made by openStore alone is 0700 too', async () => {
  const dir = join(root, 'store-only', 'nested');
  const store = await openStore(`sqlite:${join(dir, 'x.db')}`, { warn: () => undefined });
  await store.close();
  assert.equal(mode(dir), 0o700);
  assert.equal(mode(join(dir, 'x.db')), 0o600);
});

test('an existing world-readable database and folder are reported, not changed', async () => {
  const dir = join(root, 'existing');
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  const db = join(dir, 'gatehouse.db');
  const first = await openStore(`sqlite:${db}`, { warn: () => undefined });
  await first.migrate();
  await first.close();
  chmodSync(db, 0o644);
  writeFileSync(join(dir, 'gatehouse.secret'), 'x'.repeat(48) + '\n', { mode: 0o644 });
  chmodSync(join(dir, 'gatehouse.secret'), 0o644);

  const warnings: string[] = [];
  loadConfig({ DATABASE_URL: `sqlite:${db}` }, (m) => warnings.push(m));
  const store = await openStore(`sqlite:${db}`, { warn: (m) => warnings.push(m) });
  await store.close();
  for (const [path, found, wanted] of [
    [dir, '0755', '0700'],
    [db, '0644', '0600'],
    [join(dir, 'gatehouse.secret'), '0644', '0600'],
  ]) {
    assert.ok(
      warnings.some((w) => w.startsWith(`${path} has mode ${found}, wider than ${wanted}`)),
      `${path} reported: ${warnings.join(' | ')}`,
    );
  }
  assert.equal(warnings.length, 3, warnings.join('\n'));
  assert.equal(mode(dir), 0o755, 'the operator’s folder mode is kept');
  assert.equal(mode(db), 0o644, 'the operator’s database mode is kept');
});
