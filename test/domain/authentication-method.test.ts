// The pure rules of second factors: the ACR a login's methods reach, when acr_values make a
// session step up, reading a stored amr, roles requiring MFA; TOTP steps (RFC 6238 test vector)
// and recovery code normalization.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newRecoveryCodes, normalizeRecoveryCode, RecoveryCodeDigests } from '../../src/accounts/second-factors/recovery-codes.js';
import { normalizeTotpCode, totpCodeAt, totpStep } from '../../src/accounts/second-factors/totp.js';
import { ACR_MFA, ACR_PASSWORD, acrOf, mfaRequiredByRoles, needsStepUp, parseAmr } from '../../src/domain/authentication-method.js';
import type { Role } from '../../src/domain/role.js';

test('the ACR of a login: mfa only when a second factor was used', () => {
  assert.equal(acrOf(['pwd']), ACR_PASSWORD);
  assert.equal(acrOf(['pwd', 'otp']), ACR_MFA);
  assert.equal(acrOf(['hwk']), ACR_MFA);
  assert.equal(acrOf([]), ACR_PASSWORD);
});

test('acr_values step up only when every acceptable value needs a second factor the session lacks', () => {
  assert.equal(needsStepUp([ACR_MFA], ['pwd']), true);
  assert.equal(needsStepUp([ACR_MFA], ['pwd', 'otp']), false);
  assert.equal(needsStepUp([ACR_MFA, ACR_PASSWORD], ['pwd']), false, 'pwd is acceptable too');
  assert.equal(needsStepUp([], ['pwd']), false);
});

test('a stored amr that cannot be read counts as a password login', () => {
  assert.deepEqual(parseAmr('["pwd","otp"]'), ['pwd', 'otp']);
  for (const bad of [null, '', 'not json', '{}', '[]', '[1]']) assert.deepEqual(parseAmr(bad), ['pwd'], String(bad));
});

test('a role requiring MFA is found among the user’s roles; unknown roles require nothing', () => {
  const roles = new Map<string, Role>([
    ['staff', { id: 'staff', label: 'Staff', permissions: [], isAdmin: false, mfaRequired: true }],
    ['editor', { id: 'editor', label: 'Editor', permissions: [], isAdmin: false }],
  ]);
  assert.equal(mfaRequiredByRoles(['editor', 'staff'], { roles }), true);
  assert.equal(mfaRequiredByRoles(['editor', 'ghost'], { roles }), false);
});

test('TOTP: the RFC 6238 SHA-1 vector, one step of drift, and the step a code belongs to', () => {
  // RFC 6238 Appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits); 6 digits → 287082
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  assert.equal(totpCodeAt(secret, 59_000), '287082');
  assert.equal(totpStep(secret, '287082', 59_000), 1);
  assert.equal(totpStep(secret, '287082', 75_000), 1, 'within one step of drift');
  assert.equal(totpStep(secret, '287082', 125_000), null, 'two steps later: expired');
  assert.equal(totpStep(secret, '000000', 59_000), null);
  assert.equal(normalizeTotpCode(' 287 082 '), '287082');
  for (const bad of ['28708', '2870822', 'abcdef', '']) assert.equal(normalizeTotpCode(bad), null, bad);
});

test('recovery codes: ten distinct, read back without case, dashes or look-alikes, digests bound to the user', () => {
  const codes = newRecoveryCodes();
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10);
  for (const code of codes) assert.match(code, /^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
  assert.equal(normalizeRecoveryCode('AB1DE-FGH0K'), 'ab1defgh0k');
  assert.equal(normalizeRecoveryCode('abide-fghok'), 'ab1defgh0k', 'i/l read as 1, o as 0');
  for (const bad of ['short', 'abcde-fghjku', 'abcde-fghj!']) assert.equal(normalizeRecoveryCode(bad), null, bad);
  const digests = new RecoveryCodeDigests('a-secret-of-some-length-0123456789');
  assert.notEqual(digests.digest(1, 'ab1defgh0k'), digests.digest(2, 'ab1defgh0k'));
});
