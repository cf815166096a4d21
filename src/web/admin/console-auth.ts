// Who may see a console page: a logged-in user (the login form's session) whose roles grant the
// page's permission. Not logged in: to the login form and back. Logged in without it: 403.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { userActor, type Actor } from '../../admin/actor.js';
import { userPermissions } from '../../domain/access.js';
import { BUILT_IN_PERMISSIONS, PERMISSIONS } from '../../domain/permissions.js';
import type { User } from '../../domain/user.js';
import type { Services } from '../../services.js';
import { CSRF_FIELD } from '../csrf.js';
import { message } from '../page-view.js';
import { messagePage } from '../pages.js';
import { sendPage } from '../page-reply.js';

export interface ConsoleVisitor {
  user: User;
  csrf: string;
}

/** Any permission of the console (the dashboard needs one of them). */
export const ANY_ADMIN_PERMISSION = BUILT_IN_PERMISSIONS.filter((p) => p !== PERMISSIONS.accessUserProfiles && p !== PERMISSIONS.viewUserEmailAddresses);

export async function consoleVisitor(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  permission: string | readonly string[],
): Promise<ConsoleVisitor | null> {
  const current = await services.web.sessions.current(request);
  if (!current) {
    const destination = request.method === 'GET' ? request.url : '/admin';
    reply.redirect(`/user/login?${new URLSearchParams({ destination })}`, 302);
    return null;
  }
  const held = userPermissions(current.user.roles, services.catalog);
  const needed = typeof permission === 'string' ? [permission] : permission;
  if (!needed.some((p) => held.has(p))) {
    sendPage(reply, 403, messagePage('console.denied.title', message('console.denied', { permission: needed[0] }), current.user.preferredLangcode));
    return null;
  }
  return { user: current.user, csrf: services.web.csrf.token(request, reply) };
}

/** For POSTs: the visitor, and whether the form's CSRF token is good (a 403 page is sent when not). */
export async function consoleSubmitter(
  services: Services,
  request: FastifyRequest,
  reply: FastifyReply,
  permission: string | readonly string[],
): Promise<(ConsoleVisitor & { form: Record<string, unknown> }) | null> {
  const visitor = await consoleVisitor(services, request, reply, permission);
  if (!visitor) return null;
  const form = (request.body ?? {}) as Record<string, unknown>;
  if (!services.web.csrf.verify(request, form[CSRF_FIELD])) {
    sendPage(reply, 403, messagePage('form.expired.title', 'console.form_expired', visitor.user.preferredLangcode));
    return null;
  }
  return { ...visitor, form };
}

/** The logged-in administrator as the actor of a change, with their roles' permissions, from this page and address. */
export function consoleActor(services: Services, visitor: ConsoleVisitor, request: FastifyRequest): Actor {
  return userActor(visitor.user.uid, userPermissions(visitor.user.roles, services.catalog), {
    endpoint: request.routeOptions.url ?? request.url,
    ip: request.ip,
  });
}
