/**
 * A worker process: ticks each case at its due instant and delivers the outbox, as graphile-worker
 * jobs on the PostgreSQL the cases live in. Run as many as you like, on any machines; each job runs
 * on one of them. The web processes only open cases and send events: they start no relay and no tick
 * loop of their own.
 *
 *   DATABASE_URL=postgres://… npx tsx examples/worker.ts
 *
 * Optional: STEP_DOWN_TABLE_PREFIX (the store's table prefix, `step_down`), GRAPHILE_WORKER_SCHEMA
 * (`graphile_worker`), WORKER_CONCURRENCY (jobs at once in this process, 4). graphile-worker needs a
 * PostgreSQL server (it listens for new jobs with LISTEN/NOTIFY): PGlite will not do.
 */
import { Logger, run } from 'graphile-worker';
import pg from 'pg';
import { deliveryCrontab, installSchedule, workerTasks } from '../adapters/graphile-worker.js';
import { migrate, postgresStore } from '../adapters/postgres.js';
import { createCaseEngine } from '../src/index.js';

const connectionString = process.env['DATABASE_URL'];
if (!connectionString) {
  console.error('Set DATABASE_URL to the PostgreSQL database of the cases.');
  process.exit(2);
}
const tablePrefix = process.env['STEP_DOWN_TABLE_PREFIX'] ?? 'step_down';
const workerSchema = process.env['GRAPHILE_WORKER_SCHEMA'] ?? 'graphile_worker';
const concurrency = Number(process.env['WORKER_CONCURRENCY'] ?? 4);

const pool = new pg.Pool({ connectionString, max: concurrency + 2 });
// A dropped connection is replaced by the pool; the job it served fails and is retried.
pool.on('error', (error) => console.warn('database connection lost:', error.message));

// Safe at every start, from every worker: both take an advisory lock and skip what is done.
await migrate(pool, tablePrefix);
await installSchedule(pool, { tablePrefix, workerSchema });

const engine = createCaseEngine({ store: postgresStore({ client: pool, tablePrefix }) });
// Listeners run in the worker that delivers: ids, rule ids and dates only, never a name.
engine.on('breach.recorded', (n, { id }) => console.log(`breach.recorded ${n.caseId} ${n.rule} due ${n.due} (message ${id})`));

const runner = await run({
  pgPool: pool,
  schema: workerSchema,
  concurrency,
  // graphile-worker handles SIGINT and SIGTERM itself unless told not to; this process shuts down below.
  noHandleSignals: true,
  // graphile-worker logs every job it completes (a delivery pass each second): keep warnings and errors.
  logger: new Logger(() => (level, message) => {
    if (level === 'warning' || level === 'error') console.warn(`graphile-worker ${level}: ${message}`);
  }),
  taskList: workerTasks(engine, { tablePrefix, workerSchema }),
  crontab: deliveryCrontab({ tablePrefix, workerSchema }),
});
console.log(`worker ready: ticks and delivery for ${tablePrefix}_cases, jobs in schema ${workerSchema}`);

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: finishing the jobs under way`);
  // Jobs under way finish; a tick or a pass cut off is retried by another worker.
  await runner.stop();
  await pool.end();
  console.log('worker stopped');
};
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
