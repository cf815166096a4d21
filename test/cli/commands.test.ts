// The commands beyond `create`, as an operator runs them (dist/main.js as a subprocess, no HTTP):
// client list|show|update|delete|rotate-secret|revoke-tokens, user list|show|update|block|unblock|
// set-password|revoke-tokens, scope list|show|delete, role list|show|delete — their --json output,
// their text, and each way they refuse.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { verifyPassword } from '../../src/crypto/passwords.js';
import { GRANT_TYPES } from '../../src/domain/grant-types.js';
import { openStore } from '../../src/store/open-store.js';
import { PASSWORD, WORLD } from '../helpers/gatehouse.js';

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

function json(args: string[], input?: string): any {
  const r = cli([...args, '--json'], input);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function text(args: string[], input?: string): string {
  const r = cli(args, input);
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

function assertRefused(r: { status: number; stdout: string; stderr: string }, code: number, pattern: RegExp): void {
  assert.equal(r.status, code, r.stdout + r.stderr);
  assert.match(r.stderr, /^gatehouse: [^\n]+\n$/, `one line: ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, pattern);
}

/** Reads the database directly, as no command shows a hash. */
async function passHashOf(name: string): Promise<string | null> {
  const store = await openStore(`sqlite:${db}`);
  try {
    return (await store.users.findByName(name))!.passHash;
  } finally {
    await store.close();
  }
}

before(() => {
  assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm install` / `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-commands-'));
  db = join(dir, 'commands.db');
  json(['apply', '-'], JSON.stringify(WORLD));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('client', () => {
  test('list: every client, never a secret; text as a table', () => {
    const clients = json(['client', 'list']);
    assert.deepEqual(clients.map((c: { clientId: string }) => c.clientId).sort(), WORLD.clients!.map((c) => c.clientId).sort());
    assert.ok(clients.every((c: Record<string, unknown>) => !('secretDigest' in c) && !('secret' in c)));
    const backend = clients.find((c: { clientId: string }) => c.clientId === 'backend');
    assert.equal(backend.user, 'alice');
    assert.deepEqual(backend.actAs, ['*']);
    const lines = text(['client', 'list']).trim().split('\n');
    assert.match(lines[0], /^CLIENT\s+TYPE\s+STATUS\s+GRANTS\s+LABEL$/);
    assert.equal(lines.length, clients.length + 1);
    assert.ok(lines.some((l) => /^spa\s+public\s+enabled\s+authorization_code,refresh_token\s+React app$/.test(l)));
  });

  test('show: every field, users by name; an unknown client is refused', () => {
    const script = json(['client', 'show', 'script']);
    assert.equal(script.clientId, 'script');
    assert.equal(script.user, 'bob');
    assert.deepEqual(script.grantTypes, ['client_credentials', 'password']);
    assert.equal(script.secretDigest, undefined);
    assert.match(text(['client', 'show', 'script']), /^user:\s+bob$/m);
    assertRefused(cli(['client', 'show', 'ghost']), 1, /no client "ghost" exists/);
  });

  test('update: options left out stay; lists replaced or emptied; each field named in the answer', () => {
    const updated = json([
      'client',
      'update',
      'script',
      '--label',
      'Nightly script',
      '--scope',
      'profile:read',
      '--scope',
      'mail:read',
      '--no-redirect-uri',
      '--access-token-expiration',
      '600',
      '--no-remember-approval',
    ]);
    assert.deepEqual(updated.updatedFields.sort(), ['accessTokenExpiration', 'label', 'redirectUris', 'rememberApproval', 'scopes']);
    assert.equal(updated.label, 'Nightly script');
    assert.deepEqual(updated.scopes, ['profile:read', 'mail:read']);
    assert.deepEqual(updated.redirectUris, []);
    assert.equal(updated.accessTokenExpiration, 600);
    assert.equal(updated.rememberApproval, false);
    assert.equal(updated.user, 'bob', 'left out: unchanged');
    assert.deepEqual(json(['client', 'update', 'script', '--label', 'Nightly script']).updatedFields, [], 'the same again changes nothing');
    assert.match(text(['client', 'update', 'script', '--no-user', '--act-as', 'alice']), /^Updated client script \(userId, actAs\)\./);
    assert.equal(json(['client', 'show', 'script']).user, null);
    const made = json(['client', 'update', 'mobile', '--confidential', '--grant', 'client_credentials']);
    assert.ok(made.secret.length >= 43, 'made confidential: its generated secret, shown once');
    assert.equal(json(['client', 'show', 'mobile']).secret, undefined);
  });

  test('update refuses what it cannot do', () => {
    assertRefused(cli(['client', 'update', 'script']), 2, /client update needs something to change/);
    assertRefused(cli(['client', 'update', 'script', '--enable', '--disable']), 2, /--enable and --disable contradict each other/);
    assertRefused(cli(['client', 'update', 'script', '--scope', 'a', '--no-scope']), 2, /--scope and --no-scope contradict each other/);
    assertRefused(cli(['client', 'update', 'script', '--pkce', '--no-pkce']), 2, /--pkce and --no-pkce contradict each other/);
    assertRefused(cli(['client', 'update', 'ghost', '--label', 'x']), 1, /no client "ghost" exists/);
    assertRefused(cli(['client', 'update', 'script', '--scope', 'nope']), 1, /scopes: no scope "nope" exists/);
    assertRefused(cli(['client', 'update', 'spa', '--no-pkce']), 1, /pkce: cannot be turned off for a public client/);
    assertRefused(
      cli(['client', 'update', 'script', '--access-token-expiration', '999999']),
      1,
      /accessTokenExpiration: must be a whole number of seconds from 1 to 86400/,
    );
    assertRefused(cli(['client', 'update', 'spa', '--grant', 'client_credentials']), 1, /a public client cannot use client_credentials/);
  });

  test('rotate-secret: a new secret, once; a public or unknown client is refused', () => {
    const first = json(['client', 'rotate-secret', 'nouser']);
    assert.equal(first.clientId, 'nouser');
    assert.ok(first.secret.length >= 43);
    const second = json(['client', 'rotate-secret', 'nouser']);
    assert.notEqual(second.secret, first.secret);
    assert.match(text(['client', 'rotate-secret', 'nouser']), /^New secret of nouser, shown only this once: \S{43,}\n/);
    assertRefused(cli(['client', 'rotate-secret', 'spa']), 1, /confidential: a public client has no secret to rotate/);
    assertRefused(cli(['client', 'rotate-secret', 'ghost']), 1, /no client "ghost" exists/);
  });

  test('revoke-tokens and delete; unknown clients refused', () => {
    assert.deepEqual(json(['client', 'revoke-tokens', 'webapp']), { clientId: 'webapp', revoked: true });
    assertRefused(cli(['client', 'revoke-tokens', 'ghost']), 1, /no client "ghost" exists/);
    assert.deepEqual(json(['client', 'delete', 'ccblocked']), { clientId: 'ccblocked', deleted: true });
    assertRefused(cli(['client', 'show', 'ccblocked']), 1, /no client "ccblocked" exists/);
    assertRefused(cli(['client', 'delete', 'ccblocked']), 1, /no client "ccblocked" exists/);
    assert.match(text(['client', 'delete', 'webapp']), /^Deleted client webapp; its tokens are revoked\.\n$/);
  });
});

describe('user', () => {
  test('list: a page at a time, searchable; never a password hash', () => {
    const all = json(['user', 'list']);
    assert.equal(all.total, WORLD.users!.length);
    assert.ok(all.users.every((u: Record<string, unknown>) => !('passHash' in u)));
    const page = json(['user', 'list', '--limit', '2', '--offset', '1']);
    assert.equal(page.users.length, 2);
    assert.equal(page.total, all.total);
    assert.deepEqual(page.users[0], all.users[1]);
    assert.deepEqual(
      json(['user', 'list', '--query', 'ALI']).users.map((u: { name: string }) => u.name),
      ['alice'],
    );
    assert.match(
      text(['user', 'list', '--query', 'carol']),
      /^UID\s+NAME\s+MAIL\s+STATUS\s+ROLES\n\d+\s+carol\s+carol@example\.com\s+blocked\s+editor\n1 of 1\n$/,
    );
    assertRefused(cli(['user', 'list', '--offset', '-1']), 2, /--offset must be a whole number/);
  });

  test('show: the account, by name in any case; an unknown user is refused', () => {
    const bob = json(['user', 'show', 'BOB']);
    assert.equal(bob.name, 'bob');
    assert.equal(bob.passHash, undefined);
    assert.match(text(['user', 'show', 'bob']), /^mail:\s+bob@example\.com$/m);
    assertRefused(cli(['user', 'show', 'ghost']), 1, /no user named "ghost" exists/);
  });

  test('update: name, mail, roles (replaced or emptied), time zone; refusals', () => {
    json(['user', 'create', 'dora', '--mail', 'dora@example.com', '--role', 'viewer']);
    const changed = json(['user', 'update', 'dora', '--name', 'dorothea', '--no-mail', '--role', 'editor', '--role', 'viewer', '--timezone', 'Europe/Paris']);
    assert.equal(changed.name, 'dorothea');
    assert.equal(changed.mail, null);
    assert.deepEqual(changed.roles, ['editor', 'viewer']);
    assert.equal(changed.timezone, 'Europe/Paris');
    assert.deepEqual(json(['user', 'update', 'dorothea', '--no-role']).roles, []);
    assertRefused(cli(['user', 'update', 'dorothea']), 2, /user update needs something to change/);
    assertRefused(cli(['user', 'update', 'dorothea', '--mail', 'nope']), 1, /mail: "nope" is not a valid e-mail address/);
    assertRefused(cli(['user', 'update', 'dorothea', '--name', 'alice']), 1, /name: a user named "alice" already exists/);
    assertRefused(cli(['user', 'update', 'dorothea', '--role', 'ghost']), 1, /roles: no role "ghost" exists/);
    assertRefused(cli(['user', 'update', 'ghost', '--timezone', 'UTC']), 1, /no user named "ghost" exists/);
  });

  test('block and unblock; the last active administrator cannot be blocked', () => {
    assert.equal(json(['user', 'block', 'bob']).status, false);
    assert.match(text(['user', 'unblock', 'bob']), /^Unblocked user bob\.\n$/);
    assert.equal(json(['user', 'show', 'bob']).status, true);
    assertRefused(cli(['user', 'block', 'root']), 1, /status: is refused: this is the last active administrator/);
    assertRefused(cli(['user', 'block', 'ghost']), 1, /no user named "ghost" exists/);
  });

  test('set-password: only from standard input, checked, stored as a hash', async () => {
    const before = await passHashOf('bob');
    const password = 'a brand new password for bob';
    assert.match(text(['user', 'set-password', 'bob', '--password-stdin'], `${password}\n`), /^Set the password of bob; their tokens are revoked\.\n$/);
    const after = await passHashOf('bob');
    assert.notEqual(after, before);
    assert.equal((await verifyPassword(password, after)).ok, true, 'the newline a pipe adds is not part of it');
    assert.equal(json(['user', 'set-password', 'bob', '--password-stdin'], password).name, 'bob');
    assertRefused(cli(['user', 'set-password', 'bob']), 2, /set-password reads the password from standard input only: pass --password-stdin/);
    assertRefused(cli(['user', 'set-password', 'bob', PASSWORD, '--password-stdin'], 'x'), 2, /too many arguments/);
    assertRefused(cli(['user', 'set-password', 'bob', '--password-stdin'], 'short\n'), 1, /password: must be at least 8 characters/);
    assertRefused(cli(['user', 'set-password', 'ghost', '--password-stdin'], `${password}\n`), 1, /no user named "ghost" exists/);
    assert.equal(await passHashOf('bob'), after, 'refusals changed nothing');
  });

  test('revoke-tokens', () => {
    assert.deepEqual(json(['user', 'revoke-tokens', 'alice']), { name: 'alice', revoked: true });
    assertRefused(cli(['user', 'revoke-tokens', 'ghost']), 1, /no user named "ghost" exists/);
  });

  test('reset-factors, passkeys included', async () => {
    // a passkey of alice's, stored as a registration would (the CLI only ever removes it)
    const store = await openStore(`sqlite:${db}`);
    const uid = (await store.users.findByName('alice'))!.uid;
    const passkey = { userId: uid, publicKey: 'pQECAyYgASFYIA', counter: 0, transports: [], deviceType: 'singleDevice' as const, backedUp: false, name: 'Key' };
    try {
      assert.ok(await store.webauthnCredentials.insert({ ...passkey, id: 'cli-reset-factors-passkey', createdAt: 1, lastUsedAt: null }));
    } finally {
      await store.close();
    }
    assert.deepEqual(json(['user', 'reset-factors', 'alice']), { name: 'alice', factorsReset: true });
    assertRefused(cli(['user', 'reset-factors', 'ghost']), 1, /no user named "ghost" exists/);
    const reopened = await openStore(`sqlite:${db}`);
    try {
      assert.deepEqual(await reopened.webauthnCredentials.listByUser(uid), []);
    } finally {
      await reopened.close();
    }
  });
});

describe('scope and role', () => {
  test('scope list and show; built-in and unknown scopes', () => {
    const scopes = json(['scope', 'list']);
    assert.deepEqual(scopes.map((s: { name: string }) => s.name).sort(), WORLD.scopes!.map((s) => s.name).sort());
    const editor = json(['scope', 'show', 'editor']);
    assert.deepEqual([...editor.grantTypes].sort(), [...GRANT_TYPES].sort(), 'all grant types by default');
    assert.deepEqual(editor, {
      name: 'editor',
      description: 'Act as an editor',
      grantTypes: editor.grantTypes,
      umbrella: false,
      parent: null,
      granularity: 'role',
      permission: null,
      role: 'editor',
    });
    assert.match(text(['scope', 'list']), /^child:profiles\s+permission "access user profiles"\s+everything\s/m);
    assertRefused(cli(['scope', 'show', 'ghost']), 1, /no scope "ghost" exists/);
  });

  test('scope delete: refused while clients list it or it has children, naming them; built-ins refused', () => {
    assertRefused(
      cli(['scope', 'delete', 'profile:read']),
      1,
      /name: the scope "profile:read" cannot be deleted: it is listed by clients backend, (\S+, )*mobile, (\S+, )*spa\b/,
    );
    assertRefused(cli(['scope', 'delete', 'everything']), 1, /listed by client backend, and the parent of scope child:profiles/);
    assertRefused(cli(['scope', 'delete', 'openid']), 1, /openid is a built-in OpenID Connect scope and cannot be deleted/);
    assertRefused(cli(['scope', 'delete', 'ghost']), 1, /no scope "ghost" exists/);
    json(['scope', 'create', 'spare', '--description', 'Spare', '--permission', 'access user profiles']);
    assert.deepEqual(json(['scope', 'delete', 'spare']), { name: 'spare', deleted: true });
    assert.ok(!json(['scope', 'list']).some((s: { name: string }) => s.name === 'spare'));
  });

  test('role list and show (with its holders); unknown roles', () => {
    const roles = json(['role', 'list']);
    assert.deepEqual(roles.map((r: { id: string }) => r.id).sort(), ['administrator', 'authenticated', 'editor', 'viewer']);
    const editor = json(['role', 'show', 'editor']);
    assert.equal(editor.holders, 2);
    assert.deepEqual(editor.permissions, ['access user profiles', 'view user email addresses']);
    assert.match(text(['role', 'show', 'editor']), /^holders:\s+2 \(alice, carol\)$/m);
    assert.match(text(['role', 'list']), /^administrator\s+Administrator\s+\(every permission\)\s+-$/m);
    assert.match(text(['role', 'show', 'editor']), /^mfaRequired:\s+false$/m);
    assertRefused(cli(['role', 'show', 'ghost']), 1, /no role "ghost" exists/);
  });

  test('role delete: refused while users hold it or a scope grants it, naming them; built-ins refused', () => {
    assertRefused(
      cli(['role', 'delete', 'editor']),
      1,
      /id: the role "editor" cannot be deleted: it is held by users alice, carol, and granted by scope editor/,
    );
    assertRefused(cli(['role', 'delete', 'administrator']), 1, /administrator is a built-in role and cannot be deleted/);
    assertRefused(cli(['role', 'delete', 'authenticated']), 1, /authenticated is a built-in role/);
    assertRefused(cli(['role', 'delete', 'ghost']), 1, /no role "ghost" exists/);
    json(['role', 'create', 'spare', '--permission', 'x']);
    json(['user', 'create', 'sparky', '--mail', 'sparky@example.com', '--role', 'spare']);
    assertRefused(cli(['role', 'delete', 'spare']), 1, /held by user sparky$/m);
    json(['user', 'update', 'sparky', '--no-role']);
    assert.deepEqual(json(['role', 'delete', 'spare']), { id: 'spare', deleted: true });
    assertRefused(cli(['role', 'show', 'spare']), 1, /no role "spare" exists/);
  });
});

test('apply --print-schema prints docs/apply.schema.json; it takes no file', () => {
  assert.equal(text(['apply', '--print-schema']), readFileSync(join(process.cwd(), 'docs', 'apply.schema.json'), 'utf8'));
  assertRefused(cli(['apply', 'x.yaml', '--print-schema']), 2, /--print-schema takes no file/);
});
