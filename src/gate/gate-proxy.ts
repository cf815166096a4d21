// The built-in proxy (issue 12 part 2): Gatehouse's not-found handler, so it runs only for what no
// Gatehouse endpoint answers and never shadows one. Every such request goes through the gate's
// decision; an allowed one is forwarded to its route's upstream over undici's keep-alive pool
// (@fastify/reply-from), bodies streamed both ways, nothing retried. Upstream refused or
// unreachable → 502, slower than the route's timeoutMs → 504, each with a JSON body.
import replyFrom from '@fastify/reply-from';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SECURITY_HEADERS } from '../http/security-headers.js';
import { sendDenial } from './gate-answer.js';
import { GateDenial } from './gate-denial.js';
import type { Gate } from './gate.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './forward-headers.js';
import { auditPath, gateRequest } from './gate-request.js';

const UPSTREAM_FAILED = { status: 'error', error: 'UPSTREAM_UNAVAILABLE', error_description: 'The upstream server could not be reached.' };
const UPSTREAM_TIMEOUT = { status: 'error', error: 'UPSTREAM_TIMEOUT', error_description: 'The upstream server did not answer in time.' };

export async function gateProxy(app: FastifyInstance, options: { services: { gate: Gate } }): Promise<void> {
  const { gate } = options.services;
  await app.register(replyFrom, {
    undici: { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 },
    // nothing is retried: not a POST, and not a GET whose upstream answered 503 either
    retryMethods: [],
    disableRequestLogging: true,
  });
  // bodies are streamed to the upstream as they come, never parsed or buffered here
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    const target = request.raw.url ?? '';
    const verdict = await gate.decision.decide(gateRequest(request, request.method, target));
    if ('denial' in verdict) {
      gate.denials.record(verdict.denial, verdict.route?.name ?? null, { method: request.method, path: auditPath(target), ip: request.ip });
      return sendDenial(reply, verdict.denial, verdict.route, gate.methods);
    }
    const { route, identity, path, query } = verdict.allowed;
    if (route.upstream === null) {
      const denial = new GateDenial(404, 'NO_ROUTE', `Route "${route.name}" has no upstream: it is answered through /gate/check only.`);
      return sendDenial(reply, denial, route, gate.methods);
    }
    const identityHeaders = await gate.identities.headers(route, identity);
    // the upstream's answer carries its own policies, not Gatehouse's page headers
    for (const name of Object.keys(SECURITY_HEADERS)) reply.removeHeader(name);
    return reply.from(`${route.upstream}${path}`, {
      queryString: () => query,
      timeout: route.timeoutMs,
      rewriteRequestHeaders: (_request, headers) =>
        upstreamRequestHeaders(headers, {
          route,
          identityHeaders,
          peer: request.socket.remoteAddress ?? '',
          trustProxy: gate.trustProxy,
          protocol: request.protocol,
          host: request.headers.host,
        }),
      rewriteHeaders: (headers) => clientResponseHeaders(headers),
      onError: (failed, { error }) => {
        const timedOut = (error as { statusCode?: number }).statusCode === 504;
        request.log.warn({ route: route.name, code: (error as { code?: string }).code }, timedOut ? 'upstream timed out' : 'upstream unreachable');
        void failed
          .code(timedOut ? 504 : 502)
          .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' })
          .send(timedOut ? UPSTREAM_TIMEOUT : UPSTREAM_FAILED);
      },
    });
  });
}
