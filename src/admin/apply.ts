// `gatehouse apply FILE`: the declared roles, scopes, users and clients are made to exist as
// written, in one transaction; running it again changes nothing. It runs as the operator. Passwords
// are checked and hashed before the transaction opens, so it holds the database's write lock only
// for quick reads and writes (a running SQLite instance beside it waits milliseconds, not seconds).
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { OPERATOR } from './actor.js';
import type { AdminContext } from './admin-context.js';
import { retryOnConflict } from '../store/write-conflict.js';
import { upsertClient, type ClientInput } from './clients.js';
import { upsertRole, type RoleInput } from './roles.js';
import { upsertScope, type ScopeInput } from './scopes.js';
import { preparePassword, StalePasswordError, upsertUser, validatePassword, type PreparedPassword, type UserInput } from './users.js';
import { ValidationError } from './validation-error.js';

export interface ApplyDocument {
  roles?: RoleInput[];
  scopes?: ScopeInput[];
  users?: UserInput[];
  clients?: ClientInput[];
}

export type Outcome = 'created' | 'updated' | 'unchanged';

export interface ApplyReport {
  roles: Record<string, Outcome>;
  scopes: Record<string, Outcome>;
  users: Record<string, Outcome>;
  clients: Record<string, Outcome>;
  /** secrets generated for confidential clients that had none; shown once */
  generatedSecrets: Record<string, string>;
}

const SECTIONS = ['roles', 'scopes', 'users', 'clients'] as const;

export function parseApplyDocument(text: string, fileName: string): ApplyDocument {
  let data: unknown;
  try {
    data = fileName.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ValidationError(fileName, `is not valid ${fileName.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new ValidationError(fileName, 'must hold a mapping with roles, scopes, users and/or clients');
  for (const key of Object.keys(data)) {
    if (!(SECTIONS as readonly string[]).includes(key)) throw new ValidationError(key, `is not a section apply knows (${SECTIONS.join(', ')})`);
    const section = (data as Record<string, unknown>)[key];
    if (!Array.isArray(section) || section.some((item) => !item || typeof item !== 'object' || Array.isArray(item))) {
      throw new ValidationError(key, 'must be a list of objects');
    }
  }
  return data as ApplyDocument;
}

function at(section: string, index: number, label: unknown, error: unknown): never {
  if (error instanceof ValidationError)
    throw new ValidationError(
      `${section}[${index}${typeof label === 'string' ? ` ${label}` : ''}].${error.field}`,
      error.message.slice(error.field.length + 2),
    );
  throw error;
}

/** How many passwords are prepared at once; argon2 itself runs at most one per core (passwords.ts). */
const PREPARING = 8;

/**
 * Each user's password (by index in the document) checked against the stored hash and hashed
 * unless it verifies, outside any transaction.
 */
async function preparePasswords(ctx: AdminContext, users: UserInput[]): Promise<Map<number, PreparedPassword>> {
  // refuse a bad password before any hashing, the first in document order
  for (const [i, user] of users.entries()) {
    try {
      if (user.password !== undefined) validatePassword(user.password);
    } catch (error) {
      at('users', i, user.name, error);
    }
  }
  // a user listed twice with one password gets one hash: the second entry then finds it stored
  const byUser = new Map<string, { user: UserInput; indexes: number[] }>();
  for (const [i, user] of users.entries()) {
    if (user.password === undefined) continue;
    const key = `${String(user.name).toLowerCase()}\u0000${String(user.password)}`;
    const entry = byUser.get(key) ?? { user, indexes: [] };
    entry.indexes.push(i);
    byUser.set(key, entry);
  }
  const prepared = new Map<number, PreparedPassword>();
  const pending = [...byUser.values()];
  const worker = async (): Promise<void> => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      const { user, indexes } = next;
      const existing = typeof user.name === 'string' ? await ctx.store.users.findByName(user.name) : null;
      const password = await preparePassword(user.password, existing?.passHash ?? null);
      for (const i of indexes) prepared.set(i, password);
    }
  };
  await Promise.all(Array.from({ length: PREPARING }, worker));
  return prepared;
}

export async function applyDocument(ctx: AdminContext, doc: ApplyDocument): Promise<ApplyReport> {
  for (let attempt = 1; ; attempt++) {
    const passwords = await preparePasswords(ctx, doc.users ?? []);
    try {
      return await applyPrepared(ctx, doc, passwords);
    } catch (error) {
      // a password changed between its check and the transaction: check again (rare, bounded)
      if (!(error instanceof StalePasswordError) || attempt >= 3) throw error;
    }
  }
}

async function applyPrepared(ctx: AdminContext, doc: ApplyDocument, passwords: Map<number, PreparedPassword>): Promise<ApplyReport> {
  let report: ApplyReport = { roles: {}, scopes: {}, users: {}, clients: {}, generatedSecrets: {} };
  // two applies at once (two deploys, two instances starting): the loser runs again and finds
  // the winner's rows, so both end in the state the document describes
  await retryOnConflict(() =>
    ctx.store.transaction(async (store) => {
      report = { roles: {}, scopes: {}, users: {}, clients: {}, generatedSecrets: {} };
      const tx = { ...ctx, store };
      for (const [i, role] of (doc.roles ?? []).entries()) {
        try {
          report.roles[role.id] = await upsertRole(store, role);
        } catch (error) {
          at('roles', i, role.id, error);
        }
      }
      // umbrella scopes first, so children can name them as parents
      const scopes = (doc.scopes ?? []).map((s, i) => [s, i] as const).sort(([a], [b]) => Number(b.umbrella === true) - Number(a.umbrella === true));
      for (const [scope, i] of scopes) {
        try {
          report.scopes[scope.name] = await upsertScope(store, scope, OPERATOR);
        } catch (error) {
          at('scopes', i, scope.name, error);
        }
      }
      for (const [i, user] of (doc.users ?? []).entries()) {
        try {
          report.users[user.name] = await upsertUser(tx, user, store, passwords.get(i));
        } catch (error) {
          at('users', i, user.name, error);
        }
      }
      for (const [i, client] of (doc.clients ?? []).entries()) {
        try {
          const { outcome, secret } = await upsertClient(tx, client, OPERATOR, store);
          report.clients[client.clientId] = outcome;
          if (secret) report.generatedSecrets[client.clientId] = secret;
        } catch (error) {
          at('clients', i, client.clientId, error);
        }
      }
    }),
  );
  return report;
}

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Applies a JSON or YAML file; `-` reads the document from standard input (YAML, of which JSON is a part). */
export async function applyFile(ctx: AdminContext, path: string): Promise<ApplyReport> {
  let text: string;
  try {
    text = path === '-' ? await readStandardInput() : await readFile(path, 'utf8');
  } catch {
    throw new ValidationError(path, 'cannot be read');
  }
  return applyDocument(ctx, parseApplyDocument(text, path === '-' ? 'standard input' : path));
}
