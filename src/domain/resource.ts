// Resource indicators (RFC 8707, issue 14 part 3): a resource server the operator registered, by
// its absolute URI, with the scopes it accepts. A token asked for it has `aud` = the URI and only
// the granted scopes it accepts.

export interface Resource {
  uri: string;
  scopes: string[];
}

/** Why `uri` cannot name a resource (RFC 8707 §2: absolute, no fragment), or null when it can. */
export function resourceUriProblem(uri: unknown): string | null {
  if (typeof uri !== 'string' || uri.length === 0 || uri.length > 2048) return 'must be an absolute URI of at most 2048 characters';
  if (/[\s\x00-\x1f\x7f]/.test(uri)) return 'must not contain spaces or control characters';
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return `"${uri}" is not an absolute URI`;
  }
  if (!/^[a-z][a-z0-9+.-]*:/i.test(uri)) return `"${uri}" is not an absolute URI`;
  if (uri.includes('#') || parsed.hash) return `"${uri}" must not contain a fragment (RFC 8707 §2)`;
  return null;
}

/** The granted scopes the resource accepts. */
export function scopesFor(resource: Resource, scopes: readonly string[]): string[] {
  return scopes.filter((s) => resource.scopes.includes(s));
}
