// test-engines: both
// The bearer guard on a protected route: every row of docs/compatibility.md §2, and forged tokens
// of every kind.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT, exportJWK, calculateJwkThumbprint } from 'jose';
import { after, before, describe, test } from 'node:test';
import { saveUser } from '../../src/admin/users.js';
import { decodeJwt, request, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { tokenFor, uidOf } from '../helpers/tokens.js';

let gh: Running;
let bobUrl: string;
before(async () => {
  gh = await startGatehouse();
  bobUrl = `${gh.url}/user/${await uidOf(gh, 'bob')}?_format=json`;
});
after(() => gh.close());

function assertResourceError(
  res: { status: number; body: any; headers: Headers },
  status: number,
  error: string,
  description: string | RegExp,
  challenge: string,
): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.status, 'error');
  assert.equal(res.body.error, error);
  if (typeof description === 'string') assert.equal(res.body.error_description, description);
  else assert.match(res.body.error_description, description);
  // RFC 9728 §5.1 (issue 14): a 401 names the protected-resource metadata
  const metadata = status === 401 ? `, resource_metadata="${gh.config.issuer}/.well-known/oauth-protected-resource"` : '';
  assert.equal(res.headers.get('www-authenticate'), challenge + metadata);
}

async function claimsLike(token: string): Promise<Record<string, unknown>> {
  return decodeJwt(token).claims;
}

describe('docs/compatibility.md §2 rows', () => {
  test('no Authorization header: 401 MISSING_AUTHORIZATION_HEADER', async () => {
    assertResourceError(await request(bobUrl), 401, 'MISSING_AUTHORIZATION_HEADER', 'Authorization header not received.', 'Bearer realm="gatehouse"');
  });

  test('scheme is not Bearer: 401 INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE', async () => {
    for (const value of ['Basic YWxpY2U6cGFzcw==', 'Token abc', 'abc']) {
      assertResourceError(
        await request(bobUrl, { headers: { authorization: value } }),
        401,
        'INVALID_AUTHORIZATION_HEADER_TOKEN_TYPE',
        'Authorization header must be the type of Bearer Token.',
        'Bearer realm="gatehouse", error="invalid_request"',
      );
    }
  });

  test('malformed tokens: 401 INVALID_ACCESS_TOKEN', async () => {
    for (const value of ['Bearer ', 'Bearer abc', 'Bearer a.b.c', 'Bearer ' + 'x'.repeat(5000), 'Bearer eyJhbGciOiJub25lIn0.e30.', 'Bearer ä.ö.ü']) {
      assertResourceError(
        await request(bobUrl, { headers: { authorization: value } }),
        401,
        'INVALID_ACCESS_TOKEN',
        'Invalid Access Token.',
        'Bearer realm="gatehouse", error="invalid_token"',
      );
    }
  });

  test('a valid token passes', async () => {
    const token = await tokenFor(gh, 'bob', 'profile:read');
    const res = await request(bobUrl, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, res.text);
  });

  test('expired: 401 TOKEN_EXPIRED with the RFC 6750 description', async () => {
    const token = await tokenFor(gh, 'bob', 'profile:read');
    gh.clock.advance(301);
    try {
      assertResourceError(
        await request(bobUrl, { headers: { authorization: `Bearer ${token}` } }),
        401,
        'TOKEN_EXPIRED',
        'Invalid request: Token Expired.',
        'Bearer realm="gatehouse", error="invalid_token", error_description="The access token expired"',
      );
    } finally {
      gh.clock.advance(-301);
    }
  });

  test('token lacks the permission: 403 INSUFFICIENT_SCOPE naming it', async () => {
    // alice may view profiles, but this token only carries mail:read
    const token = await tokenFor(gh, 'alice', 'mail:read');
    assertResourceError(
      await request(bobUrl, { headers: { authorization: `Bearer ${token}` } }),
      403,
      'INSUFFICIENT_SCOPE',
      /access user profiles/,
      'Bearer realm="gatehouse", error="insufficient_scope", scope="access user profiles"',
    );
  });

  test("token's user is now blocked: 403 USER_BLOCKED; unblocked with a new password, old tokens stay dead", async () => {
    const uid = await uidOf(gh, 'alice');
    const token = await tokenFor(gh, 'alice', 'profile:read');
    await saveUser(gh.admin, uid, { status: false });
    await gh.app.gatehouse.revocations.refresh();
    try {
      assertResourceError(
        await request(bobUrl, { headers: { authorization: `Bearer ${token}` } }),
        403,
        'USER_BLOCKED',
        'The user is blocked or inactive.',
        'Bearer realm="gatehouse", error="invalid_token"',
      );
    } finally {
      await saveUser(gh.admin, uid, { status: true });
      await gh.app.gatehouse.revocations.refresh();
    }
    // saving the user revoked the token: it does not come back when the user does
    assertResourceError(
      await request(bobUrl, { headers: { authorization: `Bearer ${token}` } }),
      401,
      'INVALID_ACCESS_TOKEN',
      'Invalid Access Token.',
      'Bearer realm="gatehouse", error="invalid_token"',
    );
    // a token issued right after the save (same second) works
    gh.clock.tick();
    const fresh = await tokenFor(gh, 'alice', 'profile:read');
    assert.equal((await request(bobUrl, { headers: { authorization: `Bearer ${fresh}` } })).status, 200);
  });

  test('role change revokes the user tokens', async () => {
    const uid = await uidOf(gh, 'alice');
    const token = await tokenFor(gh, 'alice', 'profile:read');
    await saveUser(gh.admin, uid, { roles: ['editor', 'viewer'] });
    await gh.app.gatehouse.revocations.refresh();
    assert.equal((await request(bobUrl, { headers: { authorization: `Bearer ${token}` } })).status, 401);
  });
});

