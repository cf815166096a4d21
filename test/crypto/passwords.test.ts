// Password hashing and the Drupal hashes Gatehouse accepts from a migrated site.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import bcrypt from 'bcryptjs';
import { hashPassword, MAX_PASSWORD_BYTES, verifyPassword } from '../../src/crypto/passwords.js';

test('argon2id round trip with OWASP parameters', async () => {
  const hash = await hashPassword('s3cret pass');
  assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.deepEqual(await verifyPassword('s3cret pass', hash), { ok: true, needsRehash: false });
  assert.deepEqual(await verifyPassword('s3cret pasS', hash), { ok: false, needsRehash: false });
});

test('weaker argon2 parameters ask for a rehash', async () => {
  const { hash } = await import('@node-rs/argon2');
  const weak = await hash('pw', { memoryCost: 4096, timeCost: 1, parallelism: 1, algorithm: 2 });
  assert.deepEqual(await verifyPassword('pw', weak), { ok: true, needsRehash: true });
});

test('Drupal 7+ $S$ (phpass SHA-512) hashes from real sites', async () => {
  // published vectors: a migrated Drupal account and Drupal's scripts/password-hash.sh output
  assert.deepEqual(await verifyPassword('boat2020;A', '$S$D.oOkSJYpbtcVkh0TXSm8BzRKYpsEHrrqPRiaDmiqr.GVE3QisdC'), { ok: true, needsRehash: true });
  assert.deepEqual(await verifyPassword('admin', '$S$DDEzmVGyUponhBeWCHBORSLh8X/MX1k0dnHdjF2QG8eq3IDaugr6'), { ok: true, needsRehash: true });
  assert.equal((await verifyPassword('Admin', '$S$DDEzmVGyUponhBeWCHBORSLh8X/MX1k0dnHdjF2QG8eq3IDaugr6')).ok, false);
});

test('bcrypt $2y$ (PHP password_hash, Drupal 10.1+) and $2b$', async () => {
  const b = await bcrypt.hash('pa55word', 4);
  assert.deepEqual(await verifyPassword('pa55word', b), { ok: true, needsRehash: true });
  assert.deepEqual(await verifyPassword('pa55word', b.replace(/^\$2b\$/, '$2y$')), { ok: true, needsRehash: true });
  assert.equal((await verifyPassword('nope', b.replace(/^\$2b\$/, '$2y$'))).ok, false);
});

test('malformed or hostile hashes are refused without throwing', async () => {
  for (const hash of [
    '',
    'garbage',
    '$S$',
    '$S$D',
    '$S$!abcdefgh' + 'x'.repeat(43),
    '$S$zabcdefgh' + 'x'.repeat(43),
    '$P$Babc',
    'U$S$',
    '$argon2id$broken',
    '$2y$04$short',
  ]) {
    assert.equal((await verifyPassword('x', hash)).ok, false, hash);
  }
});

test('no hash (unknown user) still costs an argon2 verification, and fails', async () => {
  const started = performance.now();
  assert.deepEqual(await verifyPassword('anything', null), { ok: false, needsRehash: false });
  assert.ok(performance.now() - started > 1, 'did real work');
});

test('over-long passwords are refused before hashing', async () => {
  const hash = await hashPassword('short');
  assert.equal((await verifyPassword('x'.repeat(MAX_PASSWORD_BYTES + 1), hash)).ok, false);
});

test('argon2id runs on threads of lower OS priority than the event loop (Linux)', {
  skip: process.platform !== 'linux' && 'nice values per thread are Linux',
}, async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  // field 19 of /proc/<pid>/task/<tid>/stat is the thread's nice value
  const niceOf = (tid: string): number => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
  const main = niceOf(String(process.pid));
  const hashed = hashPassword('prioritised');
  assert.match(await hashed, /^\$argon2id\$/);
  // the thread that hashed stays, idle, for the next password
  const threads = readdirSync('/proc/self/task').map(niceOf);
  assert.ok(
    threads.some((nice) => nice === main + 10),
    `a hashing thread at nice ${main + 10} (threads: ${threads.join(', ')})`,
  );
  assert.deepEqual(await verifyPassword('prioritised', await hashed), { ok: true, needsRehash: false });
  assert.deepEqual(await verifyPassword('prioritised', '$argon2id$v=19$m=19456,t=2,p=1$broken'), { ok: false, needsRehash: false });
});
