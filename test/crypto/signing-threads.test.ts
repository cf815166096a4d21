// Signatures made on the signing threads: right for each key and algorithm, however many are
// asked for in one turn of the event loop, and a failing one fails alone.
import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { test } from 'node:test';
import { SigningThreads } from '../../src/crypto/signing-threads.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec2 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

const validEs256 = (publicKey: typeof ec.publicKey, input: Buffer, signature: Buffer): boolean =>
  verify('sha256', input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);

test('ES256 and EdDSA signatures from many requests in one turn and over several turns verify', async () => {
  const threads = new SigningThreads(2);
  const jobs: Promise<void>[] = [];
  for (let turn = 0; turn < 5; turn++) {
    for (let i = 0; i < 40; i++) {
      const input = Buffer.from(`turn ${turn} request ${i}`);
      // two ES256 keys (a rotation) and an Ed25519 key, mixed in one batch
      const [pair, alg] = i % 3 === 0 ? [ed, 'EdDSA' as const] : [i % 3 === 1 ? ec : ec2, 'ES256' as const];
      const signed = threads.sign(pair.privateKey, alg, input);
      assert.ok(signed, 'a thread takes the signature');
      jobs.push(
        signed.then((signature) => {
          if (alg === 'EdDSA') assert.ok(verify(null, input, pair.publicKey, signature), `EdDSA ${turn}/${i}`);
          else {
            assert.equal(signature.length, 64, 'IEEE P1363: r and s, 32 bytes each');
            assert.ok(validEs256(pair.publicKey, input, signature), `ES256 ${turn}/${i}`);
            // and not by the other key of the batch
            assert.ok(!validEs256((pair === ec ? ec2 : ec).publicKey, input, signature));
          }
        }),
      );
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(jobs);
});

test('a signature that cannot be made fails alone, with the reason; the threads keep signing', async () => {
  const threads = new SigningThreads(1);
  const input = Buffer.from('payload');
  // an Ed25519 key cannot make an ES256 signature (it takes no digest)
  const wrong = threads.sign(ed.privateKey, 'ES256', input);
  const right = threads.sign(ec.privateKey, 'ES256', input);
  await assert.rejects(wrong!, /invalid digest/);
  assert.ok(validEs256(ec.publicKey, input, await right!));
  const later = await threads.sign(ec.privateKey, 'ES256', Buffer.from('later'))!;
  assert.ok(validEs256(ec.publicKey, Buffer.from('later'), later));
});
