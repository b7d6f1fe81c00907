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
import type { AuditEntry, CaseStore, SignedHead } from '../../src/index.js';
import type { StoredCase } from '../../src/engine/store.js';
import { dropTables, freshPrefix } from './postgres-tables.js';

/** An audit entry as stored: in clear, or with its event and actor id sealed. */
export type RawEntry = Record<string, unknown>;

/** One store over a place of its own, and the trail as stored there. */
export interface TamperPlace {
  readonly store: CaseStore;
  entries(caseId: string): Promise<RawEntry[]>;
  /** Writes the case's trail as `entries`, in this order (lines of the log, or rows numbered 1, 2, 3…). */
  setEntries(caseId: string, entries: readonly RawEntry[]): Promise<void>;
  /**
   * Rewrites what the case's row or file records beside the trail: its version, its head, and its
   * last entry (as stored), as someone with the disk or the database can, without any key.
   */
  setCase(caseId: string, change: CaseChange): Promise<void>;
  close(): Promise<void>;
}

/** What {@link TamperPlace.setCase} rewrites; an absent field is left as it is. */
export interface CaseChange {
  readonly version?: number;
  readonly head?: SignedHead;
  readonly last?: RawEntry;
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
    const changed = new Map<string, CaseChange>();
    const store: CaseStore = new Proxy(inner, {
      get(target, property, receiver) {
        if (property === 'audit') {
          return async (caseId: string) => (replaced.has(caseId) ? (structuredClone(replaced.get(caseId)!) as unknown as AuditEntry[]) : inner.audit(caseId));
        }
        if (property === 'load') {
          return async (caseId: string): Promise<StoredCase | null> => {
            const record = await inner.load(caseId);
            const change = changed.get(caseId);
            if (!record || !change) return record;
            return { ...record, ...(change.version !== undefined ? { version: change.version } : {}), ...(change.head ? { head: change.head } : {}) };
          };
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
    return {
      store,
      entries: async (caseId) => (await store.audit(caseId)) as unknown as RawEntry[],
      setEntries: async (caseId, entries) => void replaced.set(caseId, structuredClone([...entries])),
      setCase: async (caseId, change) => void changed.set(caseId, { ...changed.get(caseId), ...structuredClone(change) }),
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
      const casePath = (caseId: string) => join(directory, 'cases', `${fileStoreName(caseId)}.json`);
      return {
        store: fileStore({ directory, encryption }),
        entries: async (caseId) => (await fs.readFile(path(caseId), 'utf8')).split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as RawEntry),
        setEntries: (caseId, entries) => fs.writeFile(path(caseId), entries.map((e) => `${JSON.stringify(e)}\n`).join('')),
        async setCase(caseId, change) {
          const stored = JSON.parse(await fs.readFile(casePath(caseId), 'utf8')) as { record: { version: number }; head?: SignedHead; last?: RawEntry };
          if (change.version !== undefined) stored.record.version = change.version;
          if (change.head !== undefined) stored.head = change.head;
          if (change.last !== undefined) stored.last = change.last;
          await fs.writeFile(casePath(caseId), JSON.stringify(stored));
        },
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
        async setCase(caseId, change) {
          if (change.version !== undefined) await c.query(`UPDATE ${p}_cases SET version = $2 WHERE case_id = $1`, [caseId, change.version]);
          if (change.head !== undefined) await c.query(`UPDATE ${p}_cases SET head = $2::jsonb WHERE case_id = $1`, [caseId, JSON.stringify(change.head)]);
          if (change.last !== undefined) {
            await c.query(`UPDATE ${p}_cases SET last_seq = $2, last_hash = $3 WHERE case_id = $1`, [caseId, change.last['seq'], change.last['hash']]);
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
