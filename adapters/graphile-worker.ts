/**
 * Ticks and delivery on graphile-worker, the job queue on the PostgreSQL the store already uses
 * (`docs/decisions.md` "Ticks on a job queue"). A trigger on the store's cases table schedules each
 * case's next due instant as one job keyed by the case, in the same transaction as the save; the
 * tick task ticks that case alone, on whichever worker takes the job; the delivery task is the
 * outbox relay, rescheduling itself. graphile-worker needs a PostgreSQL server (it uses
 * LISTEN/NOTIFY), not PGlite.
 */
import { runMigrations } from 'graphile-worker';
import type { CaseEngine } from '../src/engine/case-engine.js';
import { StepDownError } from '../src/errors.js';
import { isId } from '../src/ids/id.js';
import type { PgPoolLike } from './postgres.js';

/** Where the schedule lives: the store's tables and graphile-worker's schema. */
export interface GraphileScheduleOptions {
  /** The PostgreSQL store's table prefix (default `step_down`): the trigger goes on `<prefix>_cases`. */
  readonly tablePrefix?: string;
  /** The schema graphile-worker runs in: its own `schema` option (default `graphile_worker`). */
  readonly workerSchema?: string;
}

/** Options of {@link workerTasks}. */
export interface GraphileTaskOptions extends GraphileScheduleOptions {
  /** How long the delivery task waits, once the outbox is empty, before its next pass (1,000 ms). */
  readonly pollMs?: number;
  /** This worker's clock: give the engine's `now` when the engine has one. */
  readonly now?: () => Date;
}

/** What the tasks use of graphile-worker's `JobHelpers` (graphile-worker passes the whole of it). */
export interface WorkerJobHelpers {
  /** graphile-worker's `helpers.addJob`. */
  addJob(
    identifier: string,
    payload: unknown,
    spec?: { readonly runAt?: Date; readonly jobKey?: string; readonly jobKeyMode?: 'replace' | 'preserve_run_at' },
  ): Promise<unknown>;
  /** Aborted when the worker shuts down gracefully. */
  readonly abortSignal?: AbortSignal;
}

/** A task as graphile-worker's `run({ taskList })` takes it. */
export type WorkerTask = (payload: unknown, helpers: WorkerJobHelpers) => Promise<void>;

/**
 * The task identifiers and job keys of one store: each name starts with its table prefix, so two
 * stores (or the host's own jobs) can share one graphile-worker schema. A case's tick job is keyed
 * `<prefix>:case:<caseId>`, the relay's `<prefix>:relay`.
 *
 * @example
 * ```ts
 * taskIdentifiers('step_down'); // => { tick: 'step_down:tick', deliver: 'step_down:deliver' }
 * ```
 */
export function taskIdentifiers(tablePrefix = 'step_down'): { readonly tick: string; readonly deliver: string } {
  checkName(tablePrefix, 'tablePrefix');
  return { tick: `${tablePrefix}:tick`, deliver: `${tablePrefix}:deliver` };
}

/** The relay's job key (a case's is `<prefix>:case:<caseId>`, written by the trigger). */
const relayKey = (prefix: string) => `${prefix}:relay`;

/**
 * The SQL that schedules ticks, for a DBA who applies it by hand (after the store's
 * `migrationSql` and graphile-worker's own migrations, e.g. `graphile-worker --schema-only`):
 * a function `<prefix>_schedule_tick`, a trigger on `<prefix>_cases` after every insert and every
 * update of `next_due_at` that calls it, the jobs of the cases already due (so a store that ran
 * before the trigger is scheduled too), and the relay's first job. Applying it again changes nothing.
 *
 * The job of a case runs one millisecond after its next due instant (a deadline's last instant
 * passed), with the case id and the due instant as payload, and replaces the case's previous job; a
 * case with nothing due has its job removed. The trigger writes in the save's own transaction, so a
 * save that rolls back schedules nothing. The role the engine connects as needs to run
 * graphile-worker's `add_job` and `remove_job`.
 *
 * @example
 * ```ts
 * await writeFile('migrations/step-down-schedule.sql', scheduleSql({ tablePrefix: 'step_down' }));
 * ```
 */
