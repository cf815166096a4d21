// Telling "the database is unreachable or overloaded right now" apart from a bug: the first is a
// 503 with Retry-After that the client may retry; the second is a 500 logged with a request id.
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'SQLITE_BUSY', 'SQLITE_LOCKED']);

export function isStoreUnavailable(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (CONNECTION_CODES.has(code)) return true;
    // PostgreSQL SQLSTATE classes 08 (connection exception), 53 (insufficient resources),
    // 57P01–57P03 (shutting down, cannot connect now)
    if (/^(08|53)/.test(code) || /^57P0[1-3]$/.test(code)) return true;
  }
  if (typeof message === 'string') {
    return /timeout exceeded when trying to connect|Connection terminated|connection timeout|Client has encountered a connection error|Query read timeout|canceling statement due to statement timeout/i.test(
      message,
    );
  }
  return false;
}

/** Seconds a client should wait before retrying while the database is unavailable. */
export const UNAVAILABLE_RETRY_AFTER = 2;
