// WAL checkpoints off the event loop (src/store/sqlite-checkpointer.ts): with the option `serve`
// uses, committed pages reach the database file from the worker thread, long before the WAL
// reaches the 1000 pages at which SQLite would checkpoint in the committing connection.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/store/open-store.js';

const row = (digest: string) => ({
  digest,
  familyId: `f-${digest}`,
  clientId: 'c1',
  userId: 1,
  scopes: ['a'],
  issuedAt: 1,
  expiresAt: 2_000_000_000,
  accessJti: `j-${digest}`,
  accessExpiresAt: 2_000_000_000,
  spentAt: null,
  revokedAt: null,
  familyStartedAt: 1,
  successorSealed: null,
  reuseUntil: null,
});

async function fileGrowth(checkpointInBackground: boolean): Promise<{ grew: number; walPages: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-checkpoint-'));
  const path = join(dir, 'gh.db');
  const store = await openStore(`sqlite:${path}`, { checkpointInBackground, warn: () => undefined });
  try {
    await store.migrate();
    // a checkpoint now, so the file holds the schema and the WAL starts over
    await store.transaction(async () => undefined);
    const before = statSync(path).size;
    for (let i = 0; i < 60; i++) await store.refreshTokens.insert(row(`d${i}`));
    const walPages = statSync(`${path}-wal`).size / 4096;
    await new Promise((resolve) => setTimeout(resolve, 800));
    return { grew: statSync(path).size - before, walPages };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('committed pages reach the database file from the worker, well before SQLite would checkpoint', async () => {
  const background = await fileGrowth(true);
  assert.ok(background.walPages < 1000, `the WAL stays under SQLite's own threshold (${background.walPages} pages)`);
  assert.ok(background.grew > 0, 'the worker copied the committed pages into the database file');
  // the same writes without the worker: nothing reaches the file yet
  assert.equal((await fileGrowth(false)).grew, 0);
});