export function scheduleSql(options: GraphileScheduleOptions = {}): string {
  const { prefix, schema } = names(options);
  const { tick, deliver } = taskIdentifiers(prefix);
  return `
CREATE OR REPLACE FUNCTION ${prefix}_schedule_tick(p_case_id text, p_due_at bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF p_due_at IS NULL THEN
    PERFORM ${schema}.remove_job('${prefix}:case:' || p_case_id);
  ELSE
    -- A deadline is missed from the millisecond after its last instant.
    PERFORM ${schema}.add_job(
      '${tick}',
      json_build_object('caseId', p_case_id, 'dueAt', p_due_at),
      run_at := timestamptz 'epoch' + (p_due_at + 1) * interval '1 millisecond',
      job_key := '${prefix}:case:' || p_case_id,
      job_key_mode := 'replace'
    );
  END IF;
END $$;
CREATE OR REPLACE FUNCTION ${prefix}_cases_schedule_tick() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Nothing was due before and nothing is now: there is no job to remove.
  IF NEW.next_due_at IS NULL AND (TG_OP = 'INSERT' OR OLD.next_due_at IS NULL) THEN
    RETURN NULL;
  END IF;
  -- Scheduled again even when unchanged: a replace resets a job that failed for good.
  PERFORM ${prefix}_schedule_tick(NEW.case_id, NEW.next_due_at);
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS ${prefix}_cases_schedule_tick ON ${prefix}_cases;
CREATE TRIGGER ${prefix}_cases_schedule_tick AFTER INSERT OR UPDATE OF next_due_at ON ${prefix}_cases
  FOR EACH ROW EXECUTE FUNCTION ${prefix}_cases_schedule_tick();
SELECT count(${prefix}_schedule_tick(case_id, next_due_at)) FROM ${prefix}_cases WHERE next_due_at IS NOT NULL;
SELECT ${schema}.add_job('${deliver}', '{}'::json, job_key := '${relayKey(prefix)}', job_key_mode := 'preserve_run_at');
`;
}

/**
 * Sets up the schedule on a `pg` Pool: graphile-worker's own migrations in `workerSchema`, then
 * {@link scheduleSql} in one transaction (serialised across processes by an advisory lock). Run the
 * store's `migrate` first. Safe to call at every start.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * import { migrate } from 'caf-step-down/adapters/postgres';
 * import { installSchedule } from 'caf-step-down/adapters/graphile-worker';
 * const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool);
 * await installSchedule(pool);
 * ```
 */
export async function installSchedule(pool: PgPoolLike, options: GraphileScheduleOptions = {}): Promise<void> {
  const { prefix, schema } = names(options);
  // graphile-worker takes a `pg` Pool; PgPoolLike is the part of it the store uses.
  await runMigrations({ pgPool: pool as unknown as NonNullable<Parameters<typeof runMigrations>[0]['pgPool']>, schema });
  const connection = await pool.connect();
  try {
    await connection.query('BEGIN');
    await connection.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`${prefix}_schedule`]);
    await connection.query(scheduleSql(options));
    await connection.query('COMMIT');
  } catch (error) {
    await connection.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    connection.release();
  }
}

/**
 * A crontab line for graphile-worker's `crontab` option that restarts the delivery task within a
 * minute should the worker running it die (its job would stay locked for graphile-worker's four
 * hours). While the relay runs, the line changes nothing: it keeps the pending job's time.
 *
 * @example
 * ```ts
 * await run({ pgPool, taskList: workerTasks(engine), crontab: deliveryCrontab() });
 * ```
 */
export function deliveryCrontab(options: GraphileScheduleOptions = {}): string {
  const { prefix } = names(options);
  return `* * * * * ${taskIdentifiers(prefix).deliver} ?jobKey=${relayKey(prefix)}&jobKeyMode=preserve_run_at`;
}

