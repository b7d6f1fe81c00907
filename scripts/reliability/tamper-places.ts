/**
 * The stores of the tamper matrix, each with raw access to a case's trail as someone with the disk,
 * the database or the process's memory has it: the entries as stored (sealed or in clear), read and
 * written back whole, in order.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { fileStore, fileStoreName } from '../../adapters/file.js';
import { memoryStore } from '../../adapters/memory.js';
import { migrate, postgresStore, type PGliteLike, type PgPoolLike } from '../../adapters/postgres.js';
import type { EncryptionOptions } from '../../adapters/sealing.js';
import type { AuditEntry, CaseStore } from '../../src/index.js';
import { dropTables, freshPrefix } from './postgres-tables.js';

/** An audit entry as stored: in clear, or with its event and actor id sealed. */
export type RawEntry = Record<string, unknown>;

/** One store over a place of its own, and the trail as stored there. */
export interface TamperPlace {
  readonly store: CaseStore;
  entries(caseId: string): Promise<RawEntry[]>;
  /** Writes the case's trail as `entries`, in this order (lines of the log, or rows numbered 1, 2, 3…). */
  setEntries(caseId: string, entries: readonly RawEntry[]): Promise<void>;
  close(): Promise<void>;
}

/** A kind of store of the matrix; `open` is null for a sealed store when the kind cannot seal. */
export interface TamperStore {
  readonly name: string;
  readonly canSeal: boolean;
  open(encryption: EncryptionOptions | undefined): Promise<TamperPlace>;
  end(): Promise<void>;
}

/**
 * The memory store keeps its trail in the process, out of reach of anything but that process: here
 * the trail it returns is replaced, as code running in the host's process could.
 */
const memory: TamperStore = {
  name: 'memory',
  canSeal: false,
  async open() {
    const inner = memoryStore();
    const replaced = new Map<string, RawEntry[]>();
    const store: CaseStore = new Proxy(inner, {
      get(target, property, receiver) {
        if (property === 'audit') {
          return async (caseId: string) => (replaced.has(caseId) ? (structuredClone(replaced.get(caseId)!) as unknown as AuditEntry[]) : inner.audit(caseId));
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    return {
      store,
      entries: async (caseId) => (await store.audit(caseId)) as unknown as RawEntry[],
      setEntries: async (caseId, entries) => void replaced.set(caseId, structuredClone([...entries])),
      close: async () => undefined,
    };
  },
  end: async () => undefined,
};

function file(): TamperStore {
  const directories: string[] = [];
  return {
    name: 'file',
    canSeal: true,
    async open(encryption) {
      const directory = await fs.mkdtemp(join(tmpdir(), 'caf-step-down-tamper-'));
      directories.push(directory);
      const path = (caseId: string) => join(directory, 'audit', `${fileStoreName(caseId)}.jsonl`);
      return {
        store: fileStore({ directory, encryption }),
        entries: async (caseId) => (await fs.readFile(path(caseId), 'utf8')).split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as RawEntry),
        setEntries: (caseId, entries) => fs.writeFile(path(caseId), entries.map((e) => `${JSON.stringify(e)}\n`).join('')),
        close: async () => undefined,
      };
    },
    end: async () => void (await Promise.all(directories.map((d) => fs.rm(d, { recursive: true, force: true })))),
  };
}

function sql(name: string, client: () => PgPoolLike | PGliteLike, end: () => Promise<void>, dropAll: (prefixes: string[]) => Promise<void>): TamperStore {
  const prefixes: string[] = [];
  return {
    name,
    canSeal: true,
    async open(encryption) {
      const c = client();
      const p = freshPrefix();
      prefixes.push(p);
      await migrate(c, p);
      return {
        store: postgresStore({ client: c, tablePrefix: p, encryption }),
        entries: async (caseId) => (await c.query<{ entry: RawEntry }>(`SELECT entry FROM ${p}_audit WHERE case_id = $1 ORDER BY seq`, [caseId])).rows.map((r) => r.entry),
        async setEntries(caseId, entries) {
          await c.query(`DELETE FROM ${p}_audit WHERE case_id = $1`, [caseId]);
          for (const [i, entry] of entries.entries()) {
            await c.query(`INSERT INTO ${p}_audit (case_id, seq, entry) VALUES ($1, $2, $3::jsonb)`, [caseId, i + 1, JSON.stringify(entry)]);
          }
        },
        close: async () => undefined,
      };
    },
    end: async () => {
      await dropAll(prefixes);
      await end();
    },
  };
}

/** Every store of the matrix; the PostgreSQL server only with a URL. */
export function tamperStores(databaseUrl: string | undefined): TamperStore[] {
  let lite: PGlite | null = null;
  const stores = [
    memory,
    file(),
    sql('postgres (PGlite)', () => (lite ??= new PGlite()), async () => void (await lite?.close()), async () => undefined),
  ];
  if (databaseUrl) {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
    stores.push(sql('postgres (server)', () => pool, () => pool.end(), async (prefixes) => void (await Promise.all(prefixes.map((p) => dropTables(pool, p))))));
  }
  return stores;
}
