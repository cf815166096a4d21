// The refusal to delete something others still name: says who, so the operator knows what to
// change first ("the role "editor" cannot be deleted: it is held by users alice, bob and 3 more, and
// granted by scope editor").
import { InUseError } from './validation-error.js';

export interface Holders {
  /** how they hold it: "held by", "listed by" */
  what: string;
  /** "user", "clients", … */
  kind: string;
  /** the first few names */
  names: string[];
  /** how many there are in all */
  total: number;
}

/** Throws, naming the holders, when any hold it; `field` names the thing's key (id, name). */
export function inUse(field: string, thing: string, holders: Holders[]): void {
  const found = holders.filter((h) => h.total > 0);
  if (found.length === 0) return;
  const parts = found.map((h) => {
    const more = h.total > h.names.length ? ` and ${h.total - h.names.length} more` : '';
    return `${h.what} ${h.kind} ${h.names.join(', ')}${more}`;
  });
  throw new InUseError(field, `${thing} cannot be deleted: it is ${parts.join(', and ')}`);
}
