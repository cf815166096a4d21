// test-engines: both
// Users' free-form fields (issue 14 part 5) through every surface that sets them: the apply file
// (`users[].fields`, idempotent, refused by path), the admin API (PATCH replaces them, bad values
// 400 naming the field), the CLI (`--field NAME=VALUE`, `--unset-field`), and the console's
// key/value rows.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { applyDocument } from '../../src/admin/apply.js';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { BrowserAgent, hiddenField } from '../helpers/browser-http.js';
import { bearer, PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { uidOf } from '../helpers/tokens.js';

let gh: Running;
let token: string;
const API = '/admin/api/v1';

before(async () => {
  gh = await startGatehouse({ world: ADMIN_WORLD });
  token = await adminToken(gh);
});
after(() => gh.close());

function call(method: string, path: string, body?: unknown) {
  return request(`${gh.url}${API}${path}`, {
    method,
    headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

const ADDRESS = { street_address: '1 Rue de la Paix', locality: 'Paris', postal_code: '75002', country: 'FR' };

describe('apply file', () => {
  test('users[].fields are stored as written; applying again changes nothing; a change replaces them', async () => {
    const doc = { users: [{ name: 'dora', mail: 'dora@example.com', fields: { given_name: 'Dora', age: 41, phone_number_verified: true, address: ADDRESS } }] };
    assert.equal((await applyDocument(gh.admin, doc)).users.dora, 'created');
    assert.deepEqual((await gh.store.users.findByName('dora'))!.fields, doc.users[0].fields);
    assert.equal((await applyDocument(gh.admin, doc)).users.dora, 'unchanged');
    const report = await applyDocument(gh.admin, { users: [{ name: 'dora', fields: { given_name: 'Dorothea' } }] });
    assert.equal(report.users.dora, 'updated');
    assert.deepEqual((await gh.store.users.findByName('dora'))!.fields, { given_name: 'Dorothea' });
  });

  test('a bad field name or value is refused by path, and nothing is written', async () => {
    for (const [fields, pattern] of [
      [{ 'bad name': 'x' }, /users\[0\]\.fields/],
      [{ list: ['a'] }, /users\[0\]\.fields: list must be a string, a number, a boolean or an object/],
      [{ nothing: null }, /users\[0\]\.fields: nothing must be/],
    ] as const) {
      await assert.rejects(applyDocument(gh.admin, { users: [{ name: 'erin', fields: fields as never }] }), pattern);
      assert.equal(await gh.store.users.findByName('erin'), null);
    }
  });
});

describe('admin API', () => {
  test('create with fields, read them back, PATCH replaces them, {} clears them', async () => {
    const created = await call('POST', '/users', { name: 'fay', mail: 'fay@example.com', fields: { department: 'Sales', level: 3 } });
    assert.equal(created.status, 201, created.text);
    assert.deepEqual(created.body.user.fields, { department: 'Sales', level: 3 });
    const uid = created.body.user.uid;
    const patched = await call('PATCH', `/users/${uid}`, { fields: { department: 'Support', address: ADDRESS } });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.body.fields, { department: 'Support', address: ADDRESS });
    assert.deepEqual((await call('GET', `/users/${uid}`)).body.fields, { department: 'Support', address: ADDRESS });
    assert.deepEqual((await call('PATCH', `/users/${uid}`, { fields: {} })).body.fields, {});
    // users created before fields existed, or without any, read as {}
    assert.deepEqual((await call('GET', `/users/${await uidOf(gh, 'bob')}`)).body.fields, {});
  });

  test('refused: a list, null, a bad name, too many fields, NUL — 400 naming the field', async () => {
    const uid = await uidOf(gh, 'bob');
    const tooMany = Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`f${i}`, i]));
    for (const fields of [{ list: [1] }, { gone: null }, { '1st': 'x' }, { 'a.b': 'x' }, tooMany, { nul: 'a\u0000b' }, 'text']) {
      const res = await call('PATCH', `/users/${uid}`, { fields });
      assert.equal(res.status, 400, JSON.stringify(fields));
      assert.match(`${res.body.field ?? ''} ${res.body.message}`, /fields/, res.text);
    }
    assert.deepEqual((await call('GET', `/users/${uid}`)).body.fields, {});
  });
});

