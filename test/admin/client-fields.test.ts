// The table of client fields (src/admin/client-fields.ts) is complete: every field an operator sets
// on a client has its row, so the console, the admin API, the apply file and the CLI all offer it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CLIENT_FIELDS } from '../../src/admin/client-fields.js';
import type { Client } from '../../src/domain/client.js';

// typed as Client: a field added to Client fails to compile here until it is added, then below
const sample: Client = {
  clientId: 'c',
  label: 'c',
  description: '',
  secretDigest: null,
  confidential: false,
  grantTypes: [],
  redirectUris: [],
  scopes: [],
  authorizationCodeScopes: [],
  userId: null,
  actAs: [],
  tokenEndpointAuthMethod: null,
  pkce: true,
  automaticAuthorization: false,
  rememberApproval: true,
  accessTokenExpiration: 300,
  refreshTokenExpiration: 1,
  refreshFamilyLifetime: 1,
  refreshReuseInterval: 0,
  status: true,
  created: 0,
  changed: 0,
};

/** Stored fields nobody sets as such: the secret (generated, rotated), the times; userId is set by user name. */
const NOT_SET = ['secretDigest', 'created', 'changed'];

test('every settable client field has one row in the table', () => {
  const settable = Object.keys(sample)
    .filter((k) => !NOT_SET.includes(k))
    .map((k) => (k === 'userId' ? 'user' : k))
    .sort();
  const rows = CLIENT_FIELDS.map((f) => f.name);
  assert.equal(new Set(rows).size, rows.length, 'one row per field');
  assert.deepEqual([...rows].sort(), settable, 'add the missing field to CLIENT_FIELDS (src/admin/client-fields.ts)');
});

test('each row says how the console shows it, how the API and apply validate it, and (but the id) how the CLI sets it', () => {
  for (const f of CLIENT_FIELDS) {
    assert.ok(f.label.length > 0, f.name);
    assert.ok(typeof f.schema.type === 'string' || Array.isArray(f.schema.type) || Array.isArray(f.schema.anyOf), `${f.name}: a JSON Schema`);
    if (f.kind !== 'id') assert.ok(f.cli, `${f.name}: a CLI option`);
  }
});
