// Request smuggling shapes against the gate (issue 12, "bad input"): both Content-Length and
// Transfer-Encoding, header names with spaces, absolute-form targets, '..' and '%2e%2e' segments,
// '//' prefixes, encoded '?', '/' and '\'. Sent over raw sockets (fetch would normalise them);
// none reaches an upstream path its route does not allow, none reaches a protected path without a
// credential, and none gets a 5xx.
// test-engines: both
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startGatehouse, type Running } from '../helpers/gatehouse.js';
import { setRoutes, startUpstream, type Upstream } from './recording-upstream.js';

/** Writes `raw` on a fresh connection and returns everything read until the server closes or goes quiet. */
function rawRequest(port: number, raw: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let quiet: NodeJS.Timeout | null = null;
    const done = (): void => {
      if (quiet) clearTimeout(quiet);
      socket.destroy();
      resolve(text);
    };
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (quiet) clearTimeout(quiet);
      quiet = setTimeout(done, 300);
    });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', (error) => (text ? resolve(text) : reject(error)));
    socket.write(raw);
    quiet = setTimeout(done, 1500);
  });
}

const statuses = (response: string): number[] => [...response.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));

describe('request smuggling shapes', () => {
  let gh: Running;
  let up: Upstream;
  let port: number;
  before(async () => {
    gh = await startGatehouse();
    up = await startUpstream();
    port = Number(new URL(gh.url).port);
    await setRoutes(gh, [
      { name: 'public', path: '/public', upstream: up.url, public: true },
      { name: 'secret', path: '/api/secret', upstream: up.url },
    ]);
  });
  after(async () => {
    await gh?.close();
    await up?.close();
  });

  /** What reached the upstream outside the public route: must stay empty. */
  const leaked = () => up.received.filter((r) => !/^\/public(\/|\?|$)/.test(r.url));

  const shapes: [string, string][] = [
    ['dot-dot segment', 'GET /public/../api/secret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['encoded dot-dot', 'GET /public/%2e%2e/api/secret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['mixed-case encoded dot-dot', 'GET /public/%2E%2e/api/secret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['half-encoded dot-dot', 'GET /public/.%2e/api/secret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['single dot segment', 'GET /public/./x HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['double-slash prefix', 'GET //api/secret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['double slash inside', 'GET /public//api/secret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['encoded slash', 'GET /public%2f..%2fapi%2fsecret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['encoded backslash', 'GET /public%5c..%5capi%5csecret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['raw backslash', 'GET /public\\..\\api\\secret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['encoded question mark', 'GET /public%3F/../api/secret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['encoded hash', 'GET /public%23/../api/secret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['encoded NUL', 'GET /public%00/x HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['absolute-form target', 'GET http://127.0.0.1/api/secret HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['absolute-form to the public route', 'GET http://evil.example/public HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['asterisk-form', 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n'],
  ];

  for (const [name, raw] of shapes) {
    test(`${name}: refused with 4xx, nothing leaks upstream`, async () => {
      const response = await rawRequest(port, raw);
      const [status] = statuses(response);
      assert.ok(status !== undefined && status >= 400 && status < 500, `${name}: ${response.split('\r\n')[0]}`);
      assert.deepEqual(leaked(), []);
    });
  }

  test('Content-Length with Transfer-Encoding: refused, the smuggled request never reaches the upstream', async () => {
    const smuggled = 'GET /api/secret HTTP/1.1\r\nHost: x\r\n\r\n';
    const body = `0\r\n\r\n${smuggled}`;
    for (const raw of [
      `POST /public HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n${body}`,
      `POST /public HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n${body}`,
      `POST /public HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n${body}`,
    ]) {
      const response = await rawRequest(port, raw);
      // Node's parser refuses the ambiguous framing outright: one 400, and the connection closed
      assert.deepEqual(statuses(response), [400], response);
      assert.deepEqual(leaked(), [], 'nothing reached the upstream beyond the public route');
    }
  });

  test('header names with spaces: refused before any route', async () => {
    const before = up.received.length;
    for (const raw of [
      'POST /public HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nContent-Length: 3\r\n\r\nabc',
      'GET /api/secret HTTP/1.1\r\nHost: x\r\nAuthorization : Bearer x\r\n\r\n',
      'GET /public HTTP/1.1\r\nHost: x\r\n X-Folded: y\r\n\r\n',
    ]) {
      const [status] = statuses(await rawRequest(port, raw));
      assert.equal(status, 400);
    }
    assert.equal(up.received.length, before);
  });

  test('the protected path itself, in every spelling fetch would send, still needs a credential', async () => {
    for (const path of ['/api/secret', '/api/secret/', '/api/secret/x?y=1', '/api/%73ecret', '/API/secret', '/public/../api/secret']) {
      const res = await fetch(`${gh.url}${path}`);
      assert.ok([401, 404].includes(res.status), `${path}: ${res.status}`);
    }
    assert.deepEqual(leaked(), []);
  });

  test('pipelined requests on one connection are each decided on their own', async () => {
    const response = await rawRequest(port, 'GET /public/a HTTP/1.1\r\nHost: x\r\n\r\nGET /api/secret HTTP/1.1\r\nHost: x\r\n\r\n');
    assert.deepEqual(statuses(response), [200, 401]);
    assert.deepEqual(leaked(), []);
  });
});
