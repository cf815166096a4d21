// A gate route (issue 12 part 1): a path prefix of someone else's API that Gatehouse protects,
// either by proxying to its upstream or by answering /gate/check. Plain data and the pure rules
// that refuse a bad one, naming the field at fault.
import { BlockList, isIP } from 'node:net';

export const GATE_AUTH_METHODS = ['bearer', 'api_key', 'basic'] as const;
export type GateAuthMethod = (typeof GATE_AUTH_METHODS)[number];

/** The request methods a route may list (CONNECT and TRACE are never proxied). */
export const GATE_HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

export const GATE_TIMEOUT_DEFAULT_MS = 30_000;
export const GATE_TIMEOUT_MIN_MS = 100;
export const GATE_TIMEOUT_MAX_MS = 600_000;

/**
 * Gatehouse's own path prefixes: a route at, under or above one of them is refused, so a route
 * never shadows an endpoint (test/gate/gate-route-reserved.test.ts checks the list against every
 * path the app registers). `/` itself is the landing page.
 */
export const GATEHOUSE_PATHS = [
  '/oauth',
  '/user',
  '/admin',
  '/.well-known',
  '/gate',
  '/rest_api',
  '/device',
  '/docs',
  '/metrics',
  '/healthz',
  '/readyz',
  '/assets',
  '/apps',
  '/openapi.json',
] as const;

export interface GateRoute {
  /** unique id; the identity JWT's audience */
  name: string;
  /** a prefix on segment boundaries: /api/articles matches /api/articles and /api/articles/…, never /api/articlesX */
  path: string;
  /** the origin the built-in proxy forwards to (path and query kept); null: forward-auth only */
  upstream: string | null;
  /** null: every method */
  methods: string[] | null;
  auth: GateAuthMethod[];
  /** what the credential must grant (user permissions ∩ scope permissions) */
  permission: string | null;
  /** every one must be on the credential */
  scopes: string[];
  allowIps: string[];
  denyIps: string[];
  /** read the credential from this header (lower-case) instead of Authorization */
  authHeader: string | null;
  /** no credential needed (still IP-filtered and proxied) */
  public: boolean;
  /** forward the credential header to the upstream (removed by default) */
  forwardCredential: boolean;
  timeoutMs: number;
}

