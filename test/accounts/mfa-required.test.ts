// test-engines: both
// Roles requiring a second factor (issue 13 part 6): a holder without one is led through TOTP
// enrolment at login before any session exists; the admin API and console reset a user's factors
// (audited, without a secret); acr_values asking for a second factor makes a password-only session
// step up, and prompt=none cannot; max_age still forces a fresh login.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { totpCodeAt } from '../../src/accounts/second-factors/totp.js';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { BrowserAgent, hiddenField, hiddenFields, type Page } from '../helpers/browser-http.js';
import { bearer, decodeJwt, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { uidOf } from '../helpers/tokens.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse({
    world: {
      ...ADMIN_WORLD,
      roles: [...(ADMIN_WORLD.roles ?? []), { id: 'staff', label: 'Staff', permissions: ['access user profiles'], mfaRequired: true }],
      users: [
        ...(ADMIN_WORLD.users ?? []),
        { name: 'dave', mail: 'dave@example.com', password: PASSWORD, roles: ['staff'] },
        { name: 'erin', mail: 'erin@example.com', password: PASSWORD, roles: ['staff'] },
      ],
    },
  });
});
after(() => gh.close());

const secretOf = (page: Page) => /id="totp-secret">([A-Z2-7]+)</.exec(page.text)?.[1];
const codesOf = (page: Page) => [...page.text.matchAll(/<li><code>([0-9a-z-]+)<\/code><\/li>/g)].map((m) => m[1]);

/** Logs in and goes through the enrolment the role requires; returns the secret. */
async function enrolAtLogin(agent: BrowserAgent, name: string, destination = '/user/apps'): Promise<string> {
  const login = await agent.login(name, PASSWORD, destination);
  assert.equal(login.location, '/user/login/second-factor');
  const page = await agent.get(login.location!);
  assert.equal(page.status, 200);
  assert.match(page.text, /Your account requires a second factor/);
  assert.match(page.text, /<svg/);
  const secret = secretOf(page)!;
  assert.ok(secret);
  assert.equal((await agent.get('/user/apps')).status, 302, 'no session before the enrolment is confirmed');
  const wrong = await agent.post('/user/login/second-factor/enrol', { ...hiddenFields(page.text), code: '000000' });
  assert.equal(wrong.status, 401);
  const done = await agent.post('/user/login/second-factor/enrol', { ...hiddenFields(page.text), code: totpCodeAt(secret, gh.clock.now()) });
  assert.equal(done.status, 303, done.text.slice(0, 300));
  const uid = await uidOf(gh, name);
  assert.equal(done.location, `/user/${uid}/security/recovery-codes?${new URLSearchParams({ destination })}`);
  const shown = await agent.get(done.location!);
  assert.equal(codesOf(shown).length, 10);
  assert.match(shown.text, new RegExp(`href="${destination.replace(/[?]/g, '\\?')}`));
  return secret;
}

test('a holder of a role requiring MFA enrols at login, then passes the factor every login', async () => {
  const agent = new BrowserAgent(gh.url);
  const secret = await enrolAtLogin(agent, 'dave');
  assert.equal((await agent.get('/user/apps')).status, 200, 'logged in after enrolling');
  const session = await gh.store.sessions.get((await import('../../src/crypto/secrets.js')).tokenDigest(agent.cookies.get('gh_session')!));
  assert.deepEqual(session?.amr, ['pwd', 'otp']);

  gh.clock.advance(30);
  const next = new BrowserAgent(gh.url);
  const login = await next.login('dave', PASSWORD);
  assert.equal(login.location, '/user/login/second-factor');
  const step = await next.get(login.location!);
  assert.match(step.text, /name="code"/);
  const ok = await next.post('/user/login/second-factor', {
    csrf_token: hiddenField(step.text, 'csrf_token')!,
    method: 'totp',
    code: totpCodeAt(secret, gh.clock.now()),
  });
  assert.equal(ok.status, 303);
});

test('the password grant refuses holders of such a role, with or without a factor', async () => {
  for (const username of ['dave', 'erin']) {
    const res = await form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username, password: PASSWORD });
    assert.equal(res.status, 400, username);
    assert.equal(res.body.error, 'invalid_grant');
    assert.match(res.body.error_description, /second factor is required/);
  }
});

test('the admin API shows mfaRequired, validates it, and resets a user’s factors (audited)', async () => {
  const token = await adminToken(gh);
  const api = `${gh.url}/admin/api/v1`;
  const role = await request(`${api}/roles/staff`, { headers: bearer(token) });
  assert.equal(role.status, 200);
  assert.equal(role.body.mfaRequired, true);
  const bad = await request(`${api}/roles/staff`, {
    method: 'PUT',
    headers: { ...bearer(token), 'content-type': 'application/json' },
    body: JSON.stringify({ label: 'Staff', permissions: [], mfaRequired: 'yes' }),
  });
  assert.equal(bad.status, 400);
  assert.match(JSON.stringify(bad.body), /mfaRequired/);

  const daveUid = await uidOf(gh, 'dave');
  assert.ok(await gh.store.secondFactors.getTotp(daveUid));
  const reset = await request(`${api}/users/${daveUid}/factors`, { method: 'DELETE', headers: bearer(token) });
  assert.equal(reset.status, 204);
  assert.equal(await gh.store.secondFactors.getTotp(daveUid), null);
  assert.equal(await gh.store.secondFactors.unusedRecoveryCodes(daveUid), 0);
  const missing = await request(`${api}/users/999999/factors`, { method: 'DELETE', headers: bearer(token) });
  assert.equal(missing.status, 404);
  const anonymous = await request(`${api}/users/${daveUid}/factors`, { method: 'DELETE' });
  assert.equal(anonymous.status, 401);
  const weak = await request(`${api}/users/${daveUid}/factors`, { method: 'DELETE', headers: bearer(await adminToken(gh, ['admin:audit'])) });
  assert.equal(weak.status, 403);

  await gh.app.gatehouse.audit.flush();
  const entry = (await gh.store.audit.tail(200)).find((e) => e.event === 'admin.user.factors_reset');
  assert.ok(entry);
  assert.equal(entry.detail, 'dave');

  // the role still requires a factor: dave is led through enrolment again
  await enrolAtLogin(new BrowserAgent(gh.url), 'dave');
});

