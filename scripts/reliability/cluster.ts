/**
 * 4 engine processes and 2 tickers on one PostgreSQL server, every engine delivering to a webhook
 * receiver on 127.0.0.1 that checks each signature (`receiver.ts`). The writers send to the same 3
 * cases at once, retrying on VERSION_CONFLICT, and log each acknowledged event id to a file of
 * their own; the tickers tick a day further each time, recording the breaches of the deadlines the
 * writers' events open. Afterwards: every acknowledged event is in its case's trail exactly once;
 * trails verify with gapless sequence numbers and versions and the case's version counts its
 * accepted entries (no lost update); and every message ever committed to the outbox (logged by a
 * trigger in the same transaction) reached the receiver at least once with a valid signature.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import { webhookEmitter } from '../../adapters/webhook.js';
import { createCaseEngine, verifyAuditTrail } from '../../src/index.js';
import { dropTables, freshPrefix } from './postgres-tables.js';
import { startReceiver } from './receiver.js';
import { readAcks, spawnTicker, spawnWriter } from './spawn.js';
import { eventIdOf, prepareCases } from './writer-events.js';

/** What the cluster run found. */
export interface ClusterFigures {
  readonly writers: number;
  readonly tickers: number;
  readonly eventsSent: number;
  readonly accepted: number;
  readonly refused: number;
  readonly conflictsRetried: number;
  readonly ticks: number;
  readonly breachesRecorded: number;
  /** Acknowledged events missing from the trail, or in it more than once: must be 0. */
  readonly acknowledgedLost: number;
  /** Cases whose trail did not verify, had gaps, or whose version did not count its accepted entries: must be 0. */
  readonly lostUpdates: number;
  readonly committed: number;
  /** Committed messages the receiver never got with a valid signature: must be 0. */
  readonly undelivered: number;
  readonly redeliveries: number;
  /** Requests answered 503 on purpose, to make the senders retry. */
  readonly refusedByReceiver: number;
  /** Requests whose signature did not verify: must be 0. */
  readonly invalidSignatures: number;
  /** Messages left in the outbox at the end: must be 0. */
  readonly leftInOutbox: number;
}

const caseIds = ['CL-1', 'CL-2', 'CL-3'];

