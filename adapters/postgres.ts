import { StepDownError } from '../src/errors.js';
import { chainEntry } from '../src/engine/audit-chain.js';
import { checkKnownTrailHead, checkTrailHead, nextHead } from '../src/engine/heads-check.js';
import { checksWrittenAtSave, isWrittenUnread } from '../src/engine/own-records.js';
import type { SignedHead } from '../src/engine/heads.js';
import type { DeadLetterReason } from '../src/engine/delivery.js';
import type { AuditDraft, AuditEntry, CaseWrite, OutboxMessage, StoredCase, WorkItem, WorklistQuery, WriteOptions } from '../src/engine/store.js';
import { workOrder } from '../src/engine/worklist.js';
import {
  createSealer,
  rekeyWithoutKeys,
  resealed,
  unopenedReason,
  type EncryptionOptions,
  type SealingStore,
  type StoredAuditEntry,
  type StoredNotification,
  type StoredSnapshot,
  type StoredWorkItem,
} from './sealing.js';
import { loadStatement, readTail, readTails, statements, writeStatement, writtenTail, type LoadedRow, type ReadTail } from './postgres-save.js';

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
   * Seals each audit entry's event and actor id (in `entry`), each snapshot's context (in
   * `snapshot`), each work-list item's ids (in `item`) and each outbox message's and dead letter's
   * notification (in `notification`, its type beside the seal), with AES-256-GCM under `current`; rows
   * sealed under any key in `keys` stay readable. The seal is JSON in the same `jsonb` column, with
   * its key id, so the schema is the same with or without it. The lookup columns (the family id of
   * a case, the person and user ids of a work-list item) hold HMACs under `indexKey`, which is
   * required here (`INVALID_ARGUMENT` without it). Without this option a sealed row is
   * `ENCRYPTION_KEY_MISSING`. See `docs/security.md`.
   */
  readonly encryption?: EncryptionOptions;
}

/**
 * The schema, one entry per version. `migrate` applies the ones not yet applied, in order; a host
 * that runs its own migrations prints them with {@link migrationSql}. Version 1: cases, audit trail,
 * outbox. Version 2: each case's family (`family_id`) and the work list (`<prefix>_work`, one row
 * per pending step, with an index per filter in the work-list order). Version 3: dead letters
 * (`<prefix>_dead`).
 *
 * @example
 * ```ts
 * migrations('step_down').map((m) => m.version); // [1, 2, 3]
 * ```
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
    {
      // Family groups and the work list (issue 10). A case saved before this version has no family
      // and no work-list rows until its next save writes them. `due_at` is a double, as a JavaScript
      // number is, so every instant a store is given compares here as it does in memory; the ids are
      // compared byte by byte (COLLATE "C"), as JavaScript compares ASCII ids.
      version: 2,
      sql: `
ALTER TABLE ${prefix}_cases ADD COLUMN IF NOT EXISTS family_id text;
CREATE INDEX IF NOT EXISTS ${prefix}_cases_family ON ${prefix}_cases (family_id, case_id COLLATE "C") WHERE family_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS ${prefix}_work (
  case_id text COLLATE "C" NOT NULL,
  n integer NOT NULL,
  due_at double precision,
  sort_key text COLLATE "C" NOT NULL,
  role text NOT NULL,
  person_id text,
  actor_id text,
  breached boolean NOT NULL,
  item jsonb NOT NULL,
  PRIMARY KEY (case_id, n)
);
CREATE INDEX IF NOT EXISTS ${prefix}_work_due ON ${prefix}_work (due_at, case_id, sort_key, n);
CREATE INDEX IF NOT EXISTS ${prefix}_work_role ON ${prefix}_work (role, due_at, case_id, sort_key, n);
CREATE INDEX IF NOT EXISTS ${prefix}_work_person ON ${prefix}_work (person_id, due_at, case_id, sort_key, n) WHERE person_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${prefix}_work_actor ON ${prefix}_work (actor_id, due_at, case_id, sort_key, n) WHERE actor_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ${prefix}_work_breached ON ${prefix}_work (due_at, case_id, sort_key, n) WHERE breached;`,
    },
    {
      // Dead letters (issue 11): a message delivery gave up on, kept whole so it can be put back,
      // with why it failed. Listed by burial time.
      version: 3,
      sql: `
CREATE TABLE IF NOT EXISTS ${prefix}_dead (
  id text PRIMARY KEY,
  case_id text NOT NULL,
  notification jsonb NOT NULL,
  attempts integer NOT NULL,
  emitter text NOT NULL,
  code text NOT NULL,
  status integer,
  buried_at text NOT NULL
);
CREATE INDEX IF NOT EXISTS ${prefix}_dead_buried ON ${prefix}_dead (buried_at, id COLLATE "C");`,
    },
    {
      // Signed heads (issue 11): the case's last sequence, hash and version, signed when the engine
      // has a key. NULL for a case not written since; its next write checks the trail against
      // last_seq and last_hash instead, and saves a head.
      version: 4,
      sql: `
ALTER TABLE ${prefix}_cases ADD COLUMN IF NOT EXISTS head jsonb;`,
    },
  ];
}

/**
 * The whole schema as one SQL script, for a host that applies migrations itself. Every statement is
 * `IF NOT EXISTS`, so the script may be applied again, and {@link migrate} may run after it.
 *
 * @example
 * ```ts
 * await writeFile('migrations/step-down.sql', migrationSql('step_down'));
 * ```
 */
