/**
 * One worker process of `graphile-worker.test.ts`. Run as
 * `node --import tsx test/adapters/graphile-worker-process.ts` with its settings as JSON in the
 * environment variable `WORKER` ({@link QueueWorkerSettings}).
 *
 * It opens its own pool and engine over the shared tables, prints `ready`, waits for `go` on
 * standard input (so the workers start together and compete for jobs), runs graphile-worker with
 * the adapter's tasks until `stop`, then prints one line of JSON ({@link QueueWorkerReport}).
 */
import { createInterface } from 'node:readline';
import { Logger, run } from 'graphile-worker';
import pg from 'pg';
import { deliveryCrontab, taskIdentifiers, workerTasks, type WorkerTask } from '../../adapters/graphile-worker.js';
import { postgresStore } from '../../adapters/postgres.js';
import { createCaseEngine } from '../../src/index.js';

/** What the test tells a worker. */
export interface QueueWorkerSettings {
  readonly databaseUrl: string;
  readonly tablePrefix: string;
  readonly workerSchema: string;
  readonly worker: number;
}

/** What a worker prints when it is done. */
export interface QueueWorkerReport {
  readonly worker: number;
  /** Tick jobs this process ran (each a case at one due instant). */
  readonly ticks: number;
  /** Delivery passes this process ran. */
  readonly deliveries: number;
  /** The `breach.recorded` messages this process's listener heard: message id, case and deadline. */
  readonly breaches: readonly { readonly id: string; readonly caseId: string; readonly deadlineId: string | null }[];
  /** Task failures graphile-worker logged (each retried). */
  readonly errors: readonly string[];
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env['WORKER'] ?? '') as QueueWorkerSettings;
  const { tablePrefix, workerSchema } = settings;
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 6 });
  pool.on('error', () => undefined);
  const engine = createCaseEngine({ store: postgresStore({ client: pool, tablePrefix }) });
  const breaches: { id: string; caseId: string; deadlineId: string | null }[] = [];
  engine.on('breach.recorded', (n, { id }) => void breaches.push({ id, caseId: n.caseId, deadlineId: n.deadlineId ?? null }));

  const names = taskIdentifiers(tablePrefix);
  const tasks = workerTasks(engine, { tablePrefix, workerSchema, pollMs: 200 });
  let ticks = 0;
  let deliveries = 0;
  const counted = (task: WorkerTask, count: () => void): WorkerTask => async (payload, helpers) => {
    await task(payload, helpers);
    count();
  };
  const taskList = {
    [names.tick]: counted(tasks[names.tick]!, () => (ticks += 1)),
    [names.deliver]: counted(tasks[names.deliver]!, () => (deliveries += 1)),
  };
  const errors: string[] = [];
  // graphile-worker's own lines would drown the test's output: only errors are kept, for the report.
  const logger = new Logger(() => (level, message) => {
    if (level === 'error') errors.push(message);
  });
  await pool.query('SELECT 1');

  const lines = createInterface({ input: process.stdin });
  const commands = new Map<string, () => void>();
  lines.on('line', (line) => commands.get(line.trim())?.());
  const next = (command: string) => new Promise<void>((resolve) => commands.set(command, resolve));
  const go = next('go');
  const stop = next('stop');
  process.stdout.write('ready\n');
  await go;
  const runner = await run({
    pgPool: pool,
    schema: workerSchema,
    concurrency: 4,
    pollInterval: 250,
    noHandleSignals: true,
    logger,
    taskList,
    crontab: deliveryCrontab({ tablePrefix, workerSchema }),
  });
  await stop;
  lines.close();
  await runner.stop();
  await pool.end();
  const report: QueueWorkerReport = { worker: settings.worker, ticks, deliveries, breaches, errors };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
