// What the built-in proxy sends upstream and hands back (issue 12 part 2). To the upstream: the
// client's headers without hop-by-hop ones (RFC 9110 §7.6.1), the credential (unless the route
// says forwardCredential), Gatehouse's own cookies, any client-sent X-Gatehouse-* or X-Forwarded-*;
// plus the identity headers and X-Forwarded-For/-Proto/-Host. From the upstream: its headers
// without hop-by-hop ones, and without a Set-Cookie for one of Gatehouse's cookies (the upstream
// shares the origin: it must not plant or clear a Gatehouse session).
import type { IncomingHttpHeaders } from 'node:http';
import type { GateRoute } from '../domain/gate-route.js';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);
/** Gatehouse's browser cookies (src/web/web-cookies.ts), with or without the __Host- prefix */
const OWN_COOKIE = /^(__Host-)?gh_(session|csrf)$/;

export interface ForwardContext {
  route: GateRoute;
  identityHeaders: Record<string, string>;
  /** the address of the peer that sent the request (the socket's), appended to X-Forwarded-For */
  peer: string;
  /** whether X-Forwarded-For from the client is trusted (GATEHOUSE_TRUST_PROXY) */
  trustProxy: boolean;
  protocol: string;
  host: string | undefined;
}

function withoutOwnCookies(cookie: string): string {
  return cookie
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '' && !OWN_COOKIE.test(part.slice(0, Math.max(0, part.indexOf('='))).trim()))
    .join('; ');
}

export function upstreamRequestHeaders(headers: IncomingHttpHeaders, context: ForwardContext): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  const credentialHeader = context.route.authHeader ?? 'authorization';
  // RFC 9110 §7.6.1: the headers the Connection header names are hop-by-hop too
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((token) => token.trim().toLowerCase()),
  );
  for (const [name, value] of Object.entries(headers)) {
    if (
      value === undefined ||
      HOP_BY_HOP.has(name) ||
      named.has(name) ||
      name.startsWith('x-gatehouse-') ||
      name.startsWith('x-forwarded-') ||
      name === 'forwarded'
    )
      continue;
    if (!context.route.forwardCredential && (name === credentialHeader || name === 'x-api-key')) continue;
    if (name === 'cookie') {
      const kept = withoutOwnCookies(Array.isArray(value) ? value.join('; ') : value);
      if (kept !== '') out.cookie = kept;
      continue;
    }
    out[name] = value;
  }
  const previous = headers['x-forwarded-for'];
  const chain = context.trustProxy && typeof previous === 'string' && previous.trim() !== '' ? `${previous}, ` : '';
  out['x-forwarded-for'] = `${chain}${context.peer}`;
  out['x-forwarded-proto'] = context.protocol;
  if (context.host !== undefined) out['x-forwarded-host'] = context.host;
  return { ...out, ...context.identityHeaders };
}

export function clientResponseHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name.toLowerCase())) continue;
    if (name.toLowerCase() === 'set-cookie') {
      const kept = (Array.isArray(value) ? value : [value]).filter((c) => !OWN_COOKIE.test(c.slice(0, Math.max(0, c.indexOf('='))).trim()));
      if (kept.length > 0) out[name] = kept;
      continue;
    }
    out[name] = value;
  }
  return out;
}