test('the console role form sets mfaRequired and the console resets factors', async () => {
  const admin = new BrowserAgent(gh.url);
  assert.equal((await admin.login('root', PASSWORD, '/admin/roles')).status, 303);
  const roles = await admin.get('/admin/roles');
  assert.match(roles.text, /name="mfaRequired"/);
  const saved = await admin.post('/admin/roles', {
    csrf_token: hiddenField(roles.text, 'csrf_token')!,
    id: 'viewer',
    label: 'Viewer',
    permissions: 'access user profiles',
    mfaRequired: '1',
  });
  assert.equal(saved.status, 303, saved.text.slice(0, 300));
  assert.equal((await gh.store.roles.get('viewer'))?.mfaRequired, true);

  const daveUid = await uidOf(gh, 'dave');
  const confirm = await admin.get(`/admin/users/${daveUid}/reset-factors`);
  assert.equal(confirm.status, 200);
  const done = await admin.post(`/admin/users/${daveUid}/reset-factors`, hiddenFields(confirm.text));
  assert.equal(done.status, 303);
  assert.equal(await gh.store.secondFactors.getTotp(daveUid), null);
});

test('acr_values asking for a second factor makes a password session step up; prompt=none cannot', async () => {
  const agent = new BrowserAgent(gh.url);
  assert.equal((await agent.login('bob', PASSWORD)).status, 303);
  const fields = { response_type: 'code', client_id: 'webapp', redirect_uri: 'https://rp.example/cb', scope: 'openid', state: 's', nonce: 'n' };
  const plain = await agent.get(`/oauth/authorize?${new URLSearchParams(fields)}`);
  assert.equal(plain.status, 302);
  assert.match(plain.location!, /^https:\/\/rp\.example\/cb\?code=/, 'no acr asked: the password session suffices');

  const silent = await agent.get(`/oauth/authorize?${new URLSearchParams({ ...fields, acr_values: 'urn:gatehouse:acr:mfa', prompt: 'none' })}`);
  assert.equal(new URL(silent.location!).searchParams.get('error'), 'interaction_required');
  // unknown values are voluntary and ignored; pwd accepted as an alternative means no step-up
  const lenient = await agent.get(
    `/oauth/authorize?${new URLSearchParams({ ...fields, acr_values: 'urn:other:gold urn:gatehouse:acr:mfa urn:gatehouse:acr:pwd' })}`,
  );
  assert.match(lenient.location!, /code=/);

  const stepUp = await agent.get(`/oauth/authorize?${new URLSearchParams({ ...fields, acr_values: 'urn:gatehouse:acr:mfa' })}`);
  assert.equal(stepUp.status, 302);
  assert.match(stepUp.location!, /^\/user\/login\/step-up\?destination=/);
  const toStep = await agent.get(stepUp.location!);
  assert.equal(toStep.location, '/user/login/second-factor');
  // bob has no factor: the step-up is his enrolment
  const page = await agent.get('/user/login/second-factor');
  const secret = secretOf(page)!;
  const done = await agent.post('/user/login/second-factor/enrol', { ...hiddenFields(page.text), code: totpCodeAt(secret, gh.clock.now()) });
  assert.equal(done.status, 303);
  const codesPage = await agent.get(done.location!);
  const back = /class="button" href="([^"]+)"/.exec(codesPage.text)![1].replace(/&amp;/g, '&');
  const answer = await agent.get(back);
  const code = new URL(answer.location!).searchParams.get('code')!;
  const tokens = await form(`${gh.url}/oauth/token`, {
    grant_type: 'authorization_code',
    client_id: 'webapp',
    client_secret: SECRET,
    code,
    redirect_uri: 'https://rp.example/cb',
  });
  assert.equal(tokens.status, 200, tokens.text);
  const { claims } = decodeJwt(tokens.body.id_token);
  assert.equal(claims.acr, 'urn:gatehouse:acr:mfa');
  assert.deepEqual(claims.amr, ['pwd', 'otp']);

  // max_age: a login older than asked sends the user to log in again
  gh.clock.advance(120);
  const stale = await agent.get(`/oauth/authorize?${new URLSearchParams({ ...fields, max_age: '60' })}`);
  assert.match(stale.location!, /^\/user\/login\?destination=/);
});

test('discovery lists the acr values and the amr claim', async () => {
  const res = await request(`${gh.url}/.well-known/openid-configuration`);
  assert.deepEqual(res.body.acr_values_supported, ['urn:gatehouse:acr:pwd', 'urn:gatehouse:acr:mfa']);
  assert.ok(res.body.claims_supported.includes('amr'));
});
