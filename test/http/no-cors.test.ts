// No CORS where a browser only navigates (RFC 9700 §2.6: CORS MUST NOT be supported at the
// authorization endpoint) nor where an administrator's session or token acts: a preflight from
// another origin gets no Access-Control-Allow-Origin, so a page elsewhere can neither read these
// answers nor send them a non-simple request (a JSON body, an Authorization header). The token,
// discovery and JWKS endpoints may support CORS one day (RFC 9700 §2.6 allows it); they do not yet.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { authorizePath, spaRequest } from '../helpers/authorization.js';
import { pkcePair } from '../helpers/browser-http.js';
import { startGatehouse, type Running } from '../helpers/gatehouse.js';

let gh: Running;
before(async () => {
  gh = await startGatehouse();
});
after(() => gh.close());

const ORIGIN = 'https://elsewhere.example';
const PATHS = ['/oauth/authorize', '/user/login', '/user/apps', '/admin', '/admin/clients', '/admin/api/v1/clients'];

const corsHeaders = (headers: Headers): string[] => [...headers.keys()].filter((name) => name.startsWith('access-control-'));

test('a preflight from another origin gets no CORS headers, and never a 5xx', async () => {
  for (const path of PATHS) {
    const res = await fetch(gh.url + path, {
      method: 'OPTIONS',
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    assert.ok(res.status < 500, `${path}: ${res.status}`);
    assert.deepEqual(corsHeaders(res.headers), [], path);
  }
});

test('answers to requests with an Origin carry no CORS headers', async () => {
  const authorize = await fetch(gh.url + authorizePath(spaRequest(pkcePair().challenge, { prompt: 'none' })), {
    headers: { origin: ORIGIN },
    redirect: 'manual',
  });
  assert.equal(authorize.status, 302);
  assert.deepEqual(corsHeaders(authorize.headers), []);
  const login = await fetch(`${gh.url}/user/login`, { headers: { origin: ORIGIN } });
  assert.equal(login.status, 200);
  assert.deepEqual(corsHeaders(login.headers), []);
});
