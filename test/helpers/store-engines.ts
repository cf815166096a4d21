// Store tests on every engine: a suite declared once runs on SQLite in a file and on PostgreSQL
// (a fresh schema each; unreachable PostgreSQL is a skip locally, a failure under CI=true).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type OpenStoreOptions, openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { dropSchema, freshSchemaName, POSTGRES_URL, postgresSkip } from './postgres.js';

export interface EngineStores {
  /** the store under test, migrated */
  store: Store;
  /** a second store over the same database, as another process would open it */
  other: Store;
}

interface Engine {
  name: string;
  skip: () => Promise<false | string>;
  open: (options: OpenStoreOptions) => Promise<EngineStores & { cleanup: () => Promise<void> }>;
}

const ENGINES: Engine[] = [
  {
    name: 'SQLite (file)',
    skip: async () => false,
    open: async (options) => {
      const dir = mkdtempSync(join(tmpdir(), 'gatehouse-store-'));
      const url = `sqlite:${join(dir, 'gh.db')}`;
      const store = await openStore(url, options);
      const other = await openStore(url, options);
      return {
        store,
        other,
        cleanup: async () => {
          await other.close();
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    skip: postgresSkip,
    open: async (options) => {
      const schema = freshSchemaName();
      const store = await openStore(POSTGRES_URL, { poolSize: 4, ...options, schema });
      const other = await openStore(POSTGRES_URL, { poolSize: 2, ...options, schema });
      return {
        store,
        other,
        cleanup: async () => {
          await other.close();
          await store.close();
          await dropSchema(schema);
        },
      };
    },
  },
];

/** What a suite declared on every engine is given. */
export interface EngineSuite {
  /** declares a test (skipped with the engine) */
  it(name: string, fn: () => Promise<void>): void;
  /** runs `fn` once the stores are open (not when the engine is skipped) */
  before(fn: () => void | Promise<void>): void;
  /** the migrated stores, once open */
  stores(): EngineStores;
}

/** Declares `suite` once per engine, each over stores of its own opened with `options`. */
export function describeOnEngines(title: string, suite: (engine: EngineSuite) => void, options: OpenStoreOptions = {}): void {
  for (const engine of ENGINES) {
    describe(`${title} on ${engine.name}`, async () => {
      const reason = await engine.skip();
      let opened: (EngineStores & { cleanup: () => Promise<void> }) | null = null;
      before(async () => {
        if (reason) return;
        opened = await engine.open(options);
        await opened.store.migrate();
      });
      after(async () => {
        await opened?.cleanup();
      });
      suite({
        it: (name, fn) => test(name, { skip: reason || false }, fn),
        before: (fn) => before(async () => (reason ? undefined : fn())),
        stores: () => {
          if (!opened) throw new Error('the stores are opened when the suite starts');
          return opened;
        },
      });
    });
  }
}
