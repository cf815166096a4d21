// Redirect URI matching (RFC 9700 §4.1.3): exact string comparison, except that for http
// loopback redirects (127.0.0.1, [::1]) the port may differ (RFC 8252 §7.3).
const LOOPBACK = new Set(['127.0.0.1', '[::1]']);

function loopbackWithoutPort(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || !LOOPBACK.has(url.hostname)) return null;
  // compare everything but the port, as written
  return uri.replace(/^http:\/\/(127\.0\.0\.1|\[::1\])(:\d+)?/, 'http://$1');
}

export function redirectUriMatches(registered: readonly string[], requested: string): boolean {
  if (registered.includes(requested)) return true;
  const bare = loopbackWithoutPort(requested);
  return bare !== null && registered.some((r) => loopbackWithoutPort(r) === bare);
}
