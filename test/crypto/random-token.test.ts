// Random tokens come from a pool filled by the CSPRNG: every token is of the length asked,
// URL-safe, and no bytes are ever handed out twice, across refills of the pool too.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomToken } from '../../src/crypto/secrets.js';

test('tokens of the length asked, URL-safe, never repeating across pool refills', () => {
  const seen = new Set<string>();
  // 3 000 × 48 bytes runs through the 8 KiB pool about 17 times, ending at every offset
  for (let i = 0; i < 3000; i++) {
    const bytes = [16, 32, 48, 7][i % 4];
    const token = randomToken(bytes);
    assert.match(token, /^[A-Za-z0-9_-]+$/);
    assert.equal(Buffer.from(token, 'base64url').length, bytes);
    assert.ok(!seen.has(token), 'a token handed out twice');
    seen.add(token);
  }
  // no 16-byte window of one token shows up in the next (bytes are consumed, not reused)
  const a = Buffer.from(randomToken(32), 'base64url');
  const b = Buffer.from(randomToken(32), 'base64url');
  assert.equal(b.indexOf(a.subarray(16)), -1);
  assert.equal(Buffer.from(randomToken(), 'base64url').length, 32);
  assert.equal(Buffer.from(randomToken(1000), 'base64url').length, 1000, 'larger than the pool’s share: straight from the CSPRNG');
});
