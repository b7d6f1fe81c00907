/**
 * The PostgreSQL store's save in the fewest round trips (issue 15). `load` reads the case row and
 * the trail's last row in one statement, and the store remembers what it read; `save` then checks
 * the head against it in process and writes everything in one statement that locks the row only if
 * it is still exactly as read (its `xmin`, and the trail's last row by its `xmin`, with nothing after
 * it). When anything moved since (another writer, a refusal appended, a row edited), nothing is
 * written and the save runs its locked transaction instead, which reads everything afresh.
 */
import type { SignedHead } from '../src/engine/heads.js';
import type { AuditEntry } from '../src/engine/store.js';
import type { StoredAuditEntry, StoredSnapshot } from './sealing.js';
import { pgliteStatements } from './pglite-statements.js';

/** A case row as `load` reads it, with the trail's last row beside it. */
export interface LoadedRow {
  version: number;
  snapshot: StoredSnapshot;
  next_due_at: string | number | null;
  head: SignedHead | null;
  last_seq: number;
  last_hash: string;
  /** The row version's transaction id, as text: any write to the row changes it. */
  row_xmin: string;
  tail_seq: number | null;
  tail_entry: StoredAuditEntry | null;
  tail_xmin: string | null;
}

/**
 * What a save may write against without locking first: the row and the trail's end as `load` read
 * them, or as this store's own last save of the case wrote them (`written`).
 */
export interface ReadTail {
  readonly version: number;
  readonly lastSeq: number;
  readonly lastHash: string;
  readonly head: SignedHead | null;
  readonly rowXmin: string;
  readonly tailSeq: number;
  /** The trail's last row as read; null when the store wrote it itself (`written`). */
  readonly tailEntry: StoredAuditEntry | null;
  readonly tailXmin: string;
  /**
   * The entry this store's save wrote last, as it chained it (its hash its own); absent after a
   * `load`. A save against it that finds the row or trail moved is a `VERSION_CONFLICT`: the engine
   * judged a case it had not read, and reads it before judging again.
   */
  readonly written?: AuditEntry;
}

/**
 * The case row and the trail's last row (by `seq`) in one statement. Without `FOR UPDATE` nothing
 * waits, so both come from one snapshot: a writer commits its row and its entry together, so they
 * are seen together or not at all. (Locking here would be wrong: a lock that waits re-reads the
 * row after the other writer commits, but the trail subquery keeps the snapshot from before the
 * wait, and the head would point past the trail it was read with.)
 */
export const loadStatement = (p: string) =>
  `SELECT c.version, c.snapshot, c.next_due_at, c.head, c.last_seq, c.last_hash, c.xmin::text AS row_xmin,
     t.seq AS tail_seq, t.entry AS tail_entry, t.xmin::text AS tail_xmin
   FROM ${p}_cases c
   LEFT JOIN LATERAL (SELECT a.seq, a.entry, a.xmin FROM ${p}_audit a WHERE a.case_id = c.case_id ORDER BY a.seq DESC LIMIT 1) t ON true
   WHERE c.case_id = $1`;

/** The part of a loaded row a later save can write against, or null when the trail is empty (the save then locks). */
export function readTail(row: LoadedRow): ReadTail | null {
  if (row.tail_entry === null || row.tail_seq === null || row.tail_xmin === null) return null;
  return {
    version: row.version,
    lastSeq: row.last_seq,
    lastHash: row.last_hash,
    head: row.head,
    rowXmin: row.row_xmin,
    tailSeq: row.tail_seq,
    tailEntry: row.tail_entry,
    tailXmin: row.tail_xmin,
  };
}

/** The row and trail's end a save just wrote: the entry is the trail's last row, in the transaction whose id is `xmin`. */
export function writtenTail(version: number, entry: AuditEntry, head: SignedHead, xmin: string): ReadTail {
  return { version, lastSeq: entry.seq, lastHash: entry.hash, head, rowXmin: xmin, tailSeq: entry.seq, tailEntry: null, tailXmin: xmin, written: entry };
}

/**
 * The rows read by `load`, by case, for the save that usually follows. Only a hint: a save checks
 * them against the database in its own statement. Bounded, oldest first out.
 */
export function readTails(limit = 1024) {
  const tails = new Map<string, ReadTail>();
  return {
    remember(caseId: string, tail: ReadTail | null): void {
      const held = tails.get(caseId);
      tails.delete(caseId);
      if (tail === null) return;
      // A read of exactly what this store wrote last keeps what it wrote: a write made on the
      // engine's own record after a read (a `get` between sends) still needs no second read.
      const same = held?.written !== undefined && held.version === tail.version && held.rowXmin === tail.rowXmin && held.tailSeq === tail.tailSeq && held.tailXmin === tail.tailXmin;
      tails.set(caseId, same ? held : tail);
      if (tails.size > limit) tails.delete(tails.keys().next().value!);
    },
    /** The tail read for `caseId` at `version`, taken out: each read serves at most one save. */
    take(caseId: string, version: number): ReadTail | null {
      const tail = tails.get(caseId);
      if (tail === undefined) return null;
      tails.delete(caseId);
      return tail.version === version ? tail : null;
    },
  };
}

