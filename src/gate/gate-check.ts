// Forward-auth (issue 12 part 3): `/gate/check`, any method, decides for the original request its
// headers name — X-Forwarded-Method + X-Forwarded-Uri (Traefik ForwardAuth, Caddy forward_auth)
// or X-Original-Method + X-Original-URI (nginx auth_request) — with the original request's
// credential headers and client IP (X-Forwarded-For when GATEHOUSE_TRUST_PROXY is set). Allowed:
// 200, empty body, the identity headers. Refused: the gate's answer (src/gate/gate-answer.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GATE_HTTP_METHODS } from '../domain/gate-route.js';
import { PUBLIC } from '../resource/route-access.js';
import { sendDenial } from './gate-answer.js';
import { GateDenial } from './gate-denial.js';
import type { Gate } from './gate.js';
import { auditPath, gateRequest, headerOf } from './gate-request.js';

export const GATE_CHECK_PATH = '/gate/check';

export async function gateCheckRoutes(app: FastifyInstance, options: { services: { gate: Gate } }): Promise<void> {
  const { gate } = options.services;
  // an auth subrequest carries no body worth reading: whatever comes is discarded unparsed
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, payload, done) => {
    payload.resume();
    done(null, undefined);
  });
  app.route({
    method: [...GATE_HTTP_METHODS],
    url: GATE_CHECK_PATH,
    config: PUBLIC,
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      reply.header('cache-control', 'no-store');
      const method = headerOf(request, 'x-forwarded-method') ?? headerOf(request, 'x-original-method');
      const target = headerOf(request, 'x-forwarded-uri') ?? headerOf(request, 'x-original-uri');
      if (method === undefined || target === undefined || !/^[A-Z]{1,20}$/.test(method)) {
        const denial = new GateDenial(
          400,
          'INVALID_REQUEST',
          'The original request must be named by X-Forwarded-Method and X-Forwarded-Uri, or X-Original-Method and X-Original-URI.',
        );
        return sendDenial(reply, denial, null, gate.methods);
      }
      const verdict = await gate.decision.decide(gateRequest(request, method, target));
      if ('denial' in verdict) {
        gate.denials.record(verdict.denial, verdict.route?.name ?? null, { method, path: auditPath(target), ip: request.ip });
        return sendDenial(reply, verdict.denial, verdict.route, gate.methods);
      }
      const { route, identity } = verdict.allowed;
      return reply
        .code(200)
        .headers(await gate.identities.headers(route, identity))
        .send();
    },
  });
}
