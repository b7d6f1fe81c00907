/**
 * A Team Manager's "every step due in the next 5 working days" (`store.worklist({ role:
 * 'team-manager', dueBefore })`) with 1,000 open cases and with 100,000, side by side, on the memory
 * store, PGlite and (with `DATABASE_URL`) a PostgreSQL server: the target is the same cost
 * at both sizes (≈1×, at most 2×).
 *
 * The answer is the same at both sizes: 40 Team Manager steps due by the end of the fifth working
 * day (30 in the window, 10 already overdue), in cases spread through the store. What grows 100× is
 * everything around them: other roles' steps due in the same days, the Team Managers' steps due
 * later, undated steps, breached ones. A query that scanned the cases, or walked every step due in
 * the window whatever its role, would grow with them.
 *
 * The cases are `StoredCase` records with their `work`, as the engine writes them, with the snapshot
 * and opening audit entry of a real case (made by the engine once) under each new case id; no engine
 * on the seeding path. The memory store takes them through `create`. The PostgreSQL stores take them
 * in bulk (`INSERT … SELECT FROM jsonb_to_recordset`, 1,000 cases a statement), because `create` is
 * a transaction of its own per case and 100,000 of them take minutes in PGlite; the rows are exactly
 * the ones `create` writes, and every run proves it: a sample of the cases is also written through
 * `create` into tables of their own and compared row for row.
 */
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { memoryStore } from '../adapters/memory.js';
import { migrate, postgresStore, type PGliteLike, type PgPoolLike } from '../adapters/postgres.js';
import { addDays, addWorkingDays, endOfDay, isWorkingDay } from '../src/calendar/index.js';
import { instant } from '../src/machine/instants.js';
import { createCaseEngine, type AuditDraft, type AuditEntry, type CaseStore, type StoredCase, type WorkItem, type WorklistQuery } from '../src/index.js';
import { chainEntry } from '../src/engine/audit-chain.js';
import { nextHead } from '../src/engine/heads-check.js';
import { samplePeople } from '../test/events/samples.js';
import type { BenchRow, BenchSuite } from './harness.js';

/** The sizes compared: 1,000 and 100,000 as the issue asks; `BENCH_WORKLIST_CASES=1000,10000` for a quick look. */
const sizes = (process.env.BENCH_WORKLIST_CASES ?? '1000,100000').split(',').map(Number);
/** Team Manager steps due by the end of the window (30) or already overdue (10): the answer, at every size. */
const dueInWindow = 30;
const overdue = 10;
/** The Lead Professional whose own list is measured too: 12 steps at every size. */
const needleLp = 'lp-person-needle';
const needleLpSteps = 12;
/** Queries per timed round; one warm-up turn, then the median of `rounds`. */
const callsPerRound = 100;
const rounds = 7;

/** Friday 24 May 2024, before the Spring bank holiday: the fifth working day is Monday 3 June. */
const today = '2024-05-24';
const now = instant('2024-05-24T09:00:00+01:00');
const fifthWorkingDay = addWorkingDays(today, 5);
/** Everything due up to the last instant of the fifth working day (a deadline falls due at a day's end). */
const dueBefore = instant(endOfDay(fifthWorkingDay)) + 1;

/** A small deterministic generator (mulberry32): every run seeds the same cases. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The last instant of a working day `from`–`to` working days after today (negative: before it). */
function dueDay(next: () => number, from: number, to: number): string {
  const offset = from + Math.floor(next() * (to - from + 1));
  if (offset >= 0) return endOfDay(addWorkingDays(today, offset));
  let day = today;
  for (let back = 0; back < -offset; ) {
    day = addDays(day, -1);
    if (isWorkingDay(day)) back += 1;
  }
  return endOfDay(day);
}

const stepOf = (caseId: string, fields: Partial<WorkItem> & Pick<WorkItem, 'step' | 'role' | 'rule' | 'stage'>): WorkItem => {
  const due = fields.due ?? null;
  return {
    caseId,
    familyId: null,
    detail: null,
    personId: null,
    actorId: null,
    breached: false,
    ...fields,
    due,
    dueAt: due === null ? null : instant(due),
  };
};