describe('forged tokens are refused with INVALID_ACCESS_TOKEN', () => {
  async function assertRefused(token: string): Promise<void> {
    const res = await request(bobUrl, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.error, 'INVALID_ACCESS_TOKEN');
  }

  test('alg none', async () => {
    const claims = await claimsLike(await tokenFor(gh, 'bob', 'profile:read'));
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: decodeJwt(await tokenFor(gh, 'bob', 'profile:read')).header.kid })).toString(
      'base64url',
    );
    await assertRefused(`${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`);
  });

  test('HS256 signed with our public key as the HMAC secret', async () => {
    const real = await tokenFor(gh, 'bob', 'profile:read');
    const { kid } = decodeJwt(real).header;
    const jwks = (await request(`${gh.url}/oauth/jwks`)).body;
    const jwk = jwks.keys.find((k: { kid: string }) => k.kid === kid);
    const pem = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' });
    for (const secret of [Buffer.from(pem), Buffer.from(JSON.stringify(jwk))]) {
      const forged = await new SignJWT(await claimsLike(real)).setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid }).sign(secret);
      await assertRefused(forged);
    }
  });

  test('a foreign key, with our kid or its own', async () => {
    const real = await tokenFor(gh, 'bob', 'profile:read');
    const { kid } = decodeJwt(real).header;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ownKid = await calculateJwkThumbprint(await exportJWK(publicKey));
    for (const k of [kid, ownKid, undefined]) {
      const forged = await new SignJWT(await claimsLike(real))
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...(k ? { kid: k } : {}) })
        .sign(createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })));
      await assertRefused(forged);
    }
  });

  test('a tampered payload', async () => {
    const real = await tokenFor(gh, 'bob', 'profile:read');
    const [h, , s] = real.split('.');
    const claims = { ...(await claimsLike(real)), sub: String(await uidOf(gh, 'root')) };
    await assertRefused(`${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`);
  });

  test('a token of ours for a wrong issuer, audience or type', async () => {
    const signer = gh.app.gatehouse.keys.signingKey('access');
    const { signJwt } = await import('../../src/crypto/jwt.js');
    const base = await claimsLike(await tokenFor(gh, 'bob', 'profile:read'));
    await assertRefused(await signJwt(signer, 'at+jwt', { ...base, iss: 'https://evil.example' }));
    await assertRefused(await signJwt(signer, 'at+jwt', { ...base, aud: 'https://other.example' }));
    await assertRefused(await signJwt(signer, 'JWT', base));
    // an id-token key must not verify access tokens
    await assertRefused(await signJwt(gh.app.gatehouse.keys.signingKey('id'), 'at+jwt', base));
  });
});