/**
 * Every write of a save in one statement: the versioned case row, then (only if it was written)
 * the audit entry, the messages, and the case's work-list rows (upserted by position, an unchanged
 * row left alone; those past the new count deleted). The rows come as JSON parameters, so the text
 * is the same for every save. Returns one row `{ n, xmin }`: 1 and the writing transaction's id
 * (the new row's and the new entry's `xmin`, as text) when written, 0 and null when not.
 *
 * `guarded`: the row is updated only if it is still the version `load` read (`$13`, its `xmin`),
 * at the version expected (`$14`), and the trail still ends at the row read (`$15` its seq, `$16`
 * its `xmin`). The update's row lock orders it against every other writer of the case; if it had to
 * wait, the row it then sees is another version and nothing is written.
 *
 * Parameters: $1 case id, $2 entry seq, $3 entry, $4 messages, $5 work count, $6 work rows,
 * $7 version, $8 snapshot, $9 next due, $10 entry hash, $11 family id, $12 head.
 */
export const writeStatement = (p: string, guarded: boolean) => `WITH saved AS (
    UPDATE ${p}_cases c SET version = $7, snapshot = $8::jsonb, next_due_at = $9, last_seq = $2, last_hash = $10, family_id = $11, head = $12::jsonb
    WHERE c.case_id = $1${
      guarded
        ? ` AND c.xmin = $13::text::xid AND c.version = $14
      AND EXISTS (SELECT 1 FROM ${p}_audit a WHERE a.case_id = $1 AND a.seq = $15 AND a.xmin = $16::text::xid)
      AND NOT EXISTS (SELECT 1 FROM ${p}_audit a WHERE a.case_id = $1 AND a.seq > $15)`
        : ''
    }
    RETURNING c.case_id, c.xmin::text AS row_xmin
  ), audit AS (
    INSERT INTO ${p}_audit (case_id, seq, entry) SELECT s.case_id, $2, $3::jsonb FROM saved s
  ), outbox AS (
    INSERT INTO ${p}_outbox (id, case_id, notification, attempts, available_at)
    SELECT r.id, r.case_id, r.notification, r.attempts, r.available_at
    FROM saved, jsonb_to_recordset($4::jsonb) AS r(id text, case_id text, notification jsonb, attempts integer, available_at bigint)
    ON CONFLICT (id) DO NOTHING
  ), gone AS (
    DELETE FROM ${p}_work w USING saved s WHERE w.case_id = s.case_id AND w.n >= $5
  ), work AS (
    INSERT INTO ${p}_work AS w (case_id, n, due_at, sort_key, role, person_id, actor_id, breached, item)
    SELECT s.case_id, r.n, r.due_at, r.sort_key, r.role, r.person_id, r.actor_id, r.breached, r.item
    FROM saved s, jsonb_to_recordset($6::jsonb) AS r(n integer, due_at double precision, sort_key text, role text, person_id text, actor_id text, breached boolean, item jsonb)
    ON CONFLICT (case_id, n) DO UPDATE SET due_at = EXCLUDED.due_at, sort_key = EXCLUDED.sort_key, role = EXCLUDED.role,
      person_id = EXCLUDED.person_id, actor_id = EXCLUDED.actor_id, breached = EXCLUDED.breached, item = EXCLUDED.item
    WHERE (w.due_at, w.sort_key, w.role, w.person_id, w.actor_id, w.breached, w.item)
      IS DISTINCT FROM (EXCLUDED.due_at, EXCLUDED.sort_key, EXCLUDED.role, EXCLUDED.person_id, EXCLUDED.actor_id, EXCLUDED.breached, EXCLUDED.item)
  )
  SELECT count(*)::int AS n, min(s.row_xmin) AS xmin FROM saved s`;

/** The query method of a `pg` Pool, which also takes a named statement. */
interface NamedQuery {
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: R[] }>;
}

/**
 * Runs the save's two statements: as named statements on a `pg` Pool, so each connection parses and
 * plans them once (planning the write's CTE cost about as much as running it), as named statements
 * on a PGlite instance through its wire protocol (`pglite-statements.ts`), and as plain queries on
 * anything else (a host's own wrapper, which may take only text). A `pg` Pool is known by its
 * counters, which neither has.
 */
export function statements(client: { query<R>(text: string, params?: unknown[]): Promise<{ rows: R[] }> }, prefix: string) {
  const pool = typeof (client as { totalCount?: unknown }).totalCount === 'number' && !('transaction' in client);
  const lite = pool ? null : pgliteStatements(client);
  return async <R>(name: 'load' | 'write', text: string, values: unknown[]): Promise<{ rows: R[] }> =>
    pool
      ? (client as unknown as NamedQuery).query<R>({ name: `${prefix}_${name}`, text, values })
      : lite
        ? lite<R>(`${prefix}_${name}`, text, values)
        : client.query<R>(text, values);
}
