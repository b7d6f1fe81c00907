/**
 * `engine.send` on PostgreSQL against a bare transaction doing the same writes on the same pool:
 * `BEGIN`, a versioned `UPDATE` of the case row (the snapshot the engine saved at that step), the
 * audit `INSERT`, one outbox `INSERT`, `COMMIT`. Both replay the `reassessment-at-twelve-months`
 * lifecycle over fresh cases, one case at a time and eight in flight, in alternating rounds of one
 * run; on a PostgreSQL server (`DATABASE_URL`, a `pg` Pool of 8) and on PGlite in memory.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate, postgresStore } from '../adapters/postgres.js';
import { createCaseEngine, type OpenCase } from '../src/index.js';
import type { BenchRow, BenchSuite } from './harness.js';
import { reassessmentLifecycle } from './lifecycle.js';
import { paired, ratioText, type PairedResult } from './paired.js';

const casesPerRound = 8;
const streams = 8;

interface Sql {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}
interface Database {
  readonly name: string;
  readonly client: pg.Pool | PGlite;
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const results: { name: string; result: PairedResult }[] = [];

async function databases(): Promise<Database[]> {
  const list: Database[] = [];
  const lite = new PGlite();
  list.push({
    name: 'PGlite (in memory)',
    client: lite,
    transaction: (work) => lite.transaction((tx) => work(tx as unknown as Sql)),
    close: () => lite.close(),
  });
  const url = process.env.DATABASE_URL;
  if (url) {
    const pool = new pg.Pool({ connectionString: url, max: streams });
    list.push({
      name: 'PostgreSQL server (pg Pool of 8)',
      client: pool,
      async transaction(work) {
        const connection = await pool.connect();
        try {
          await connection.query('BEGIN');
          const result = await work(connection);
          await connection.query('COMMIT');
          return result;
        } catch (error) {
          await connection.query('ROLLBACK');
          throw error;
        } finally {
          connection.release();
        }
      },
      close: () => pool.end(),
    });
  }
  return list;
}

async function measureDatabase(db: Database, concurrency: number): Promise<BenchRow[]> {
  const lifecycle = await reassessmentLifecycle();
  const prefix = `bench_pgo_${process.pid}_${Date.now().toString(36)}`;
  await migrate(db.client, prefix);
  try {
    const engine = createCaseEngine({ store: postgresStore({ client: db.client, tablePrefix: prefix }), now: () => lifecycle.now });
    // The bare side writes what the engine wrote: each step's stored snapshot, taken from one case first.
    await engine.open({ ...lifecycle.open, caseId: 'template' } as OpenCase);
    const snapshots: string[] = [];
    for (const event of lifecycle.events) {
      await engine.send('template', event);
      snapshots.push(JSON.stringify((await engine.store.load('template'))!.snapshot));
    }
    const entries = (await engine.history('template')).slice(1).filter((e) => e.accepted).map((e) => JSON.stringify(e));
    const n = lifecycle.events.length;
    const ids = (side: string, r: number) => Array.from({ length: casesPerRound }, (_, i) => `${side}-${concurrency}-r${r}-c${i}`);
    const inParallel = async (caseIds: string[], one: (caseId: string) => Promise<void>) => {
      const queue = [...caseIds];
      const worker = async () => {
        for (let id = queue.shift(); id !== undefined; id = queue.shift()) await one(id);
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
    };
    const bareStep = (caseId: string, step: number) =>
      db.transaction(async (sql) => {
        const updated = await sql.query(`UPDATE ${prefix}_cases SET version = $2, snapshot = $3::jsonb WHERE case_id = $1 AND version = $4 RETURNING version`, [
          caseId, step + 2, snapshots[step], step + 1,
        ]);
        if (updated.rows.length !== 1) throw new Error(`bare: ${caseId} was not at version ${step + 1}`);
        await sql.query(`INSERT INTO ${prefix}_audit (case_id, seq, entry) VALUES ($1, $2, $3::jsonb)`, [caseId, step + 2, entries[step]]);
        await sql.query(`INSERT INTO ${prefix}_outbox (id, case_id, notification, attempts, available_at) VALUES ($1, $2, $3::jsonb, 0, 0)`, [
          `${caseId}:v${step + 2}:0`, caseId, '{"type":"stage.entered"}',
        ]);
      });
    const result = await paired(
      [`engine.send, ${db.name}, ${concurrency === 1 ? '1 case at a time' : `${concurrency} cases at once`}`, `bare transaction, ${db.name}, ${concurrency === 1 ? '1 case at a time' : `${concurrency} cases at once`}`],
      async (r) => {
        await inParallel(ids('e', r), async (caseId) => {
          for (const event of lifecycle.events) await engine.send(caseId, event);
        });
        return casesPerRound * n;
      },
      async (r) => {
        await inParallel(ids('b', r), async (caseId) => {
          for (let step = 0; step < n; step++) await bareStep(caseId, step);
        });
        return casesPerRound * n;
      },
      {
        rounds: 5,
        warmup: 1,
        prepare: async (r) => {
          for (const caseId of ids('e', r)) await engine.open({ ...lifecycle.open, caseId } as OpenCase);
          // The bare side's cases start as the engine's do: a case row at version 1 with its opening entry.
          for (const caseId of ids('b', r)) await engine.open({ ...lifecycle.open, caseId } as OpenCase);
        },
      },
    );
    results.push({ name: `${db.name}, ${concurrency === 1 ? '1 case at a time' : `${concurrency} at once`}`, result });
    return result.rows;
  } finally {
    for (const table of ['outbox', 'audit', 'work', 'dead', 'cases', 'migrations']) await (db.client as unknown as Sql).query(`DROP TABLE IF EXISTS ${prefix}_${table}`);
  }
}

export const postgresOverheadSuite: BenchSuite = {
  title: 'Write path: engine.send on PostgreSQL ÷ a bare transaction with the same writes',
  baselines: [],
  unit: 'ms',
  method:
    `Each round sends the accepted events of \`reassessment-at-twelve-months\` to ${casesPerRound} fresh cases through ` +
    '`engine.send` on the PostgreSQL store, and does the bare transaction for each of the same steps on ' +
    `${casesPerRound} other fresh cases (BEGIN; versioned UPDATE of the case row with the snapshot the engine saved at ` +
    'that step; audit INSERT; outbox INSERT; COMMIT), on the same pool. One untimed pair of rounds, then 5 timed ' +
    'pairs alternating which side goes first. Throughput ratio = bare time ÷ engine time per event.',
  summary: () =>
    results.length === 0
      ? null
      : results
          .map(({ name, result }) => {
            const inverse: PairedResult = {
              ...result,
              ratio: { median: 1 / result.ratio.median, low: 1 / result.ratio.high, high: 1 / result.ratio.low },
            };
            return `- ${name}: engine throughput ÷ bare throughput **${ratioText(inverse)}** (target ≥ 0.7×).`;
          })
          .join('\n'),
  async run() {
    const rows: BenchRow[] = [];
    for (const db of await databases()) {
      try {
        rows.push(...(await measureDatabase(db, 1)));
        rows.push(...(await measureDatabase(db, streams)));
      } finally {
        await db.close();
      }
    }
    return rows;
  },
};
