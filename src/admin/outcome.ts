// What an idempotent create-or-update did, for `apply`'s report and its --dry-run.
export type Outcome = 'created' | 'updated' | 'unchanged';

export interface Upserted {
  outcome: Outcome;
  /** for an update, the fields whose values changed (names only, never values) */
  changed: string[];
}

export const UNCHANGED: Upserted = { outcome: 'unchanged', changed: [] };
