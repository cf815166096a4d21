// A passkey as the second factor (issue 13 part 6), on the service the second-factor login step
// calls: verifyPasskeyForUser() accepts only the expected user's passkey — another user's is
// refused however valid its signature — against the server's challenge, this origin and RP ID,
// with a counter that moves forward; verifySecondFactor() spends its challenge once. On SQLite
// and PostgreSQL.
import assert from 'node:assert/strict';
import { ManualClock } from '../../src/clock.js';
import type { PasskeyDeps } from '../../src/accounts/passkeys/passkey-deps.js';
import { PasskeyFailure, type PasskeyFailureReason } from '../../src/accounts/passkeys/passkey-failure.js';
import { registerPasskey, registrationOptions } from '../../src/accounts/passkeys/passkey-registration.js';
import { secondFactorChallenge, secondFactorOptions, verifyPasskeyForUser, verifySecondFactor } from '../../src/accounts/passkeys/passkey-second-factor.js';
import { relyingPartyOf } from '../../src/accounts/passkeys/relying-party.js';
import type { User } from '../../src/domain/user.js';
import { describeOnEngines } from '../helpers/store-engines.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';

const newUser = (name: string) => ({
  name,
  mail: `${name}@example.com`,
  passHash: null,
  status: true,
  langcode: 'en',
  preferredLangcode: 'en',
  preferredAdminLangcode: null,
  timezone: 'UTC',
  init: null,
  roles: [] as string[],
});

async function refused(promise: Promise<unknown>, reason: PasskeyFailureReason): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof PasskeyFailure, String(error));
    assert.equal(error.reason, reason, error.message);
    return true;
  });
}