/**
 * The pending steps of case number `n` of `size`: the needles first (the Team Manager steps due in
 * the window and the needle Lead Professional's), then a mix of stages whose dated steps for a Team
 * Manager all fall due after the window.
 */
function workOf(n: number, size: number, caseId: string, next: () => number): WorkItem[] {
  const tm = `tm-${n % 40}`;
  const lp = `lp-person-${n % Math.max(1, Math.floor(size / 50))}`;
  // The needles sit at evenly spread case numbers, so they are among the others, not at one end.
  const stride = Math.floor(size / (dueInWindow + overdue + needleLpSteps));
  if (n % stride === 0 && n / stride < dueInWindow + overdue) {
    const late = n / stride >= dueInWindow;
    const due = late ? dueDay(next, -4, -1) : dueDay(next, 0, 5);
    return [
      stepOf(caseId, { step: 'disagreement.resolved', role: 'team-manager', rule: 'disagreement-resolution', stage: 'preparation', detail: `D-${n}`, actorId: tm, due, breached: late }),
      stepOf(caseId, { step: 'views.recorded', role: 'social-worker', rule: 'views-recorded', stage: 'preparation', detail: `child-${n}` }),
    ];
  }
  if (n % stride === 0 && n / stride < dueInWindow + overdue + needleLpSteps) {
    return [stepOf(caseId, { step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'family-plan-review', stage: 'early-help', detail: 'review', personId: needleLp, due: dueDay(next, 1, 60) })];
  }
  const kind = next();
  if (kind < 0.2) {
    // Preparation with an open disagreement, resolved by the Team Manager after the window.
    return [
      stepOf(caseId, { step: 'views.recorded', role: 'social-worker', rule: 'views-recorded', stage: 'preparation', detail: `parent-${n}` }),
      stepOf(caseId, { step: 'consent.given', role: 'social-worker', rule: 'informed-consent', stage: 'preparation' }),
      stepOf(caseId, { step: 'disagreement.resolved', role: 'team-manager', rule: 'disagreement-resolution', stage: 'preparation', detail: `D-${n}`, actorId: tm, due: dueDay(next, 6, 250) }),
    ];
  }
  if (kind < 0.5) {
    // Under the CAF: the Lead Professional's family plan review, due any day of the year ahead (the window included), some missed.
    const missed = next() < 0.1;
    return [
      stepOf(caseId, {
        step: 'familyPlanMeeting.held', role: 'lead-professional', rule: 'family-plan-review', stage: 'early-help', detail: 'review',
        personId: lp, due: missed ? dueDay(next, -30, -1) : dueDay(next, 0, 250), breached: missed,
      }),
    ];
  }
  if (kind < 0.65) {
    // Just closed to CSC: the CAF Link Worker's quality assurance and contact, due within 4 weeks.
    const due = dueDay(next, 0, 20);
    return [
      stepOf(caseId, { step: 'ehm.authorised', role: 'caf-link-worker', rule: 'ehm-quality-assurance', stage: 'early-help', due }),
      stepOf(caseId, { step: 'leadProfessional.contacted', role: 'caf-link-worker', rule: 'clw-contacts-lead-professional', stage: 'early-help', due }),
    ];
  }
  if (kind < 0.85) {
    // In closure, waiting for the Team Manager's authorisation: a step with no timescale.
    return [stepOf(caseId, { step: 'stepDown.authorised', role: 'team-manager', rule: 'tm-quality-assurance', stage: 'closure', actorId: tm })];
  }
  // At the decision.
  return [stepOf(caseId, { step: 'decision.agreed', role: 'team-manager', rule: 'threshold-decision', stage: 'decision' })];
}

/** One real case, made by the engine: its stored snapshot and opening audit entry, as templates. */
async function template(): Promise<{ snapshot: string; opening: string }> {
  const store = memoryStore();
  const engine = createCaseEngine({ store, now: () => new Date(now) });
  await engine.open({ caseId: 'TEMPLATE', route: 'cin-outcome', at: '2024-05-20T09:00:00+01:00', actor: { id: samplePeople.teamManager.id, role: 'team-manager' } });
  const stored = (await store.load('TEMPLATE'))!;
  const { seq: _seq, prevHash: _prev, hash: _hash, ...opening } = (await store.audit('TEMPLATE'))[0]! as AuditEntry;
  return { snapshot: JSON.stringify(stored.snapshot), opening: JSON.stringify(opening) };
}

