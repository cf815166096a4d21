// test-engines: own
// `gatehouse apikey create|list|revoke` as an operator runs them (dist/main.js as a subprocess):
// the key printed once, never listed, only its keyed digest in the database (read from the table
// itself) and in no audit row; every refusal one line with its exit code; and a key revoked by the
// CLI refused by a server running beside it on the same SQLite file within a second.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { testConfig } from '../../src/config.js';
import { request, startGatehouse, WORLD } from '../helpers/gatehouse.js';
import { setRoutes } from './recording-upstream.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
const SECRET = testConfig().secret;
let dir: string;
let db: string;

function cli(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, ...rest } = process.env;
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    env: { ...rest, DATABASE_URL: `sqlite:${db}`, GATEHOUSE_SECRET: SECRET, LOG_LEVEL: 'warn' },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[]): any {
  const r = cli([...args, '--json']);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function assertRefused(r: { status: number; stdout: string; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(r.status, code, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^gatehouse: [^\n]+\n$/, `one line: ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, pattern);
}

function rows(sql: string): Record<string, unknown>[] {
  const sqlite = new SQLite(db, { readonly: true });
  try {
    return sqlite.prepare(sql).all() as Record<string, unknown>[];
  } finally {
    sqlite.close();
  }
}

before(() => {
  assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm install` / `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-apikey-'));
  db = join(dir, 'apikey.db');
  assert.equal(cli(['apply', '-'], JSON.stringify(WORLD)).status, 0);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('apikey create', () => {
  test('--json: id, key, user, label, scopes, expiresAt; the key printed this once', () => {
    const made = json(['apikey', 'create', 'alice', '--label', 'ci deploy', '--expires-in', '30', '--scope', 'profile:read', '--scope', 'mail:read']);
    assert.deepEqual(Object.keys(made).sort(), ['expiresAt', 'id', 'key', 'label', 'scopes', 'user']);
    assert.match(made.key, /^ghk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    assert.equal(made.key.slice(4, 16), made.id);
    assert.equal(made.user, 'alice');
    assert.equal(made.label, 'ci deploy');
    assert.deepEqual(made.scopes, ['mail:read', 'profile:read']);
    const days = (made.expiresAt - Date.now() / 1000) / 86_400;
    assert.ok(days > 29.9 && days <= 30, String(days));
  });

  test('text: says whose key it is and prints the key on its own line', () => {
    const r = cli(['apikey', 'create', 'bob']);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^Created API key [a-z0-9]{12} for bob\. Key, shown once:$/);
    assert.match(lines[1]!, /^ghk_[a-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
  });

  test('refusals: unknown user or scope (1), bad --expires-in, missing user (2)', () => {
    assertRefused(cli(['apikey', 'create', 'ghost']), 1, /no user named "ghost" exists/);
    assertRefused(cli(['apikey', 'create', 'alice', '--scope', 'nope']), 1, /scopes: no scope named "nope" exists/);
    assertRefused(cli(['apikey', 'create', 'alice', '--label', 'x'.repeat(129)]), 1, /label: must be text of at most 128 characters/);
    for (const days of ['0', '-1', '3651', 'soon', '1.5'])
      assertRefused(cli(['apikey', 'create', 'alice', '--expires-in', days]), 2, /--expires-in must be a whole number from 1 to 3650/);
    assertRefused(cli(['apikey', 'create']), 2, /missing required argument 'user'/);
  });
});

describe('apikey list and the database', () => {
  test('list shows label, created, last used, expiry and state — never a key; the table holds only the keyed digest', () => {
    const made = json(['apikey', 'create', 'alice', '--label', 'listed']);
    const secretPart = made.key.slice(17);
    const all = json(['apikey', 'list']);
    const mine = all.find((k: { id: string }) => k.id === made.id);
    assert.deepEqual(Object.keys(mine).sort(), ['createdAt', 'expiresAt', 'id', 'label', 'lastUsedAt', 'revokedAt', 'scopes', 'state', 'user', 'userId']);
    assert.equal(mine.state, 'active');
    assert.equal(mine.user, 'alice');
    assert.ok(json(['apikey', 'list', 'bob']).every((k: { user: string }) => k.user === 'bob'));
    const text = cli(['apikey', 'list', 'alice']).stdout;
    assert.match(text, /^ID\s+USER\s+LABEL\s+SCOPES\s+CREATED\s+LAST USED\s+EXPIRES\s+STATE$/m);
    assert.match(text, new RegExp(`^${made.id}\\s+alice\\s+listed\\s+-\\s+\\S+\\s+-\\s+-\\s+active$`, 'm'));
    for (const out of [JSON.stringify(all), text]) {
      assert.ok(!out.includes(made.key) && !out.includes(secretPart), 'never the key');
    }
    const [row] = rows(`SELECT * FROM api_keys WHERE id = '${made.id}'`);
    assert.ok(row);
    assert.match(String(row.digest), /^[A-Za-z0-9_-]{43}$/, 'an HMAC-SHA256, base64url');
    for (const value of Object.values(row)) {
      assert.ok(!String(value).includes(secretPart), `no column holds the key: ${String(value)}`);
    }
    const audit = rows(`SELECT * FROM audit_log WHERE event LIKE 'admin.api_key.%'`);
    assert.ok(audit.some((a) => a.event === 'admin.api_key.created' && a.detail === `alice: ${made.id}`));
    assert.ok(
      audit.every((a) => !JSON.stringify(a).includes(secretPart)),
      'never the key in the audit log',
    );
    assertRefused(cli(['apikey', 'list', 'ghost']), 1, /no user named "ghost" exists/);
  });
});

describe('apikey revoke', () => {
  test('revokes once (again: no change); unknown ids refused', () => {
    const made = json(['apikey', 'create', 'bob']);
    const revoked = json(['apikey', 'revoke', made.id]);
    assert.equal(revoked.id, made.id);
    assert.ok(revoked.revokedAt > 0);
    assert.equal(json(['apikey', 'revoke', made.id]).revokedAt, revoked.revokedAt);
    assert.equal(json(['apikey', 'list', 'bob']).find((k: { id: string }) => k.id === made.id).state, 'revoked');
    assert.match(cli(['apikey', 'revoke', made.id]).stdout, new RegExp(`^Revoked API key ${made.id}\\.$`, 'm'));
    assertRefused(cli(['apikey', 'revoke', 'aaaaaaaaaaaa']), 1, /no API key aaaaaaaaaaaa exists/);
    assertRefused(cli(['apikey', 'revoke', made.key]), 1, /no API key .* exists/);
    assertRefused(cli(['apikey', 'revoke']), 2, /missing required argument 'id'/);
  });

  test('a server on the same database refuses a key the CLI revoked, within a second', async () => {
    const gh = await startGatehouse({ databaseUrl: `sqlite:${db}`, world: null, clock: 'system' });
    try {
      await setRoutes(gh, [{ name: 'keyed', path: '/keyed', auth: ['api_key'] }]);
      const made = json(['apikey', 'create', 'alice']);
      const use = () => request(`${gh.url}/gate/check`, { headers: { 'x-forwarded-method': 'GET', 'x-forwarded-uri': '/keyed', 'x-api-key': made.key } });
      assert.equal((await use()).status, 200);
      json(['apikey', 'revoke', made.id]);
      const deadline = Date.now() + 1000;
      let status = 200;
      while (status === 200 && Date.now() < deadline) {
        status = (await use()).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 25));
      }
      assert.equal(status, 401);
    } finally {
      await gh.close();
    }
  });
});
