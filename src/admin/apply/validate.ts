// Checks an apply document against its JSON Schema before anything is read or written, and says
// what is wrong the way the admin API does: by path (`clients[2].grantType`), with the closest
// known key for a misspelt one.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ValidationError } from '../validation-error.js';
import { applySchema } from './schema.js';
import { APPLY_SECTIONS, SECTION_NAMES } from './sections.js';

let compiled: ValidateFunction | null = null;
/** Compiled on first use: every CLI command loads this module, few apply a file. */
const validator = (): ValidateFunction => {
  compiled ??= new Ajv({ allErrors: true, allowUnionTypes: true, verbose: true }).compile(applySchema());
  return compiled;
};

/** `/clients/2/grantTypes/0` → `clients[2].grantTypes[0]` */
export function pathOf(pointer: string): string {
  let path = '';
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) path += path ? `.${segment}` : segment;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known key a misspelt one most likely meant (case, a letter or two, a plural), if any. */
export function closest(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(key.length / 4)) ? best : null;
}

const TYPES: Record<string, string> = {
  string: 'text',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  array: 'a list',
  object: 'a mapping of keys to values',
  null: 'empty (null)',
};

/** The item an error is in (`clients[2]` → the client section's noun), for "is not a field of a client". */
function nounAt(pointer: string): string | null {
  const [, sectionName, index] = pointer.split('/');
  if (index === undefined) return null;
  return APPLY_SECTIONS.find((s) => s.name === sectionName)?.noun ?? null;
}

function reason(error: ErrorObject): { at: string; message: string } {
  const at = pathOf(error.instancePath);
  const params = error.params as Record<string, unknown>;
  const child = (key: string) => (at ? `${at}.${key}` : key);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const guess = closest(key, known);
      const hint = guess ? ` (did you mean ${guess}?)` : ` (known: ${known.join(', ')})`;
      if (!at) return { at: key, message: `is not a section apply knows${guess ? hint : ` (${SECTION_NAMES.join(', ')})`}` };
      const noun = nounAt(error.instancePath);
      return { at: child(key), message: `is not a field of ${noun ? `a ${noun}` : 'this item'}${hint}` };
    }
    case 'required':
      return { at: child(String(params.missingProperty)), message: 'is required' };
    case 'type': {
      const types = String(params.type)
        .split(',')
        .map((t) => TYPES[t] ?? t);
      return { at, message: `must be ${types.join(' or ')}` };
    }
    case 'enum':
      return { at, message: `must be one of: ${(params.allowedValues as unknown[]).map((v) => (v === null ? 'null' : String(v))).join(', ')}` };
    case 'minLength':
      return { at, message: params.limit === 1 ? 'must not be empty' : `must be at least ${params.limit} characters` };
    case 'maxLength':
      return { at, message: `must be at most ${params.limit} characters` };
    case 'minimum':
      return { at, message: `must be at least ${params.limit}` };
    case 'maximum':
      return { at, message: `must be at most ${params.limit}` };
    case 'maxItems':
      return { at, message: `must list at most ${params.limit} items` };
    case 'anyOf':
      return { at, message: `is not in a form it may take: ${(error.parentSchema as { description?: string }).description ?? 'see docs/apply.schema.json'}` };
    default:
      return { at, message: error.message ?? 'is invalid' };
  }
}

/**
 * The fault to tell, in document order: an anyOf's own error rather than its branches' (verbose:
 * errors carry their schema), and a misspelt key before the required key it was meant to be.
 */
function firstFault(errors: ErrorObject[]): ErrorObject | undefined {
  const faults = errors.filter((e) => !/\/anyOf\/\d+\//.test(e.schemaPath));
  const first = faults[0];
  if (first?.keyword !== 'required') return first;
  return faults.find((e) => e.keyword === 'additionalProperties' && e.instancePath === first.instancePath) ?? first;
}

/**
 * Refuses a document the schema does not describe, naming the first fault by its path; `source`
 * names the whole document (the file) when the fault is the document itself.
 */
export function validateApplyDocument(data: unknown, source: string): void {
  const validate = validator();
  if (validate(data)) return;
  const error = firstFault(validate.errors ?? []);
  if (!error) throw new ValidationError(source, 'is not a valid apply document');
  if (error.instancePath === '' && error.keyword === 'type')
    throw new ValidationError(source, `must hold a mapping with ${SECTION_NAMES.slice(0, -1).join(', ')} and/or ${SECTION_NAMES.at(-1)}`);
  const { at, message } = reason(error);
  throw new ValidationError(at || source, message);
}