/** The `size` open cases: each one's record (with its work) and opening audit entry. */
function casesOf(size: number, made: { snapshot: string; opening: string }): [StoredCase, AuditDraft][] {
  const next = random(size);
  const renamed = (json: string, id: string) => json.replaceAll('"TEMPLATE"', JSON.stringify(id));
  const records: [StoredCase, AuditDraft][] = [];
  for (let n = 0; n < size; n += 1) {
    const caseId = `W-${String(n).padStart(6, '0')}`;
    const work = workOf(n, size, caseId, next);
    const dated = work.map((w) => w.dueAt).filter((d): d is number => d !== null);
    records.push([
      { caseId, version: 1, snapshot: JSON.parse(renamed(made.snapshot, caseId)), nextDueAt: dated.length > 0 ? Math.min(...dated) : null, familyId: null, work },
      JSON.parse(renamed(made.opening, caseId)) as AuditDraft,
    ]);
  }
  return records;
}

/** Writes the cases into a PostgreSQL store's tables as its `create` would (clear, no outbox), 1,000 a statement. */
async function bulkCreate(client: PgPoolLike | PGliteLike, p: string, records: readonly [StoredCase, AuditDraft][]): Promise<void> {
  for (let start = 0; start < records.length; start += 1_000) {
    const batch = records.slice(start, start + 1_000);
    const entries = batch.map(([, draft]) => chainEntry(null, draft));
    const cases = batch.map(([record], i) => ({
      case_id: record.caseId, version: record.version, snapshot: record.snapshot, next_due_at: record.nextDueAt,
      last_seq: entries[i]!.seq, last_hash: entries[i]!.hash, family_id: record.familyId ?? null,
      head: nextHead(entries[i]!, record.version, undefined),
    }));
    const work = batch.flatMap(([record]) =>
      (record.work ?? []).map((item, n) => ({
        case_id: record.caseId, n, due_at: item.dueAt, sort_key: `${item.step}|${item.detail ?? ''}`, role: item.role,
        person_id: item.personId, actor_id: item.actorId, breached: item.breached, item,
      })),
    );
    await client.query(
      `INSERT INTO ${p}_cases (case_id, version, snapshot, next_due_at, last_seq, last_hash, family_id, head)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(case_id text, version integer, snapshot jsonb, next_due_at bigint, last_seq integer, last_hash text, family_id text, head jsonb)`,
      [JSON.stringify(cases)],
    );
    await client.query(
      `INSERT INTO ${p}_audit (case_id, seq, entry) SELECT r.entry->>'caseId', (r.entry->>'seq')::integer, r.entry FROM jsonb_to_recordset($1::jsonb) AS r(entry jsonb)`,
      [JSON.stringify(entries.map((entry) => ({ entry })))],
    );
    await client.query(
      `INSERT INTO ${p}_work (case_id, n, due_at, sort_key, role, person_id, actor_id, breached, item)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(case_id text, n integer, due_at double precision, sort_key text, role text, person_id text, actor_id text, breached boolean, item jsonb)`,
      [JSON.stringify(work)],
    );
  }
}

/**
 * Proves the bulk rows are `create`'s: writes a sample of the cases through the store's own
 * `create` into fresh tables, and compares every row of theirs with the bulk-written one.
 */
