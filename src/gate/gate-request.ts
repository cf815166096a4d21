// A Fastify request as the gate's decision reads it.
import type { FastifyRequest } from 'fastify';
import type { GateRequest } from './gate-decision.js';

export function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function gateRequest(request: FastifyRequest, method: string, target: string): GateRequest {
  return { method, target, ip: request.ip, header: (name) => headerOf(request, name) };
}

/** The path of a target for the audit trail: never its query, where credentials sometimes travel. */
export function auditPath(target: string): string {
  const q = target.search(/[?#]/);
  return q < 0 ? target : target.slice(0, q);
}
