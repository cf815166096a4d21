// The PostgreSQL NOTIFY payload of a change: `topic` or `topic:key`, read back the same way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { changePayload, parseChangePayload } from '../../src/store/change-feed.js';

test('a change names its user or client; the key may hold colons', () => {
  assert.equal(changePayload({ topic: 'users', key: '42' }), 'users:42');
  assert.deepEqual(parseChangePayload('users:42'), { topic: 'users', key: '42' });
  assert.deepEqual(parseChangePayload(changePayload({ topic: 'clients', key: 'urn:app:1' })), { topic: 'clients', key: 'urn:app:1' });
  assert.deepEqual(parseChangePayload('catalog'), { topic: 'catalog' });
});

test('a key too long for a NOTIFY payload is announced as its whole topic', () => {
  const long = 'c'.repeat(5000);
  assert.equal(changePayload({ topic: 'clients', key: long }), 'clients');
  assert.equal(changePayload({ topic: 'clients', key: 'c'.repeat(200) }), `clients:${'c'.repeat(200)}`);
});

test('a payload that is none of ours is ignored', () => {
  assert.equal(parseChangePayload('sessions:1'), null);
  assert.equal(parseChangePayload(''), null);
  assert.equal(parseChangePayload(':users'), null);
});
