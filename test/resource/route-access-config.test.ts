// test-engines: both
// Every route says who may call it (issue 11, part 9): building the app logs no "route has no
// access configuration" warning — the Swagger UI's routes at /docs get theirs from the context they
// are registered in — while a route that really says nothing is still warned about and refused.
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { describe, test } from 'node:test';
import type { BearerGuard } from '../../src/resource/bearer-guard.js';
import { defaultRouteAccess, installRouteAccess, PUBLIC } from '../../src/resource/route-access.js';
import { request, startGatehouse } from '../helpers/gatehouse.js';

const WARNING = 'route has no access configuration';

describe('route access configuration', () => {
  test('the whole app builds without a single route lacking one, and /docs is served', async () => {
    const logLines: string[] = [];
    const gh = await startGatehouse({ world: null, logLines });
    try {
      const warnings = logLines.filter((line) => line.includes(WARNING));
      assert.deepEqual(warnings, [], 'no route without an access configuration');
      // the routes the warnings named are public, as the plugin serves them
      for (const path of [
        '/docs',
        '/docs/',
        '/docs/json',
        '/docs/yaml',
        '/docs/static/swagger-initializer.js',
        '/docs/static/swagger-ui.css',
        '/openapi.json',
      ]) {
        const answer = await request(gh.url + path);
        assert.equal(answer.status, 200, `${path}: ${answer.text.slice(0, 200)}`);
      }
      const head = await fetch(`${gh.url}/docs/static/swagger-ui.css`, { method: 'HEAD' });
      assert.equal(head.status, 200);
    } finally {
      await gh.close();
    }
  });

  test('a route without one is still warned about and refused; a context with a default is not', async () => {
    const lines: string[] = [];
    const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => void lines.push(line) } } });
    const guard = { authenticate: async () => assert.fail('no token is checked here') } as unknown as BearerGuard;
    installRouteAccess(app, guard);
    app.get('/forgotten', async () => ({ reached: true }));
    app.get('/said-public', { config: PUBLIC }, async () => ({ reached: true }));
    await app.register(async (context) => {
      defaultRouteAccess(context, PUBLIC.access);
      context.get('/third-party', async () => ({ reached: true }));
      // a plugin inside the context inherits the default
      await context.register(async (inner) => inner.get('/third-party/inner', async () => ({ reached: true })));
    });
    // the default stays inside its context
    app.get('/after', async () => ({ reached: true }));
    await app.ready();
    const warned = lines.filter((line) => line.includes(WARNING)).map((line) => `${JSON.parse(line).method} ${JSON.parse(line).url}`);
    assert.deepEqual(warned.sort(), ['GET /after', 'GET /forgotten', 'HEAD /after', 'HEAD /forgotten']);
    for (const [url, status] of [
      ['/forgotten', 403],
      ['/after', 403],
      ['/said-public', 200],
      ['/third-party', 200],
      ['/third-party/inner', 200],
    ] as const) {
      const answer = await app.inject({ url });
      assert.equal(answer.statusCode, status, `${url}: ${answer.body}`);
    }
    await app.close();
  });
});