export function migrationSql(prefix = 'step_down'): string {
  return migrations(prefix).map((m) => `-- version ${m.version}${m.sql}\n`).join('\n');
}

/**
 * Creates the tables, applying each migration not yet applied, in one transaction, and returns the
 * versions it applied. Safe to call at every start and from several processes (an advisory lock
 * serialises them).
 *
 * @example
 * ```ts
 * await migrate(pool);            // [1, 2, 3] on an empty database, [3] on one at version 2
 * await migrate(pool);            // [] from then on
 * ```
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
 * case's version column; the case row lock orders each case's audit chain (a save after a `load`
 * of the case is one statement that takes that lock only if the row is still as read, and the
 * locked transaction otherwise); `FOR UPDATE SKIP LOCKED`
 * lets several processes sweep due deadlines and claim the outbox without waiting on each other.
 * Call {@link migrate} once before use. With `encryption`, event payloads, snapshots' context,
 * the work list's ids and waiting notifications are sealed in their columns, and the ids the work list and family groups are
 * looked up by are HMACs; case ids, versions, due times, hashes, types, roles and states stay in clear.
 *
 * The work list is a table of its own (`<prefix>_work`: one row per pending step), rewritten in the
 * same transaction as every `create`, `save` and `saveMany`, and read by an index range scan in the
 * work-list order (soonest due first, undated last, then case id and step). `familyCases` answers
 * from an index on the case's `family_id`, in case-id order. `saveMany` locks every case's row in
 * case-id order, so two family writes over the same cases wait for each other and never deadlock.
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
  if (options.encryption && options.encryption.indexKey === undefined) {
    // A key derived from the data keys would change when they rotate, and every lookup would miss
    // the rows hashed before: a family send would skip siblings. So the host gives one of its own.
    throw new StepDownError(
      'INVALID_ARGUMENT',
      'encryption.indexKey (32 bytes, kept apart from the data keys and never rotated with them) is required by the PostgreSQL store: ' +
        'it keeps the work list’s person and user ids and the family ids out of clear. See docs/security.md.',
    );
  }
  const sealer = createSealer(options.encryption);
  const sealed = sealer.current !== null;
  const storedSnapshot = (record: StoredCase) => JSON.stringify(sealer.sealSnapshot(record.caseId, record.version, record.snapshot));
  /** A lookup column's value: the id in clear, or its HMAC when the store seals. */
  const lookup = (id: string | null | undefined): string | null => (id === null || id === undefined ? null : sealer.indexed(id));
  /**
   * What a lookup column may hold for `id`: its HMAC, and (sealing) the id in clear too, for rows
   * written before encryption was turned on that `rekey` has not re-indexed yet.
   */
  const lookups = (id: string): string[] => (sealed ? [sealer.indexed(id), id] : [id]);

  /** The case's work-list rows, replaced whole: one DELETE and one INSERT of every row from one JSON parameter. */
  const writeWork = async (sql: Sql, record: StoredCase, fresh: boolean) => {
    if (!fresh) await sql.query(`DELETE FROM ${p}_work WHERE case_id = $1`, [record.caseId]);
    const work = record.work ?? [];
    if (work.length === 0) return;
    await sql.query(
      `INSERT INTO ${p}_work (case_id, n, due_at, sort_key, role, person_id, actor_id, breached, item)
       SELECT $1, r.n, r.due_at, r.sort_key, r.role, r.person_id, r.actor_id, r.breached, r.item
       FROM jsonb_to_recordset($2::jsonb) AS r(n integer, due_at double precision, sort_key text, role text, person_id text, actor_id text, breached boolean, item jsonb)`,
      [record.caseId, JSON.stringify(work.map((item, n) => workRow(item, n)))],
    );
  };
  const workRow = (item: WorkItem, n: number) => {
    const detail = item.detail ?? null;
    return {
      n,
      due_at: item.dueAt ?? null,
      // The order's last key, as `workOrder` compares it; sealed, the detail (an id) is an HMAC, and
      // `worklist` puts a case's tied steps back in order once opened.
      sort_key: `${item.step}|${detail === null ? '' : sealed ? sealer.indexed(detail) : detail}`,
      role: item.role,
      person_id: lookup(item.personId),
      actor_id: lookup(item.actorId),
      breached: item.breached === true,
      item: sealer.sealWork(item, n),
    };
  };

  /** Chains the entry in clear (the hash covers what the engine wrote), then stores it sealed. */
  /** Moves a message to the dead letters as stored: a sealed notification moves unopened, bound to its id and case. */
  const bury = async (id: string, reason: DeadLetterReason): Promise<void> => {
    await inTransaction(client, async (sql) => {
      const moved = await sql.query(
        `INSERT INTO ${p}_dead (id, case_id, notification, attempts, emitter, code, status, buried_at)
         SELECT id, case_id, notification, attempts + 1, $2, $3, $4, $5 FROM ${p}_outbox WHERE id = $1
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [id, reason.emitter, reason.code, reason.status, reason.at],
      );
      if (moved.rows.length > 0) await sql.query(`DELETE FROM ${p}_outbox WHERE id = $1`, [id]);
    });
  };

  /** Queues a message, its notification sealed when the store seals; an id already queued is left as it is. */
  const insertMessage = async (sql: Sql, message: OutboxMessage) => {
    const m = sealer.sealMessage(message);
    await sql.query(
      `INSERT INTO ${p}_outbox (id, case_id, notification, attempts, available_at) VALUES ($1, $2, $3::jsonb, $4, $5) ON CONFLICT (id) DO NOTHING`,
      [m.id, m.caseId, JSON.stringify(m.notification), m.attempts, m.availableAt],
    );
  };

  const insertRest = async (sql: Sql, draft: AuditDraft, previous: { seq: number; hash: string } | null, outbox: readonly OutboxMessage[]) =>
    insertEntry(sql, chainEntry(previous, draft), outbox);
  /** Stores a chained entry, sealed, and queues its messages. */
  const insertEntry = async (sql: Sql, entry: AuditEntry, outbox: readonly OutboxMessage[]) => {
    await sql.query(`INSERT INTO ${p}_audit (case_id, seq, entry) VALUES ($1, $2, $3::jsonb)`, [
      entry.caseId,
      entry.seq,
      JSON.stringify(sealer.sealEntry(entry)),
    ]);
    for (const m of outbox) await insertMessage(sql, m);
    return entry;
  };

  const lockCase = async (sql: Sql, caseId: string) =>
    (await sql.query<CaseRow>(`SELECT version, last_seq, last_hash, head FROM ${p}_cases WHERE case_id = $1 FOR UPDATE`, [caseId])).rows[0];

  /**
   * The head check, on the locked row: the trail's last row (by seq), opened as this case's, against
   * the head the row keeps (or, for a row written before heads, its last_seq and last_hash).
   */
  const checkHead = async (sql: Sql, caseId: string, row: CaseRow, writeOptions: WriteOptions | undefined) => {
    const found = (await sql.query<{ entry: StoredAuditEntry }>(`SELECT entry FROM ${p}_audit WHERE case_id = $1 ORDER BY seq DESC LIMIT 1`, [caseId])).rows[0];
    const last = found ? sealer.openEntry(found.entry, caseId) : null;
    checkTrailHead(caseId, row.version, row.head, { seq: row.last_seq, hash: row.last_hash }, last, writeOptions);
  };

  /** The write of `save`, once the case's row is locked and its version and head checked. */
  const writeCase = async (sql: Sql, record: StoredCase, row: CaseRow, draft: AuditDraft, outbox: readonly OutboxMessage[], writeOptions?: WriteOptions) => {
    const entry = await insertRest(sql, draft, { seq: row.last_seq, hash: row.last_hash }, outbox);
    await sql.query(
      `UPDATE ${p}_cases SET version = $2, snapshot = $3::jsonb, next_due_at = $4, last_seq = $5, last_hash = $6, family_id = $7, head = $8::jsonb WHERE case_id = $1`,
      [record.caseId, record.version, storedSnapshot(record), record.nextDueAt, entry.seq, entry.hash, lookup(record.familyId), JSON.stringify(nextHead(entry, record.version, writeOptions))],
    );
    await writeWork(sql, record, false);
    return entry;
  };

  const tails = readTails();
  const run = statements(client, p);
  const load = loadStatement(p);
  const guardedWrite = writeStatement(p, true);
  /** The parameters of {@link writeStatement}'s first twelve: the row, the entry, the messages, the work list. */
  const writeParams = (record: StoredCase, entry: AuditEntry, outbox: readonly OutboxMessage[], head: SignedHead): unknown[] => {
    const messages = outbox.map((message) => {
      const m = sealer.sealMessage(message);
      return { id: m.id, case_id: m.caseId, notification: m.notification, attempts: m.attempts, available_at: m.availableAt };
    });
    const work = (record.work ?? []).map((item, n) => workRow(item, n));
    return [
      record.caseId,
      entry.seq,
      JSON.stringify(sealer.sealEntry(entry)),
      JSON.stringify(messages),
      work.length,
      JSON.stringify(work),
      record.version,
      storedSnapshot(record),
      record.nextDueAt,
      entry.hash,
      lookup(record.familyId),
      JSON.stringify(head),
    ];
  };
  /**
   * The save as one statement against the row and trail end `load` read, checked here as the locked
   * save checks them; null when there is no such read, it fails the check, or the row or trail moved
   * since (then nothing was written).
   */
  const saveAsRead = async (
    record: StoredCase,
    expectedVersion: number,
    draft: AuditDraft,
    outbox: readonly OutboxMessage[],
    writeOptions: WriteOptions | undefined,
  ): Promise<AuditEntry | null> => {
    const read = tails.take(record.caseId, expectedVersion);
    const unread = isWrittenUnread(record);
    if (read === null || (unread && !read.written)) return unread ? changedSince(record.caseId, expectedVersion) : null;
    try {
      const recorded = { seq: read.lastSeq, hash: read.lastHash };
      // The store's own last entry needs no second hashing: the guard below holds it to be unchanged.
      if (read.written) checkKnownTrailHead(record.caseId, read.version, read.head, recorded, read.written, writeOptions);
      else checkTrailHead(record.caseId, read.version, read.head, recorded, sealer.openEntry(read.tailEntry!, record.caseId), writeOptions);
    } catch {
      // The locked save reads the trail again and throws what it finds, if it still finds it.
      return unread ? changedSince(record.caseId, expectedVersion) : null;
    }
    const entry = chainEntry({ seq: read.lastSeq, hash: read.lastHash }, draft);
    const head = nextHead(entry, record.version, writeOptions);
    const params = [...writeParams(record, entry, outbox, head), read.rowXmin, expectedVersion, read.tailSeq, read.tailXmin];
    const { rows } = await run<{ n: number; xmin: string | null }>('write', guardedWrite, params);
    if (rows[0]?.n === 1) return rememberWritten({ entry, tail: writtenTail(record.version, entry, head, rows[0].xmin!) });
    return unread ? changedSince(record.caseId, expectedVersion) : null;
  };
  /** Keeps what a write left (once it is committed) for the next save of the case, and gives its entry back. */
  const rememberWritten = ({ entry, tail }: { entry: AuditEntry; tail: ReadTail }): AuditEntry => {
    tails.remember(entry.caseId, tail);
    return entry;
  };
  /**
   * The refusal of a record the engine judged without reading the case (`writtenUnread`) when the case
   * is not exactly as this store last wrote it (a write elsewhere, a refusal appended, a row
   * rewritten, or no memory of it here): nothing is written, and the engine reads it and judges again.
   */
  const changedSince = (caseId: string, expectedVersion: number): never => {
    throw new StepDownError('VERSION_CONFLICT', `Case ${caseId} changed since it was last written here: reload it and send again.`, {
      caseId,
      expectedVersion,
    });
  };

  /**
   * The work list: one query over `<prefix>_work` with only the filters asked for, so the planner
   * can take the matching index (role, person, user, breached, or due) and read it in order,
   * stopping at the limit. Sealed, a case's steps tied on due instant and step are put back in
   * the order of their (clear) detail, fetching the rest of the last case's ties first so the
   * limit cuts where it would in clear.
   */
  const worklist = async (query: WorklistQuery): Promise<WorkItem[]> => {
    const limit = query.limit >= Number.MAX_SAFE_INTEGER ? null : Math.max(0, Math.ceil(query.limit));
    const before = query.dueBefore;
    // Nothing is due before NaN or -Infinity; everything dated is due before +Infinity.
    if (limit === 0 || Number.isNaN(limit) || (before !== undefined && (Number.isNaN(before) || before === -Infinity))) return [];
    const params: unknown[] = [];
    const where: string[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (query.role !== undefined) where.push(`role = ${param(query.role)}`);
    const byId = (column: string, value: string) =>
      sealed ? `${column} = ANY(${param(lookups(value))}::text[])` : `${column} = ${param(value)}`;
    if (query.personId !== undefined) where.push(byId('person_id', query.personId));
    if (query.actorId !== undefined) where.push(byId('actor_id', query.actorId));
    if (query.breached !== undefined) where.push(query.breached ? 'breached' : 'NOT breached');
    if (before !== undefined) where.push(before === Infinity ? 'due_at IS NOT NULL' : `due_at < ${param(before)}`);
    const filters = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const read = async (text: string, values: unknown[]) =>
      (await client.query<{ case_id: string; n: number; item: StoredWorkItem }>(text, values)).rows.map((r) => sealer.openWork(r.case_id, r.n, r.item));
    let items = await read(
      `SELECT case_id, n, item FROM ${p}_work ${filters} ORDER BY due_at, case_id, sort_key, n${limit === null ? '' : ` LIMIT $${params.length + 1}`}`,
      limit === null ? params : [...params, limit],
    );
    const last = items.at(-1);
    if (sealed && last !== undefined && items.length === limit) {
      // The rest of the last case's steps due at the same instant: with them, every step that can
      // come before the cut in the work-list order is here.
      const dueAt = last.dueAt ?? null;
      const tied = (item: WorkItem) => item.caseId === last.caseId && (item.dueAt ?? null) === dueAt;
      const more = await read(
        `SELECT case_id, n, item FROM ${p}_work WHERE case_id = $${params.length + 1} AND ${
          dueAt === null ? 'due_at IS NULL' : `due_at = $${params.length + 2}`
        }${where.length > 0 ? ` AND ${where.join(' AND ')}` : ''}`,
        dueAt === null ? [...params, last.caseId] : [...params, last.caseId, dueAt],
      );
      items = [...items.filter((item) => !tied(item)), ...more];
    }
    // In clear the query's order is already the work-list order (a stable sort changes nothing).
    return items.sort(workOrder).slice(0, limit ?? undefined);
  };

  const api: SealingStore = {
    async load(caseId) {
      const row = (await run<LoadedRow>('load', load, [caseId])).rows[0];
      tails.remember(caseId, row ? readTail(row) : null);
      if (!row) return null;
      return {
        caseId,
        version: row.version,
        snapshot: sealer.openSnapshot(caseId, row.version, row.snapshot),
        nextDueAt: row.next_due_at === null ? null : Number(row.next_due_at),
        ...(row.head ? { head: row.head } : {}),
      };
    },
    async create(record, draft, outbox, writeOptions) {
      return inTransaction(client, async (sql) => {
        // The opening entry is chained first, so the case row is written once, already pointing at it.
        const entry = chainEntry(null, draft);
        const head = nextHead(entry, record.version, writeOptions);
        const inserted = await sql.query<{ xmin: string }>(
          `INSERT INTO ${p}_cases (case_id, version, snapshot, next_due_at, last_seq, last_hash, family_id, head)
           VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8::jsonb) ON CONFLICT (case_id) DO NOTHING RETURNING xmin::text AS xmin`,
          [record.caseId, record.version, storedSnapshot(record), record.nextDueAt, entry.seq, entry.hash, lookup(record.familyId), JSON.stringify(head)],
        );
        if (inserted.rows.length === 0) {
          throw new StepDownError('CASE_EXISTS', `Case ${record.caseId} already exists; open it once, then send events.`, {
            caseId: record.caseId,
          });
        }
        await insertEntry(sql, entry, outbox);
        await writeWork(sql, record, true);
        return { entry, tail: writtenTail(record.version, entry, head, inserted.rows[0]!.xmin) };
      }).then(rememberWritten);
    },
    async save(record, expectedVersion, draft, outbox, writeOptions) {
      // One statement when the case is still as this store's last `load` read it; otherwise (or when
      // that read does not pass the head check) the locked transaction, which reads it all again.
      const written = await saveAsRead(record, expectedVersion, draft, outbox, writeOptions);
      if (written !== null) return written;
      return inTransaction(client, async (sql) => {
        const row = await lockCase(sql, record.caseId);
        checkVersion(record.caseId, row, expectedVersion);
        await checkHead(sql, record.caseId, row!, writeOptions);
        const entry = chainEntry({ seq: row!.last_seq, hash: row!.last_hash }, draft);
        const head = nextHead(entry, record.version, writeOptions);
        const { rows } = await sql.query<{ xmin: string }>(writeStatement(p, false), writeParams(record, entry, outbox, head));
        // Remembered only once committed: a transaction that fails after this line keeps nothing.
        return { entry, tail: writtenTail(record.version, entry, head, rows[0]!.xmin) };
      }).then(rememberWritten);
    },
    async saveMany(writes: readonly CaseWrite[], writeOptions) {
      const ids = writes.map((w) => w.record.caseId);
      if (new Set(ids).size !== ids.length) {
        throw new StepDownError('INVALID_ARGUMENT', 'saveMany takes each case at most once.', { caseIds: ids });
      }
      if (writes.length === 0) return [];
      return inTransaction(client, async (sql) => {
        // Every row locked in one statement, in case-id order: two writers over overlapping cases
        // take their locks in the same order, so one waits for the other instead of deadlocking.
        const rows = (await sql.query<CaseRow & { case_id: string }>(
          `SELECT case_id, version, last_seq, last_hash, head FROM ${p}_cases WHERE case_id = ANY($1::text[]) ORDER BY case_id COLLATE "C" FOR UPDATE`,
          [ids],
        )).rows;
        const byId = new Map(rows.map((r) => [r.case_id, r]));
        // Every version checked before anything is written; a failure rolls the whole transaction back.
        for (const w of writes) checkVersion(w.record.caseId, byId.get(w.record.caseId), w.expectedVersion);
        for (const w of writes) await checkHead(sql, w.record.caseId, byId.get(w.record.caseId)!, writeOptions);
        const entries: AuditEntry[] = [];
        for (const w of writes) entries.push(await writeCase(sql, w.record, byId.get(w.record.caseId)!, w.audit, w.outbox, writeOptions));
        return entries;
      });
    },
    async worklist(query) {
      return worklist(query);
    },
    async familyCases(familyId) {
      const rows = (await client.query<{ case_id: string }>(
        `SELECT case_id FROM ${p}_cases WHERE family_id = ANY($1::text[]) ORDER BY case_id COLLATE "C"`,
        [lookups(familyId)],
      )).rows;
      return rows.map((r) => r.case_id);
    },
    async appendAudit(draft, outbox, writeOptions) {
      return inTransaction(client, async (sql) => {
        const row = await lockCase(sql, draft.caseId);
        if (!row) throw new StepDownError('UNKNOWN_CASE', `No case ${draft.caseId}.`, { caseId: draft.caseId });
        await checkHead(sql, draft.caseId, row, writeOptions);
        const entry = await insertRest(sql, draft, { seq: row.last_seq, hash: row.last_hash }, outbox);
        await sql.query(`UPDATE ${p}_cases SET last_seq = $2, last_hash = $3, head = $4::jsonb WHERE case_id = $1`, [
          draft.caseId,
          entry.seq,
          entry.hash,
          JSON.stringify(nextHead(entry, row.version, writeOptions)),
        ]);
        return entry;
      });
    },
    async audit(caseId) {
      const rows = (await client.query<{ entry: StoredAuditEntry }>(`SELECT entry FROM ${p}_audit WHERE case_id = $1 ORDER BY seq`, [caseId])).rows;
      return rows.map((r) => sealer.openEntry(r.entry, caseId));
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
      const rows = (await client.query<{ id: string; case_id: string; notification: StoredNotification; attempts: number; available_at: string | number }>(
        `UPDATE ${p}_outbox SET available_at = $2
         WHERE id IN (SELECT id FROM ${p}_outbox WHERE available_at <= $1 ORDER BY available_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, case_id, notification, attempts, available_at`,
        [now, now + leaseMs, limit],
      )).rows;
      const claimed: OutboxMessage[] = [];
      for (const r of rows) {
        try {
          claimed.push(sealer.openMessage({ id: r.id, caseId: r.case_id, notification: r.notification, attempts: r.attempts, availableAt: now }));
        } catch (error) {
          // Leased by this claim, so no other process holds it: bury it as delivery gives up on one.
          await bury(r.id, unopenedReason(error, now));
        }
      }
      return claimed;
    },
    async acknowledge(ids) {
      if (ids.length > 0) await client.query(`DELETE FROM ${p}_outbox WHERE id = ANY($1::text[])`, [ids]);
    },
    async release(id, availableAt) {
      await client.query(`UPDATE ${p}_outbox SET attempts = attempts + 1, available_at = $2 WHERE id = $1`, [id, availableAt]);
    },
    async renewLease(ids, until) {
      if (ids.length > 0) await client.query(`UPDATE ${p}_outbox SET available_at = $2 WHERE id = ANY($1::text[])`, [ids, until]);
    },
    bury,
    async deadLetters(limit) {
      const rows = (await client.query<{ id: string; case_id: string; type: string; attempts: number; emitter: string; code: string; status: number | null; buried_at: string }>(
        `SELECT id, case_id, notification->>'type' AS type, attempts, emitter, code, status, buried_at FROM ${p}_dead
         ORDER BY buried_at COLLATE "C", id COLLATE "C" LIMIT $1`,
        [Math.max(0, limit)],
      )).rows;
      return rows.map((r) => ({
        messageId: r.id, caseId: r.case_id, notificationType: r.type, emitter: r.emitter,
        attempts: r.attempts, code: r.code, status: r.status, buriedAt: r.buried_at,
      }));
    },
    async revive(id, availableAt) {
      return inTransaction(client, async (sql) => {
        const moved = await sql.query(
          `INSERT INTO ${p}_outbox (id, case_id, notification, attempts, available_at)
           SELECT id, case_id, notification, 0, $2 FROM ${p}_dead WHERE id = $1
           ON CONFLICT (id) DO UPDATE SET attempts = 0, available_at = EXCLUDED.available_at RETURNING id`,
          [id, availableAt],
        );
        if (moved.rows.length === 0) return false;
        await sql.query(`DELETE FROM ${p}_dead WHERE id = $1`, [id]);
        return true;
      });
    },
    rekey,
    async enqueue(messages) {
      for (const m of messages) await insertMessage(client, m);
    },
    async caseIds(after, limit) {
      const rows = (await client.query<{ case_id: string }>(
        `SELECT case_id FROM ${p}_cases WHERE $1::text IS NULL OR case_id COLLATE "C" > $1 ORDER BY case_id COLLATE "C" LIMIT $2`,
        [after, limit],
      )).rows;
      return rows.map((r) => r.case_id);
    },
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
      await resealMessages(sealer.current);
      return { cases, records };
    },
  };
  // Its save holds a write made on its own last write to the row and trail it wrote (their xmin), so
  // the engine may judge the next event on the record it saved, without reading it back.
  checksWrittenAtSave(api);
  return api;

  /**
   * Re-seals the notifications of the outbox and the dead letters not under the current key (not
   * counted: a message is not a record of the case). Each row is replaced only if it is still as
   * read, so a message claimed, released or buried meanwhile keeps what that write made of it and
   * is taken by the next run.
   */
  async function resealMessages(current: string): Promise<void> {
    for (const table of [`${p}_outbox`, `${p}_dead`]) {
      const { rows } = await client.query<{ id: string; case_id: string; notification: StoredNotification }>(
        `SELECT id, case_id, notification FROM ${table} WHERE notification->'sealed'->>'kid' IS DISTINCT FROM $1`,
        [current],
      );
      for (const r of rows) {
        const next = resealed(sealer, { id: r.id, caseId: r.case_id, notification: r.notification, attempts: 0, availableAt: 0 });
        if (next === null) continue;
        await client.query(`UPDATE ${table} SET notification = $2::jsonb WHERE id = $1 AND notification = $3::jsonb`, [
          r.id,
          JSON.stringify(next.notification),
          JSON.stringify(r.notification),
        ]);
      }
    }
  }

  /**
   * Re-seals one case's rows not under the current key, in one transaction under the case's row
   * lock, which every writer of the case takes first, so no entry is appended meanwhile.
   */
  async function rekey(caseId: string): Promise<number> {
    if (sealer.current === null) throw rekeyWithoutKeys();
    return inTransaction(client, async (sql) => {
      const row = (await sql.query<{ version: number; snapshot: StoredSnapshot; family_id: string | null }>(
        `SELECT version, snapshot, family_id FROM ${p}_cases WHERE case_id = $1 FOR UPDATE`,
        [caseId],
      )).rows[0];
      if (!row) throw new StepDownError('UNKNOWN_CASE', `No case ${caseId}.`, { caseId });
      // The lookup columns of rows written in clear are re-indexed as HMACs (a hashed value starts
      // with '#', which no id can). Index rows are rewritten, not counted: they are not records.
      if (row.family_id !== null && !row.family_id.startsWith('#')) {
        await sql.query(`UPDATE ${p}_cases SET family_id = $2 WHERE case_id = $1`, [caseId, sealer.indexed(row.family_id)]);
      }
      const work = (await sql.query<{ n: number; item: StoredWorkItem }>(`SELECT n, item FROM ${p}_work WHERE case_id = $1`, [caseId])).rows;
      for (const { n, item } of work) {
        if (!sealer.stale(item)) continue;
        const next = workRow(sealer.openWork(caseId, n, item), n);
        await sql.query(`UPDATE ${p}_work SET sort_key = $3, person_id = $4, actor_id = $5, item = $6::jsonb WHERE case_id = $1 AND n = $2`, [
          caseId,
          n,
          next.sort_key,
          next.person_id,
          next.actor_id,
          JSON.stringify(next.item),
        ]);
      }
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
          JSON.stringify(sealer.sealEntry(sealer.openEntry(entry, caseId))),
        ]);
        count += 1;
      }
      return count;
    });
  }
}

/** The columns of a case's row that a write reads under its lock. */
interface CaseRow {
  version: number;
  last_seq: number;
  last_hash: string;
  /** Null for a row not written since migration 3. */
  head: SignedHead | null;
}

function checkVersion(caseId: string, row: CaseRow | undefined, expectedVersion: number): void {
  if (!row) throw new StepDownError('UNKNOWN_CASE', `No case ${caseId}.`, { caseId });
  if (row.version !== expectedVersion) {
    throw new StepDownError(
      'VERSION_CONFLICT',
      `Case ${caseId} is at version ${row.version}, not ${expectedVersion}: reload it and send again.`,
      { caseId, expectedVersion, actualVersion: row.version },
    );
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
