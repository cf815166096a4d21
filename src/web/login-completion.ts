// What every successful login ends with, whatever proved it (the password form, a passkey): a new
// session (never an old one continued: fixation), forms bound to it from now on, and the audit
// entry naming the methods used (RFC 8176 amr values: pwd, otp, hwk, swk). The caller redirects.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../domain/user.js';

export async function completeLogin(request: FastifyRequest, reply: FastifyReply, user: User, methods: string[]): Promise<void> {
  const { web, audit } = request.server.gatehouse;
  await web.sessions.end(request, reply);
  await web.sessions.start(reply, user);
  web.csrf.forgetNonce(request, reply);
  audit.record({
    event: 'user.login',
    outcome: 'success',
    userId: user.uid,
    clientId: null,
    ip: request.ip,
    endpoint: request.routeOptions.url ?? null,
    detail: methods.join(' '),
  });
}
