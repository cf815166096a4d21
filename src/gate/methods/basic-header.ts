// Reading `Authorization: Basic base64(user-id ":" password)` (RFC 7617 §2), shared by the
// `basic` and `api_key` gate methods: the scheme case-insensitive, strict base64, UTF-8, the
// user-id up to the first colon.

const BASIC = /^Basic +([A-Za-z0-9+/]+={0,2}) *$/i;

/** The header names the Basic scheme (whatever follows). */
export function isBasic(authorization: string | undefined): authorization is string {
  return authorization !== undefined && /^Basic(\s|$)/i.test(authorization);
}

/** user-id and password, or null when the value is no well-formed Basic credential. */
export function parseBasic(authorization: string): { user: string; password: string } | null {
  const match = BASIC.exec(authorization);
  if (!match || match[1]!.length % 4 !== 0) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0 || decoded.includes('\ufffd') || /[\u0000-\u001f\u007f]/.test(decoded)) return null;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
