/**
 * One ticker process of the cluster run: `node --import tsx scripts/reliability/ticker.ts` with its
 * settings as JSON in `TICKER` ({@link TickerSettings}). It prints `ready`, waits for `go`, then
 * ticks a day further each time (delivering after each tick) until `stop` arrives on standard input
 * or its last day, and prints one line of JSON ({@link TickerReport}).
 */
import { createInterface } from 'node:readline';
import pg from 'pg';
import { postgresStore } from '../../adapters/postgres.js';
import { webhookEmitter } from '../../adapters/webhook.js';
import { createCaseEngine } from '../../src/index.js';

export interface TickerSettings {
  readonly url: string;
  readonly tablePrefix: string;
  readonly from: string;
  readonly days: number;
  readonly webhook: { readonly url: string; readonly secret: string };
}

export interface TickerReport {
  readonly ticks: number;
  readonly cases: number;
  readonly breaches: number;
  /** Cases a tick could not write (reported by `tick`, retried by the next one). */
  readonly failed: number;
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.env['TICKER'] ?? '') as TickerSettings;
  const pool = new pg.Pool({ connectionString: settings.url, max: 2 });
  const engine = createCaseEngine({ store: postgresStore({ client: pool, tablePrefix: settings.tablePrefix }), emitters: [webhookEmitter(settings.webhook)] });
  await pool.query('SELECT 1');
  let stopped = false;
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve) =>
    lines.on('line', (line) => {
      if (line.trim() === 'go') resolve();
      if (line.trim() === 'stop') stopped = true;
    }),
  );
  lines.on('close', () => (stopped = true));
  process.stdout.write('ready\n');
  await go;
  const report = { ticks: 0, cases: 0, breaches: 0, failed: 0 };
  for (let day = 0; day < settings.days && !stopped; day += 1) {
    const result = await engine.tick(new Date(Date.parse(settings.from) + day * 86_400_000).toISOString());
    await engine.deliver();
    report.ticks += 1;
    report.cases += result.cases;
    report.breaches += result.breaches;
    report.failed += result.failed.length;
  }
  lines.close();
  await pool.end();
  process.stdout.write(`${JSON.stringify(report satisfies TickerReport)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
