import { StepDownError } from '../src/errors.js';
import { chainEntry } from '../src/engine/audit-chain.js';
import type { AuditDraft, OutboxMessage, StoredCase } from '../src/engine/store.js';
import { createSealer, rekeyWithoutKeys, type EncryptionOptions, type SealingStore, type StoredAuditEntry, type StoredSnapshot } from './sealing.js';

export type { EncryptionOptions, RekeyResult, Seal, SealingStore } from './sealing.js';

/** What the store needs of a connection: a query, and a transaction that runs queries on one connection. */
interface Sql {
  /** One statement, on this connection. */
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** A connection taken from a pool, for one transaction. */
export interface PooledConnection extends Sql {
  /** Gives the connection back to the pool. */
  release(): void;
}

/** The part of a `pg` Pool the store uses. */
export interface PgPoolLike {
  /** A connection of its own, for a transaction. */
  connect(): Promise<PooledConnection>;
  /** One statement on any connection of the pool. */
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** The part of a PGlite instance the store uses. */
export interface PGliteLike {
  /** One statement. */
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** A `pg` Pool, or a PGlite instance: the same SQL runs on both. */
  readonly client: PgPoolLike | PGliteLike;
  /** Prefix of the table names (default `step_down`). Letters, digits and underscores only. */
  readonly tablePrefix?: string;
  /**
   * Seals each audit entry's event and actor id (in `entry`), and each snapshot's context (in
   * `snapshot`), with AES-256-GCM under `current`; rows sealed under any key in `keys` stay
   * readable. The seal is JSON in the same `jsonb` column, with its key id, so the schema is the
   * same with or without it. Without this option a sealed row is `ENCRYPTION_KEY_MISSING`.
   * See `docs/security.md`.
   */
  readonly encryption?: EncryptionOptions;
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
 * Call {@link migrate} once before use. With `encryption`, event payloads and snapshots' context
 * are sealed in their columns; ids, versions, due times, hashes, types, roles and states stay in clear.
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
export function postgresStore(options: PostgresStoreOptions): SealingStore {
  const { client } = options;
  const p = options.tablePrefix ?? 'step_down';
  checkPrefix(p);
  const sealer = createSealer(options.encryption);
  const storedSnapshot = (record: StoredCase) => JSON.stringify(sealer.sealSnapshot(record.caseId, record.version, record.snapshot));

  /** Chains the entry in clear (the hash covers what the engine wrote), then stores it sealed. */
  const insertRest = async (sql: Sql, draft: AuditDraft, previous: { seq: number; hash: string } | null, outbox: readonly OutboxMessage[]) => {
    const entry = chainEntry(previous, draft);
    await sql.query(`INSERT INTO ${p}_audit (case_id, seq, entry) VALUES ($1, $2, $3::jsonb)`, [
      entry.caseId,
      entry.seq,
      JSON.stringify(sealer.sealEntry(entry)),
    ]);
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
      const row = (await client.query<{ version: number; snapshot: StoredSnapshot; next_due_at: string | number | null }>(
        `SELECT version, snapshot, next_due_at FROM ${p}_cases WHERE case_id = $1`,
        [caseId],
      )).rows[0];
      if (!row) return null;
      return {
        caseId,
        version: row.version,
        snapshot: sealer.openSnapshot(caseId, row.version, row.snapshot),
        nextDueAt: row.next_due_at === null ? null : Number(row.next_due_at),
      };
    },
    async create(record, draft, outbox) {
      return inTransaction(client, async (sql) => {
        const inserted = await sql.query(
          `INSERT INTO ${p}_cases (case_id, version, snapshot, next_due_at, last_seq, last_hash)
           VALUES ($1, $2, $3::jsonb, $4, 0, '') ON CONFLICT (case_id) DO NOTHING RETURNING case_id`,
          [record.caseId, record.version, storedSnapshot(record), record.nextDueAt],
        );
        if (inserted.rows.length === 0) {
          throw new StepDownError('CASE_EXISTS', `Case ${record.caseId} already exists; open it once, then send events.`, {
            caseId: record.caseId,
          });
        }
        const entry = await insertRest(sql, draft, null, outbox);
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
          [record.caseId, record.version, storedSnapshot(record), record.nextDueAt, entry.seq, entry.hash],
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
      const rows = (await client.query<{ entry: StoredAuditEntry }>(`SELECT entry FROM ${p}_audit WHERE case_id = $1 ORDER BY seq`, [caseId])).rows;
      return rows.map((r) => sealer.openEntry(r.entry));
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
    rekey,
    async rekeyAll() {
      if (sealer.current === null) throw rekeyWithoutKeys();
      // The key id is inside the jsonb seal; a clear row has no seal, and IS DISTINCT FROM counts it
      // as stale too. A full scan, but rotation is a rare maintenance job, not a hot path.
      const { rows } = await client.query<{ case_id: string }>(
        `SELECT case_id FROM ${p}_cases WHERE snapshot->'sealed'->>'kid' IS DISTINCT FROM $1
         UNION SELECT case_id FROM ${p}_audit WHERE entry->'sealed'->>'kid' IS DISTINCT FROM $1
         ORDER BY case_id`,
        [sealer.current],
      );
      let cases = 0;
      let records = 0;
      // One transaction per case: a long rotation never holds every case's lock at once, and an
      // interrupted one resumes where it stopped (records already moved are no longer selected).
      for (const { case_id } of rows) {
        const count = await rekey(case_id);
        if (count > 0) cases += 1;
        records += count;
      }
      return { cases, records };
    },
  };

  /**
   * Re-seals one case's rows not under the current key, in one transaction under the case's row
   * lock, which every writer of the case takes first, so no entry is appended meanwhile.
   */
  async function rekey(caseId: string): Promise<number> {
    if (sealer.current === null) throw rekeyWithoutKeys();
    return inTransaction(client, async (sql) => {
      const row = (await sql.query<{ version: number; snapshot: StoredSnapshot }>(
        `SELECT version, snapshot FROM ${p}_cases WHERE case_id = $1 FOR UPDATE`,
        [caseId],
      )).rows[0];
      if (!row) throw new StepDownError('UNKNOWN_CASE', `No case ${caseId}.`, { caseId });
      let count = 0;
      if (sealer.stale(row.snapshot)) {
        const snapshot = sealer.openSnapshot(caseId, row.version, row.snapshot);
        await sql.query(`UPDATE ${p}_cases SET snapshot = $2::jsonb WHERE case_id = $1`, [
          caseId,
          storedSnapshot({ caseId, version: row.version, snapshot, nextDueAt: null }),
        ]);
        count += 1;
      }
      const entries = (await sql.query<{ entry: StoredAuditEntry }>(`SELECT entry FROM ${p}_audit WHERE case_id = $1 ORDER BY seq`, [caseId])).rows;
      for (const { entry } of entries) {
        if (!sealer.stale(entry)) continue;
        await sql.query(`UPDATE ${p}_audit SET entry = $3::jsonb WHERE case_id = $1 AND seq = $2`, [
          caseId,
          entry.seq,
          JSON.stringify(sealer.sealEntry(sealer.openEntry(entry))),
        ]);
        count += 1;
      }
      return count;
    });
  }
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
