// `gatehouse apply FILE`: the declared roles, scopes, users and clients (apply/sections.ts) are made
// to exist as written, in one transaction, as the operator; running it again changes nothing. The
// document is checked against its JSON Schema first (docs/apply.schema.json). Slow work (hashing
// passwords) is done before the transaction opens, so it holds the database's write lock only for
// quick reads and writes. A dry run does all of it, reports, and rolls the transaction back.
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { retryOnConflict } from '../store/write-conflict.js';
import { within, type AdminContext } from './admin-context.js';
import type { ClientInput } from './client-input.js';
import type { Outcome } from './outcome.js';
import type { RoleInput } from './roles.js';
import type { ClaimMappingInput } from './claim-mappings.js';
import type { ResourceInput } from './resources.js';
import type { ScopeInput } from './scopes.js';
import { StalePasswordError, type UserInput } from './user-input.js';
import { ValidationError } from './validation-error.js';
import { APPLY_SECTIONS } from './apply/sections.js';
import { validateApplyDocument } from './apply/validate.js';
import type { RegistrationPolicyInput } from './registration.js';

export type { Outcome } from './outcome.js';

export interface ApplyDocument {
  roles?: RoleInput[];
  scopes?: ScopeInput[];
  users?: UserInput[];
  resources?: ResourceInput[];
  clients?: ClientInput[];
  /** gate routes (src/domain/gate-route.ts): present, the stored set becomes exactly this list */
  routes?: Record<string, unknown>[];
  registrationPolicy?: RegistrationPolicyInput;
  claims?: ClaimMappingInput[];
}

export type SectionName = keyof ApplyDocument;

/** what apply did to one item; `removed`: a route no longer in the file's `routes:` */
export type ApplyOutcome = Outcome | 'removed';

export type ApplyReport = Record<SectionName, Record<string, ApplyOutcome>> & {
  /** true: nothing was written; this is what applying the document would do */
  dryRun: boolean;
  /** per section, the fields each updated item changes */
  changed: Record<SectionName, Record<string, string[]>>;
  /** secrets generated for confidential clients that had none; shown once (never in a dry run) */
  generatedSecrets: Record<string, string>;
  /** clients that will get a generated secret (a dry run's note of generatedSecrets) */
  secretsToGenerate: string[];
};

/** Reads a document's text (YAML, of which JSON is a part; `.json` files as JSON) and checks it against the schema. */
export function parseApplyDocument(text: string, fileName: string): ApplyDocument {
  let data: unknown;
  try {
    data = fileName.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ValidationError(fileName, `is not valid ${fileName.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`);
  }
  validateApplyDocument(data, fileName);
  return data as ApplyDocument;
}

/** A refusal of item `index` of `section`, named by its path in the document. */
function at(section: string, index: number, error: unknown): never {
  const path = APPLY_SECTIONS.find((s) => s.name === section)?.single ? section : `${section}[${index}]`;
  if (error instanceof ValidationError) throw new ValidationError(`${path}.${error.field}`, error.message.slice(error.field.length + 2));
  throw error;
}

function emptyReport(dryRun: boolean): ApplyReport {
  const byName = <T>(make: () => T) => Object.fromEntries(APPLY_SECTIONS.map((s) => [s.name, make()]));
  return {
    ...(byName(() => ({})) as Record<SectionName, Record<string, ApplyOutcome>>),
    dryRun,
    changed: byName(() => ({})) as Record<SectionName, Record<string, string[]>>,
    generatedSecrets: {},
    secretsToGenerate: [],
  };
}

/** Thrown at the end of a dry run's transaction to roll it back, carrying its report out. */
class DryRunRollback extends Error {
  constructor(readonly report: ApplyReport) {
    super('dry run: rolled back');
  }
}

export async function applyDocument(ctx: AdminContext, doc: ApplyDocument, options: { dryRun?: boolean } = {}): Promise<ApplyReport> {
  validateApplyDocument(doc, 'document');
  const dryRun = options.dryRun === true;
  const items = (name: string): unknown[] => {
    const value = (doc as Record<string, unknown>)[name];
    // a single section (registrationPolicy) is its one item
    return value === undefined ? [] : Array.isArray(value) ? value : [value];
  };
  for (let attempt = 1; ; attempt++) {
    const prepared = new Map<string, unknown>();
    for (const section of APPLY_SECTIONS) if (section.prepare) prepared.set(section.name, await section.prepare(ctx, items(section.name), dryRun));
    try {
      return await applyPrepared(ctx, items, (name) => Object.hasOwn(doc, name), prepared, dryRun);
    } catch (error) {
      // a password changed between its check and the transaction: check again (rare, bounded)
      if (!(error instanceof StalePasswordError) || attempt >= 3) throw error;
    }
  }
}

async function applyPrepared(
  ctx: AdminContext,
  items: (name: string) => unknown[],
  present: (name: string) => boolean,
  prepared: Map<string, unknown>,
  dryRun: boolean,
): Promise<ApplyReport> {
  let report = emptyReport(dryRun);
  try {
    // two applies at once (two deploys, two instances starting): the loser runs again and finds
    // the winner's rows, so both end in the state the document describes
    await retryOnConflict(() =>
      ctx.store.transaction(async (store) => {
        report = emptyReport(dryRun);
        const tx = within(ctx, store);
        for (const section of APPLY_SECTIONS) {
          const list = items(section.name);
          if (section.applyAll) {
            if (present(section.name)) Object.assign(report[section.name as SectionName], await section.applyAll(tx, list, prepared.get(section.name)));
            continue;
          }
          const ordered = section.order ? section.order(list) : list.map((item, i) => [item, i] as [unknown, number]);
          for (const [item, i] of ordered) {
            try {
              const key = section.key(item);
              const { outcome, changed, secret } = await section.upsert(tx, item, i, prepared.get(section.name));
              report[section.name as SectionName][key] = outcome;
              if (changed.length) report.changed[section.name as SectionName][key] = changed;
              if (secret) {
                if (dryRun) report.secretsToGenerate.push(key);
                else report.generatedSecrets[key] = secret;
              }
            } catch (error) {
              at(section.name, i, error);
            }
          }
        }
        if (dryRun) throw new DryRunRollback(report);
      }),
    );
  } catch (error) {
    if (error instanceof DryRunRollback) return error.report;
    throw error;
  }
  return report;
}

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Applies a JSON or YAML file; `-` reads the document from standard input (YAML, of which JSON is a part). */
export async function applyFile(ctx: AdminContext, path: string, options: { dryRun?: boolean } = {}): Promise<ApplyReport> {
  let text: string;
  try {
    text = path === '-' ? await readStandardInput() : await readFile(path, 'utf8');
  } catch {
    throw new ValidationError(path, 'cannot be read');
  }
  return applyDocument(ctx, parseApplyDocument(text, path === '-' ? 'standard input' : path), options);
}
