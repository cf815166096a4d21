// Getting tokens the way clients do, for tests of protected resources.
import assert from 'node:assert/strict';
import { form, PASSWORD, SECRET, type Running } from './gatehouse.js';

/** A password-grant access token for `user` through the `backend` client, with `scope`. */
export async function tokenFor(gh: Running, user: string, scope: string): Promise<string> {
  const res = await form(`${gh.url}/oauth/token`, {
    grant_type: 'password',
    client_id: 'backend',
    client_secret: SECRET,
    username: user,
    password: PASSWORD,
    scope,
  });
  assert.equal(res.status, 200, res.text);
  return res.body.access_token;
}

export async function uidOf(gh: Running, name: string): Promise<number> {
  const user = await gh.store.users.findByName(name);
  assert.ok(user, name);
  return user.uid;
}