export async function clusterRun(url: string, eventsPerWriter: number, writers = 4, tickers = 2): Promise<ClusterFigures> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const tablePrefix = freshPrefix();
  const receiver = await startReceiver(10);
  const acksDirectory = await fs.mkdtemp(join(tmpdir(), 'caf-step-down-cluster-'));
  try {
    await migrate(pool, tablePrefix);
    // Every message ever committed to the outbox, kept after delivery deletes it: the trigger's
    // insert commits or rolls back with the store's own transaction.
    await pool.query(`CREATE TABLE ${tablePrefix}_outbox_log (id text PRIMARY KEY)`);
    await pool.query(`CREATE FUNCTION ${tablePrefix}_log_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN INSERT INTO ${tablePrefix}_outbox_log (id) VALUES (NEW.id) ON CONFLICT DO NOTHING; RETURN NEW; END $$`);
    await pool.query(`CREATE TRIGGER ${tablePrefix}_log_outbox AFTER INSERT ON ${tablePrefix}_outbox FOR EACH ROW EXECUTE FUNCTION ${tablePrefix}_log_outbox()`);
    const webhook = { url: receiver.url, secret: receiver.secret };
    const store = postgresStore({ client: pool, tablePrefix });
    await prepareCases(createCaseEngine({ store, emitters: [webhookEmitter(webhook)] }), caseIds);

    const ackFile = (w: number) => join(acksDirectory, `writer-${w}.log`);
    const writing = Array.from({ length: writers }, (_, w) =>
      spawnWriter({ store: { kind: 'postgres', url, tablePrefix }, ackFile: ackFile(w), writer: w, caseIds, events: eventsPerWriter, refuseEvery: 5, waitForGo: true, webhook }),
    );
    const ticking = Array.from({ length: tickers }, (_, t) =>
      spawnTicker({ url, tablePrefix, from: new Date(Date.parse('2024-03-06T07:00:00Z') + t * 3_600_000).toISOString(), days: 300, webhook }),
    );
    const everyone = [...writing, ...ticking];
    try {
      await Promise.all(everyone.map((c) => c.ready));
      for (const c of everyone) c.go();
      for (const w of writing) w.stop();
      const reports = await Promise.all(writing.map((w) => w.report));
      for (const t of ticking) t.stop();
      const tickReports = await Promise.all(ticking.map((t) => t.report));

      // What a writer left (a retry after the receiver's 503, say) is delivered by one more sweep,
      // as a host's relay would, with a clock past every backoff.
      const sweeper = createCaseEngine({ store, emitters: [webhookEmitter(webhook)], now: () => new Date(Date.now() + 86_400_000) });
      for (let pass = 0; pass < 100; pass += 1) {
        const { delivered, failed } = await sweeper.deliver();
        if (delivered === 0 && failed === 0) break;
      }

      let acknowledgedLost = 0;
      let lostUpdates = 0;
      const trails = new Map<string, Map<string, number>>();
      for (const caseId of caseIds) {
        const trail = await store.audit(caseId);
        const accepted = trail.filter((e) => e.accepted);
        const gapless = trail.every((e, i) => e.seq === i + 1) && accepted.every((e, i) => e.version === i + 1);
        if (!verifyAuditTrail(trail, { caseId }).ok || !gapless || (await store.load(caseId))?.version !== accepted.length) lostUpdates += 1;
        const ids = new Map<string, number>();
        for (const entry of trail) ids.set(eventIdOf(entry) ?? '', (ids.get(eventIdOf(entry) ?? '') ?? 0) + 1);
        trails.set(caseId, ids);
      }
      let acknowledged = 0;
      for (let w = 0; w < writers; w += 1) {
        const acks = readAcks(await fs.readFile(ackFile(w), 'utf8'));
        for (const id of [...acks.accepted, ...acks.refused]) {
          acknowledged += 1;
          // The writer's id says nothing of its case: it is in exactly one trail, exactly once.
          const found = caseIds.reduce((sum, caseId) => sum + (trails.get(caseId)!.get(id) ?? 0), 0);
          if (found !== 1) acknowledgedLost += 1;
        }
      }
      const committed = (await pool.query<{ id: string }>(`SELECT id FROM ${tablePrefix}_outbox_log`)).rows.map((r) => r.id);
      const sum = (list: readonly number[]) => list.reduce((a, b) => a + b, 0);
      const received = sum([...receiver.delivered.values()]);
      return {
        writers,
        tickers,
        eventsSent: acknowledged,
        accepted: sum(reports.map((r) => r.accepted)),
        refused: sum(reports.map((r) => r.refused + r.otherRefusals)),
        conflictsRetried: sum(reports.map((r) => r.conflicts)),
        ticks: sum(tickReports.map((r) => r.ticks)),
        breachesRecorded: sum(tickReports.map((r) => r.breaches)),
        acknowledgedLost: acknowledgedLost + (writers * eventsPerWriter - acknowledged),
        lostUpdates,
        committed: committed.length,
        undelivered: committed.filter((id) => !receiver.delivered.has(id)).length,
        redeliveries: received - receiver.delivered.size,
        refusedByReceiver: receiver.refused(),
        invalidSignatures: receiver.invalid(),
        leftInOutbox: (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${tablePrefix}_outbox`)).rows[0]!.n,
      };
    } finally {
      for (const c of everyone) c.kill();
    }
  } finally {
    await receiver.close();
    await fs.rm(acksDirectory, { recursive: true, force: true });
    await dropTables(pool, tablePrefix);
    await pool.end();
  }
}