async function checkBulk(client: PgPoolLike | PGliteLike, p: string, records: readonly [StoredCase, AuditDraft][]): Promise<void> {
  const check = `${p}_check`;
  await migrate(client, check);
  const store = postgresStore({ client, tablePrefix: check });
  const sample = [0, 1, Math.floor(records.length / 2), records.length - 1].map((i) => records[i]!);
  const ids = sample.map(([record]) => record.caseId);
  for (const [record, draft] of sample) await store.create(record, draft, []);
  try {
    for (const table of ['cases', 'audit', 'work']) {
      const rows = async (prefix: string) =>
        (await client.query<{ t: string }>(`SELECT row_to_json(r)::text AS t FROM ${prefix}_${table} r WHERE case_id = ANY($1::text[]) ORDER BY 1`, [ids])).rows.map((r) => r.t);
      const [bulk, created] = [await rows(p), await rows(check)];
      if (JSON.stringify(bulk) !== JSON.stringify(created) || bulk.length === 0) {
        throw new Error(`the bulk-written ${table} rows differ from what create writes: fix bench/worklist.ts`);
      }
    }
  } finally {
    for (const table of ['work', 'outbox', 'audit', 'cases', 'migrations']) await client.query(`DROP TABLE IF EXISTS ${check}_${table}`);
  }
}

/** A store at one size, ready to query, and how to drop it. */
interface Seeded {
  readonly store: CaseStore;
  readonly seconds: number;
  /** The plan of the Team Manager query, where the store has one. */
  readonly plan?: string;
  close(): Promise<void>;
}

interface Candidate {
  readonly name: string;
  seed(size: number, made: { snapshot: string; opening: string }): Promise<Seeded>;
}

const explain = async (client: PgPoolLike | PGliteLike, p: string) =>
  (await client.query<{ 'QUERY PLAN': string }>(
    `EXPLAIN SELECT case_id, n, item FROM ${p}_work WHERE role = 'team-manager' AND due_at < ${dueBefore} ORDER BY due_at, case_id, sort_key, n LIMIT 100`,
  )).rows.map((r) => r['QUERY PLAN']).join('\n    ');

