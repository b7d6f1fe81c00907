import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import { workMatches, workOrder } from '../../src/engine/worklist.js';
import { unchanged } from '../../src/engine/own-records.js';
import type { AuditDraft, CaseStore, StoredCase, WorkItem, WorklistQuery } from '../../src/index.js';
import { testStore } from './conformance.js';
import { testDeliveryStore } from './conformance-delivery.js';
import { testCalendarUpdate } from './conformance-calendar.js';

testStore('memory', { make: async () => memoryStore() });
testDeliveryStore('memory', { make: async () => ((store) => ({ store, reopen: () => store }))(memoryStore()) });
testCalendarUpdate('memory', { make: async () => memoryStore() });

const record = (caseId: string, version: number, nextDueAt: number | null): StoredCase => ({
  caseId,
  version,
  snapshot: {} as StoredCase['snapshot'],
  nextDueAt,
});
const draft = (caseId: string, version: number): AuditDraft => ({
  caseId,
  type: 'test.event',
  event: null,
  actor: null,
  at: null,
  recordedAt: '2024-05-01T09:00:00.000Z',
  stateBefore: null,
  stateAfter: null,
  version,
  rules: { checked: [], breached: [] },
  accepted: true,
  errorCode: null,
});

/** What `dueCases` answered before the index: a scan of every case in the order first stored, sorted stably. */
function scan(cases: Map<string, number | null>, at: number, limit: number): string[] {
  return [...cases]
    .filter(([, due]) => due !== null && due < at)
    .sort((a, b) => a[1]! - b[1]!)
    .slice(0, limit)
    .map(([id]) => id);
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('memory store: the next-due index', () => {
  it('answers exactly as a scan of every case would, through creates, saves, ties and cleared deadlines', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = random(seed);
      const store = memoryStore();
      const model = new Map<string, number | null>();
      const versions = new Map<string, number>();
      // Few distinct due times, so ties are common and their order matters.
      const due = () => (next() < 0.2 ? null : Math.floor(next() * 20) * 1_000);
      for (let step = 0; step < 400; step += 1) {
        const caseId = `C-${Math.floor(next() * 60)}`;
        const version = versions.get(caseId);
        const nextDueAt = due();
        if (version === undefined) {
          await store.create(record(caseId, 1, nextDueAt), draft(caseId, 1), []);
          versions.set(caseId, 1);
        } else if (next() < 0.2) {
          // A refusal changes no deadline; a stale save changes nothing at all.
          await store.appendAudit(draft(caseId, version), []);
          await expect(store.save(record(caseId, version + 1, nextDueAt), version - 1, draft(caseId, version + 1), [])).rejects.toThrow();
          continue;
        } else {
          await store.save(record(caseId, version + 1, nextDueAt), version, draft(caseId, version + 1), []);
          versions.set(caseId, version + 1);
        }
        model.set(caseId, nextDueAt);
        const at = Math.floor(next() * 22) * 1_000;
        const limit = 1 + Math.floor(next() * 10);
        expect(await store.dueCases(at, limit)).toEqual(scan(model, at, limit));
      }
      expect(await store.dueCases(Infinity, 1_000)).toEqual(scan(model, Infinity, 1_000));
      expect(await store.dueCases(Infinity, 0)).toEqual([]);
      expect(await store.dueCases(Number.NaN, 10)).toEqual([]);
    }
  });
});

