import { StepDownError } from '../src/errors.js';
import { chainEntry } from '../src/engine/audit-chain.js';
import type { AuditDraft, AuditEntry, CaseStore, OutboxMessage, StoredCase } from '../src/engine/store.js';

/** What the store needs of a connection: a query, and a transaction that runs queries on one connection. */
interface Sql {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** The part of a `pg` Pool the store uses. */
export interface PgPoolLike {
  connect(): Promise<Sql & { release(): void }>;
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** The part of a PGlite instance the store uses. */
export interface PGliteLike {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** A `pg` Pool, or a PGlite instance: the same SQL runs on both. */
  readonly client: PgPoolLike | PGliteLike;
  /** Prefix of the table names (default `step_down`). Letters, digits and underscores only. */
  readonly tablePrefix?: string;
}

/**
 * The schema, one entry per version. `migrate` applies the ones not yet applied, in order; a host
 * that runs its own migrations prints them with {@link migrationSql}.
 */
export function migrations(prefix = 'step_down'): readonly { version: number; sql: string }[] {
  checkPrefix(prefix);
  return [
    {
      version: 1,
      sql: `
CREATE TABLE IF NOT EXISTS ${prefix}_cases (
  case_id text PRIMARY KEY,
  version integer NOT NULL,
  snapshot jsonb NOT NULL,
  next_due_at bigint,
  last_seq integer NOT NULL,
  last_hash text NOT NULL
);
CREATE INDEX IF NOT EXISTS ${prefix}_cases_next_due ON ${prefix}_cases (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${prefix}_audit (
  case_id text NOT NULL,
  seq integer NOT NULL,
  entry jsonb NOT NULL,
  PRIMARY KEY (case_id, seq)
);
CREATE TABLE IF NOT EXISTS ${prefix}_outbox (
  id text PRIMARY KEY,
  case_id text NOT NULL,
  notification jsonb NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  available_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS ${prefix}_outbox_available ON ${prefix}_outbox (available_at);`,
    },
  ];
}

/** The whole schema as one SQL script, for a host that applies migrations itself. */
export function migrationSql(prefix = 'step_down'): string {
  return migrations(prefix).map((m) => `-- version ${m.version}${m.sql}\n`).join('\n');
}

/**
 * Creates the tables, applying each migration not yet applied, in one transaction. Safe to call at
 * every start and from several processes (an advisory lock serialises them).
 */
export async function migrate(client: PgPoolLike | PGliteLike, prefix = 'step_down'): Promise<number[]> {
  return inTransaction(client, async (sql) => {
    await sql.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`${prefix}_migrations`]);
    await sql.query(`CREATE TABLE IF NOT EXISTS ${prefix}_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await sql.query<{ version: number }>(`SELECT version FROM ${prefix}_migrations`)).rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of migrations(prefix)) {
      if (done.has(migration.version)) continue;
      for (const statement of migration.sql.split(';').map((s) => s.trim()).filter(Boolean)) await sql.query(statement);
      await sql.query(`INSERT INTO ${prefix}_migrations (version) VALUES ($1)`, [migration.version]);
      applied.push(migration.version);
    }
    return applied;
  });
}

/**
 * A store in PostgreSQL (a server through `pg`, or PGlite in process). Optimistic concurrency on the
 * case's version column; the case row lock orders each case's audit chain; `FOR UPDATE SKIP LOCKED`
 * lets several processes sweep due deadlines and claim the outbox without waiting on each other.
 * Call {@link migrate} once before use.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { postgresStore, migrate } from 'caf-step-down/adapters/postgres';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * const engine = createCaseEngine({ store: postgresStore({ client: pool }) });
 * ```
 */
export function postgresStore(options: PostgresStoreOptions): CaseStore {
  const { client } = options;
  const p = options.tablePrefix ?? 'step_down';
  checkPrefix(p);

  const insertRest = async (sql: Sql, draft: AuditDraft, previous: { seq: number; hash: string } | null, outbox: readonly OutboxMessage[]) => {
    const entry = chainEntry(previous, draft);
    await sql.query(`INSERT INTO ${p}_audit (case_id, seq, entry) VALUES ($1, $2, $3::jsonb)`, [entry.caseId, entry.seq, JSON.stringify(entry)]);
    for (const m of outbox) {
      await sql.query(
        `INSERT INTO ${p}_outbox (id, case_id, notification, attempts, available_at) VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT (id) DO NOTHING`,
        [m.id, m.caseId, JSON.stringify(m.notification), m.attempts, m.availableAt],
      );
    }
    return entry;
  };

  const lockCase = async (sql: Sql, caseId: string) =>
    (await sql.query<{ version: number; last_seq: number; last_hash: string }>(
      `SELECT version, last_seq, last_hash FROM ${p}_cases WHERE case_id = $1 FOR UPDATE`,
      [caseId],
    )).rows[0];

  return {
    async load(caseId) {
      const row = (await client.query<{ version: number; snapshot: StoredCase['snapshot']; next_due_at: string | number | null }>(
        `SELECT version, snapshot, next_due_at FROM ${p}_cases WHERE case_id = $1`,
        [caseId],
      )).rows[0];
      if (!row) return null;
      return { caseId, version: row.version, snapshot: row.snapshot, nextDueAt: row.next_due_at === null ? null : Number(row.next_due_at) };
    },
    async create(record, draft, outbox) {
      return inTransaction(client, async (sql) => {
        const entry = chainEntry(null, draft);
        const inserted = await sql.query(
          `INSERT INTO ${p}_cases (case_id, version, snapshot, next_due_at, last_seq, last_hash)
           VALUES ($1, $2, $3::jsonb, $4, 0, '') ON CONFLICT (case_id) DO NOTHING RETURNING case_id`,
          [record.caseId, record.version, JSON.stringify(record.snapshot), record.nextDueAt],
        );
        if (inserted.rows.length === 0) {
          throw new StepDownError('CASE_EXISTS', `Case ${record.caseId} already exists; open it once, then send events.`, {
            caseId: record.caseId,
          });
        }
        await insertRest(sql, draft, null, outbox);
        await sql.query(`UPDATE ${p}_cases SET last_seq = $2, last_hash = $3 WHERE case_id = $1`, [record.caseId, entry.seq, entry.hash]);
        return entry;
      });
    },
    async save(record, expectedVersion, draft, outbox) {
      return inTransaction(client, async (sql) => {
        const row = await lockCase(sql, record.caseId);
        if (!row) throw new StepDownError('UNKNOWN_CASE', `No case ${record.caseId}.`, { caseId: record.caseId });
        if (row.version !== expectedVersion) {
          throw new StepDownError(
            'VERSION_CONFLICT',
            `Case ${record.caseId} is at version ${row.version}, not ${expectedVersion}: reload it and send again.`,
            { caseId: record.caseId, expectedVersion, actualVersion: row.version },
          );
        }
        const entry = await insertRest(sql, draft, { seq: row.last_seq, hash: row.last_hash }, outbox);
        await sql.query(
          `UPDATE ${p}_cases SET version = $2, snapshot = $3::jsonb, next_due_at = $4, last_seq = $5, last_hash = $6 WHERE case_id = $1`,
          [record.caseId, record.version, JSON.stringify(record.snapshot), record.nextDueAt, entry.seq, entry.hash],
        );
        return entry;
      });
    },
    async appendAudit(draft, outbox) {
      return inTransaction(client, async (sql) => {
        const row = await lockCase(sql, draft.caseId);
        if (!row) throw new StepDownError('UNKNOWN_CASE', `No case ${draft.caseId}.`, { caseId: draft.caseId });
        const entry = await insertRest(sql, draft, { seq: row.last_seq, hash: row.last_hash }, outbox);
        await sql.query(`UPDATE ${p}_cases SET last_seq = $2, last_hash = $3 WHERE case_id = $1`, [draft.caseId, entry.seq, entry.hash]);
        return entry;
      });
    },
    async audit(caseId) {
      const rows = (await client.query<{ entry: AuditEntry }>(`SELECT entry FROM ${p}_audit WHERE case_id = $1 ORDER BY seq`, [caseId])).rows;
      return rows.map((r) => r.entry);
    },
    async dueCases(at, limit) {
      // SKIP LOCKED: a case being written right now is picked up by the next sweep instead of waiting.
      const rows = (await client.query<{ case_id: string }>(
        `SELECT case_id FROM ${p}_cases WHERE next_due_at < $1 ORDER BY next_due_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [at, limit],
      )).rows;
      return rows.map((r) => r.case_id);
    },
    async claimOutbox(now, limit, leaseMs) {
      const rows = (await client.query<{ id: string; case_id: string; notification: OutboxMessage['notification']; attempts: number; available_at: string | number }>(
        `UPDATE ${p}_outbox SET available_at = $2
         WHERE id IN (SELECT id FROM ${p}_outbox WHERE available_at <= $1 ORDER BY available_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, case_id, notification, attempts, available_at`,
        [now, now + leaseMs, limit],
      )).rows;
      return rows.map((r) => ({ id: r.id, caseId: r.case_id, notification: r.notification, attempts: r.attempts, availableAt: now }));
    },
    async acknowledge(ids) {
      if (ids.length > 0) await client.query(`DELETE FROM ${p}_outbox WHERE id = ANY($1::text[])`, [ids]);
    },
    async release(id, availableAt) {
      await client.query(`UPDATE ${p}_outbox SET attempts = attempts + 1, available_at = $2 WHERE id = $1`, [id, availableAt]);
    },
  };
}

async function inTransaction<T>(client: PgPoolLike | PGliteLike, work: (sql: Sql) => Promise<T>): Promise<T> {
  if ('transaction' in client) return client.transaction(work);
  const connection = await client.connect();
  try {
    await connection.query('BEGIN');
    const result = await work(connection);
    await connection.query('COMMIT');
    return result;
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

function checkPrefix(prefix: string): void {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) {
    throw new StepDownError('INVALID_ARGUMENT', `Table prefix '${prefix}' must be lower-case letters, digits and underscores.`);
  }
}
