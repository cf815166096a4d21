// Which gate route a request is for (issue 12 part 1): the request target normalised first, so
// that no spelling of a path (percent-encodings, dot segments, doubled slashes, absolute-form)
// can reach an upstream path its route does not allow; then the longest route path on segment
// boundaries, then the route among equal paths whose methods include the request's.
import { type GateRoute, pathUnder } from './gate-route.js';

export type NormalisedTarget = { path: string; query: string } | { refused: string };

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** what a raw path may hold: RFC 3986 pchar, '/' and percent-encodings */
const RAW_PATH = /^[A-Za-z0-9\-._~!$&'()*+,;=:@/%]*$/;
const FORBIDDEN_ENCODED: Record<string, string> = { '/': '"/"', '\\': '"\\"', '?': '"?"', '#': '"#"', '\u0000': 'NUL' };

/**
 * The path a request target names, and its query (verbatim, without the '?'). Percent-encoded
 * unreserved characters are decoded (RFC 3986 §6.2.2.2) and other encodings upper-cased; nothing
 * else is rewritten. Refused (400): anything but origin-form (absolute-form, authority-form, '*'),
 * a fragment, a backslash, an encoded '/', '\', '?', '#' or NUL, a malformed or non-UTF-8 encoding, and empty
 * ('//') or dot ('.', '..', '%2e%2e') segments — never collapsed in silence, since the upstream
 * might read them otherwise. An empty last segment (a trailing '/') is kept.
 */
export function normaliseRequestTarget(target: string): NormalisedTarget {
  if (!target.startsWith('/')) return { refused: 'The request target must be a path (origin-form).' };
  if (target.includes('#')) return { refused: 'The request target must not carry a fragment.' };
  const q = target.indexOf('?');
  const raw = q < 0 ? target : target.slice(0, q);
  const query = q < 0 ? '' : target.slice(q + 1);
  if (raw.includes('\\')) return { refused: 'The request path must not contain "\\".' };
  if (!RAW_PATH.test(raw)) return { refused: 'The request path contains characters that must be percent-encoded.' };
  let path = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string;
    if (c !== '%') {
      path += c;
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return { refused: 'The request path has a malformed percent-encoding.' };
    const decoded = String.fromCharCode(Number.parseInt(hex, 16));
    const forbidden = FORBIDDEN_ENCODED[decoded];
    if (forbidden) return { refused: `The request path must not contain an encoded ${forbidden}.` };
    path += UNRESERVED.test(decoded) ? decoded : `%${hex.toUpperCase()}`;
    i += 2;
  }
  try {
    decodeURIComponent(path);
  } catch {
    return { refused: 'The request path has a percent-encoding that is not UTF-8.' };
  }
  const segments = path.split('/').slice(1);
  for (const [i, segment] of segments.entries()) {
    if (segment === '.' || segment === '..') return { refused: 'The request path must not contain "." or ".." segments.' };
    if (segment === '' && i < segments.length - 1) return { refused: 'The request path must not contain empty segments ("//").' };
  }
  return { path, query };
}

export type RouteMatch = { route: GateRoute } | { noRoute: true } | { allow: string[] };

/** The route for (path, method): the longest path that `path` is at or under; among equal paths, the one allowing the method. */
export function matchGateRoute(routes: readonly GateRoute[], path: string, method: string): RouteMatch {
  let longest = -1;
  let candidates: GateRoute[] = [];
  for (const route of routes) {
    if (!pathUnder(path, route.path) || route.path.length < longest) continue;
    if (route.path.length > longest) {
      longest = route.path.length;
      candidates = [];
    }
    candidates.push(route);
  }
  if (candidates.length === 0) return { noRoute: true };
  const route = candidates.find((r) => r.methods === null || r.methods.includes(method));
  if (route) return { route };
  return { allow: [...new Set(candidates.flatMap((r) => r.methods ?? []))] };
}
