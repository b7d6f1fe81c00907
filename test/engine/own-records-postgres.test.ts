/**
 * On the PostgreSQL store (here PGlite), the engine judges each event on the record it saved last,
 * without reading the case back, and the save refuses that record unless the case is exactly as the
 * store last wrote it (`checksWrittenAtSave`, `writtenUnread` in src/engine/own-records.ts). Nothing a
 * host or an auditor sees may differ from an engine that reads every case: a write by another
 * engine, a refusal it appended, or a row rewritten in place is read, and nothing is recorded or
 * answered from a stale case.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { migrate, postgresStore, type PGliteLike } from '../../adapters/postgres.js';
import { createCaseEngine, isStepDownError, verifyAuditTrail, type CaseEngine, type CaseStore, type StepDownEvent } from '../../src/index.js';
import { freshPrefix } from '../adapters/postgres-place.js';
import { closedCafJourney, journeyOpening } from './journey.js';

const db = new PGlite();
// PGlite takes seconds to start on a busy machine: not a test's time.
beforeAll(() => db.waitReady, 60_000);
afterAll(() => db.close());

const clock = () => new Date('2024-07-01T09:00:00Z');
/** The journey's events (its ticks left out), each with its own id, so two runs write the same trail. */
const steps = (): StepDownEvent[] =>
  closedCafJourney()
    .filter((step): step is StepDownEvent => !('tick' in step))
    .map((step, index) => ({ ...step, eventId: `e-${index}` }));

/** PGlite as the store sees it, counting the loads it is asked for. */
function counted() {
  const seen = { loads: 0 };
  const client: PGliteLike = {
    query: (text, params) => {
      if (text.trimStart().startsWith('SELECT c.version')) seen.loads += 1;
      return db.query(text, params);
    },
    transaction: (fn) => db.transaction(fn),
  };
  return { client, seen };
}

async function place() {
  const tablePrefix = freshPrefix();
  await migrate(db, tablePrefix);
  const engine = (store: CaseStore = postgresStore({ client: db, tablePrefix })) => createCaseEngine({ store, now: clock });
  return { tablePrefix, engine };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a StepDownError, but the call succeeded');
    },
    (error: unknown) => {
      if (isStepDownError(error)) return error;
      throw error;
    },
  );

/** Two engines on one store; the first has opened `caseId` and sent it the journey's first event (`a`), `b` is the next. */
async function afterOneSend(caseId: string) {
  const { engine } = await place();
  const [first, second] = [engine(), engine()];
  const [a, b] = steps() as [StepDownEvent, StepDownEvent];
  await first.open({ caseId, ...journeyOpening });
  await first.send(caseId, a);
  return { first, second, a, b };
}

