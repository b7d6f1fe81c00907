// The delivery relay as a process of its own: it delivers what every other process (the HTTP
// service, your application, the ticker) saved to the outbox. Run one or several; they share the
// work through the outbox's row locks. Started with DATABASE_URL (the engine's role),
// STEP_DOWN_TABLE_PREFIX, WEBHOOK_URL and WEBHOOK_SECRET in the environment.
import pg from 'pg';
import { createCaseEngine, type EngineLogger } from '../../src/index.js';
import { postgresStore } from '../../adapters/postgres.js';
import { webhookEmitter } from '../../adapters/webhook.js';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

// JSON lines on stderr; with pino, pass `pino()` instead.
const line = (level: string) => (fields: object, message: string) => console.error(JSON.stringify({ level, message, ...fields }));
const logger: EngineLogger = { debug: () => {}, info: line('info'), warn: line('warn'), error: line('error') };

const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 4 });
const store = postgresStore({ client: pool, tablePrefix: process.env['STEP_DOWN_TABLE_PREFIX'] ?? 'step_down' });
const engine = createCaseEngine({
  store,
  logger,
  emitters: [webhookEmitter({ url: env('WEBHOOK_URL'), secret: env('WEBHOOK_SECRET') })],
});

engine.startDelivery({ pollMs: 1_000 });
logger.info({}, 'relay started');

// On SIGTERM: finish the pass under way (its unfinished messages go back to the outbox), then exit.
process.once('SIGTERM', async () => {
  await engine.stop();
  await pool.end();
  logger.info({}, 'relay stopped');
});