describe('memory store: the work-list index', () => {
  const roles = ['social-worker', 'team-manager', 'lead-professional', 'caf-link-worker'] as const;
  /** A case's steps from few values, so ties are common; enough of them that the index's blocks split. */
  const stepsOf = (next: () => number, caseId: string): WorkItem[] =>
    Array.from({ length: Math.floor(next() * 4) }, () => {
      const dueAt = next() < 0.3 ? null : Math.floor(next() * 30) * 1_000;
      return {
        caseId,
        familyId: null,
        stage: 'preparation',
        step: next() < 0.5 ? 'views.recorded' : 'disagreement.resolved',
        role: roles[Math.floor(next() * roles.length)]!,
        rule: 'views-recorded',
        detail: next() < 0.5 ? null : `p-${Math.floor(next() * 3)}`,
        personId: next() < 0.5 ? null : `lp-${Math.floor(next() * 5)}`,
        actorId: next() < 0.5 ? null : `tm-${Math.floor(next() * 5)}`,
        due: dueAt === null ? null : new Date(dueAt).toISOString(),
        dueAt,
        breached: dueAt !== null && next() < 0.2,
      };
    });

  it('answers as a filter and sort of every case’s steps would, through thousands of steps and their replacement', async () => {
    for (const seed of [7, 8]) {
      const next = random(seed);
      const store = memoryStore();
      const work = new Map<string, WorkItem[]>();
      const versions = new Map<string, number>();
      for (let step = 0; step < 6_000; step += 1) {
        const caseId = `C-${Math.floor(next() * 2_500)}`;
        const version = versions.get(caseId);
        const steps = stepsOf(next, caseId);
        if (version === undefined) await store.create({ ...record(caseId, 1, null), work: steps }, draft(caseId, 1), []);
        else await store.save({ ...record(caseId, version + 1, null), work: steps }, version, draft(caseId, version + 1), []);
        versions.set(caseId, (version ?? 0) + 1);
        work.set(caseId, steps);
        if (step % 200 !== 199) continue;
        const sorted = [...work.values()].flat().sort(workOrder);
        for (let q = 0; q < 20; q += 1) {
          const query: WorklistQuery = {
            limit: 1 + Math.floor(next() * 400),
            ...(next() < 0.4 ? { role: roles[Math.floor(next() * roles.length)]! } : {}),
            ...(next() < 0.2 ? { personId: `lp-${Math.floor(next() * 6)}` } : {}),
            ...(next() < 0.2 ? { actorId: `tm-${Math.floor(next() * 6)}` } : {}),
            ...(next() < 0.2 ? { breached: next() < 0.5 } : {}),
            ...(next() < 0.5 ? { dueBefore: Math.floor(next() * 32) * 1_000 } : {}),
          };
          const want = sorted.filter((item) => workMatches(item, query)).slice(0, query.limit);
          expect(await store.worklist(query), `seed ${seed}, step ${step}, ${JSON.stringify(query)}`).toEqual(want);
        }
      }
      expect([...work.values()].flat().length).toBeGreaterThan(3_000);
    }
  }, 60_000);

  it('finds a role’s steps due before a date among many without reading the others', { timeout: 120_000 }, async () => {
    /** The median time of a Team Manager's 20 steps due before 100 in a store of `size` cases, the rest due later or another role's. */
    const timeFind = async (size: number): Promise<number> => {
      const store = memoryStore();
      for (let i = 0; i < size; i += 1) {
        const caseId = `C-${i}`;
        const mine = i < 20;
        const item: WorkItem = {
          caseId, familyId: null, stage: 'closure', step: 'disagreement.resolved', role: mine || i % 2 === 0 ? 'team-manager' : 'social-worker',
          rule: 'disagreement-resolution', detail: null, personId: null, actorId: null, due: null, dueAt: mine ? i : i % 2 === 0 ? 1_000 + i : i % 50, breached: false,
        };
        await store.create({ ...record(caseId, 1, null), work: [item] }, draft(caseId, 1), []);
      }
      const times: number[] = [];
      for (let round = 0; round < 41; round += 1) {
        const start = performance.now();
        expect(await store.worklist({ role: 'team-manager', dueBefore: 100, limit: 100 })).toHaveLength(20);
        times.push(performance.now() - start);
      }
      return times.sort((a, b) => a - b)[20]!;
    };
    const small = await timeFind(200);
    const large = await timeFind(40_000);
    // The other role's steps due in the same window (half the cases) and the Team Manager's later ones
    // are not read: the ratio stays near 1 where a walk of every step due would be ~200×.
    expect(large / Math.max(small, 0.05)).toBeLessThan(10);
  });
});

describe('memory store: what it keeps of a record', () => {
  const snapshotOf = (caseId: string) => ({ machineVersion: 2, value: 'x', context: { caseId, deadlines: [] } }) as unknown as StoredCase['snapshot'];
  const withoutHead = (stored: StoredCase | null) => {
    const { head: _head, ...rest } = stored!;
    return rest;
  };

  it('keeps a copy of a caller’s record: changing the object afterwards changes nothing stored', async () => {
    const store = memoryStore();
    const given: StoredCase = { ...record('C-1', 1, 5), snapshot: snapshotOf('C-1') };
    await store.create(given, draft('C-1', 1), []);
    (given.snapshot.context as { caseId: string }).caseId = 'changed';
    expect((await store.load('C-1'))!.snapshot.context.caseId).toBe('C-1');
  });

  it('keeps a record its writer never changes (the engine’s own) as it is, and reads it back as a copy would be', async () => {
    const store = memoryStore();
    const own = unchanged({ ...record('C-2', 1, 5), snapshot: snapshotOf('C-2'), familyId: null, work: [] });
    await store.create(own, draft('C-2', 1), []);
    const loaded = await store.load('C-2');
    expect(withoutHead(loaded)).toEqual({ caseId: 'C-2', version: 1, snapshot: snapshotOf('C-2'), nextDueAt: 5 });
    // A load is the reader's own copy, whatever it does with it.
    (loaded!.snapshot.context as { caseId: string }).caseId = 'changed';
    expect((await store.load('C-2'))!.snapshot.context.caseId).toBe('C-2');
  });
});
