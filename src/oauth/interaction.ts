// What the authorization endpoint needs from the pages a person sees, without importing them (the
// protocol layer never imports web/): who is signed in, CSRF protection of the consent form, and
// three pages. The web layer implements it (src/web/protocol-pages.ts, sessions, CSRF) and the
// composition root hands it over as `services.web`.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Client } from '../domain/client.js';
import type { Scope } from '../domain/scope.js';

export interface SignedIn {
  /** preferredLangcode: the account's stored language, which the pages it sees speak when they can */
  user: { uid: number; name: string; preferredLangcode?: string };
  /** seconds: when the user logged in (OIDC `auth_time`, `max_age`) */
  session: { authTime: number; amr: string[] };
}

export interface ConsentView {
  client: Client;
  scopes: Scope[];
  userName: string;
  csrf: string;
  /** the request's parameters, posted back with the decision */
  fields: Record<string, string>;
  /** where the decision is posted; /oauth/authorize unless said (the device flow: /device) */
  action?: string;
  /** a warning shown above the decision: a key of the web layer's message catalog (messages/en.json), or text */
  notice?: string;
  /** the signed-in user's stored language */
  language?: string | null;
}

export interface AuthorizationPages {
  error(reply: FastifyReply, status: number, title: string, message: string): FastifyReply;
  consent(reply: FastifyReply, view: ConsentView): FastifyReply;
  /** OAuth 2.0 Form Post Response Mode: a form that posts `fields` to `action` by itself */
  formPost(reply: FastifyReply, action: string, fields: Record<string, string>): FastifyReply;
}

export interface AuthorizationInteraction {
  sessions: { current(request: FastifyRequest): Promise<SignedIn | null> };
  csrf: {
    /** the form field that carries the token (never carried through a login round trip) */
    readonly field: string;
    token(request: FastifyRequest, reply: FastifyReply): string;
    verify(request: FastifyRequest, submitted: unknown): boolean;
  };
  pages: AuthorizationPages;
}
