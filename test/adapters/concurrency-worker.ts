/**
 * One engine process of `concurrency.test.ts`. Run as
 * `node --import tsx test/adapters/concurrency-worker.ts` with its settings as JSON in the
 * environment variable `WORKER` ({@link WorkerSettings}).
 *
 * It opens its own pool and engine over the shared PostgreSQL tables, prints `ready`, waits for `go`
 * on standard input (so all workers start at once and really contend), sends its events, then
 * prints one line of JSON ({@link WorkerReport}): what was accepted, refused, the conflicts it
 * retried, and the notification ids its in-process listener received.
 */
import { createInterface } from 'node:readline';
import pg from 'pg';
import { createCaseEngine, isStepDownError, type StepDownEvent } from '../../src/index.js';
import { postgresStore } from '../../adapters/postgres.js';
import { sampleEvent, samplePeople } from '../events/samples.js';

/** What the test tells a worker. */
export interface WorkerSettings {
  readonly databaseUrl: string;
  readonly tablePrefix: string;
  readonly worker: number;
  readonly caseIds: readonly string[];
  readonly events: number;
  /** Every `refuseEvery`-th event is sent by a role the policy does not allow: a refusal to audit. */
  readonly refuseEvery: number;
  /**
   * Dated after the cases' `decision.agreed` and their people, so every event is in sequence
   * whatever the order. Each event is dated a second after the one before it across all workers,
   * so a view re-recorded for the same person still changes the case (it is not NO_EFFECT).
   */
  readonly at: string;
}

/** One event as the worker sent it: `key` is unique across the run and is found in the audit entry. */
export interface SentEvent {
  readonly caseId: string;
  readonly key: string;
  readonly type: string;
  /** The case version the engine returned (accepted events only). */
  readonly version?: number;
}

/** What a worker prints when it is done. */
export interface WorkerReport {
  readonly worker: number;
  readonly accepted: readonly SentEvent[];
  readonly refused: readonly SentEvent[];
  /** `VERSION_CONFLICT`s the worker got and retried after a fresh `get`. */
  readonly conflicts: number;
  readonly delivered: readonly { readonly id: string; readonly type: string; readonly caseId: string }[];
}

/**
 * The `i`-th event of worker `w`: alternately a disagreement raised by the partner practitioner and
 * the partner's view recorded again, both taken in any order during preparation. The key goes where
 * the audit keeps it: the disagreement's id, or the view's summary.
 */
export function workerEvent(settings: WorkerSettings, i: number): { event: StepDownEvent; key: string } {
  const key = `w${settings.worker}-e${i}`;
  const refused = settings.refuseEvery > 0 && i % settings.refuseEvery === settings.refuseEvery - 1;
  const at = new Date(Date.parse(settings.at) + (settings.worker * settings.events + i) * 1000).toISOString();
  if (i % 2 === 0) {
    const event = { ...sampleEvent('disagreement.raised', at), personId: samplePeople.partner, disagreementId: key };
    return { event: refused ? { ...event, actor: samplePeople.earlyHelpManager } : event, key };
  }
  const event = { ...sampleEvent('views.recorded', at), personId: samplePeople.partner, summary: key };
  return { event: refused ? { ...event, actor: samplePeople.earlyHelpManager } : event, key };
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.WORKER ?? '') as WorkerSettings;
  const pool = new pg.Pool({ connectionString: settings.databaseUrl, max: 3 });
  const engine = createCaseEngine({ store: postgresStore({ client: pool, tablePrefix: settings.tablePrefix }) });
  const delivered: { id: string; type: string; caseId: string }[] = [];
  engine.on('*', (notification, meta) => {
    delivered.push({ id: meta.id, type: notification.type, caseId: notification.caseId });
  });
  await pool.query('SELECT 1');

  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve) => lines.on('line', (line) => line.trim() === 'go' && resolve()));
  process.stdout.write('ready\n');
  await go;
  lines.close();
  // Each worker runs its own relay, as a host does: several relays claim from one outbox.
  engine.startDelivery();

  const accepted: SentEvent[] = [];
  const refused: SentEvent[] = [];
  let conflicts = 0;
  for (let i = 0; i < settings.events; i += 1) {
    const caseId = settings.caseIds[(i + settings.worker) % settings.caseIds.length]!;
    const { event, key } = workerEvent(settings, i);
    for (;;) {
      // A fresh read each try: the expected version is what this worker last saw.
      const { version } = await engine.get(caseId);
      try {
        const view = await engine.send(caseId, event, { expectedVersion: version });
        accepted.push({ caseId, key, type: event.type, version: view.version });
        break;
      } catch (error) {
        if (isStepDownError(error, 'VERSION_CONFLICT')) {
          conflicts += 1;
          continue;
        }
        if (isStepDownError(error, 'NOT_ALLOWED')) {
          refused.push({ caseId, key, type: event.type });
          break;
        }
        throw error;
      }
    }
  }
  // The shutdown a host does: the relay settles what it holds before the pool closes.
  await engine.stop();
  await pool.end();
  const report: WorkerReport = { worker: settings.worker, accepted, refused, conflicts, delivered };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  // Exit now: the relay's polls and the pool would keep a failed worker alive, and the test would
  // wait out its timeout for a report instead of showing this error.
  process.exit(1);
});
