import { fileStore } from '../../adapters/file.js';
import { memoryStore } from '../../adapters/memory.js';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import type { CaseStore } from '../engine/store.js';
import { StepDownError } from '../errors.js';
import { storeSpecHelp } from './store-spec.js';

/** A store opened for the command line, with what it takes to let it go. */
export interface OpenedStore {
  readonly store: CaseStore;
  /** Says which store, without credentials: `memory`, `file:<dir>`, `postgres:<host>/<database>`. */
  readonly label: string;
  /** True for the in-memory store: nothing outlives the command. */
  readonly ephemeral: boolean;
  close(): Promise<void>;
}

export { storeSpecHelp } from './store-spec.js';

/**
 * Opens the store a `--store` value names. PostgreSQL goes through `pg`, imported only here and
 * only when asked for, so a host that never uses it need not install it (it is an optional peer
 * dependency); the tables are created if missing (`migrate` is safe to run at every start).
 *
 * @throws StepDownError `INVALID_ARGUMENT` for a value that names no store, or when `pg` is not
 *   installed; `STORE_FAILURE` when the database cannot be reached (the reason in words, never
 *   the URL, which may hold a password)
 *
 * @example
 * ```ts
 * const { store, close } = await openStore('file:/tmp/step-down');
 * ```
 */
export async function openStore(spec: string | undefined): Promise<OpenedStore> {
  if (spec === undefined || spec === 'memory') {
    return { store: memoryStore(), label: 'memory', ephemeral: true, close: async () => undefined };
  }
  if (spec.startsWith('file:')) {
    const directory = spec.slice('file:'.length);
    if (directory === '') throw new StepDownError('INVALID_ARGUMENT', `--store file: needs a directory, e.g. file:./cases.`);
    const store = fileStore({ directory });
    return { store, label: `file:${directory}`, ephemeral: false, close: async () => store.close?.() };
  }
  const url = /^postgres(ql)?:\/\//.test(spec) ? spec : spec.startsWith('postgres:') ? spec.slice('postgres:'.length) : null;
  if (url !== null) return openPostgres(url);
  throw new StepDownError('INVALID_ARGUMENT', `--store takes ${storeSpecHelp}.`);
}

interface PoolLike {
  connect(): Promise<{ query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>; release(): void }>;
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}

async function openPostgres(url: string): Promise<OpenedStore> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StepDownError('INVALID_ARGUMENT', `--store postgres: needs a connection URL, e.g. postgres:postgres://user@localhost:5432/stepdown.`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StepDownError('INVALID_ARGUMENT', `--store postgres: needs a postgres:// or postgresql:// URL.`);
  }
  const label = `postgres:${parsed.hostname || 'localhost'}${parsed.port ? `:${parsed.port}` : ''}${parsed.pathname}`;
  let Pool: new (config: { connectionString: string; connectionTimeoutMillis: number; max: number }) => PoolLike;
  try {
    // Imported here, at run time, and only for this store: pg is an optional peer dependency (tsup
    // leaves peer dependencies external), so the CLI runs without it until --store postgres asks.
    const pg = (await import('pg')) as unknown as { Pool?: typeof Pool; default?: { Pool?: typeof Pool } };
    const found = pg.Pool ?? pg.default?.Pool;
    if (!found) throw new Error('no Pool export');
    Pool = found;
  } catch {
    throw new StepDownError('INVALID_ARGUMENT', "The PostgreSQL store needs the 'pg' package: run npm install pg.");
  }
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: 10_000, max: 4 });
  try {
    await migrate(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new StepDownError('STORE_FAILURE', `Cannot use the PostgreSQL store at ${label}: ${databaseProblem(error)}.`, { store: label });
  }
  const store = postgresStore({ client: pool });
  return { store, label, ephemeral: false, close: () => pool.end() };
}

/** A database failure in words: by its code, never by the driver's text (which can echo the URL). */
function databaseProblem(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  const known: Readonly<Record<string, string>> = {
    ECONNREFUSED: 'the connection was refused (is the server running?)',
    ENOTFOUND: 'the host was not found',
    ETIMEDOUT: 'the connection timed out',
    EAI_AGAIN: 'the host name could not be resolved',
    '28P01': 'password authentication failed',
    '28000': 'the server refused the login',
    '3D000': 'the database does not exist',
    '42501': 'the user may not create the tables',
  };
  if (typeof code === 'string') return known[code] ?? `the database reported ${code}`;
  if (error instanceof Error && /timeout/i.test(error.message)) return 'the connection timed out';
  return 'the connection failed';
}
