/**
 * The engine starts an event from the record it saved last when the memory store can say that record
 * is still what it holds (`src/engine/own-records.ts`). Nothing a host can see may differ from
 * reading the stored text each time: the same views, the same trail; a view the host changes changes
 * nothing stored; and a write by anyone else is read, not missed.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { createCaseEngine, type CaseEngine, type CaseStore, type CaseView } from '../../src/index.js';
import { closedCafJourney, journeyOpening } from './journey.js';

const clock = () => new Date('2024-07-01T09:00:00Z');

/** The memory store's own members only: without the member that says a record is current. */
function plainMemoryStore(): CaseStore {
  return Object.fromEntries(Object.entries(memoryStore())) as unknown as CaseStore;
}

/** The journey with an id on every event, so two runs write the same trail. */
async function run(engine: CaseEngine, caseId: string): Promise<CaseView[]> {
  const views = [await engine.open({ caseId, ...journeyOpening })];
  for (const [index, step] of closedCafJourney().entries()) {
    if ('tick' in step) await engine.tick(step.tick);
    else views.push(await engine.send(caseId, { ...step, eventId: `e-${index}` }));
  }
  return views;
}

describe('the engine’s own last records', () => {
  it('gives the same views and writes the same trail as an engine that reads every case from the store', async () => {
    const kept = createCaseEngine({ store: memoryStore(), now: clock });
    const read = createCaseEngine({ store: plainMemoryStore(), now: clock });
    const keptViews = await run(kept, 'C-1');
    expect(keptViews.at(-1)!.outcome).toBe('caf-closed');
    expect(keptViews).toEqual(await run(read, 'C-1'));
    // The same trail, but for the ids the engine gives each tick (random) and the hashes that cover them.
    const trail = async (engine: CaseEngine) =>
      (await engine.history('C-1')).map(({ hash: _hash, prevHash: _prev, ...entry }) =>
        entry.type === 'clock.tick' ? { ...entry, event: { ...(entry.event as object), eventId: 'tick' } } : entry,
      );
    expect(await trail(kept)).toEqual(await trail(read));
    expect(await kept.get('C-1')).toEqual(await read.get('C-1'));
    expect(await kept.rebuild('C-1')).toEqual(await kept.get('C-1'));
    // A closed case refuses the same way from a kept record as from a read one.
    const late = { ...(closedCafJourney()[0] as object), eventId: 'late' } as never;
    const refusal = async (engine: CaseEngine) => engine.send('C-1', late).catch((error: unknown) => error);
    expect(await refusal(kept)).toEqual(await refusal(read));
    expect(((await refusal(kept)) as { code?: string }).code).toBe('EVENT_NOT_ACCEPTED');
  });

  it('keeps nothing a host changes in a view it was given', async () => {
    const engine = createCaseEngine({ store: memoryStore(), now: clock });
    let view: CaseView = await engine.open({ caseId: 'C-2', ...journeyOpening });
    for (const [index, step] of closedCafJourney().entries()) {
      if ('tick' in step) {
        await engine.tick(step.tick);
        continue;
      }
      // A host that scribbles on what it was given.
      (view.breaches as unknown[]).push({ rule: 'made-up', citation: '', due: null, detectedAt: step.at, deadlineId: null });
      (view.withdrawnBreaches as unknown[]).length = 0;
      for (const deadline of view.deadlines) (deadline as { status: string }).status = 'missed';
      view = await engine.send('C-2', { ...step, eventId: `e-${index}` });
    }
    const reference = createCaseEngine({ store: plainMemoryStore(), now: clock });
    expect(view).toEqual((await run(reference, 'C-2')).at(-1));
    expect(view.breaches.map((b) => b.rule)).not.toContain('made-up');
  });

  it('asks a store wrapped by the host for every case, as before', async () => {
    const base = memoryStore();
    let loads = 0;
    const wrapped: CaseStore = { ...base, load: (caseId) => ((loads += 1), base.load(caseId)) };
    const engine = createCaseEngine({ store: wrapped, now: clock });
    await engine.open({ caseId: 'C-4', ...journeyOpening });
    const steps = closedCafJourney().filter((step) => !('tick' in step)).slice(0, 5);
    for (const [index, step] of steps.entries()) await engine.send('C-4', { ...(step as object), eventId: `e-${index}` } as never);
    expect(loads).toBe(steps.length);
  });

  it('reads a case another engine wrote to the same store since', async () => {
    const store = memoryStore();
    const first = createCaseEngine({ store, now: clock });
    const second = createCaseEngine({ store, now: clock });
    const steps = closedCafJourney().filter((step) => !('tick' in step));
    await first.open({ caseId: 'C-3', ...journeyOpening });
    // The engines take turns: each event needs the one the other engine recorded before it.
    for (const [index, step] of steps.slice(0, 10).entries()) {
      const engine = index % 2 === 0 ? first : second;
      const view = await engine.send('C-3', { ...(step as object), eventId: `e-${index}` } as never, { expectedVersion: index + 1 });
      expect(view.version).toBe(index + 2);
    }
    expect((await first.history('C-3')).filter((e) => e.accepted).length).toBe(11);
  });
});