describe('CLI', () => {
  let dir: string;
  let db: string;
  const cli = (args: string[]) => {
    const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, ...rest } = process.env;
    const r = spawnSync(process.execPath, [join(process.cwd(), 'dist', 'main.js'), ...args], {
      env: { ...rest, DATABASE_URL: `sqlite:${db}`, LOG_LEVEL: 'warn' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const json = (args: string[]) => {
    const r = cli([...args, '--json']);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
  };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-fields-'));
    db = join(dir, 'fields.db');
    assert.equal(cli(['migrate']).status, 0);
    json(['user', 'create', 'gus', '--mail', 'gus@example.com', '--field', 'department=Sales', '--field', 'level=3']);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('create --field, update --field / --unset-field: text, numbers, booleans, objects', () => {
    assert.deepEqual(json(['user', 'show', 'gus']).fields, { department: 'Sales', level: 3 });
    const updated = json([
      'user',
      'update',
      'gus',
      '--field',
      'phone_number_verified=true',
      '--field',
      `address=${JSON.stringify(ADDRESS)}`,
      '--field',
      'zip="75002"',
      '--field',
      'code=007',
      '--unset-field',
      'level',
    ]);
    assert.deepEqual(updated.fields, { department: 'Sales', phone_number_verified: true, address: ADDRESS, zip: '75002', code: '007' });
    assert.match(cli(['user', 'show', 'gus']).stdout, /^fields:\s+\{"department":"Sales"/m);
  });

  test('refused: --field without =, a bad name — one line, nothing changed', () => {
    const noEquals = cli(['user', 'update', 'gus', '--field', 'department']);
    assert.equal(noEquals.status, 2, noEquals.stderr);
    assert.match(noEquals.stderr, /^gatehouse: --field takes NAME=VALUE, not "department" \(see: gatehouse user update --help\)\n$/);
    const badName = cli(['user', 'update', 'gus', '--field', 'bad name=x']);
    assert.equal(badName.status, 1, badName.stderr);
    assert.match(badName.stderr, /^gatehouse: fields: "bad name" is not a valid field name/);
    assert.equal(json(['user', 'show', 'gus']).fields.department, 'Sales');
  });
});

describe('console', () => {
  test('the user form shows the fields as key/value rows and saves them back', async () => {
    await applyDocument(gh.admin, { users: [{ name: 'hal', mail: 'hal@example.com', fields: { department: 'Ops', active: true } }] });
    const uid = await uidOf(gh, 'hal');
    const admin = new BrowserAgent(gh.url);
    assert.equal((await admin.login('root', PASSWORD, '/admin')).status, 303);
    const page = await admin.get(`/admin/users/${uid}`);
    assert.match(page.text, /name="field_name"[^>]*value="department"/);
    assert.match(page.text, /name="field_value"[^>]*value="Ops"/);
    assert.match(page.text, /name="field_value"[^>]*value="true"/);
    const csrf = hiddenField(page.text, 'csrf_token')!;
    const base: [string, string][] = [
      ['csrf_token', csrf],
      ['name', 'hal'],
      ['mail', 'hal@example.com'],
    ];
    const saved = await admin.post(`/admin/users/${uid}`, [
      ...base,
      ['field_name', 'department'],
      ['field_value', 'Finance'],
      ['field_name', ''],
      ['field_value', ''],
      ['field_name', 'address'],
      ['field_value', JSON.stringify(ADDRESS)],
    ]);
    assert.equal(saved.status, 303, saved.text);
    assert.deepEqual((await gh.store.users.findByName('hal'))!.fields, { department: 'Finance', address: ADDRESS });
    // a value without a name, and a name given twice, are refused beside the rows
    for (const [rows, pattern] of [
      [
        [
          ['field_name', ''],
          ['field_value', 'orphan'],
        ],
        /the value &quot;orphan&quot; has no field name/,
      ],
      [
        [
          ['field_name', 'a'],
          ['field_value', '1'],
          ['field_name', 'a'],
          ['field_value', '2'],
        ],
        /&quot;a&quot; is given twice/,
      ],
      [
        [
          ['field_name', 'bad name'],
          ['field_value', '1'],
        ],
        /is not a valid field name/,
      ],
    ] as [[string, string][], RegExp][]) {
      const refused = await admin.post(`/admin/users/${uid}`, [...base, ...rows]);
      assert.equal(refused.status, 400);
      assert.match(refused.text, pattern);
    }
    assert.deepEqual((await gh.store.users.findByName('hal'))!.fields, { department: 'Finance', address: ADDRESS });
  });
});
