/**
 * Ticks and delivery on graphile-worker (issue 12). The tasks are first run by hand on an in-memory
 * engine; then, on a PostgreSQL server (DATABASE_URL), the trigger is checked job by job, and three
 * worker processes (`graphile-worker-process.ts`) tick 1,000 cases: every deadline due is recorded
 * exactly once, none before its due instant, and none that is not yet due. Rule under test:
 * disagreement-resolution (G "Decision made to step down from CSC to CAF" ¶3–4), 5 working days.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryCrontab, installSchedule, scheduleSql, taskIdentifiers, workerTasks, type WorkerJobHelpers } from '../../adapters/graphile-worker.js';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import { createCaseEngine, isStepDownError, StepDownError, type CaseEngine, type CaseView } from '../../src/index.js';
import { samplePeople, samplePersonAdded } from '../events/samples.js';
import { event } from '../machine/harness.js';
import type { QueueWorkerReport, QueueWorkerSettings } from './graphile-worker-process.js';
import { postgresServerUrl } from '../servers.js';
import { spawnChild } from '../../scripts/reliability/spawn.js';

const url = postgresServerUrl;
const workerScript = fileURLToPath(new URL('./graphile-worker-process.ts', import.meta.url));
const hour = 3_600_000;
const teamManager = { id: samplePeople.teamManager.id, role: 'team-manager' } as const;

/**
 * A case with `raised` disagreements a day apart, each with its resolution deadline, from `start`;
 * the first resolved in time when `resolveFirst`.
 */
async function openCase(engine: CaseEngine, caseId: string, start: number, raised: number, resolveFirst = false): Promise<void> {
  const at = (hours: number) => new Date(start + hours * hour).toISOString();
  await engine.open({ caseId, route: 'cin-outcome', at: at(0), actor: teamManager });
  await engine.send(caseId, event('decision.agreed', at(1)));
  await engine.send(caseId, samplePersonAdded(samplePeople.partner, at(2)));
  for (let d = 0; d < raised; d += 1) {
    await engine.send(caseId, event('disagreement.raised', at(3 + 24 * d), { personId: samplePeople.partner, disagreementId: `D-${d}` }));
  }
  if (resolveFirst) await engine.send(caseId, event('disagreement.resolved', at(4), { disagreementId: 'D-0' }));
}

/** A case whose first disagreement is raised Wednesday 6 March 2024 at 10:00: its deadline ends with Wednesday 13 March. */
const raisedAt = Date.parse('2024-03-06T07:00:00Z');
const dueAt = Date.parse('2024-03-13T23:59:59.999Z');

/** graphile-worker's helpers as far as the tasks use them, recording each job they add. */
function fakeHelpers(): WorkerJobHelpers & { added: unknown[][] } {
  const added: unknown[][] = [];
  return {
    added,
    async addJob(...args) {
      added.push(args);
      return {};
    },
  };
}

