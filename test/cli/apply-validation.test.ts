// The apply file is checked against its JSON Schema (docs/apply.schema.json, shared with the admin
// API) before anything is written: each kind of mistake refused through the CLI, one line naming
// its path, and nothing of the file applied.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';

const MAIN = join(process.cwd(), 'dist', 'main.js');
let dir: string;

before(() => {
  assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm install` / `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-apply-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], input?: string): { status: number; stdout: string; stderr: string } {
  const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, ...rest } = process.env;
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    env: { ...rest, DATABASE_URL: `sqlite:${join(dir, 'apply.db')}`, LOG_LEVEL: 'warn' },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Applies `doc` (YAML text, or an object as JSON) and expects exit 1 with one line matching `pattern`. */
function refused(doc: string | object, pattern: RegExp, options: { file?: string } = {}): void {
  let r: ReturnType<typeof cli>;
  if (options.file) {
    const path = join(dir, options.file);
    writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
    r = cli(['apply', path]);
  } else r = cli(['apply', '-'], typeof doc === 'string' ? doc : JSON.stringify(doc));
  assert.equal(r.status, 1, `${JSON.stringify(doc)}: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /^gatehouse: [^\n]+\n$/, `one line: ${JSON.stringify(r.stderr)}`);
  assert.match(r.stderr, pattern);
  assert.equal(r.stdout, '');
}

const role = { id: 'ok_role', permissions: ['access user profiles'] };
const scope = { name: 'ok:scope', description: 'Fine', permission: 'access user profiles' };
const user = { name: 'okuser', mail: 'ok@example.com' };
const client = { clientId: 'ok_client', grantTypes: ['client_credentials'] };

describe('unknown top-level section', () => {
  test('named, with the sections apply knows', () => {
    refused(
      { widgets: [] },
      /^gatehouse: widgets: is not a section apply knows \(roles, scopes, users, resources, clients, routes, registrationPolicy, claims\)$/m,
    );
  });

  test('misspelt: the section meant', () => {
    refused('client:\n  - clientId: x\n', /^gatehouse: client: is not a section apply knows \(did you mean clients\?\)$/m);
    refused({ Roles: [role] }, /Roles: is not a section apply knows \(did you mean roles\?\)/);
  });
});

describe('unknown key in each section', () => {
  for (const [section, item, noun] of [
    ['roles', role, 'role'],
    ['scopes', scope, 'scope'],
    ['users', user, 'user'],
    ['clients', client, 'client'],
  ] as const) {
    test(section, () => {
      refused(
        { [section]: [item, { ...item, colour: 'red' }] },
        new RegExp(`^gatehouse: ${section}\\[1\\]\\.colour: is not a field of a ${noun} \\(known: `, 'm'),
      );
    });
  }
});

describe('misspelt key', () => {
  test('clients[2].grantType: did you mean grantTypes', () => {
    const clients = [client, { ...client, clientId: 'two' }, { clientId: 'three', grantType: ['password'] }];
    refused({ clients }, /^gatehouse: clients\[2\]\.grantType: is not a field of a client \(did you mean grantTypes\?\)$/m);
  });

  test('in YAML, in every section', () => {
    refused('roles:\n  - id: a\n    permission: [x]\n', /roles\[0\]\.permission: is not a field of a role \(did you mean permissions\?\)/);
    refused(
      'scopes:\n  - name: a\n    description: A\n    grant_types: [password]\n',
      /scopes\[0\]\.grant_types: is not a field of a scope \(did you mean grantTypes\?\)/,
    );
    refused('users:\n  - name: a\n    email: a@example.com\n', /users\[0\]\.email: is not a field of a user \(did you mean mail\?\)/);
    refused(
      'clients:\n  - clientId: a\n    redirectUri: [https://a.example/cb]\n',
      /clients\[0\]\.redirectUri: is not a field of a client \(did you mean redirectUris\?\)/,
    );
    refused('clients:\n  - client_id: a\n', /clients\[0\]\.client_id: is not a field of a client \(did you mean clientId\?\)/);
  });
});

describe('wrong type', () => {
  test('named by path, with the type wanted', () => {
    refused({ clients: [{ ...client, pkce: 'yes' }] }, /^gatehouse: clients\[0\]\.pkce: must be true or false$/m);
    refused({ roles: [{ id: 'a', permissions: 'access user profiles' }] }, /^gatehouse: roles\[0\]\.permissions: must be a list$/m);
    refused({ users: [{ ...user, status: 1 }] }, /users\[0\]\.status: must be true or false/);
    refused({ clients: [{ ...client, accessTokenExpiration: '300' }] }, /clients\[0\]\.accessTokenExpiration: must be a whole number/);
    refused({ clients: [{ ...client, redirectUris: [42] }] }, /clients\[0\]\.redirectUris\[0\]: must be text/);
    refused({ roles: {} }, /^gatehouse: roles: must be a list$/m);
    refused({ scopes: ['a:read'] }, /^gatehouse: scopes\[0\]: must be a mapping of keys to values$/m);
    refused(
      '- roles: []\n',
      /^gatehouse: standard input: must hold a mapping with roles, scopes, users, resources, clients, routes, registrationPolicy and\/or claims$/m,
    );
    refused('', /standard input: must hold a mapping/);
    refused('[1, 2]', /bad\.json: must hold a mapping/, { file: 'bad.json' });
  });
});

describe('bad value', () => {
  test('out of the allowed values or range, missing, malformed', () => {
    refused(
      { clients: [{ ...client, grantTypes: ['client_credentials', 'implicit'] }] },
      /clients\[0\]\.grantTypes\[1\]: must be one of: authorization_code, /,
    );
    refused({ clients: [{ ...client, accessTokenExpiration: 0 }] }, /^gatehouse: clients\[0\]\.accessTokenExpiration: must be at least 1$/m);
    refused({ clients: [{ ...client, refreshReuseInterval: 301 }] }, /clients\[0\]\.refreshReuseInterval: must be at most 300/);
    refused({ clients: [{ ...client, actAs: 'everyone' }] }, /clients\[0\]\.actAs: is not in a form it may take: user names the client may act for/);
    refused({ scopes: [{ ...scope, granularity: 'group' }] }, /scopes\[0\]\.granularity: must be one of: permission, role, null/);
    refused({ scopes: [{ name: 'a' }] }, /^gatehouse: scopes\[0\]\.description: is required$/m);
    refused({ users: [{ mail: 'x@example.com' }] }, /users\[0\]\.name: is required/);
    refused({ users: [{ ...user, name: '' }] }, /users\[0\]\.name: must not be empty/);
    refused({ clients: [{ ...client, secret: 'short' }] }, /clients\[0\]\.secret: must be at least 32 characters/);
    refused({ users: [{ ...user, password: 'short' }] }, /users\[0\]\.password: must be at least 8 characters/);
  });

  test('values only the store can judge: the same path, found while applying', () => {
    refused({ clients: [{ ...client, scopes: ['nope'] }] }, /^gatehouse: clients\[0\]\.scopes: no scope "nope" exists$/m);
    refused(
      { clients: [{ ...client, grantTypes: ['authorization_code'], redirectUris: ['https://a.example/cb#x'] }] },
      /clients\[0\]\.redirectUris: .* fragment/,
    );
    refused({ roles: [role], users: [user, { name: 'other', roles: ['ghost'] }] }, /^gatehouse: users\[1\]\.roles: no role "ghost" exists$/m);
    refused({ scopes: [{ name: 'openid', description: 'x', permission: 'p' }] }, /scopes\[0\]\.name: openid is a built-in/);
  });
});

test('a refused file applies nothing, even the items before the fault; the same file fixed applies', () => {
  const doc = { roles: [role], scopes: [scope], users: [user], clients: [client, { clientId: 'bad', grantType: ['password'] }] };
  refused(doc, /clients\[1\]\.grantType/);
  refused({ ...doc, clients: [client, { clientId: 'bad', scopes: ['nope'] }] }, /clients\[1\]\.scopes: no scope "nope"/);
  const roles = cli(['role', 'list', '--json']);
  assert.ok(!JSON.parse(roles.stdout).some((r: { id: string }) => r.id === 'ok_role'), 'one transaction: nothing of it stayed');
  const fixed = cli(['apply', '-', '--json'], JSON.stringify({ ...doc, clients: [client] }));
  assert.equal(fixed.status, 0, fixed.stderr);
  assert.equal(JSON.parse(fixed.stdout).clients.ok_client, 'created');
});

test('a file naming its schema for editors (yaml-language-server comment, $schema in JSON) is accepted as it is', () => {
  const yaml = join(dir, 'with-schema.yaml');
  writeFileSync(yaml, '# yaml-language-server: $schema=../docs/apply.schema.json\nroles:\n  - id: commented\n');
  const r = cli(['apply', yaml, '--json']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).roles.commented, 'created');
  // JSON has no comments: a "$schema" key is how editors find it, and apply does not take it for a section
  const json = join(dir, 'with-schema.json');
  writeFileSync(json, JSON.stringify({ $schema: '../docs/apply.schema.json', roles: [{ id: 'commented' }] }));
  const again = cli(['apply', json, '--json']);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).roles.commented, 'unchanged');
  refused({ $schema: 42 }, /^gatehouse: \$schema: must be text$/m);
});