describeOnEngines('a passkey as second factor', ({ it, before, stores }) => {
  const rp = relyingPartyOf('https://auth.example.com');
  let deps: PasskeyDeps;
  let ann: User;
  let ben: User;
  let annKey: SoftAuthenticator;
  let annPhone: SoftAuthenticator;
  let benKey: SoftAuthenticator;

  async function enrol(user: User, key: SoftAuthenticator): Promise<void> {
    const { options, handle } = await registrationOptions(deps, user);
    await registerPasskey(deps, user, handle, key.attestation(options.challenge), 'key');
  }

  before(async () => {
    const { store } = stores();
    deps = { store, clock: new ManualClock(Date.now()), rp };
    ann = await store.users.create(newUser('ann'));
    ben = await store.users.create(newUser('ben'));
    annKey = new SoftAuthenticator({ id: rp.id, origin: rp.origin });
    annPhone = new SoftAuthenticator({ id: rp.id, origin: rp.origin }, { synced: true });
    benKey = new SoftAuthenticator({ id: rp.id, origin: rp.origin });
    await enrol(ann, annKey);
    await enrol(ann, annPhone);
    await enrol(ben, benKey);
  });

  it('offers only the user’s own passkeys', async () => {
    const { options } = await secondFactorChallenge(deps, ann.uid);
    assert.deepEqual(options.allowCredentials?.map((c) => c.id).sort(), [annKey.id, annPhone.id].sort());
    assert.equal(options.rpId, rp.id);
  });

  it('accepts the user’s own passkey: hwk for a device-bound key, swk for a synced one', async () => {
    const first = await secondFactorChallenge(deps, ann.uid);
    const checked = await verifyPasskeyForUser(deps, ann.uid, annKey.assertion(first.challenge), first.challenge);
    assert.equal(checked.amr, 'hwk');
    assert.equal(checked.credential.userId, ann.uid);
    const second = await secondFactorChallenge(deps, ann.uid);
    assert.equal((await verifyPasskeyForUser(deps, ann.uid, annPhone.assertion(second.challenge), second.challenge)).amr, 'swk');
  });

  it('user presence is enough after the password', async () => {
    const { challenge } = await secondFactorChallenge(deps, ann.uid);
    const checked = await verifyPasskeyForUser(deps, ann.uid, annKey.assertion(challenge, { userVerified: false }), challenge);
    assert.equal(checked.userVerified, false);
  });

  it('refuses another user’s passkey, validly signed over the right challenge: other_user', async () => {
    const { challenge } = await secondFactorChallenge(deps, ann.uid);
    await refused(verifyPasskeyForUser(deps, ann.uid, benKey.assertion(challenge), challenge), 'other_user');
  });

  it('refuses an unknown passkey, another challenge, origin or RP ID, and malformed answers', async () => {
    const { challenge } = await secondFactorChallenge(deps, ann.uid);
    await refused(
      verifyPasskeyForUser(deps, ann.uid, new SoftAuthenticator({ id: rp.id, origin: rp.origin }).assertion(challenge), challenge),
      'unknown_credential',
    );
    const other = await secondFactorChallenge(deps, ann.uid);
    await refused(verifyPasskeyForUser(deps, ann.uid, annKey.assertion(other.challenge), challenge), 'rejected');
    await refused(verifyPasskeyForUser(deps, ann.uid, annKey.assertion(challenge, { origin: 'https://evil.example' }), challenge), 'rejected');
    await refused(verifyPasskeyForUser(deps, ann.uid, annKey.assertion(challenge, { rpId: 'evil.example' }), challenge), 'rejected');
    await refused(verifyPasskeyForUser(deps, ann.uid, annKey.assertion(challenge, { type: 'webauthn.create' }), challenge), 'rejected');
    await refused(verifyPasskeyForUser(deps, ann.uid, 'not json', challenge), 'malformed');
    await refused(verifyPasskeyForUser(deps, ann.uid, { ...annKey.assertion(challenge), response: { clientDataJSON: 'x' } }, challenge), 'malformed');
  });

  it('refuses a replayed assertion and a stale counter: replayed', async () => {
    const { challenge } = await secondFactorChallenge(deps, ann.uid);
    const assertion = annKey.assertion(challenge);
    await verifyPasskeyForUser(deps, ann.uid, assertion, challenge);
    await refused(verifyPasskeyForUser(deps, ann.uid, assertion, challenge), 'replayed');
    const next = await secondFactorChallenge(deps, ann.uid);
    await refused(verifyPasskeyForUser(deps, ann.uid, annKey.assertion(next.challenge, { counter: annKey.lastCounter }), next.challenge), 'replayed');
  });

  it('of two assertions racing with one counter, one counts', async () => {
    const { challenge } = await secondFactorChallenge(deps, ann.uid);
    const counter = annKey.lastCounter + 1;
    const results = await Promise.allSettled([
      verifyPasskeyForUser(deps, ann.uid, annKey.assertion(challenge, { counter }), challenge),
      verifyPasskeyForUser(deps, ann.uid, annKey.assertion(challenge, { counter }), challenge),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal((failure.reason as PasskeyFailure).reason, 'replayed');
    await verifyPasskeyForUser(deps, ann.uid, annKey.assertion(challenge, { counter: counter + 1 }), challenge);
  });

  it('with the challenge kept by handle: used once, for this user only, before it expires', async () => {
    const { options, handle } = await secondFactorOptions(deps, ann.uid);
    const checked = await verifySecondFactor(deps, ann.uid, handle, annKey.assertion(options.challenge));
    assert.equal(checked.amr, 'hwk');
    await refused(verifySecondFactor(deps, ann.uid, handle, annKey.assertion(options.challenge)), 'challenge');
    const forAnn = await secondFactorOptions(deps, ann.uid);
    await refused(verifySecondFactor(deps, ben.uid, forAnn.handle, benKey.assertion(forAnn.options.challenge)), 'challenge');
    const late = await secondFactorOptions(deps, ann.uid);
    (deps.clock as ManualClock).advance(301);
    await refused(verifySecondFactor(deps, ann.uid, late.handle, annKey.assertion(late.options.challenge)), 'challenge');
    await refused(verifySecondFactor(deps, ann.uid, undefined, annKey.assertion(late.options.challenge)), 'challenge');
  });
});