const candidates = (): Candidate[] => {
  const list: Candidate[] = [
    {
      name: 'memory',
      async seed(size, made) {
        const started = Date.now();
        const store = memoryStore();
        for (const [record, draft] of casesOf(size, made)) await store.create(record, draft, []);
        return { store, seconds: (Date.now() - started) / 1000, close: async () => undefined };
      },
    },
    {
      name: 'PGlite (in memory)',
      async seed(size, made) {
        const started = Date.now();
        const db = new PGlite();
        const p = `bench_wl_${size}`;
        await migrate(db, p);
        const store = postgresStore({ client: db, tablePrefix: p });
        const records = casesOf(size, made);
        await bulkCreate(db, p, records);
        await checkBulk(db, p, records);
        await db.query(`ANALYZE`);
        return { store, seconds: (Date.now() - started) / 1000, plan: await explain(db, p), close: () => db.close() };
      },
    },
  ];
  const url = process.env.DATABASE_URL;
  if (url) {
    list.push({
      name: 'PostgreSQL server',
      async seed(size, made) {
        const started = Date.now();
        const p = `bench_wl_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
        const pool = new pg.Pool({ connectionString: url, max: 2 });
        await migrate(pool, p);
        const records = casesOf(size, made);
        await bulkCreate(pool, p, records);
        await checkBulk(pool, p, records);
        for (const table of ['work', 'cases', 'audit']) await pool.query(`VACUUM ANALYZE ${p}_${table}`);
        return {
          store: postgresStore({ client: pool, tablePrefix: p }),
          seconds: (Date.now() - started) / 1000,
          plan: await explain(pool, p),
          async close() {
            for (const table of ['work', 'outbox', 'audit', 'cases', 'migrations']) await pool.query(`DROP TABLE IF EXISTS ${p}_${table}`);
            await pool.end();
          },
        };
      },
    });
  }
  return list;
};

/** The measured ratios, for the summary under the table. */
const ratios: string[] = [];

const label = (size: number) => `${size.toLocaleString('en-GB')} open cases`;

/** The Team Manager's five working days and a Lead Professional's own list, per store, per size. */
export const worklistSuite: BenchSuite = {
  title: 'Work list: a Team Manager’s steps due in the next 5 working days, 1,000 against 100,000 open cases',
  baselines: [],
  unit: 'ms',
  method:
    `Each store is seeded with ${sizes.map((s) => s.toLocaleString('en-GB')).join(' and then ')} open cases ` +
    `(a real case's snapshot and opening entry, and 1–3 pending steps each, generated the same way every run): the memory ` +
    `store through \`create\`, the PostgreSQL stores with the rows \`create\` writes, in bulk (checked against \`create\` on a sample), then ANALYZE. ` +
    `At every size the answer is the same ${dueInWindow + overdue} Team Manager steps (${dueInWindow} due by the end of ` +
    `${fifthWorkingDay}, the fifth working day after Friday ${today}, Spring bank holiday skipped; ${overdue} overdue), ` +
    `and the same ${needleLpSteps} steps of one Lead Professional; the other steps grow with the cases. ` +
    `Both sizes of a store are seeded first and then take turns, round by round (one warm-up turn, then ${rounds}), ` +
    `so a change in the machine's load falls on both alike; each row is the median of its ${rounds} rounds of ${callsPerRound} calls.`,
  summary: () => ratios.join('\n'),
  async run() {
    const made = await template();
    const rows: BenchRow[] = [];
    const queries: { name: string; query: WorklistQuery; expect: number }[] = [
      { name: `worklist({ role: 'team-manager', dueBefore })`, query: { role: 'team-manager', dueBefore, limit: 100 }, expect: dueInWindow + overdue },
      { name: 'worklist({ personId }) of one Lead Professional', query: { personId: needleLp, limit: 100 }, expect: needleLpSteps },
    ];
    for (const candidate of candidates()) {
      const seeded: Seeded[] = [];
      try {
        for (const size of sizes) {
          const one = await candidate.seed(size, made);
          seeded.push(one);
          console.error(`worklist: ${candidate.name}, ${label(size)} seeded in ${one.seconds.toFixed(1)} s`);
          if (one.plan) console.error(`worklist: plan of the Team Manager query with ${label(size)}:\n    ${one.plan}`);
        }
        for (const { name, query, expect } of queries) {
          // The sizes take turns, round by round, so a change in the machine's load falls on both alike.
          const measured = await measureTurns(
            seeded.map((one) => async () => {
              for (let i = 0; i < callsPerRound; i += 1) {
                const found = await one.store.worklist(query);
                if (found.length !== expect) throw new Error(`expected ${expect} steps, found ${found.length}`);
              }
              return callsPerRound;
            }),
          );
          measured.forEach((row, i) => rows.push({ ...row, name: `${candidate.name}, ${label(sizes[i]!)}: ${name}` }));
          if (measured.length === 2) {
            const [small, large] = measured as [BenchRow, BenchRow];
            ratios.push(
              `${candidate.name}, ${name}: ${label(sizes[1]!)} ÷ ${label(sizes[0]!)} = ${(large.nsPerOp / small.nsPerOp).toFixed(2)}× ` +
                `(CPU of this process: ${(large.cpuNsPerOp! / small.cpuNsPerOp!).toFixed(2)}×)`,
            );
          }
        }
      } finally {
        for (const one of seeded) await one.close();
      }
    }
    return rows;
  },
};

/**
 * Times several rounds that take turns: one warm-up turn each, then `rounds` turns, each timing
 * every round once; the median per round, as `measureAsync` in bench/harness.ts reports it.
 */
async function measureTurns(rounds_: readonly (() => Promise<number>)[]): Promise<BenchRow[]> {
  const wall: number[][] = rounds_.map(() => []);
  const cpu: number[][] = rounds_.map(() => []);
  for (let turn = 0; turn < 1 + rounds; turn += 1) {
    for (const [i, round] of rounds_.entries()) {
      const cpuBefore = process.cpuUsage();
      const started = process.hrtime.bigint();
      const operations = await round();
      const elapsed = Number(process.hrtime.bigint() - started);
      const used = process.cpuUsage(cpuBefore);
      if (turn === 0) continue;
      wall[i]!.push(elapsed / operations);
      cpu[i]!.push(((used.user + used.system) * 1e3) / operations);
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return rounds_.map((_, i) => {
    const nsPerOp = median(wall[i]!);
    return { name: '', nsPerOp, opsPerSec: 1e9 / nsPerOp, cpuNsPerOp: median(cpu[i]!) };
  });
}