/**
 * The tasks to give graphile-worker's `run`, by identifier ({@link taskIdentifiers}).
 *
 * The tick task ticks its case with `engine.tickCase`, dated one millisecond after the due instant
 * the job was scheduled for, never by a worker's clock: graphile-worker runs the job only once the
 * database's clock has passed that instant, so the tick is never early, and it is dated the same
 * however late a worker takes it. A worker whose own clock is still before that instant throws
 * `FUTURE_DATED` and the job is retried later, so the engine never records a breach at a
 * `recordedAt` before the deadline ended. A case another worker ticked first is left as it is. A
 * tick that fails (a store fault, `VERSION_CONFLICT`) throws, and graphile-worker retries it.
 *
 * The delivery task runs `engine.deliver()` passes until the outbox has nothing ready, then
 * schedules itself again `pollMs` later; {@link installSchedule} queues its first run, and
 * {@link deliveryCrontab} restarts it after a crash.
 *
 * @example
 * ```ts
 * import { run } from 'graphile-worker';
 * const engine = createCaseEngine({ store: postgresStore({ client: pool }) });
 * const runner = await run({ pgPool: pool, concurrency: 4, taskList: workerTasks(engine), crontab: deliveryCrontab() });
 * process.on('SIGTERM', () => void runner.stop());
 * ```
 */
export function workerTasks(engine: CaseEngine, options: GraphileTaskOptions = {}): Record<string, WorkerTask> {
  const { prefix } = names(options);
  const { tick, deliver } = taskIdentifiers(prefix);
  const now = options.now ?? (() => new Date());
  const pollMs = options.pollMs ?? 1000;
  if (!(Number.isFinite(pollMs) && pollMs >= 0)) throw new StepDownError('INVALID_ARGUMENT', 'pollMs must be a number of milliseconds, 0 or more.');
  return {
    [tick]: async (payload) => {
      const { caseId, dueAt } = tickPayload(payload);
      const at = new Date(dueAt + 1);
      const clock = now();
      if (clock.getTime() < at.getTime()) {
        throw new StepDownError(
          'FUTURE_DATED',
          `This worker's clock (${clock.toISOString()}) is behind the database's: case ${caseId}'s deadline ends at ${at.toISOString()}. The job is retried; keep the clocks in sync.`,
          { caseId, at: at.toISOString(), now: clock.toISOString() },
        );
      }
      await engine.tickCase(caseId, { at: at.toISOString() });
    },
    [deliver]: async (_payload, helpers) => {
      let passes = 0;
      // A bounded run, so one job never holds a worker's slot for ever; the next takes over at once.
      for (; passes < maxPasses && !helpers.abortSignal?.aborted; passes += 1) {
        if ((await engine.deliver()).delivered === 0) break;
      }
      const wait = passes === maxPasses ? 0 : pollMs;
      await helpers.addJob(deliver, {}, { jobKey: relayKey(prefix), jobKeyMode: 'preserve_run_at', runAt: new Date(now().getTime() + wait) });
    },
  };
}

const maxPasses = 50;

/** The payload the trigger gives a tick job, checked: a job added by hand may hold anything. */
function tickPayload(payload: unknown): { caseId: string; dueAt: number } {
  const { caseId, dueAt } = (payload ?? {}) as { caseId?: unknown; dueAt?: unknown };
  if (isId(caseId) && typeof dueAt === 'number' && Number.isSafeInteger(dueAt)) return { caseId, dueAt };
  throw new StepDownError('INVALID_INPUT', 'A tick job needs the payload { caseId, dueAt } that the schedule trigger writes; the value is not repeated here.', {
    issues: ['payload: not a tick job'],
  });
}

function names(options: GraphileScheduleOptions): { prefix: string; schema: string } {
  const prefix = options.tablePrefix ?? 'step_down';
  const schema = options.workerSchema ?? 'graphile_worker';
  checkName(prefix, 'tablePrefix');
  checkName(schema, 'workerSchema');
  return { prefix, schema };
}

/** Names go into SQL as identifiers and in job keys: the store's own rule for its prefix. */
function checkName(value: string, field: string): void {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(value)) {
    throw new StepDownError('INVALID_ARGUMENT', `${field} must be lower-case letters, digits and underscores (at most 41), starting with a letter or underscore.`);
  }
}
