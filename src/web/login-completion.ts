// Where every login ends: the password form, the JSON login, the second-factor step, a password
// reset link and registration all call completeLogin, so each session records how the user
// proved who they are (RFC 8176 `amr`, and `auth_time`: now) and no path forgets the rest —
// ending the session the browser came with (fixation), any pending login, the anonymous CSRF
// nonce, and the audit entry. continueLogin decides first whether a second factor is due.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../domain/user.js';
import type { Services } from '../services.js';
import type { SessionRow } from '../store/store.js';

export const SECOND_FACTOR_PATH = '/user/login/second-factor';

export async function completeLogin(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  methods: string[],
  endpoint = '/user/login',
): Promise<SessionRow> {
  const { web } = services;
  await web.sessions.end(request, reply); // a new login never continues an old session (fixation)
  await web.pending.end(request, reply);
  const session = await web.sessions.start(reply, user, [...new Set(methods)]);
  web.csrf.forgetNonce(request, reply); // forms from now on are bound to the new session
  services.audit.record({ event: 'user.login', outcome: 'success', userId: user.uid, clientId: null, ip: request.ip, endpoint, detail: session.amr.join(' ') });
  return session;
}

/**
 * After a right password (or a password set through a reset link): logs the user in, or — when
 * they have a second factor, or a role requires one — keeps a pending login and says so.
 */
export async function continueLogin(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  user: User,
  methods: string[],
  destination: string,
  endpoint = '/user/login',
): Promise<{ kind: 'logged_in'; session: SessionRow } | { kind: 'second_factor'; location: string }> {
  const requirement = await services.secondFactors.requirement(user);
  if (requirement === 'none') return { kind: 'logged_in', session: await completeLogin(services, request, reply, user, methods, endpoint) };
  await services.web.sessions.end(request, reply);
  await services.web.pending.start(request, reply, user, methods, destination);
  services.audit.record({
    event: 'user.login',
    outcome: 'success',
    userId: user.uid,
    clientId: null,
    ip: request.ip,
    endpoint,
    detail: `second_factor_${requirement}`,
  });
  return { kind: 'second_factor', location: SECOND_FACTOR_PATH };
}
