/**
 * One engine process of the reliability suite, for the kill -9 trials and the PostgreSQL cluster
 * run. Run as `node --import tsx scripts/reliability/writer.ts` with its settings as JSON in the
 * environment variable `WRITER` ({@link WriterSettings}).
 *
 * It opens its own engine over the shared store, prints `ready`, waits for `go` on standard input
 * when asked to, then sends events to its cases. After each `send` returns it appends `a <eventId>`
 * (accepted) or `r <eventId>` (refused and audited) to its acknowledgement file, a log of its own
 * that no store writes: after a crash, every id in it must be in the reopened store's trail. A
 * `VERSION_CONFLICT` is retried after a fresh `get`. With a webhook it runs `engine.deliver()` after
 * every send: delivery is off the write path, so this pass is the only one. When it has
 * sent `events` (0: until it is killed) it prints one line of JSON ({@link WriterReport}).
 */
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { fileStore } from '../../adapters/file.js';
import { postgresStore } from '../../adapters/postgres.js';
import { webhookEmitter } from '../../adapters/webhook.js';
import { createCaseEngine, isStepDownError, type CaseStore } from '../../src/index.js';
import { writerEvent } from './writer-events.js';

/** Where the writer's store lives. */
export type WriterStore = { readonly kind: 'file'; readonly directory: string } | { readonly kind: 'postgres'; readonly url: string; readonly tablePrefix: string };

/** What the parent tells a writer. */
export interface WriterSettings {
  readonly store: WriterStore;
  readonly ackFile: string;
  readonly writer: number;
  readonly caseIds: readonly string[];
  /** How many events to send; 0 sends until the process is killed. */
  readonly events: number;
  /** Every `refuseEvery`-th event comes from a role the policy does not allow: a refusal to audit. */
  readonly refuseEvery: number;
  readonly waitForGo: boolean;
  readonly webhook?: { readonly url: string; readonly secret: string };
}

/** What a writer prints when it has sent all its events. */
export interface WriterReport {
  readonly writer: number;
  readonly accepted: number;
  readonly refused: number;
  /** Refusals other than the deliberate `NOT_ALLOWED` ones (a disagreement past its stage, say): audited all the same. */
  readonly otherRefusals: number;
  readonly conflicts: number;
}

function open(store: WriterStore): { store: CaseStore; close: () => Promise<void> } {
  if (store.kind === 'file') return { store: fileStore({ directory: store.directory }), close: async () => undefined };
  const pool = new pg.Pool({ connectionString: store.url, max: 2 });
  return { store: postgresStore({ client: pool, tablePrefix: store.tablePrefix }), close: () => pool.end() };
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env['WRITER'] ?? '') as WriterSettings;
  const { store, close } = open(settings.store);
  const engine = createCaseEngine({ store, emitters: settings.webhook ? [webhookEmitter(settings.webhook)] : [] });
  await store.load(settings.caseIds[0]!);
  if (settings.waitForGo) {
    const lines = createInterface({ input: process.stdin });
    const go = new Promise<void>((resolve) => lines.on('line', (line) => line.trim() === 'go' && resolve()));
    process.stdout.write('ready\n');
    await go;
    lines.close();
  } else {
    process.stdout.write('ready\n');
  }
  const counts = { accepted: 0, refused: 0, otherRefusals: 0, conflicts: 0 };
  for (let i = 0; settings.events === 0 || i < settings.events; i += 1) {
    const caseId = settings.caseIds[(i + settings.writer) % settings.caseIds.length]!;
    const event = writerEvent(settings.writer, i, settings.refuseEvery);
    for (;;) {
      const { version } = await engine.get(caseId);
      try {
        await engine.send(caseId, event, { expectedVersion: version });
        appendFileSync(settings.ackFile, `a ${event.eventId}\n`);
        counts.accepted += 1;
      } catch (error) {
        if (isStepDownError(error, 'VERSION_CONFLICT')) {
          counts.conflicts += 1;
          continue;
        }
        // Any other refusal is judged and audited: acknowledged to the host as surely as an acceptance.
        if (!isStepDownError(error) || error.code === 'STORE_FAILURE') throw error;
        appendFileSync(settings.ackFile, `r ${event.eventId}\n`);
        if (error.code === 'NOT_ALLOWED') counts.refused += 1;
        else counts.otherRefusals += 1;
      }
      break;
    }
    if (settings.webhook) await engine.deliver();
  }
  await close();
  const report: WriterReport = { writer: settings.writer, ...counts };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