describe('the graphile-worker tasks, run by hand', () => {
  const names = taskIdentifiers('step_down');

  it('date the tick one millisecond after the due instant, whatever the worker clock, and tick once', async () => {
    // The worker runs the job a week late: the breach is still dated when the deadline was missed.
    const now = () => new Date('2024-03-20T12:00:00Z');
    const engine = createCaseEngine({ now });
    await openCase(engine, 'C-1', raisedAt, 1);
    const tick = workerTasks(engine, { now })[names.tick]!;
    await tick({ caseId: 'C-1', dueAt }, fakeHelpers());
    await tick({ caseId: 'C-1', dueAt }, fakeHelpers());
    const ticks = (await engine.history('C-1')).filter((e) => e.type === 'clock.tick');
    expect(ticks.map((e) => [e.at, e.rules.breached])).toEqual([['2024-03-14T00:00:00.000Z', ['disagreement-resolution']]]);
    expect((await engine.get('C-1')).breaches.map((b) => b.detectedAt)).toEqual(['2024-03-14T00:00:00.000Z']);
  });

  it('refuse FUTURE_DATED, recording nothing, on a worker whose clock has not reached the end of the deadline', async () => {
    const now = () => new Date(dueAt - 1000);
    const engine = createCaseEngine({ now });
    await openCase(engine, 'C-1', raisedAt, 1);
    const tick = workerTasks(engine, { now })[names.tick]!;
    await expect(tick({ caseId: 'C-1', dueAt }, fakeHelpers())).rejects.toMatchObject({ code: 'FUTURE_DATED' });
    expect((await engine.history('C-1')).filter((e) => e.type === 'clock.tick')).toEqual([]);
  });

  it('refuse a job whose payload is not a tick, without repeating it', async () => {
    const tick = workerTasks(createCaseEngine())[names.tick]!;
    const error = await tick({ caseId: 'Leo Smith', dueAt }, fakeHelpers()).catch((e: unknown) => e);
    expect(isStepDownError(error, 'INVALID_INPUT')).toBe(true);
    expect((error as StepDownError).message).not.toContain('Leo');
  });

  it('deliver what the outbox holds, then schedule the next pass under the relay key, keeping an earlier time', async () => {
    const now = () => new Date('2024-03-20T12:00:00Z');
    const engine = createCaseEngine({ now });
    const heard: string[] = [];
    engine.on('*', (n) => void heard.push(n.type));
    await openCase(engine, 'C-1', raisedAt, 1);
    const helpers = fakeHelpers();
    await workerTasks(engine, { now, pollMs: 500 })[names.deliver]!({}, helpers);
    expect(heard).toContain('deadline.opened');
    expect((await engine.deliver()).delivered).toBe(0);
    expect(helpers.added).toEqual([
      ['step_down:deliver', {}, { jobKey: 'step_down:relay', jobKeyMode: 'preserve_run_at', runAt: new Date('2024-03-20T12:00:00.500Z') }],
    ]);
  });

  it('refuse names that could not be SQL identifiers', () => {
    expect(() => scheduleSql({ tablePrefix: 'cases; DROP TABLE x' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => deliveryCrontab({ workerSchema: 'Graphile' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(deliveryCrontab({ tablePrefix: 'sd' })).toBe('* * * * * sd:deliver ?jobKey=sd:relay&jobKeyMode=preserve_run_at');
  });
});

/** A run's own table prefix and graphile-worker schema, dropped after it. */
function place() {
  const id = randomUUID().replace(/-/g, '').slice(0, 12);
  return { tablePrefix: `gw_${id}`, workerSchema: `gw_${id}_jobs` };
}

async function dropPlace(pool: pg.Pool, { tablePrefix, workerSchema }: ReturnType<typeof place>): Promise<void> {
  for (const table of ['cases', 'audit', 'outbox', 'dead', 'work', 'migrations']) await pool.query(`DROP TABLE IF EXISTS ${tablePrefix}_${table} CASCADE`);
  await pool.query(`DROP FUNCTION IF EXISTS ${tablePrefix}_schedule_tick(text, bigint), ${tablePrefix}_cases_schedule_tick()`);
  await pool.query(`DROP SCHEMA IF EXISTS ${workerSchema} CASCADE`);
}

/** The tick jobs of a place: key, when each runs, its payload. */
async function tickJobs(pool: pg.Pool, { tablePrefix, workerSchema }: ReturnType<typeof place>) {
  const { rows } = await pool.query<{ key: string | null; run_at: Date; payload: unknown }>(
    `SELECT j.key, j.run_at, j.payload FROM ${workerSchema}._private_jobs j JOIN ${workerSchema}._private_tasks t ON t.id = j.task_id
     WHERE t.identifier = $1 ORDER BY j.key`,
    [taskIdentifiers(tablePrefix).tick],
  );
  return rows.map((r) => ({ key: r.key, runAt: r.run_at.toISOString(), payload: r.payload }));
}

describe.skipIf(!url)('the schedule trigger on PostgreSQL', () => {
  let pool: pg.Pool;
  const where = place();

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on('error', () => undefined);
    pool.on('connect', (client) => void client.on('error', () => undefined));
    await migrate(pool, where.tablePrefix);
  }, 60_000);

  afterAll(async () => {
    if (!pool) return;
    await dropPlace(pool, where);
    await pool.end();
  }, 60_000);

  it('keeps one job per case at its next due instant, in the save’s transaction, on a sealed store too', async () => {
    const keys = { k1: randomBytes(32) };
    const store = postgresStore({ client: pool, tablePrefix: where.tablePrefix, encryption: { keys, current: 'k1', indexKey: randomBytes(32) } });
    const engine = createCaseEngine({ store });
    // Saved before the schedule was installed: installing it schedules the case.
    await openCase(engine, 'C-1', raisedAt, 1);
    await installSchedule(pool, where);
    await installSchedule(pool, where);
    const first = { key: `${where.tablePrefix}:case:C-1`, runAt: '2024-03-14T00:00:00.000Z', payload: { caseId: 'C-1', dueAt } };
    expect(await tickJobs(pool, where)).toEqual([first]);

    // A second disagreement falls due later: the next due instant, and so the job, stay as they are.
    await engine.send('C-1', event('disagreement.raised', '2024-03-07T10:00:00Z', { personId: samplePeople.partner, disagreementId: 'D-1' }));
    expect(await tickJobs(pool, where)).toEqual([first]);
    // Resolving the first moves the job to the second's deadline, replacing it.
    await engine.send('C-1', event('disagreement.resolved', '2024-03-08T10:00:00Z', { disagreementId: 'D-0' }));
    const second = { key: first.key, runAt: '2024-03-15T00:00:00.000Z', payload: { caseId: 'C-1', dueAt: dueAt + 24 * hour } };
    expect(await tickJobs(pool, where)).toEqual([second]);

    // A write that rolls back schedules nothing.
    const client = await pool.connect();
    await client.query('BEGIN');
    await client.query(`UPDATE ${where.tablePrefix}_cases SET next_due_at = 1 WHERE case_id = 'C-1'`);
    await client.query('ROLLBACK');
    client.release();
    expect(await tickJobs(pool, where)).toEqual([second]);

    // Nothing left due: the job is removed.
    await engine.send('C-1', event('disagreement.resolved', '2024-03-08T11:00:00Z', { disagreementId: 'D-1' }));
    expect(await tickJobs(pool, where)).toEqual([]);
  });
});

describe.skipIf(!url)('examples/worker.ts, the worker process the guide shows', () => {
  const where = place();
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: url, max: 4 });
    pool.on('error', () => undefined);
    pool.on('connect', (client) => void client.on('error', () => undefined));
  });

  afterAll(async () => {
    if (!pool) return;
    await dropPlace(pool, where);
    await pool.end();
  }, 60_000);

  it('sets the schedule up, ticks a case that is due, delivers its breach, and stops on SIGTERM', { timeout: 120_000 }, async () => {
    await migrate(pool, where.tablePrefix);
    await openCase(createCaseEngine({ store: postgresStore({ client: pool, tablePrefix: where.tablePrefix }) }), 'EX-1', raisedAt, 1);
    const example = fileURLToPath(new URL('../../examples/worker.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', example], {
      env: { ...process.env, DATABASE_URL: url, STEP_DOWN_TABLE_PREFIX: where.tablePrefix, GRAPHILE_WORKER_SCHEMA: where.workerSchema },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const breach = new Promise<void>((resolve) =>
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.includes('breach.recorded EX-1')) resolve();
      }),
    );
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await Promise.race([breach, exited]);
      child.kill('SIGTERM');
      expect(await exited, stderr).toBe(0);
    } finally {
      child.kill();
    }
    expect(stdout).toContain('worker ready');
    expect(stdout).toContain('breach.recorded EX-1 disagreement-resolution due 2024-03-13T23:59:59.999+00:00');
    expect(stdout).toContain('worker stopped');
  });
});

