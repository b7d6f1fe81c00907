/**
 * Events per second through `engine.send` for each store: memory, file (in a temporary directory),
 * PGlite (in memory), and a PostgreSQL server when `DATABASE_URL` is set.
 *
 * Every event is a real step of a case: a CIN step down from the decision to a closed CAF, 23 events
 * (the journey of test/engine/journey.ts without its tick: the family added by id, then named by id). Each send takes the engine's whole path:
 * load, validate, authorise, transition, one atomic save of snapshot + audit entry + outbox, then a
 * delivery pass that claims the outbox, hands each message to an in-process listener and
 * acknowledges it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { fileStore } from '../adapters/file.js';
import { memoryStore } from '../adapters/memory.js';
import { migrate, postgresStore } from '../adapters/postgres.js';
import { createCaseEngine, type CaseStore, type EventOf, type EventType, type StepDownEvent } from '../src/index.js';
import { sampleActionIds, sampleEvent, sampleFamilyAdded, samplePeople, sampleRecipients } from '../test/events/samples.js';
import { measureAsync, type BenchRow, type BenchSuite } from './harness.js';

/** Cases per timed round, and how many run at once in the concurrent rows. */
const casesPerRound = 16;
const streams = 8;
const rounds = 7;

function step<T extends EventType>(type: T, at: string, overrides: Partial<Omit<EventOf<T>, 'type' | 'at'>> = {}): StepDownEvent {
  return { ...sampleEvent(type, at), ...overrides } as StepDownEvent;
}