export class GateRouteError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** RFC 3986 pchar without percent-encodings: a route path is written plainly */
const PATH = /^(\/[A-Za-z0-9\-._~!$&'()*+,;=:@]+)+$/;
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/;
/** headers a credential may not be read from: they mean something else to every proxy on the way */
const UNUSABLE_AUTH_HEADERS = new Set(['host', 'cookie', 'content-length', 'transfer-encoding', 'connection', 'x-forwarded-for', 'x-api-key']);
const FIELDS = new Set([
  'name',
  'path',
  'upstream',
  'methods',
  'auth',
  'permission',
  'scopes',
  'allowIps',
  'denyIps',
  'authHeader',
  'public',
  'forwardCredential',
  'timeoutMs',
]);

/** True when `path` equals `prefix` or lies under it, on segment boundaries. */
export function pathUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/** Whether a CIDR (or a bare address) is well formed. */
export function isValidCidr(value: string): boolean {
  const slash = value.indexOf('/');
  const address = slash < 0 ? value : value.slice(0, slash);
  const family = isIP(address);
  if (family === 0) return false;
  if (slash < 0) return true;
  const bits = value.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(bits)) return false;
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** A BlockList of CIDRs already validated. */
export function cidrList(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

function stringList(value: unknown, field: string, check: (item: string) => string | null): string[] {
  if (!Array.isArray(value)) throw new GateRouteError(field, 'must be a list');
  return value.map((item, i) => {
    if (typeof item !== 'string') throw new GateRouteError(`${field}[${i}]`, 'must be a string');
    const problem = check(item);
    if (problem) throw new GateRouteError(`${field}[${i}]`, problem);
    return item;
  });
}

function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value === '') throw new GateRouteError(field, 'must be a non-empty string');
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new GateRouteError(field, 'must be true or false');
  return value;
}

function checkPath(value: unknown): string {
  if (typeof value !== 'string') throw new GateRouteError('path', 'must be a string');
  if (!value.startsWith('/')) throw new GateRouteError('path', 'must start with "/"');
  if (!PATH.test(value))
    throw new GateRouteError(
      'path',
      'must be "/" followed by segments of letters, digits and -._~!$&\'()*+,;=:@ (no empty segment, no trailing "/", no percent-encoding)',
    );
  if (value.split('/').some((segment) => segment === '.' || segment === '..')) throw new GateRouteError('path', 'must not contain "." or ".." segments');
  const shadowed = GATEHOUSE_PATHS.find((own) => pathUnder(value, own) || pathUnder(own, value));
  if (shadowed) throw new GateRouteError('path', `would shadow Gatehouse's own endpoints under ${shadowed}`);
  return value;
}

function checkUpstream(value: unknown): string | null {
  const text = optionalString(value, 'upstream');
  if (text === null) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new GateRouteError('upstream', 'must be an absolute http:// or https:// URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new GateRouteError('upstream', 'must be an http:// or https:// URL');
  if (url.username || url.password) throw new GateRouteError('upstream', 'must not carry a user name or password');
  if (url.pathname !== '/' || url.search || url.hash || text.endsWith('#') || text.endsWith('?')) {
    throw new GateRouteError('upstream', 'must be an origin only (scheme, host, port): the request path and query are forwarded as they are');
  }
  return url.origin;
}

function checkTimeout(value: unknown): number {
  if (value === undefined) return GATE_TIMEOUT_DEFAULT_MS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < GATE_TIMEOUT_MIN_MS || value > GATE_TIMEOUT_MAX_MS) {
    throw new GateRouteError('timeoutMs', `must be a whole number of milliseconds from ${GATE_TIMEOUT_MIN_MS} to ${GATE_TIMEOUT_MAX_MS}`);
  }
  return value;
}

function checkAuthHeader(value: unknown): string | null {
  const text = optionalString(value, 'authHeader');
  if (text === null) return null;
  if (!HEADER_NAME.test(text)) throw new GateRouteError('authHeader', 'must be an HTTP header name');
  const lower = text.toLowerCase();
  if (UNUSABLE_AUTH_HEADERS.has(lower) || lower.startsWith('x-gatehouse-')) throw new GateRouteError('authHeader', `cannot be ${text}`);
  return lower;
}

/** One route from what an operator wrote (apply file, admin API); throws GateRouteError naming the field. */
export function parseGateRoute(input: unknown): GateRoute {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new GateRouteError('route', 'must be an object');
  const raw = input as Record<string, unknown>;
  const unknown = Object.keys(raw).find((key) => !FIELDS.has(key));
  if (unknown !== undefined) throw new GateRouteError(unknown, 'is not a route field');
  if (typeof raw.name !== 'string' || !NAME.test(raw.name))
    throw new GateRouteError('name', 'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  const path = checkPath(raw.path);
  const methods =
    raw.methods === undefined || raw.methods === null
      ? null
      : [
          ...new Set(
            stringList(raw.methods, 'methods', (m) =>
              (GATE_HTTP_METHODS as readonly string[]).includes(m) ? null : `must be one of ${GATE_HTTP_METHODS.join(', ')} (upper case)`,
            ),
          ),
        ];
  if (methods !== null && methods.length === 0) throw new GateRouteError('methods', 'must not be empty (omit it for every method)');
  const auth =
    raw.auth === undefined
      ? (['bearer'] as GateAuthMethod[])
      : ([
          ...new Set(
            stringList(raw.auth, 'auth', (m) =>
              (GATE_AUTH_METHODS as readonly string[]).includes(m) ? null : `must be one of ${GATE_AUTH_METHODS.join(', ')}`,
            ),
          ),
        ] as GateAuthMethod[]);
  if (auth.length === 0) throw new GateRouteError('auth', 'must name at least one method (or set public: true)');
  const isPublic = optionalBoolean(raw.public, 'public');
  const permission = optionalString(raw.permission, 'permission');
  const scopes =
    raw.scopes === undefined ? [] : stringList(raw.scopes, 'scopes', (s) => (/^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/.test(s) ? null : 'is not a scope name'));
  if (isPublic && (permission !== null || scopes.length > 0)) throw new GateRouteError('public', 'a public route cannot require a permission or scopes');
  const cidr = (c: string): string | null => (isValidCidr(c) ? null : 'must be an IP address or CIDR (e.g. 10.0.0.0/8)');
  return {
    name: raw.name,
    path,
    upstream: checkUpstream(raw.upstream),
    methods,
    auth,
    permission,
    scopes: [...new Set(scopes)],
    allowIps: raw.allowIps === undefined ? [] : stringList(raw.allowIps, 'allowIps', cidr),
    denyIps: raw.denyIps === undefined ? [] : stringList(raw.denyIps, 'denyIps', cidr),
    authHeader: checkAuthHeader(raw.authHeader),
    public: isPublic,
    forwardCredential: optionalBoolean(raw.forwardCredential, 'forwardCredential'),
    timeoutMs: checkTimeout(raw.timeoutMs),
  };
}

function methodsOverlap(a: string[] | null, b: string[] | null): boolean {
  return a === null || b === null || a.some((m) => b.includes(m));
}

/** A whole set of routes: each valid, names unique, no two with the same path and a common method. */
export function checkGateRouteSet(routes: readonly GateRoute[]): void {
  for (const [i, route] of routes.entries()) {
    for (const other of routes.slice(0, i)) {
      if (other.name === route.name) throw new GateRouteError(`routes[${i}].name`, `"${route.name}" is used by another route`);
      if (other.path === route.path && methodsOverlap(other.methods, route.methods)) {
        throw new GateRouteError(`routes[${i}].path`, `"${route.path}" overlaps route "${other.name}" (same path and a common method)`);
      }
    }
  }
}

/** A route as the apply file and the admin API show it: defaults left out. */
export function gateRouteDocument(route: GateRoute): Record<string, unknown> {
  const out: Record<string, unknown> = { name: route.name, path: route.path };
  if (route.upstream !== null) out.upstream = route.upstream;
  if (route.methods !== null) out.methods = route.methods;
  out.auth = route.auth;
  if (route.permission !== null) out.permission = route.permission;
  if (route.scopes.length > 0) out.scopes = route.scopes;
  if (route.allowIps.length > 0) out.allowIps = route.allowIps;
  if (route.denyIps.length > 0) out.denyIps = route.denyIps;
  if (route.authHeader !== null) out.authHeader = route.authHeader;
  if (route.public) out.public = true;
  if (route.forwardCredential) out.forwardCredential = true;
  if (route.timeoutMs !== GATE_TIMEOUT_DEFAULT_MS) out.timeoutMs = route.timeoutMs;
  return out;
}