/** Starts one worker process; `ready` resolves once it waits for `go`, `report` once it has stopped. */
const startWorker = (settings: QueueWorkerSettings) => spawnChild<QueueWorkerReport>(workerScript, 'WORKER', settings);

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

describe.skipIf(!url)('three graphile-worker processes tick 1,000 cases on one PostgreSQL', () => {
  const where = place();
  const cases = 1000;
  /** The last cases are opened today: their deadlines fall due days after the test ends. */
  const today = 100;
  let pool: pg.Pool;
  let engine: CaseEngine;

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: url, max: 8 });
    pool.on('error', () => undefined);
    pool.on('connect', (client) => void client.on('error', () => undefined));
    await migrate(pool, where.tablePrefix);
    await installSchedule(pool, where);
    engine = createCaseEngine({ store: postgresStore({ client: pool, tablePrefix: where.tablePrefix }) });
    const ids = Array.from({ length: cases }, (_, i) => i);
    await inParallel(ids, 8, async (i) => {
      const caseId = `GW-${i}`;
      if (i >= cases - today) return openCase(engine, caseId, Date.now() - 4 * hour, 1);
      // Over two months of 2024, one to three disagreements each; every tenth resolves its first in time.
      return openCase(engine, caseId, Date.parse('2024-01-08T09:00:00Z') + (i % 60) * 24 * hour, 1 + (i % 3), i % 10 === 0);
    });
  }, 300_000);

  afterAll(async () => {
    if (!pool) return;
    await dropPlace(pool, where);
    await pool.end();
  }, 60_000);

  it('records every due deadline exactly once, none before its due instant, on whichever worker takes its job', { timeout: 300_000 }, async () => {
    const before = new Map<string, CaseView>();
    await inParallel(Array.from({ length: cases }, (_, i) => `GW-${i}`), 8, async (caseId) => void before.set(caseId, await engine.get(caseId)));
    const startedAt = Date.now();
    const open = [...before.values()].flatMap((v) => v.deadlines.filter((d) => d.status === 'open').map((d) => ({ caseId: v.caseId, ...d })));
    const due = open.filter((d) => Date.parse(d.due) < startedAt);
    const notYet = open.filter((d) => Date.parse(d.due) >= startedAt);
    // The cases really differ: several deadlines per case, some met in time, some not yet due.
    expect(due.length).toBeGreaterThan(1500);
    expect(notYet).toHaveLength(today);

    const workers = [0, 1, 2].map((worker) => startWorker({ databaseUrl: url!, ...where, worker }));
    let reports: QueueWorkerReport[];
    try {
      await Promise.all(workers.map((w) => w.ready));
      for (const w of workers) w.go();
      // Done when every due deadline has its breach, nothing is left ready to tick, and the relay has
      // emptied the outbox; a tick recorded twice would show in the counts below.
      const recorded = async () =>
        Number(
          (
            await pool.query<{ n: string }>(
              `SELECT coalesce(sum(jsonb_array_length(entry->'rules'->'breached')), 0) AS n FROM ${where.tablePrefix}_audit WHERE entry->>'type' = 'clock.tick'`,
            )
          ).rows[0]!.n,
        );
      const ready = async () =>
        Number(
          (
            await pool.query<{ n: string }>(
              `SELECT count(*) AS n FROM ${where.workerSchema}.jobs WHERE task_identifier = $1 AND run_at <= now()`,
              [taskIdentifiers(where.tablePrefix).tick],
            )
          ).rows[0]!.n,
        );
      const outbox = async () => Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${where.tablePrefix}_outbox`)).rows[0]!.n);
      for (;;) {
        if ((await recorded()) >= due.length && (await ready()) === 0 && (await outbox()) === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      for (const w of workers) w.stop();
      reports = await Promise.all(workers.map((w) => w.report));
    } finally {
      for (const w of workers) w.kill();
    }

    // Whichever worker takes a job runs it: each of the three ticked cases.
    for (const r of reports) expect(r.ticks).toBeGreaterThan(0);

    const breaches: { caseId: string; deadlineId: string | null; due: string | null; detectedAt: string }[] = [];
    await inParallel([...before.keys()], 8, async (caseId) => {
      const trail = await engine.history(caseId);
      const view = await engine.get(caseId);
      for (const tick of trail.filter((e) => e.type === 'clock.tick')) {
        // Recorded (by the worker's clock) no earlier than the instant it is dated.
        expect(tick.accepted).toBe(true);
        expect(Date.parse(tick.recordedAt)).toBeGreaterThanOrEqual(Date.parse(tick.at!));
      }
      // Every breach the trail records is one of the case's breaches, and each deadline has one.
      const inTrail = trail.filter((e) => e.type === 'clock.tick').flatMap((e) => e.rules.breached);
      expect(inTrail).toHaveLength(view.breaches.length);
      breaches.push(...view.breaches.map((b) => ({ caseId, deadlineId: b.deadlineId ?? null, due: b.due, detectedAt: b.detectedAt })));
    });
    const key = (caseId: string, deadlineId: string | null) => `${caseId}/${deadlineId}`;
    expect(breaches.map((b) => key(b.caseId, b.deadlineId)).sort()).toEqual(due.map((d) => key(d.caseId, d.id)).sort());
    // None early: each is dated the millisecond after its deadline's last instant.
    for (const b of breaches) expect(Date.parse(b.detectedAt)).toBe(Date.parse(b.due!) + 1);

    // Deadlines not yet due are untouched, each waiting in its case's job at its due instant.
    const jobs = new Map((await tickJobs(pool, where)).map((j) => [j.key, j]));
    for (const d of notYet) {
      expect((await engine.get(d.caseId)).deadlines.find((x) => x.id === d.id)?.status).toBe('open');
      expect(jobs.get(`${where.tablePrefix}:case:${d.caseId}`)?.runAt).toBe(new Date(Date.parse(d.due) + 1).toISOString());
    }

    // The relay task delivered every breach notification (at least once) across the three processes.
    const delivered = new Set(reports.flatMap((r) => r.breaches.map((b) => key(b.caseId, b.deadlineId))));
    expect([...delivered].sort()).toEqual(due.map((d) => key(d.caseId, d.id)).sort());
    console.info(
      `graphile-worker: ${due.length} deadlines due across ${cases} cases, ticks by worker ${reports.map((r) => r.ticks).join('/')}, ` +
        `delivery passes ${reports.map((r) => r.deliveries).join('/')}, ${reports.flatMap((r) => r.errors).length} task errors retried, ` +
        `${Math.round((Date.now() - startedAt) / 1000)} s`,
    );
  });
});
