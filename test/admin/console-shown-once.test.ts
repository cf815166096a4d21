// test-engines: both
// Issue 13 part 8: every console form that makes a secret redirects after its POST (303), and the
// secret is shown on the GET it redirects to, once: a reload, another session, a late visit or a
// made-up id find nothing; the URL never carries it, the database holds it sealed, and neither the
// audit log nor the server's log ever hold it. The page's copy button is a same-origin script.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_WORLD } from '../helpers/admin.js';
import { BrowserAgent, hiddenField } from '../helpers/browser-http.js';
import { ShownOnceSealer } from '../../src/crypto/shown-once-sealing.js';
import { tokenDigest } from '../../src/crypto/secrets.js';
import { basic, form, PASSWORD, startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
let admin: BrowserAgent;
let csrf: string;
const logLines: string[] = [];
/** every secret the console showed, checked against the logs and the audit log at the end */
const shownSecrets: string[] = [];

before(async () => {
  gh = await startGatehouse({ world: ADMIN_WORLD, logLines, logLevel: 'info' });
  admin = new BrowserAgent(gh.url);
  assert.equal((await admin.login('root', PASSWORD, '/admin')).status, 303);
  csrf = hiddenField((await admin.get('/admin/clients/new')).text, 'csrf_token')!;
});
after(() => gh.close());

/** Follows a 303 to the page showing the secret; returns the secret shown in output#`id`. */
async function shownAfter(
  post: { status: number; location: string | null; text: string },
  id: string,
  agent = admin,
): Promise<{ secret: string; url: string }> {
  assert.equal(post.status, 303, post.text.slice(0, 300));
  assert.match(post.location!, /^\/admin\/shown\/[A-Za-z0-9_-]{32}$/);
  const page = await agent.get(post.location!);
  assert.equal(page.status, 200, page.text.slice(0, 300));
  const secret = new RegExp(`<output id="${id}" class="secret">([^<]+)</output>`).exec(page.text)?.[1];
  assert.ok(secret, 'the secret is shown');
  assert.ok(!post.location!.includes(secret), 'never in the URL');
  // the copy button, by a same-origin script the CSP allows; nothing inline
  assert.ok(page.text.includes(`data-copy="${id}"`) && page.text.includes('<script src="/assets/copy.js" defer></script>'));
  const csp = page.headers.get('content-security-policy')!;
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(page.headers.get('cache-control'), 'no-store');
  shownSecrets.push(secret);
  return { secret, url: post.location! };
}

describe('secrets shown once after a redirect', () => {
  test('a new confidential client: 303, its secret on the GET, and a reload finds it gone', async () => {
    const post = await admin.post('/admin/clients/new', {
      csrf_token: csrf,
      clientId: 'prg-client',
      label: 'PRG',
      status: '1',
      confidential: '1',
      grantTypes: 'client_credentials',
      user: 'alice',
      scopes: 'profile:read',
    });
    // a HEAD (a prefetcher) does not spend it
    assert.equal((await admin.request('HEAD', post.location!)).status, 200);
    const { secret, url } = await shownAfter(post, 'client-secret');
    const token = await form(
      `${gh.url}/oauth/token`,
      { grant_type: 'client_credentials', scope: 'profile:read' },
      { authorization: basic('prg-client', secret) },
    );
    assert.equal(token.status, 200, 'the secret shown is the real one');
    const again = await admin.get(url);
    assert.equal(again.status, 410);
    assert.match(again.text, /shown once already/);
    assert.ok(!again.text.includes(secret));
    // the client exists once: the POST was not repeated by anything
    assert.equal((await gh.store.clients.list()).filter((c) => c.clientId === 'prg-client').length, 1);
  });

  test('rotating a secret, a generated password and an API key: each redirected and shown once', async () => {
    const rotated = await shownAfter(await admin.post('/admin/clients/prg-client/secret', { csrf_token: csrf, confirm: 'yes' }), 'client-secret');
    assert.equal((await admin.get(rotated.url)).status, 410);

    const made = await admin.post('/admin/users/new', { csrf_token: csrf, name: 'prg-user', mail: 'prg@example.com' });
    const password = await shownAfter(made, 'user-password');
    assert.ok(password.secret.length >= 12);
    assert.equal((await admin.get(password.url)).status, 410);
    assert.equal((await new BrowserAgent(gh.url).login('prg-user', password.secret, '/user/apps')).status, 303, 'the password shown works');

    const alice = (await gh.store.users.findByName('alice'))!.uid;
    const key = await shownAfter(await admin.post(`/admin/users/${alice}/api-keys`, { csrf_token: csrf, label: 'prg key' }), 'api-key');
    assert.match(key.secret, /^ghk_/);
    assert.equal((await admin.get(key.url)).status, 410);
  });

  test('another session cannot take it (and does not spend it); the session that made it can', async () => {
    const post = await admin.post('/admin/clients/prg-client/secret', { csrf_token: csrf, confirm: 'yes' });
    const other = new BrowserAgent(gh.url);
    await other.login('root', PASSWORD, '/admin');
    assert.equal((await other.get(post.location!)).status, 410);
    await shownAfter(post, 'client-secret');
  });

  test('not fetched within ten minutes: gone, and the cleanup deletes the row', async () => {
    const post = await admin.post('/admin/clients/prg-client/secret', { csrf_token: csrf, confirm: 'yes' });
    gh.clock.advance(601);
    assert.equal((await admin.get(post.location!)).status, 410);
    // the sealed row nobody fetched goes with the cleanup
    const deleted = await gh.app.gatehouse.maintenance.cleanup();
    assert.ok((deleted.shown_once ?? 0) >= 1, JSON.stringify(deleted));
  });

  test('the database holds it sealed under the session cookie, which it has only a digest of', async () => {
    const post = await admin.post('/admin/clients/prg-client/secret', { csrf_token: csrf, confirm: 'yes' });
    const id = post.location!.split('/').pop()!;
    const cookie = admin.cookies.get('gh_session')!;
    const now = Math.floor(gh.clock.now() / 1000);
    // what a copy of the database has: the row (taken here as a thief would read it)
    const row = (await gh.store.shownOnce.take(tokenDigest(id), tokenDigest(cookie), now))!;
    assert.ok(row, 'held in the database');
    const sealer = new ShownOnceSealer(gh.config.secret);
    assert.equal(sealer.open(row.sealed, 'another-session-cookie', row.digest), null, 'GATEHOUSE_SECRET alone opens nothing');
    const opened = JSON.parse(sealer.open(row.sealed, cookie, row.digest)!) as { secret: string };
    assert.ok(opened.secret.length >= 43);
    assert.ok(!row.sealed.includes(opened.secret), 'not in clear');
    assert.equal(sealer.open(row.sealed, cookie, 'another-row'), null, 'bound to its row');
    assert.equal((await admin.get(post.location!)).status, 410, 'taken: gone');
  });

  test('made-up, malformed and foreign ids: refused, never an error', async () => {
    for (const id of ['x', 'A'.repeat(32), '%00', 'a'.repeat(300), '..%2F..%2Fadmin', '%F0%9F%94%91'.repeat(8)]) {
      const res = await admin.get(`/admin/shown/${id}`);
      // a parameter longer than any route's (Fastify's maxParamLength) is refused before routing: 400
      assert.ok([400, 404, 410].includes(res.status), `${id}: ${res.status}`);
    }
    // not logged in: to the login form
    assert.equal((await new BrowserAgent(gh.url).get(`/admin/shown/${'A'.repeat(32)}`)).status, 302);
    // logged in without any console permission: 403
    const bob = new BrowserAgent(gh.url);
    await bob.login('bob', PASSWORD, '/user/apps');
    assert.equal((await bob.get(`/admin/shown/${'A'.repeat(32)}`)).status, 403);
  });

  test('the copy script is a same-origin file', async () => {
    const res = await admin.get('/assets/copy.js');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/javascript/);
    assert.match(res.text, /navigator\.clipboard\.writeText/);
  });

  test('no secret shown appears in the audit log or the server log', async () => {
    await gh.app.gatehouse.audit.flush();
    const entries = await gh.store.audit.search({ limit: 500 });
    const audit = JSON.stringify(entries);
    const log = logLines.join('\n');
    assert.ok(shownSecrets.length >= 5);
    for (const secret of shownSecrets) {
      assert.ok(!audit.includes(secret), 'not in the audit log');
      assert.ok(!log.includes(secret), 'not in the log');
    }
  });
});