const closing = '2024-03-21T16:00:00Z';
const firstMeeting = '2024-04-10';
const journey: readonly StepDownEvent[] = [
  step('decision.agreed', '2024-03-05T10:00:00Z'),
  ...sampleFamilyAdded('2024-03-05T11:00:00Z'),
  step('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.child }),
  step('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.parent }),
  step('views.recorded', '2024-03-07T10:00:00Z', { personId: samplePeople.partner }),
  step('consent.given', '2024-03-07T11:00:00Z', { personId: samplePeople.parent }),
  step('leadProfessional.agreed', '2024-03-08T11:00:00Z'),
  step('finalMeeting.held', '2024-03-14T10:00:00Z', { firstFamilyPlanMeetingDate: firstMeeting }),
  step('eCaf.referralCompleted', closing, {
    form: { ...sampleEvent('eCaf.referralCompleted', closing).form, firstFamilyPlanMeetingDate: firstMeeting },
  }),
  step('transferDetails.completed', closing),
  step('closureSummary.completed', closing),
  step('fileReview.completed', closing),
  step('stepDown.authorised', closing),
  step('documents.shared', closing, { recipients: [...sampleRecipients] }),
  step('csc.closed', closing),
  step('ehm.authorised', '2024-03-25T10:00:00Z'),
  step('leadProfessional.contacted', '2024-03-26T10:00:00Z'),
  step('familyPlanMeeting.held', '2024-04-23T10:00:00+01:00', { kind: 'initial', actions: sampleActionIds.map((id) => ({ id, status: 'open' as const })) }),
  step('familyPlanMeeting.held', '2024-06-10T10:00:00+01:00', { kind: 'final', actions: sampleActionIds.map((id) => ({ id, status: 'met' as const })) }),
  step('caf.closed', '2024-06-11T10:00:00+01:00', {}),
];

/** A store to measure, made once for all its rows and closed after. */
interface StoreUnderTest {
  readonly name: string;
  make(): Promise<{ store: CaseStore; close(): Promise<void> }>;
}

const prefix = () => `bench_${process.pid}_${Date.now().toString(36)}`;

const storesUnderTest = (): StoreUnderTest[] => {
  const list: StoreUnderTest[] = [
    { name: 'memory', make: async () => ({ store: memoryStore(), close: async () => undefined }) },
    {
      name: 'file (temp dir, fsync)',
      async make() {
        const directory = await mkdtemp(join(tmpdir(), 'caf-step-down-bench-'));
        return { store: fileStore({ directory }), close: () => rm(directory, { recursive: true, force: true }) };
      },
    },
    {
      name: 'PGlite (in memory)',
      async make() {
        const db = new PGlite();
        const tablePrefix = prefix();
        await migrate(db, tablePrefix);
        return { store: postgresStore({ client: db, tablePrefix }), close: () => db.close() };
      },
    },
  ];
  const url = process.env.DATABASE_URL;
  if (url) {
    list.push({
      name: 'PostgreSQL server (pg Pool of 8)',
      async make() {
        const pool = new pg.Pool({ connectionString: url, max: streams });
        const tablePrefix = prefix();
        await migrate(pool, tablePrefix);
        return {
          store: postgresStore({ client: pool, tablePrefix }),
          async close() {
            for (const table of ['outbox', 'audit', 'cases', 'migrations']) await pool.query(`DROP TABLE IF EXISTS ${tablePrefix}_${table}`);
            await pool.end();
          },
        };
      },
    });
  }
  return list;
};

/** Times the journey's sends over fresh cases, `concurrency` cases in flight at once. */
async function measureStore(name: string, store: CaseStore, concurrency: number): Promise<BenchRow> {
  const engine = createCaseEngine({ store, now: () => new Date('2024-07-01T10:00:00Z') });
  let delivered = 0;
  engine.on('*', () => void (delivered += 1));
  const ids = (r: number) => Array.from({ length: casesPerRound }, (_, i) => `${concurrency}s-r${r}-c${i}`);
  const row = await measureAsync(
    `${name}, ${concurrency === 1 ? '1 case at a time' : `${concurrency} cases at once`}`,
    async (r) => {
      const queue = ids(r);
      const worker = async () => {
        for (let caseId = queue.shift(); caseId !== undefined; caseId = queue.shift()) {
          let last;
          // One delivery pass after each send, as `send` itself ran before issue 11, so the rows stay
          // comparable with the earlier runs: the write and the relay's work for it.
          for (const event of journey) {
            last = await engine.send(caseId, event);
            await engine.deliver();
          }
          // Honest numbers only: every case must have gone the whole way.
          if (last?.outcome !== 'caf-closed') throw new Error(`${caseId} ended at ${last?.states.join(', ')}`);
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      return casesPerRound * journey.length;
    },
    {
      rounds,
      // Opening is a write too, but not a send: the cases of a round are opened before its clock starts.
      prepare: async (r) => {
        for (const caseId of ids(r)) {
          await engine.open({ caseId, route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: { id: samplePeople.teamManager.id, role: 'team-manager' } });
        }
      },
    },
  );
  if (delivered === 0) throw new Error(`${name}: no notification was delivered`);
  return row;
}

/** Events per second through the engine, per store, one case at a time and several at once. */
export const storesSuite: BenchSuite = {
  title: 'Stores: events per second through engine.send',
  baselines: ['memory, 1 case at a time'],
  unit: 'ms',
  method:
    `Each round opens ${casesPerRound} fresh cases (untimed), then times sending each the ${journey.length} events ` +
    `of a CIN step down from the decision to a closed CAF (${casesPerRound * journey.length} sends), either one case ` +
    `after another or ${streams} cases in flight at once in this one process. One warm-up round, then the median of ` +
    `${rounds} rounds. Every send is the engine's whole path, including the delivery pass after the commit.`,
  async run() {
    // The first rows would otherwise pay for compiling the engine's hot paths: warm it up on a
    // throwaway memory store first, untimed.
    await measureStore('warm-up', memoryStore(), 1);
    const rows: BenchRow[] = [];
    for (const candidate of storesUnderTest()) {
      const { store, close } = await candidate.make();
      try {
        rows.push(await measureStore(candidate.name, store, 1));
        rows.push(await measureStore(candidate.name, store, streams));
      } finally {
        await close();
      }
    }
    return rows;
  },
};
