/**
 * Kill -9 crash trials through the engine: a writer process sends events to a case and logs each
 * acknowledged event id to a file of its own after `send` returns; at a random moment after its
 * first acknowledgement it is killed with SIGKILL. A new engine then opens the same store, as a
 * restarted host would, and every logged id must be in the case's trail. Also counted: trails that
 * do not verify or disagree with the case's version, and notifications still in the outbox after
 * the new engine's delivery passes.
 *
 * PGlite is not tried: it is one process's database (a file opened by one process at a time), so
 * there is no second process to kill and restart against it.
 */
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fileStore } from '../../adapters/file.js';
import { migrate, postgresStore } from '../../adapters/postgres.js';
import { createCaseEngine, verifyAuditTrail, type CaseStore } from '../../src/index.js';
import { dropTables, freshPrefix } from './postgres-tables.js';
import { readAcks, spawnWriter } from './spawn.js';
import { eventIdOf, prepareCases } from './writer-events.js';
import type { WriterStore } from './writer.js';

/** What the trials on one store found. */
export interface CrashFigures {
  readonly store: string;
  readonly trials: number;
  /** Events acknowledged to the writers (accepted or refused and audited) before the kill. */
  readonly acknowledged: number;
  /** Acknowledged events missing from the reopened store's trail: must be 0. */
  readonly lost: number;
  /** Trails that did not verify, or whose last accepted version was not the case's: must be 0. */
  readonly brokenTrails: number;
  /** Notifications left in the outbox after the restarted engine's delivery: must be 0. */
  readonly undelivered: number;
  readonly killedAfterMs: readonly [number, number];
}

const caseId = 'K-1';
const far = Date.parse('2100-01-01T00:00:00Z');

/** A place for one trial: a store over it, made afresh for each process, and its cleanup. */
interface Place {
  readonly writerStore: WriterStore;
  open(): CaseStore;
  remove(): Promise<void>;
}

async function trial(place: Place, ackFile: string, maxDelayMs: number) {
  await prepareCases(createCaseEngine({ store: place.open() }), [caseId]);
  const writer = spawnWriter({ store: place.writerStore, ackFile, writer: 0, caseIds: [caseId], events: 0, refuseEvery: 3, waitForGo: false });
  await writer.ready;
  // The delay runs from the first acknowledgement, so every trial kills a writer in its stream of sends.
  for (let waited = 0; (await fs.readFile(ackFile, 'utf8').catch(() => '')).length === 0; waited += 5) {
    if (waited > 60_000) throw new Error('the writer acknowledged nothing in 60 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * maxDelayMs));
  writer.kill();
  await writer.exited;
  const acks = readAcks(await fs.readFile(ackFile, 'utf8'));

  const store = place.open();
  // The restarted host's clock is past the dead writer's delivery lease, so it is not waited out.
  const engine = createCaseEngine({ store, now: () => new Date(Date.now() + 5 * 60_000) });
  for (let pass = 0; pass < 50 && (await engine.deliver()).delivered > 0; pass += 1);
  const trail = await store.audit(caseId);
  const saved = new Set(trail.map(eventIdOf));
  const lastAccepted = trail.filter((e) => e.accepted).at(-1)?.version;
  const broken = !verifyAuditTrail(trail, { caseId }).ok || (await store.load(caseId))?.version !== lastAccepted;
  return {
    acknowledged: acks.accepted.length + acks.refused.length,
    lost: [...acks.accepted, ...acks.refused].filter((id) => !saved.has(id)).length,
    broken,
    undelivered: (await store.claimOutbox(far, 100_000, 1_000)).length,
  };
}

/** Runs `trials` trials, `parallel` at a time, on places made by `place`. */
async function run(name: string, trials: number, maxDelayMs: number, parallel: number, place: (n: number, root: string) => Promise<Place>): Promise<CrashFigures> {
  const root = await fs.mkdtemp(join(tmpdir(), 'caf-step-down-reliability-'));
  const figures = { store: name, trials: 0, acknowledged: 0, lost: 0, brokenTrails: 0, undelivered: 0, killedAfterMs: [1, 1 + maxDelayMs] as const };
  try {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(parallel, trials) }, async () => {
        while (next < trials) {
          const n = next++;
          const p = await place(n, root);
          try {
            const found = await trial(p, join(root, `acks-${n}.log`), maxDelayMs);
            figures.trials += 1;
            figures.acknowledged += found.acknowledged;
            figures.lost += found.lost;
            figures.brokenTrails += found.broken ? 1 : 0;
            figures.undelivered += found.undelivered;
          } finally {
            await p.remove();
          }
        }
      }),
    );
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
  return figures;
}

/** Kill -9 trials on the file store, each in a fresh directory. */
export function fileCrashTrials(trials: number, maxDelayMs: number, parallel = 4): Promise<CrashFigures> {
  return run('file', trials, maxDelayMs, parallel, async (n, root) => {
    const directory = join(root, `trial-${n}`);
    return {
      writerStore: { kind: 'file', directory },
      open: () => fileStore({ directory }),
      remove: () => fs.rm(directory, { recursive: true, force: true }),
    };
  });
}

/** Kill -9 trials on a PostgreSQL server, each on tables of its own. */
export async function postgresCrashTrials(url: string, trials: number, maxDelayMs: number, parallel = 4): Promise<CrashFigures> {
  const pool = new pg.Pool({ connectionString: url, max: 2 * parallel });
  try {
    return await run('postgres (server)', trials, maxDelayMs, parallel, async () => {
      const tablePrefix = freshPrefix();
      await migrate(pool, tablePrefix);
      return {
        writerStore: { kind: 'postgres', url, tablePrefix },
        open: () => postgresStore({ client: pool, tablePrefix }),
        remove: () => dropTables(pool, tablePrefix),
      };
    });
  } finally {
    await pool.end();
  }
}
