// Unit tests for what the proxy forwards and hands back (issue 12 part 2), and header-safe text.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseGateRoute } from '../../src/domain/gate-route.js';
import { clientResponseHeaders, upstreamRequestHeaders } from '../../src/gate/forward-headers.js';
import { headerText } from '../../src/gate/gate-identity.js';

const route = parseGateRoute({ name: 'r', path: '/r', upstream: 'http://127.0.0.1:1' });
const context = { route, identityHeaders: { 'x-gatehouse-route': 'r' }, peer: '10.0.0.2', trustProxy: false, protocol: 'https', host: 'api.example' };

test('hop-by-hop, credential, own cookies and client-sent X-Gatehouse-*/X-Forwarded-* are removed', () => {
  const out = upstreamRequestHeaders(
    {
      connection: 'keep-alive, x-drop',
      'keep-alive': 'timeout=5',
      te: 'trailers',
      upgrade: 'websocket',
      'proxy-authorization': 'Basic x',
      authorization: 'Bearer t',
      'x-api-key': 'ghk_x',
      cookie: 'a=1; gh_session=s; __Host-gh_session=s2; gh_csrf=c; b=2',
      'x-gatehouse-user-id': '1',
      'x-forwarded-for': '6.6.6.6',
      forwarded: 'for=6.6.6.6',
      accept: 'application/json',
      'x-drop': 'named by Connection',
    },
    context,
  );
  assert.deepEqual(out, {
    cookie: 'a=1; b=2',
    accept: 'application/json',
    'x-forwarded-for': '10.0.0.2',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'api.example',
    'x-gatehouse-route': 'r',
  });
});

test('behind a trusted proxy, the peer is appended to the client-sent X-Forwarded-For', () => {
  const out = upstreamRequestHeaders({ 'x-forwarded-for': '203.0.113.9' }, { ...context, trustProxy: true });
  assert.equal(out['x-forwarded-for'], '203.0.113.9, 10.0.0.2');
});

test('only Gatehouse cookies are dropped; a cookie header of only those disappears', () => {
  assert.equal(upstreamRequestHeaders({ cookie: 'gh_session=x' }, context).cookie, undefined);
  assert.equal(upstreamRequestHeaders({ cookie: 'my_gh_session=x' }, context).cookie, 'my_gh_session=x');
});

test("the upstream's answer loses hop-by-hop headers and Gatehouse cookies only", () => {
  assert.deepEqual(
    clientResponseHeaders({
      connection: 'close',
      'transfer-encoding': 'chunked',
      'content-type': 'text/plain',
      'set-cookie': ['gh_csrf=x', 'app=1'],
    }),
    { 'content-type': 'text/plain', 'set-cookie': ['app=1'] },
  );
});

test('header text: printable ASCII kept, anything else and % percent-encoded', () => {
  assert.equal(headerText('alice smith'), 'alice smith');
  assert.equal(headerText('José'), 'Jos%C3%A9');
  assert.equal(headerText('100%'), '100%25');
  assert.equal(headerText('a\nb'), 'a%0Ab');
  assert.equal(headerText('山'), '%E5%B1%B1');
});
