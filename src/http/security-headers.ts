// The security headers of every answer — pages, JSON, redirects, errors, the 404 — set in one
// place: no framing, nothing inline, no content sniffing, no referrer (codes and states travel in
// URLs). A route with other needs (a nonce'd script, the Swagger UI) replaces only its CSP.
// Not @fastify/helmet: it builds its middleware anew on every request, which halved the trivial
// route's throughput here; these headers are constants.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Pages: their stylesheet and images from this server, nothing else, never in a frame. */
export const PAGE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * A page that runs this server's own script files (the passkey forms): scripts and fetches from
 * this origin only, still nothing inline.
 */
export const PAGE_CSP_OWN_SCRIPTS =
  "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** A page that runs one inline script, allowed by its nonce (the form_post response). */
export function pageCspWithScript(nonce: string): string {
  return `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'`;
}

/** A page that loads script files from this server only (the copy buttons of secrets shown once). */
export const PAGE_CSP_WITH_SCRIPT_FILES = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The Swagger UI at /docs: its own script and style files, its data: icons, and fetches of the
 * document and ("Try it out") of the API at the issuer, which may be another origin than the one
 * the page was opened at.
 */
export function docsCsp(issuer: string): string {
  return `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${new URL(issuer).origin}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;
}

export const SECURITY_HEADERS = {
  'content-security-policy': PAGE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

/** Call on the root instance before any route or plugin, so every route inherits the hook. */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });
}

/** Fastify's `frameworkErrors`: a URL it cannot decode is refused before any hook runs, so here. */
export function refuseBeforeRouting(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  void reply.headers(SECURITY_HEADERS).code(400).send({ error: 'invalid_request', error_description: error.message });
}
