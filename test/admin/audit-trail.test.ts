// test-engines: both
// No surface can forget a step: every administrative operation, driven through the admin API and
// through the CLI (a subprocess over the same database as the running server), leaves its audit
// entry — naming who made it and what it touched, never a secret — and revokes the tokens it ends.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AuditEntry } from '../../src/store/store.js';
import { ADMIN_WORLD, adminToken } from '../helpers/admin.js';
import { basic, bearer, form, PASSWORD, request, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';
import { postgresSkip } from '../helpers/postgres.js';

const MAIN = join(process.cwd(), 'dist', 'main.js');
const API = '/admin/api/v1';
let gh: Running;
let dir: string;
let token: string;
let rootUid: number;

before(async () => {
  assert.ok(existsSync(MAIN), 'dist/main.js is built by `npm test`');
  dir = mkdtempSync(join(tmpdir(), 'gatehouse-audit-'));
  // the CLI must reach the server's database: a SQLite file, or the server's PostgreSQL schema
  const onPostgres = process.env.GATEHOUSE_TEST_ENGINE === 'postgres' && !(await postgresSkip());
  gh = await startGatehouse({ world: ADMIN_WORLD, clock: 'system', ...(onPostgres ? {} : { databaseUrl: `sqlite:${join(dir, 'gatehouse.db')}` }) });
  token = await adminToken(gh);
  rootUid = (await gh.store.users.findByName('root'))!.uid;
});
after(async () => {
  await gh.close();
  rmSync(dir, { recursive: true, force: true });
});

type Surface = 'api' | 'cli';

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const res = await request(`${gh.url}${API}${path}`, {
    method,
    headers: { ...bearer(token), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.status < 300, `${method} ${path}: ${res.status} ${res.text}`);
  return res.body;
}

function cliRun(args: string[], input?: string) {
  const { GATEHOUSE_SECRET: _s, DATABASE_URL: _d, ...rest } = process.env;
  const r = spawnSync(process.execPath, [MAIN, ...args, '--json'], {
    env: { ...rest, DATABASE_URL: gh.databaseUrl, GATEHOUSE_SECRET: gh.config.secret, LOG_LEVEL: 'warn' },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cli(args: string[], input?: string): any {
  const r = cliRun(args, input);
  assert.equal(r.status, 0, `gatehouse ${args.join(' ')} (on ${gh.databaseUrl}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function entries(): Promise<AuditEntry[]> {
  await gh.app.gatehouse.audit.flush();
  return gh.store.audit.tail(1000);
}

/** The entry of `event` made through `surface`, touching the target: there must be exactly one more than `before`. */
async function expectEntry(surface: Surface, event: string, target: { clientId?: string; detail?: RegExp }, before: AuditEntry[]): Promise<AuditEntry> {
  const matching = (list: AuditEntry[]) =>
    list.filter(
      (e) =>
        e.event === event &&
        e.outcome === 'success' &&
        (surface === 'api' ? e.userId === rootUid && e.endpoint === 'admin-api' && e.ip === '127.0.0.1' : e.userId === null && e.endpoint === 'cli') &&
        (target.clientId === undefined || e.clientId === target.clientId) &&
        (target.detail === undefined || target.detail.test(e.detail ?? '')),
    );
  const now = await entries();
  assert.equal(
    matching(now).length,
    matching(before).length + 1,
    `${surface}: one ${event} entry for ${JSON.stringify(target)}:\n${JSON.stringify(now.slice(0, 5))}`,
  );
  return matching(now)[0];
}

/** Polls (bounded) until `check` holds: a CLI change reaches the running server through the change feed. */
async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `${what}: not so after 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const works = async (access: string) => (await request(`${gh.url}/oauth/debug`, { headers: bearer(access) })).status === 200;

const refused = async (access: string) => [401, 403].includes((await request(`${gh.url}/oauth/debug`, { headers: bearer(access) })).status);

/**
 * Through the API the server's own revocation view is brought up to date before the answer: the
 * token is refused at once. A CLI change reaches the running server through the change feed.
 */
async function assertRevoked(surface: Surface, what: string, access: string): Promise<void> {
  if (surface === 'api') assert.ok(await refused(access), `${what}: access token refused at once`);
  else await eventually(`${what}: access token refused`, () => refused(access));
}

async function clientToken(clientId: string, secret: string): Promise<string> {
  const res = await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basic(clientId, secret) });
  assert.equal(res.status, 200, res.text);
  assert.ok(await works(res.body.access_token));
  return res.body.access_token;
}

async function userTokens(name: string, password = PASSWORD): Promise<{ access: string; refresh: string }> {
  const res = await form(`${gh.url}/oauth/token`, { grant_type: 'password', client_id: 'backend', client_secret: SECRET, username: name, password });
  assert.equal(res.status, 200, res.text);
  assert.ok(await works(res.body.access_token));
  return { access: res.body.access_token, refresh: res.body.refresh_token };
}

const refreshWorks = async (refresh: string) =>
  (await form(`${gh.url}/oauth/token`, { grant_type: 'refresh_token', refresh_token: refresh }, { authorization: basic('backend', SECRET) })).status === 200;

/** No audit entry holds any of these (secrets, passwords). */
async function assertNowhere(secrets: string[]): Promise<void> {
  const text = JSON.stringify(await entries());
  for (const secret of secrets) assert.ok(!text.includes(secret), 'no secret in the audit log');
}

for (const surface of ['api', 'cli'] as const) {
  describe(`through the ${surface === 'api' ? 'admin API' : 'CLI'}`, () => {
    test('client: create, update (disable), rotate the secret, revoke its tokens, delete', async () => {
      const id = `${surface}-client`;
      let seen = await entries();
      const made =
        surface === 'api'
          ? (await api('POST', '/clients', { clientId: id, grantTypes: ['client_credentials'], user: 'alice', scopes: ['profile:read'] })).secret
          : cli(['client', 'create', id, '--grant', 'client_credentials', '--user', 'alice', '--scope', 'profile:read']).secret;
      await expectEntry(surface, 'admin.client.created', { clientId: id, detail: new RegExp(`^${id}$`) }, seen);

      let access = await clientToken(id, made);
      seen = await entries();
      if (surface === 'api') await api('PATCH', `/clients/${id}`, { status: false });
      else cli(['client', 'update', id, '--disable']);
      await expectEntry(surface, 'admin.client.updated', { clientId: id, detail: /^status$/ }, seen);
      await assertRevoked(surface, 'disabled client', access);
      if (surface === 'api') await api('PATCH', `/clients/${id}`, { status: true });
      else cli(['client', 'update', id, '--enable']);

      access = await clientToken(id, made);
      seen = await entries();
      const rotated = surface === 'api' ? (await api('POST', `/clients/${id}/secret`)).secret : cli(['client', 'rotate-secret', id]).secret;
      await expectEntry(surface, 'admin.client.secret_rotated', { clientId: id }, seen);
      await assertRevoked(surface, 'rotated secret', access);
      assert.equal((await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials' }, { authorization: basic(id, made) })).status, 401);

      access = await clientToken(id, rotated);
      seen = await entries();
      if (surface === 'api') await api('DELETE', `/clients/${id}/grants`);
      else cli(['client', 'revoke-tokens', id]);
      await expectEntry(surface, 'admin.client.tokens_revoked', { clientId: id }, seen);
      await assertRevoked(surface, 'client tokens revoked', access);

      access = await clientToken(id, rotated);
      seen = await entries();
      if (surface === 'api') await api('DELETE', `/clients/${id}`);
      else cli(['client', 'delete', id]);
      await expectEntry(surface, 'admin.client.deleted', { clientId: id }, seen);
      await assertRevoked(surface, 'deleted client', access);
      await assertNowhere([made, rotated]);
    });

    test('user: create, new roles, new password, block, unblock, revoke their tokens', async () => {
      const name = `${surface}-user`;
      let seen = await entries();
      if (surface === 'api') await api('POST', '/users', { name, mail: `${name}@example.com`, password: PASSWORD, roles: ['editor'] });
      else cli(['user', 'create', name, '--mail', `${name}@example.com`, '--role', 'editor', '--password-stdin'], `${PASSWORD}\n`);
      await expectEntry(surface, 'admin.user.created', { detail: new RegExp(`^${name}$`) }, seen);
      const uid = (await gh.store.users.findByName(name))!.uid;

      let tokens = await userTokens(name);
      seen = await entries();
      if (surface === 'api') await api('PATCH', `/users/${uid}`, { roles: ['viewer'] });
      else cli(['user', 'update', name, '--role', 'viewer']);
      await expectEntry(surface, 'admin.user.updated', { detail: new RegExp(`^${name}: roles$`) }, seen);
      await assertRevoked(surface, 'new roles', tokens.access);
      assert.equal(await refreshWorks(tokens.refresh), false);

      tokens = await userTokens(name);
      const password = `${surface} a new password for the audit test`;
      seen = await entries();
      if (surface === 'api') await api('PATCH', `/users/${uid}`, { password });
      else cli(['user', 'set-password', name, '--password-stdin'], `${password}\n`);
      await expectEntry(surface, 'admin.user.updated', { detail: new RegExp(`^${name}: password$`) }, seen);
      await assertRevoked(surface, 'new password', tokens.access);
      await assertNowhere([password, PASSWORD]);

      tokens = await userTokens(name, password);
      seen = await entries();
      if (surface === 'api') await api('PATCH', `/users/${uid}`, { status: false });
      else cli(['user', 'block', name]);
      await expectEntry(surface, surface === 'api' ? 'admin.user.updated' : 'admin.user.blocked', { detail: new RegExp(`^${name}: status$`) }, seen);
      await assertRevoked(surface, 'blocked user', tokens.access);

      seen = await entries();
      if (surface === 'api') await api('PATCH', `/users/${uid}`, { status: true });
      else cli(['user', 'unblock', name]);
      await expectEntry(surface, surface === 'api' ? 'admin.user.updated' : 'admin.user.unblocked', { detail: new RegExp(`^${name}: status$`) }, seen);

      tokens = await userTokens(name, password);
      seen = await entries();
      if (surface === 'api') await api('DELETE', `/users/${uid}/grants`);
      else cli(['user', 'revoke-tokens', name]);
      await expectEntry(surface, 'admin.user.tokens_revoked', { detail: new RegExp(`^${name}$`) }, seen);
      await assertRevoked(surface, 'user tokens revoked', tokens.access);
      assert.equal(await refreshWorks(tokens.refresh), false);
    });

    test('role and scope: create, refused while in use (naming the holder, no entry), delete', async () => {
      const role = `${surface}_role`;
      const scope = `${surface}:scope`;
      let seen = await entries();
      if (surface === 'api') await api('PUT', `/roles/${role}`, { label: 'Audited', permissions: ['access user profiles'] });
      else cli(['role', 'create', role, '--permission', 'access user profiles']);
      await expectEntry(surface, 'admin.role.created', { detail: new RegExp(`^${role}$`) }, seen);

      seen = await entries();
      if (surface === 'api') await api('PUT', `/scopes/${scope}`, { description: 'Audited', granularity: 'role', role });
      else cli(['scope', 'create', scope, '--description', 'Audited', '--role', role]);
      await expectEntry(surface, 'admin.scope.created', { detail: new RegExp(`^${scope}$`) }, seen);

      // the scope grants the role: the role stays; a client lists the scope: the scope stays
      await gh.store.clients.update({ ...(await gh.store.clients.get('script'))!, scopes: ['profile:read', scope] });
      seen = await entries();
      if (surface === 'api') {
        const role409 = await request(`${gh.url}${API}/roles/${role}`, { method: 'DELETE', headers: bearer(token) });
        assert.equal(role409.status, 409, role409.text);
        assert.equal(role409.body.error, 'in_use');
        assert.match(role409.body.message, new RegExp(`granted by scope ${scope}`));
        const scope409 = await request(`${gh.url}${API}/scopes/${encodeURIComponent(scope)}`, { method: 'DELETE', headers: bearer(token) });
        assert.equal(scope409.status, 409, scope409.text);
        assert.match(scope409.body.message, /listed by client script/);
      } else {
        const roleRefused = cliRun(['role', 'delete', role]);
        assert.equal(roleRefused.status, 1, roleRefused.stderr);
        assert.match(roleRefused.stderr, new RegExp(`^gatehouse: id: the role "${role}" cannot be deleted: it is granted by scope ${scope}\\n$`));
        const scopeRefused = cliRun(['scope', 'delete', scope]);
        assert.equal(scopeRefused.status, 1, scopeRefused.stderr);
        assert.match(scopeRefused.stderr, /listed by client script/);
      }
      assert.equal((await entries()).length, seen.length, 'a refused change writes no entry');
      assert.ok(await gh.store.roles.get(role));
      assert.ok(await gh.store.scopes.get(scope));

      await gh.store.clients.update({ ...(await gh.store.clients.get('script'))!, scopes: ['profile:read'] });
      seen = await entries();
      if (surface === 'api') await api('DELETE', `/scopes/${encodeURIComponent(scope)}`);
      else cli(['scope', 'delete', scope]);
      await expectEntry(surface, 'admin.scope.deleted', { detail: new RegExp(`^${scope}$`) }, seen);

      seen = await entries();
      if (surface === 'api') await api('DELETE', `/roles/${role}`);
      else cli(['role', 'delete', role]);
      await expectEntry(surface, 'admin.role.deleted', { detail: new RegExp(`^${role}$`) }, seen);
      assert.equal(await gh.store.roles.get(role), null);
    });

    test('signing key rotated', async () => {
      const seen = await entries();
      const kid = surface === 'api' ? (await api('POST', '/keys/rotate', { use: 'access' })).kid : cli(['keys', 'rotate']).kid;
      await expectEntry(surface, 'admin.keys.rotated', { detail: new RegExp(`^access ${kid}$`) }, seen);
    });
  });
}

test('admin API: one grant revoked by id', async () => {
  const tokens = await userTokens('bob');
  const uid = (await gh.store.users.findByName('bob'))!.uid;
  const grant = (await api('GET', `/users/${uid}/grants`)).find((g: { clientId: string }) => g.clientId === 'backend');
  const seen = await entries();
  await api('DELETE', `/grants/${grant.id}`);
  await expectEntry('api', 'admin.grant.revoked', { clientId: 'backend', detail: new RegExp(`^${grant.id}$`) }, seen);
  await assertRevoked('api', 'revoked grant', tokens.access);
  assert.equal(await refreshWorks(tokens.refresh), false);
});

test('CLI apply: each change audited as the operator; a dry run writes nothing, not even an entry', async () => {
  const doc = JSON.stringify({ roles: [{ id: 'applied', label: 'Applied', permissions: [] }], users: [{ name: 'bob', timezone: 'Europe/Paris' }] });
  let seen = await entries();
  const dry = cli(['apply', '-', '--dry-run'], doc);
  assert.equal(dry.dryRun, true);
  assert.equal(dry.roles.applied, 'created');
  assert.deepEqual(dry.changed.users, { bob: ['timezone'] });
  assert.equal((await entries()).length, seen.length, 'a dry run audits nothing');
  assert.equal(await gh.store.roles.get('applied'), null);

  seen = await entries();
  cli(['apply', '-'], doc);
  await expectEntry('cli', 'admin.role.created', { detail: /^applied$/ }, seen);
  await expectEntry('cli', 'admin.user.updated', { detail: /^bob: timezone$/ }, seen);
});
