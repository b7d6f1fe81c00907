/**
 * `engine.tick` with 100,000 open cases in a PostgreSQL server (`DATABASE_URL`), of which 10 are due.
 *
 * The cases are real: 365 template cases are run through the engine (opened on successive days,
 * decision agreed, a disagreement raised, so each has an open 5-working-day deadline), and each is
 * cloned under new ids into the store's own tables with a bulk `INSERT … SELECT FROM unnest(…)`:
 * the snapshot with its case id replaced, and its audit trail re-chained for the new id, so every
 * clone is a case the engine can load, tick and verify. The 10 due cases are opened and driven
 * through the engine itself, with deadlines weeks before every clone's.
 *
 * Between the timed ticks the 10 due cases are put back as they were (their rows, their audit
 * entries, an empty outbox), so every round does the same work.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { memoryStore } from '../adapters/memory.js';
import { migrate, postgresStore } from '../adapters/postgres.js';
import { createCaseEngine, type AuditDraft, type AuditEntry, type CaseStore } from '../src/index.js';
import { chainEntry } from '../src/engine/audit-chain.js';
import { sampleEvent, samplePeople, samplePersonAdded } from '../test/events/samples.js';
import { measureAsync, type BenchRow, type BenchSuite } from './harness.js';

/** 100,000 as the issue asks; `BENCH_TICK_CASES` sets fewer for a quick look. */
const openCases = Number(process.env.BENCH_TICK_CASES ?? 100_000);
const dueCases = 10;
const templates = 365;
const batch = 2_000;
/** Later than the due cases' deadlines (mid-January), earlier than every clone's (March onwards). */
const tickAt = '2024-02-01T09:00:00Z';

const tm = { id: samplePeople.teamManager.id, role: 'team-manager' } as const;

/**
 * Opens a case at `openedAt`, agrees the decision next day, adds the partner practitioner and raises
 * her disagreement: one open deadline.
 */
async function driveToOpenDeadline(engine: ReturnType<typeof createCaseEngine>, caseId: string, openedAt: Date): Promise<void> {
  const day = (offset: number) => new Date(openedAt.getTime() + offset * 86_400_000).toISOString().replace('.000Z', 'Z');
  await engine.open({ caseId, route: 'cin-outcome', at: day(0), actor: tm });
  await engine.send(caseId, sampleEvent('decision.agreed', day(1)));
  await engine.send(caseId, samplePersonAdded(samplePeople.partner, day(1)));
  await engine.send(caseId, sampleEvent('disagreement.raised', day(2)));
}

const stripChain = ({ seq: _seq, prevHash: _prev, hash: _hash, ...draft }: AuditEntry): AuditDraft => draft;

/** Swaps one case id for another in a JSON text: case ids only ever appear as whole string values. */
const renamed = (json: string, from: string, to: string) => json.replaceAll(JSON.stringify(from), JSON.stringify(to));

