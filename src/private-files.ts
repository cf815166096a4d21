// Files that hold Gatehouse's secrets (the SQLite database and its WAL/SHM files, the generated
// secret) and their folder: created owner-only whatever the umask; found wider, reported — an
// operator's existing modes are never changed behind their back.
import { chmodSync, closeSync, existsSync, fchmodSync, mkdirSync, openSync, statSync } from 'node:fs';

export type Warn = (message: string) => void;

export const PRIVATE_DIRECTORY = 0o700;
export const PRIVATE_FILE = 0o600;

/** Reports a path whose mode grants more than `allowed` (group or other may read or write it). */
export function reportWideMode(path: string, allowed: number, warn: Warn): void {
  const mode = statSync(path).mode & 0o777;
  if ((mode & ~allowed) !== 0) {
    warn(
      `${path} has mode ${octal(mode)}, wider than ${octal(allowed)}: other accounts on this machine can read what Gatehouse keeps there (chmod ${allowed.toString(8)} ${path})`,
    );
  }
}

/** The folder, created 0700 (with any missing parents) if absent; reported if it exists wider. */
export function ensurePrivateDirectory(dir: string, warn: Warn): void {
  if (existsSync(dir)) {
    reportWideMode(dir, PRIVATE_DIRECTORY, warn);
    return;
  }
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIRECTORY });
  chmodSync(dir, PRIVATE_DIRECTORY); // the umask only takes bits away, but set it exactly
}

/** An empty file created 0600 if absent (true), or the existing one reported if wider (false). */
export function ensurePrivateFile(path: string, warn: Warn): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', PRIVATE_FILE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    reportWideMode(path, PRIVATE_FILE, warn);
    return false;
  }
  try {
    fchmodSync(fd, PRIVATE_FILE);
  } finally {
    closeSync(fd);
  }
  return true;
}

function octal(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0');
}
