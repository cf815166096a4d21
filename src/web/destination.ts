// Where to go after logging in: only a path on this server (never `//host` or a scheme), so the
// login page cannot be made into an open redirector; and always in its percent-encoded form, so
// whatever characters were asked for, the Location header carries only what RFC 9110 §5.5 allows.
export const DEFAULT_DESTINATION = '/user/apps';

const MAX_LENGTH = 8192;
/** A placeholder origin: destinations are resolved against it and must stay on it. */
const HERE = 'http://gatehouse.invalid';

export function safeDestination(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_LENGTH) return DEFAULT_DESTINATION;
  if (!value.startsWith('/') || value.startsWith('//') || /[\u0000-\u001f\u007f\\]/.test(value)) return DEFAULT_DESTINATION;
  let url: URL;
  try {
    url = new URL(value, HERE);
  } catch {
    return DEFAULT_DESTINATION;
  }
  // the URL parser encodes what a header may not hold (non-ASCII, spaces, quotes) and resolves
  // dot segments; a result starting `//` (from `/.//host`) would name another host
  const path = url.pathname + url.search + url.hash;
  if (url.origin !== HERE || path.startsWith('//') || path.length > MAX_LENGTH) return DEFAULT_DESTINATION;
  return path;
}

/** The login_hint of an authorization request we are returning to, to prefill the form. */
export function loginHintOf(destination: string): string | undefined {
  if (!destination.startsWith('/oauth/authorize?')) return undefined;
  return new URLSearchParams(destination.slice('/oauth/authorize?'.length)).get('login_hint') ?? undefined;
}
