// Where to go after logging in: only a path on this server (never `//host` or a scheme), so the
// login page cannot be made into an open redirector.
export const DEFAULT_DESTINATION = '/user/apps';

export function safeDestination(value: unknown): string {
  if (typeof value !== 'string' || value.length > 8192) return DEFAULT_DESTINATION;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\u0000-\u001f\\]/.test(value)) return DEFAULT_DESTINATION;
  return value;
}

/** The login_hint of an authorization request we are returning to, to prefill the form. */
export function loginHintOf(destination: string): string | undefined {
  if (!destination.startsWith('/oauth/authorize?')) return undefined;
  return new URLSearchParams(destination.slice('/oauth/authorize?'.length)).get('login_hint') ?? undefined;
}
