// test-engines: both
// Slow and idle clients cannot hold the server (issue 10, finding 12, and the robustness suite's
// slow-body client): a body sent a byte at a time and headers that never end are cut off by the
// configured timeouts while other requests keep being served, and open connections are capped.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { basic, form, SECRET, startGatehouse, type Running } from '../helpers/gatehouse.js';

/** A generous bound: the timeouts below are 1–2 s; a server without them holds on far longer. */
const CUT_OFF_WITHIN_MS = 15_000;

interface SlowClient {
  socket: Socket;
  /** resolves with what the server sent once it closed the connection, or null if it did not in time */
  closed: Promise<string | null>;
  sent: () => number;
}

/** Opens a connection, sends `head`, then one byte of `trickle` every `everyMs`. */
function slowClient(url: string, head: string, trickle: string, everyMs: number): SlowClient {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  let received = '';
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  socket.on('data', (chunk) => (received += chunk.toString()));
  socket.on('connect', () => {
    socket.write(head);
    timer = setInterval(() => {
      if (socket.destroyed || sent >= trickle.length) return;
      socket.write(trickle[sent++]);
    }, everyMs);
  });
  const closed = new Promise<string | null>((resolve) => {
    const deadline = setTimeout(() => resolve(null), CUT_OFF_WITHIN_MS);
    socket.on('close', () => {
      clearTimeout(deadline);
      resolve(received);
    });
    socket.on('error', () => undefined);
  });
  void closed.finally(() => {
    clearInterval(timer);
    socket.destroy();
  });
  return { socket, closed, sent: () => sent };
}

/** Serves ordinary requests until `until` settles; returns how many there were (each must succeed). */
async function keepServing(gh: Running, until: Promise<unknown>): Promise<number> {
  let done = false;
  void until.finally(() => (done = true));
  let served = 0;
  while (!done) {
    const token = await form(`${gh.url}/oauth/token`, { grant_type: 'client_credentials', scope: 'profile:read' }, { authorization: basic('backend', SECRET) });
    assert.equal(token.status, 200, token.text);
    const health = await fetch(`${gh.url}/healthz`);
    assert.equal(health.status, 200);
    served += 2;
    await new Promise((r) => setTimeout(r, 50));
  }
  return served;
}

describe('request and header timeouts', () => {
  let gh: Running;
  before(async () => {
    gh = await startGatehouse({
      config: { http: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 5000, connectionTimeoutMs: 60_000, maxConnections: 1000 } },
    });
  });
  after(() => gh.close());

  test('a body sent one byte a second is cut off while other requests are served', async () => {
    const body = 'grant_type=client_credentials&scope=profile%3Aread&padding=' + 'x'.repeat(60);
    const client = slowClient(
      gh.url,
      `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic('backend', SECRET)}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
      1000,
    );
    const [received, served] = await Promise.all([client.closed, keepServing(gh, client.closed)]);
    assert.notEqual(received, null, `the slow client was not cut off within ${CUT_OFF_WITHIN_MS} ms`);
    assert.ok(client.sent() < body.length, 'cut off before its body was complete');
    assert.match(received!, /^(HTTP\/1\.1 408|$)/, 'answered 408 Request Timeout, or closed');
    assert.ok(served > 0, 'ordinary requests were served meanwhile');
  });

  test('headers trickling in a byte at a time are cut off while other requests are served', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => `X-Slow-${i}: y\r\n`).join('');
    const client = slowClient(gh.url, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n', lines, 200);
    const [received, served] = await Promise.all([client.closed, keepServing(gh, client.closed)]);
    assert.notEqual(received, null, `the slow client was not cut off within ${CUT_OFF_WITHIN_MS} ms`);
    assert.ok(client.sent() < lines.length, 'cut off before its headers were complete');
    assert.ok(served > 0);
  });

  test('a connection that never sends anything is closed', async () => {
    const client = slowClient(gh.url, '', '', 1000);
    assert.notEqual(await client.closed, null, 'the idle connection was not closed');
  });
});

describe('connection cap', () => {
  let gh: Running;
  before(async () => {
    gh = await startGatehouse({
      config: { http: { headersTimeoutMs: 1000, requestTimeoutMs: 2000, keepAliveTimeoutMs: 5000, connectionTimeoutMs: 60_000, maxConnections: 4 } },
    });
  });
  after(() => gh.close());

  test('beyond the cap a connection is closed at once; freed places serve again', async () => {
    const open = await Promise.all(
      Array.from(
        { length: 4 },
        () =>
          new Promise<Socket>((resolve) => {
            const socket = connect(Number(new URL(gh.url).port), '127.0.0.1', () => resolve(socket));
            socket.on('error', () => undefined);
          }),
      ),
    );
    try {
      // the server counts a connection once it accepted it
      await new Promise((r) => setTimeout(r, 200));
      const refused = await fetch(`${gh.url}/healthz`, { headers: { connection: 'close' } }).then(
        (r) => r.status,
        () => 'closed',
      );
      assert.equal(refused, 'closed', 'the fifth connection was closed without an answer');
    } finally {
      for (const socket of open) socket.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await fetch(`${gh.url}/healthz`, { headers: { connection: 'close' } })).status, 200);
  });
});

describe('configuration', () => {
  const base = { DATABASE_URL: 'sqlite::memory:', GATEHOUSE_SECRET: 'test-secret-test-secret-test-secret-0123' };

  test('defaults are set, and each limit is read from its variable', () => {
    const defaults = loadConfig(base).http;
    assert.deepEqual(defaults, {
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 72_000,
      connectionTimeoutMs: 120_000,
      maxConnections: 4096,
    });
    const set = loadConfig({
      ...base,
      GATEHOUSE_HEADERS_TIMEOUT_MS: '2000',
      GATEHOUSE_REQUEST_TIMEOUT_MS: '5000',
      GATEHOUSE_KEEP_ALIVE_TIMEOUT_MS: '3000',
      GATEHOUSE_CONNECTION_TIMEOUT_MS: '9000',
      GATEHOUSE_MAX_CONNECTIONS: '50',
    }).http;
    assert.deepEqual(set, { headersTimeoutMs: 2000, requestTimeoutMs: 5000, keepAliveTimeoutMs: 3000, connectionTimeoutMs: 9000, maxConnections: 50 });
  });

  test('bad values stop the process with a reason', () => {
    for (const [env, reason] of [
      [{ GATEHOUSE_REQUEST_TIMEOUT_MS: 'soon' }, /GATEHOUSE_REQUEST_TIMEOUT_MS must be a whole number/],
      [{ GATEHOUSE_HEADERS_TIMEOUT_MS: '0' }, /GATEHOUSE_HEADERS_TIMEOUT_MS must be between 100 and/],
      [{ GATEHOUSE_MAX_CONNECTIONS: '0' }, /GATEHOUSE_MAX_CONNECTIONS must be between 1 and/],
      [{ GATEHOUSE_KEEP_ALIVE_TIMEOUT_MS: '-5' }, /must be a whole number/],
      [{ GATEHOUSE_HEADERS_TIMEOUT_MS: '40000' }, /GATEHOUSE_HEADERS_TIMEOUT_MS \(40000\) must not exceed GATEHOUSE_REQUEST_TIMEOUT_MS \(30000\)/],
    ] as const) {
      assert.throws(
        () => loadConfig({ ...base, ...env }),
        (error: unknown) => error instanceof ConfigError && reason.test(error.message),
      );
    }
  });
});
