// test-engines: both
// Authorization codes do not outlive the user's access (issue 10, finding 6): a new password, a
// block, new roles, "revoke all" or revoking the app at /user/apps void the codes not yet
// exchanged and the remembered approvals, and the exchange itself refuses a code issued before
// such a revocation, to the millisecond. A code minted afterwards works.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OPERATOR } from '../../src/admin/actor.js';
import { updateUser } from '../../src/admin/users.js';
import { tokenDigest } from '../../src/crypto/secrets.js';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { authorizePath, exchangeCode, redirectParams, spaRequest } from '../helpers/authorization.js';
import { BrowserAgent, hiddenField, hiddenFields, pkcePair } from '../helpers/browser-http.js';
import { bearer, PASSWORD, request, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
let admin: string;
before(async () => {
  gh = await startGatehouse({ world: ADMIN_WORLD });
  admin = await adminToken(gh);
});
after(() => gh.close());

const API = '/admin/api/v1';
const call = (method: string, path: string, body?: unknown) =>
  request(`${gh.url}${API}${path}`, {
    method,
    headers: { ...bearer(admin), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

let users = 0;
/** A fresh user of its own for each test, so one test's password or block touches no other. */
async function freshUser(): Promise<{ name: string; uid: number }> {
  const name = `coder${++users}`;
  const res = await call('POST', '/users', { name, mail: `${name}@example.com`, password: PASSWORD, roles: ['editor'] });
  assert.equal(res.status, 201, res.text);
  return { name, uid: res.body.user.uid };
}

interface Minted {
  code: string;
  verifier: string;
  /** whether the consent page was shown (a remembered approval skips it) */
  consentShown: boolean;
}

/** Logs in if needed, allows if asked, and returns the code from the redirect. */
async function mint(agent: BrowserAgent, name: string, password = PASSWORD): Promise<Minted> {
  const { verifier, challenge } = pkcePair();
  let page = await agent.get(authorizePath(spaRequest(challenge)));
  if (page.status === 302 && page.location!.startsWith('/user/login')) {
    const destination = new URL(page.location!, gh.url).searchParams.get('destination')!;
    const login = await agent.login(name, password, destination);
    assert.equal(login.status, 303, login.text.slice(0, 300));
    page = await agent.get(login.location!);
  }
  const consentShown = page.status === 200 && page.text.includes('name="decision"');
  if (consentShown) page = await agent.post('/oauth/authorize', { ...hiddenFields(page.text), decision: 'allow' });
  const code = redirectParams(page).get('code');
  assert.ok(code, page.location ?? page.text.slice(0, 300));
  return { code, verifier, consentShown };
}

async function assertVoid(minted: Minted, why: string): Promise<void> {
  const res = await exchangeCode(gh, minted.code, minted.verifier);
  assert.equal(res.status, 400, `${why}: ${res.text}`);
  assert.equal(res.body.error, 'invalid_grant', why);
  assert.equal(res.body.access_token, undefined);
}

async function assertWorks(minted: Minted, why: string): Promise<void> {
  const res = await exchangeCode(gh, minted.code, minted.verifier);
  assert.equal(res.status, 200, `${why}: ${res.text}`);
  assert.ok(res.body.refresh_token);
}

describe('a code minted before the change is void after it', () => {
  test('a new password (admin API): the old code is refused, approvals forgotten; a code minted after the change works', async () => {
    const { name, uid } = await freshUser();
    const agent = new BrowserAgent(gh.url);
    assert.equal((await mint(agent, name)).consentShown, true, 'first authorization asks');
    await assertWorks(await mint(agent, name), 'a code before any change');
    const before = await mint(agent, name);
    assert.equal(before.consentShown, false, 'the approval is remembered');
    gh.clock.tick();
    const changed = await call('PATCH', `/users/${uid}`, { password: 'a brand new password 42' });
    assert.equal(changed.status, 200, changed.text);
    await assertVoid(before, 'code minted before the password change');
    gh.clock.tick();
    const afterwards = await mint(agent, name, 'a brand new password 42');
    assert.equal(afterwards.consentShown, true, 'the remembered approval went with the old password');
    await assertWorks(afterwards, 'code minted after the password change');
  });

  test('"revoke all" of the user\'s grants (admin API)', async () => {
    const { name, uid } = await freshUser();
    const agent = new BrowserAgent(gh.url);
    const minted = await mint(agent, name);
    gh.clock.tick();
    assert.equal((await call('DELETE', `/users/${uid}/grants`)).status, 204);
    await assertVoid(minted, 'code minted before revoke all');
    gh.clock.tick();
    await assertWorks(await mint(agent, name), 'code minted after revoke all');
  });

  test('a block, even once lifted', async () => {
    const { name, uid } = await freshUser();
    const agent = new BrowserAgent(gh.url);
    const minted = await mint(agent, name);
    gh.clock.tick();
    assert.equal((await call('PATCH', `/users/${uid}`, { status: false })).status, 200);
    assert.equal((await call('PATCH', `/users/${uid}`, { status: true })).status, 200);
    await assertVoid(minted, 'code minted before the block');
    gh.clock.tick();
    await assertWorks(await mint(agent, name), 'code minted after the block was lifted');
  });

  test('new roles, saved by the store-level admin operation (as the CLI and apply do)', async () => {
    const { name, uid } = await freshUser();
    const agent = new BrowserAgent(gh.url);
    const minted = await mint(agent, name);
    gh.clock.tick();
    await updateUser(gh.admin, uid, { roles: ['viewer'] }, OPERATOR);
    await assertVoid(minted, 'code minted before the role change');
  });

  test('revoking the app at /user/apps voids its codes', async () => {
    const { name } = await freshUser();
    const agent = new BrowserAgent(gh.url);
    const minted = await mint(agent, name);
    const apps = await agent.get('/user/apps');
    assert.equal(apps.status, 200);
    gh.clock.tick();
    const revoked = await agent.post('/user/apps/revoke', { client_id: 'spa', csrf_token: hiddenField(apps.text, 'csrf_token')! });
    assert.equal(revoked.status, 303, revoked.text.slice(0, 300));
    await assertVoid(minted, 'code minted before the app was revoked');
    gh.clock.tick();
    const again = await mint(agent, name);
    assert.equal(again.consentShown, true, 'the approval was forgotten');
    await assertWorks(again, 'code minted after the app was revoked');
  });

  test("another user's codes are untouched", async () => {
    const one = await freshUser();
    const other = await freshUser();
    const agent = new BrowserAgent(gh.url);
    const minted = await mint(agent, other.name);
    gh.clock.tick();
    assert.equal((await call('DELETE', `/users/${one.uid}/grants`)).status, 204);
    await assertWorks(minted, "another user's revocation");
  });
});

describe('the exchange compares the code with the revocation, in milliseconds', () => {
  /** Puts the code's row back as if the authorize request that made it had stored it only after the revocation ran. */
  async function storedLate(minted: Minted): Promise<() => Promise<void>> {
    const digest = tokenDigest(minted.code);
    const row = await gh.store.codes.findByDigest(digest);
    assert.ok(row);
    return async () => {
      if (!(await gh.store.codes.findByDigest(digest))) await gh.store.codes.insert(row);
    };
  }

  test('a code issued earlier in the same second as the revocation, stored after it, is refused', async () => {
    const { name, uid } = await freshUser();
    const agent = new BrowserAgent(gh.url);
    await mint(agent, name); // logged in and approved
    const second = (Math.floor(gh.clock.now() / 1000) + 2) * 1000;
    gh.clock.set(second + 100);
    const minted = await mint(agent, name);
    const putBack = await storedLate(minted);
    gh.clock.set(second + 900);
    assert.equal((await call('DELETE', `/users/${uid}/grants`)).status, 204);
    await putBack();
    await assertVoid(minted, 'issued at .100, revoked at .900 of the same second');
  });

  test('a code issued later in the same second as the revocation works', async () => {
    const { name, uid } = await freshUser();
    const agent = new BrowserAgent(gh.url);
    const second = (Math.floor(gh.clock.now() / 1000) + 2) * 1000;
    gh.clock.set(second + 100);
    assert.equal((await call('DELETE', `/users/${uid}/grants`)).status, 204);
    gh.clock.set(second + 900);
    await assertWorks(await mint(agent, name), 'revoked at .100, issued at .900 of the same second');
  });
});
