// Nothing secret is stored in clear (RFC 6819 §5.1.4.1.3, §5.1.4.1.4): after a server has issued
// a refresh token, an authorization code and a login session, and holds its signing keys and a
// client secret, the SQLite file holds none of them — only digests, keyed digests and ciphertext.
// SQLite only: the test reads the database file's bytes.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ClientSecrets } from '../../src/crypto/client-secret.js';
import { decryptPrivateKey, KeyDecryptionError } from '../../src/crypto/key-encryption.js';
import { codeFor, spaRequest } from '../helpers/authorization.js';
import { BrowserAgent, pkcePair } from '../helpers/browser-http.js';
import { form, PASSWORD, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

let dir: string;
let gh: Running;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-at-rest-'));
  gh = await startGatehouse({ databaseUrl: `sqlite:${join(dir, 'gatehouse.db')}` });
});
after(async () => {
  await gh?.close().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

/** Every byte Gatehouse wrote for the database: the file and any WAL or shared-memory file beside it. */
function databaseBytes(): string {
  const db = join(dir, 'gatehouse.db');
  return ['', '-wal', '-shm']
    .map((suffix) => db + suffix)
    .filter(existsSync)
    .map((path) => readFileSync(path).toString('latin1'))
    .join('\n');
}

/** The base64 body of a PEM, line by line (a short last line could match anything by chance: left out). */
function pemLines(pem: string): string[] {
  const lines = pem.split('\n').filter((line) => line.length >= 32 && !line.startsWith('-----'));
  assert.ok(lines.length > 0, 'a PEM body');
  return lines;
}

test('secrets, tokens, codes, session ids and private keys never reach the database in clear', async () => {
  // a refresh token (and an access token) through the password grant
  const tokens = await form(`${gh.url}/oauth/token`, {
    grant_type: 'password',
    client_id: 'backend',
    client_secret: SECRET,
    username: 'alice',
    password: PASSWORD,
  });
  assert.equal(tokens.status, 200, tokens.text);
  // an authorization code not yet exchanged, and the login session it was issued in
  const agent = new BrowserAgent(gh.url);
  const code = await codeFor(gh, agent, spaRequest(pkcePair().challenge), 'bob');
  const sessionId = agent.cookies.get('gh_session');
  assert.ok(sessionId, 'the login left a session cookie');

  // the client secret: a digest keyed by GATEHOUSE_SECRET, not a plain hash anyone could test guesses against
  const digest = (await gh.store.clients.get('backend'))!.secretDigest!;
  assert.ok(new ClientSecrets(gh.config.secret).matches(SECRET, digest));
  assert.equal(
    new ClientSecrets('another-secret-another-secret-another-secret').matches(SECRET, digest),
    false,
    'keyed: another GATEHOUSE_SECRET does not verify it',
  );
  for (const encoding of ['hex', 'base64', 'base64url'] as const) assert.notEqual(digest, createHash('sha256').update(SECRET).digest(encoding));

  // the signing keys: AES-GCM ciphertext that only GATEHOUSE_SECRET opens
  const keys = await gh.store.keys.list();
  assert.ok(keys.length >= 2, 'an access key and an id-token key');
  const pems = keys.map((key) => {
    assert.doesNotMatch(key.privateKeyEncrypted, /PRIVATE KEY/);
    assert.throws(() => decryptPrivateKey(key.privateKeyEncrypted, 'another-secret-another-secret-another-secret', key.kid), KeyDecryptionError);
    return decryptPrivateKey(key.privateKeyEncrypted, gh.config.secret, key.kid);
  });

  await gh.close(); // SQLite checkpoints its WAL into the file when the last connection closes
  const bytes = databaseBytes();
  assert.ok(bytes.includes('alice@example.com'), 'the scan sees what is stored in clear (a user’s mail address)');
  assert.ok(bytes.includes(digest), 'and the keyed digest of the client secret');
  const secrets: [string, string][] = [
    ['the client secret', SECRET],
    ['a user password', PASSWORD],
    ['the refresh token', tokens.body.refresh_token],
    ['the access token', tokens.body.access_token],
    ['the access token signature', tokens.body.access_token.split('.')[2]],
    ['the authorization code', code],
    ['the session id', sessionId],
    ...pems.flatMap((pem, i) => pemLines(pem).map((line, j): [string, string] => [`line ${j + 1} of private key ${i + 1}`, line])),
  ];
  for (const [what, value] of secrets) {
    assert.ok(value && value.length >= 20, `${what} is a real value`);
    assert.equal(bytes.includes(value), false, `${what} is stored in clear`);
  }
});