describe('the engine’s own last records on PostgreSQL', () => {
  it('sends the whole journey without reading the case back, with the trail of an engine that reads it every time', async () => {
    const { tablePrefix, engine } = await place();
    const { client, seen } = counted();
    const kept = engine(postgresStore({ client, tablePrefix }));
    // The store's own members only: an engine on it reads every case, as with a host's wrapped store.
    const elsewhere = await place();
    const read = elsewhere.engine(Object.fromEntries(Object.entries(postgresStore({ client: db, tablePrefix: elsewhere.tablePrefix }))) as unknown as CaseStore);
    // The views are the memory store's: a snapshot read back from `jsonb` has its people in another
    // key order, so an engine that reads every case lists same-day people's steps in that order.
    const memory = engine(memoryStore());
    for (const [engine, caseId] of [[kept, 'K-1'], [read, 'K-1'], [memory, 'K-1']] as const) await engine.open({ caseId, ...journeyOpening });
    for (const step of steps()) {
      const view = await kept.send('K-1', step);
      await read.send('K-1', step);
      expect(view).toEqual(await memory.send('K-1', step));
    }
    expect(seen.loads).toBe(0);
    expect((await kept.get('K-1')).outcome).toBe('caf-closed');
    const trail = async (engine: CaseEngine, caseId: string) =>
      (await engine.history(caseId)).map(({ hash: _h, prevHash: _p, recordedAt: _r, ...entry }) => entry);
    expect(await trail(kept, 'K-1')).toEqual(await trail(read, 'K-1'));
    expect(verifyAuditTrail(await kept.history('K-1'), { caseId: 'K-1' }).ok).toBe(true);
  });

  it('judges an event on what another engine wrote since, never on its own older record', async () => {
    const { engine } = await place();
    const [first, second] = [engine(), engine()];
    await first.open({ caseId: 'K-3', ...journeyOpening });
    // The engines take turns without expectedVersion: each event needs the one the other recorded.
    for (const [index, step] of steps().slice(0, 12).entries()) {
      const view = await (index % 2 === 0 ? first : second).send('K-3', step);
      expect(view.version).toBe(index + 2);
    }
    const history = await first.history('K-3');
    expect(history.filter((e) => !e.accepted)).toEqual([]);
    expect(history.map((e) => e.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(verifyAuditTrail(history, { caseId: 'K-3' }).ok).toBe(true);
  });

  it('records a refusal judged on the case as stored: the state the other engine left', async () => {
    const { engine } = await place();
    const [first, second] = [engine(), engine()];
    const journey = steps();
    await first.open({ caseId: 'K-4', ...journeyOpening });
    for (const step of journey.slice(0, -1)) await first.send('K-4', step);
    // The other engine closes the CAF; the first engine's own record still has it open.
    const closed = await second.send('K-4', journey.at(-1)!);
    expect(closed.outcome).toBe('caf-closed');
    const late = { ...journey.at(-1)!, eventId: 'late' };
    const error = await failure(first.send('K-4', late));
    expect(error.code).toBe('EVENT_NOT_ACCEPTED');
    const refusal = (await first.history('K-4')).at(-1)!;
    expect({ accepted: refusal.accepted, version: refusal.version, stateBefore: refusal.stateBefore }).toEqual({
      accepted: false,
      version: closed.version,
      stateBefore: closed.states,
    });
  });

  it('answers a resend from the case as stored, not from its own older record', async () => {
    const { first, second, a, b } = await afterOneSend('K-5');
    await second.send('K-5', b);
    const again = await first.send('K-5', a);
    expect(again.version).toBe(3);
    expect((await first.history('K-5')).length).toBe(3);
  });

  it('chains after a refusal another engine appended since its own write', async () => {
    const { first, second, a, b } = await afterOneSend('K-6');
    // A duplicate id with other content: refused and recorded, the version unchanged.
    expect((await failure(second.send('K-6', { ...b, eventId: a.eventId }))).code).toBe('DUPLICATE_EVENT');
    expect((await first.send('K-6', b)).version).toBe(3);
    const history = await first.history('K-6');
    expect(history.map((e) => [e.seq, e.accepted])).toEqual([[1, true], [2, true], [3, false], [4, true]]);
    expect(verifyAuditTrail(history, { caseId: 'K-6' }).ok).toBe(true);
  });

  it('reads a row rewritten in place at the same version instead of writing over it', async () => {
    const { tablePrefix, engine } = await place();
    const first = engine();
    const [a, b] = steps();
    await first.open({ caseId: 'K-7', ...journeyOpening });
    await first.send('K-7', a!);
    await db.query(`UPDATE ${tablePrefix}_cases SET snapshot = jsonb_set(snapshot, '{machineVersion}', '999') WHERE case_id = $1`, ['K-7']);
    expect((await failure(first.send('K-7', b!))).code).toBe('SNAPSHOT_VERSION');
    const row = (await db.query<{ version: number; machine: number }>(`SELECT version, (snapshot->>'machineVersion')::int AS machine FROM ${tablePrefix}_cases WHERE case_id = $1`, ['K-7'])).rows[0];
    expect(row).toEqual({ version: 2, machine: 999 });
  });
});
