// Two writers racing for the same rows: the loser's transaction fails on a unique constraint (both
// inserted what neither saw), a serialization failure or deadlock (PostgreSQL), or a busy snapshot
// (SQLite WAL: its read snapshot went stale before it could write). A plain SQLITE_BUSY is not one:
// it arrives only after the driver waited its whole budget for the lock (sqlite-dialect.ts), and
// running again would wait as long again. Running the whole transaction
// again sees the winner's rows and converges on the same state; no in-process lock is involved,
// so this holds across processes and instances.
const POSTGRES_CONFLICTS = new Set(['23505', '40001', '40P01']);

export function isWriteConflict(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string') return false;
  return POSTGRES_CONFLICTS.has(code) || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** Runs `work` (a whole transaction) again while it loses a race, a few times at most. */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isWriteConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20 * attempt));
    }
  }
}