async function seed(pool: pg.Pool, p: string): Promise<{ seconds: number; bytes: string }> {
  const started = Date.now();
  // The templates come from the engine itself (memory store: only their content is used).
  // A clock after every template's dates: an event dated after the engine's now is refused (FUTURE_DATED).
  const source = createCaseEngine({ store: memoryStore(), now: () => new Date('2025-03-15T00:00:00Z') });
  const made: { snapshot: string; nextDueAt: number | null; version: number; trail: string[]; id: string }[] = [];
  for (let t = 0; t < templates; t += 1) {
    const id = `TPL-${t}`;
    await driveToOpenDeadline(source, id, new Date(Date.UTC(2024, 2, 1, 9) + t * 86_400_000));
    const stored = (await source.store.load(id))!;
    const trail = (await source.history(id)).map((entry) => JSON.stringify(stripChain(entry)));
    made.push({ id, snapshot: JSON.stringify(stored.snapshot), nextDueAt: stored.nextDueAt, version: stored.version, trail });
  }
  for (let start = 0; start < openCases - dueCases; start += batch) {
    const cases: { id: string[]; version: number[]; snapshot: string[]; due: (number | null)[]; seq: number[]; hash: string[] } = {
      id: [], version: [], snapshot: [], due: [], seq: [], hash: [],
    };
    const audit: { id: string[]; seq: number[]; entry: string[] } = { id: [], seq: [], entry: [] };
    for (let n = start; n < Math.min(start + batch, openCases - dueCases); n += 1) {
      const template = made[n % templates]!;
      const id = `B-${String(n).padStart(6, '0')}`;
      let previous: AuditEntry | null = null;
      for (const draft of template.trail) {
        previous = chainEntry(previous, JSON.parse(renamed(draft, template.id, id)) as AuditDraft);
        audit.id.push(id);
        audit.seq.push(previous.seq);
        audit.entry.push(JSON.stringify(previous));
      }
      cases.id.push(id);
      cases.version.push(template.version);
      cases.snapshot.push(renamed(template.snapshot, template.id, id));
      cases.due.push(template.nextDueAt);
      cases.seq.push(previous!.seq);
      cases.hash.push(previous!.hash);
    }
    await pool.query(
      `INSERT INTO ${p}_cases (case_id, version, snapshot, next_due_at, last_seq, last_hash)
       SELECT * FROM unnest($1::text[], $2::int[], $3::jsonb[], $4::bigint[], $5::int[], $6::text[])`,
      [cases.id, cases.version, cases.snapshot, cases.due, cases.seq, cases.hash],
    );
    await pool.query(
      `INSERT INTO ${p}_audit (case_id, seq, entry) SELECT * FROM unnest($1::text[], $2::int[], $3::jsonb[])`,
      [audit.id, audit.seq, audit.entry],
    );
  }
  // The due cases go through the engine and the store like any host's.
  const engine = createCaseEngine({ store: postgresStore({ client: pool, tablePrefix: p }) });
  for (let d = 0; d < dueCases; d += 1) await driveToOpenDeadline(engine, `DUE-${d}`, new Date(Date.UTC(2024, 0, 8, 9) + d * 3_600_000));
  await pool.query(`DELETE FROM ${p}_outbox`);
  await pool.query(`VACUUM ANALYZE ${p}_cases`);
  await pool.query(`VACUUM ANALYZE ${p}_audit`);
  const size = await pool.query<{ size: string }>(
    `SELECT pg_size_pretty(pg_total_relation_size('${p}_cases') + pg_total_relation_size('${p}_audit')) AS size`,
  );
  return { seconds: (Date.now() - started) / 1000, bytes: size.rows[0]!.size };
}

/** Time spent in each store method, by method name. */
const spent = new Map<string, { calls: number; ms: number }>();

/** The store with each call timed into {@link spent}: where a tick's time goes. */
function timed(store: CaseStore): CaseStore {
  const wrapped: Record<string, unknown> = {};
  for (const [method, fn] of Object.entries(store) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    wrapped[method] = async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await fn(...args);
      } finally {
        const entry = spent.get(method) ?? { calls: 0, ms: 0 };
        spent.set(method, { calls: entry.calls + 1, ms: entry.ms + performance.now() - started });
      }
    };
  }
  return wrapped as unknown as CaseStore;
}

/** The tick with 100,000 open cases, 10 due, against the index query alone and a load of every case. */
export const tickSuite: BenchSuite = {
  title: `engine.tick with ${openCases.toLocaleString('en-GB')} open cases in PostgreSQL, ${dueCases} due`,
  baselines: ['tick, 10 due'],
  unit: 'ms',
  skipReason: () => (process.env.DATABASE_URL ? null : 'set DATABASE_URL to a PostgreSQL server (.ci/services/postgres.sh starts one).'),
  method:
    `${openCases.toLocaleString('en-GB')} open cases (${(openCases - dueCases).toLocaleString('en-GB')} clones of ${templates} ` +
    `engine-made cases, bulk-inserted into the store's tables, and ${dueCases} driven through the engine), each with one open ` +
    `deadline; only the ${dueCases} are due at the tick. Rows for 0 due and for the index query alone are the median of 50 calls; ` +
    `"tick, ${dueCases} due" is the median of 7 ticks after one warm-up, the due cases reset between ticks (untimed).`,
  async run() {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
    const p = `bench_tick_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const rows: BenchRow[] = [];
    try {
      await migrate(pool, p);
      const seeded = await seed(pool, p);
      console.error(`tick: seeded ${openCases.toLocaleString('en-GB')} cases in ${seeded.seconds.toFixed(1)} s (${seeded.bytes} of cases and audit)`);
      const store = timed(postgresStore({ client: pool, tablePrefix: p }));
      const engine = createCaseEngine({ store });
      let delivered = 0;
      engine.on('*', () => void (delivered += 1));

      const atMs = Date.parse(tickAt);
      const plan = await pool.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT case_id FROM ${p}_cases WHERE next_due_at < ${atMs} ORDER BY next_due_at LIMIT 500 FOR UPDATE SKIP LOCKED`,
      );
      console.error(`tick: plan of the due-case query:\n  ${plan.rows.map((r) => r['QUERY PLAN']).join('\n  ')}`);

      // What the due cases look like before any tick, to put them back after each.
      await pool.query(`CREATE TABLE ${p}_reset AS SELECT * FROM ${p}_cases WHERE case_id LIKE 'DUE-%'`);
      const reset = async () => {
        await pool.query(
          `UPDATE ${p}_cases c SET version = r.version, snapshot = r.snapshot, next_due_at = r.next_due_at, last_seq = r.last_seq, last_hash = r.last_hash, head = r.head
           FROM ${p}_reset r WHERE c.case_id = r.case_id`,
        );
        await pool.query(`DELETE FROM ${p}_audit a USING ${p}_reset r WHERE a.case_id = r.case_id AND a.seq > r.last_seq`);
        await pool.query(`DELETE FROM ${p}_outbox`);
      };

      rows.push(
        await measureAsync(`store.dueCases(at, 500): the index query alone`, async () => {
          const due = await store.dueCases(atMs, 500);
          if (due.length !== dueCases) throw new Error(`expected ${dueCases} due, found ${due.length}`);
          return 1;
        }, { warmup: 5, rounds: 50 }),
      );
      rows.push(
        await measureAsync('tick, 0 due (a tick before every deadline)', async () => {
          const result = await engine.tick('2024-01-02T09:00:00Z');
          if (result.cases !== 0) throw new Error(`expected no case due, ticked ${result.cases}`);
          return 1;
        }, { warmup: 5, rounds: 50 }),
      );
      spent.clear();
      rows.push(
        await measureAsync(`tick, ${dueCases} due`, async () => {
          const result = await engine.tick(tickAt);
          // The breaches' delivery, which `tick` did itself before issue 11: the rows stay comparable.
          await engine.deliver();
          if (result.cases !== dueCases || result.breaches !== dueCases) {
            throw new Error(`expected ${dueCases} cases and breaches, got ${JSON.stringify(result)}`);
          }
          return 1;
        }, { warmup: 1, rounds: 7, prepare: reset }),
      );
      if (delivered < dueCases) throw new Error(`the breaches were not delivered (${delivered})`);
      const ticks = 8; // the warm-up and the 7 timed rounds
      console.error(
        `tick: store calls per tick with ${dueCases} due (count, mean ms each): ` +
          [...spent].map(([method, { calls, ms }]) => `${method} ${calls / ticks} × ${(ms / calls).toFixed(2)}`).join(', '),
      );
      // What `tick` must never do: read every case to find the due ones.
      rows.push(
        await measureAsync(`read every case's snapshot (a sweep without the index)`, async () => {
          const all = await pool.query(`SELECT case_id, snapshot, next_due_at FROM ${p}_cases`);
          if (all.rows.length !== openCases) throw new Error(`expected ${openCases} cases, read ${all.rows.length}`);
          return 1;
        }, { warmup: 1, rounds: 3 }),
      );
    } finally {
      for (const table of ['reset', 'outbox', 'audit', 'cases', 'migrations']) await pool.query(`DROP TABLE IF EXISTS ${p}_${table}`);
      await pool.end();
    }
    return rows;
  },
};
