import { afterAll, beforeAll, beforeEach, describe, expect, it, type TestContext } from 'vitest';
import {
  createCaseEngine,
  isStepDownError,
  verifyAuditTrail,
  type AuditDraft,
  type CaseStore,
  type CaseWrite,
  type OutboxMessage,
  type StoredCase,
  type WorkItem,
} from '../../src/index.js';
import { runToClosedCaf } from '../engine/journey.js';
import { sampleEvent, samplePeople } from '../events/samples.js';
import { workItem, workSteps } from './store-records.js';

/** A store under test: made fresh for each test, closed after. */
export interface StoreFactory {
  /** Starts what every test shares (a database), once per suite; it may take seconds. */
  prepare?(): Promise<void>;
  make(): Promise<CaseStore>;
  cleanup?(): Promise<void>;
}

// A snapshot as the engine writes it, with the ledger of its events beside it: a store keeps it whole.
const ledger = { 'evt-1': { type: 'test.event', digest: 'a'.repeat(64), role: 'social-worker', at: '2024-05-01T10:00:00+01:00', voidedBy: null } };
const snapshot = (caseId: string) => ({ machineVersion: 2, value: 'x', context: { caseId }, ledger }) as unknown as StoredCase['snapshot'];

function record(caseId: string, version: number, nextDueAt: number | null = null): StoredCase {
  return { caseId, version, snapshot: snapshot(caseId), nextDueAt };
}

/** A case record with its family and its work-list items (as the engine writes them on every save). */
function withWork(caseId: string, version: number, work: readonly Partial<WorkItem>[], familyId: string | null = null): StoredCase {
  return { ...record(caseId, version), familyId, work: work.map((w) => workItem(caseId, familyId, w)) };
}



/** One case's accepted event in a `saveMany`. */
function write(next: StoredCase, expectedVersion: number, outbox: readonly OutboxMessage[] = []): CaseWrite {
  return { record: next, expectedVersion, audit: draft(next.caseId, next.version), outbox };
}

/** The new tests of issue 10 run on a store once it has `saveMany` (the file store does not yet). */
function needsSaveMany(context: TestContext, store: CaseStore): void {
  context.skip(typeof store.saveMany !== 'function', 'this store does not implement saveMany, worklist and familyCases yet');
}

function draft(caseId: string, version: number, type = 'test.event'): AuditDraft {
  return {
    caseId,
    type,
    event: { type, note: 'ü ✓ "quoted"' },
    actor: { id: 'sw-1', role: 'social-worker' },
    at: '2024-05-01T10:00:00+01:00',
    recordedAt: '2024-05-01T10:00:01.000Z',
    stateBefore: ['a'],
    stateAfter: ['b'],
    version,
    rules: { checked: ['division-of-duties'], breached: [] },
    accepted: true,
    errorCode: null,
  };
}

function message(id: string, caseId: string): OutboxMessage {
  return { id, caseId, notification: { type: 'case.opened', caseId, at: '2024-05-01T10:00:00+01:00' }, attempts: 0, availableAt: 0 };
}

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (isStepDownError(error)) return error.code;
    throw error;
  }
  return 'no error';
}

/**
 * The one conformance suite every `CaseStore` driver passes (as unstorage's `testDriver`). A new
 * driver is one file plus one call to this function.
 */
export function testStore(name: string, factory: StoreFactory): void {
  describe(`${name} store conformance`, () => {
    // Starting PGlite (WebAssembly) takes seconds, more on a loaded machine: not a per-test cost.
    beforeAll(async () => factory.prepare?.(), 120_000);
    let store: CaseStore;
    beforeEach(async () => {
      store = await factory.make();
      return async () => store.close?.();
    });
    afterAll(async () => factory.cleanup?.());

    it('creates, loads and refuses a second case with the same id', async () => {
      expect(await store.load('C-1')).toBeNull();
      const entry = await store.create(record('C-1', 1, 1_700_000_000_000), draft('C-1', 1), [message('m1', 'C-1')]);
      expect(entry.seq).toBe(1);
      expect(await store.load('C-1')).toEqual({ ...record('C-1', 1, 1_700_000_000_000), head: expect.objectContaining({ caseId: 'C-1', version: 1 }) });
      expect(await code(store.create(record('C-1', 1), draft('C-1', 1), []))).toBe('CASE_EXISTS');
      expect(await store.audit('C-1')).toHaveLength(1);
    });

    it('saves only over the expected version, and a conflict changes nothing', async () => {
      await store.create(record('C-1', 1), draft('C-1', 1), []);
      await store.save(record('C-1', 2), 1, draft('C-1', 2), []);
      expect(await code(store.save(record('C-1', 3), 1, draft('C-1', 3), [message('m9', 'C-1')]))).toBe('VERSION_CONFLICT');
      expect((await store.load('C-1'))!.version).toBe(2);
      expect((await store.audit('C-1')).map((e) => e.version)).toEqual([1, 2]);
      expect(await store.claimOutbox(Date.now(), 10, 1000)).toEqual([]);
      expect(await code(store.save(record('C-9', 2), 1, draft('C-9', 2), []))).toBe('UNKNOWN_CASE');
    });

    it('chains audit entries gaplessly, refusals included, and the chain verifies', async () => {
      await store.create(record('C-1', 1), draft('C-1', 1), []);
      await store.appendAudit({ ...draft('C-1', 1, 'refused.event'), accepted: false, errorCode: 'GATE_BLOCKED' }, []);
      await store.save(record('C-1', 2), 1, draft('C-1', 2), []);
      const trail = await store.audit('C-1');
      expect(trail.map((e) => [e.seq, e.type, e.accepted])).toEqual([
        [1, 'test.event', true],
        [2, 'refused.event', false],
        [3, 'test.event', true],
      ]);
      expect((await store.load('C-1'))!.version).toBe(2);
      expect(verifyAuditTrail(trail)).toEqual({ ok: true, entries: 3 });
    });

    it('finds due cases through the next-due index, earliest first, and only those due', async () => {
      await store.create(record('late', 1, 3_000), draft('late', 1), []);
      await store.create(record('early', 1, 1_000), draft('early', 1), []);
      await store.create(record('none', 1, null), draft('none', 1), []);
      await store.create(record('future', 1, 9_000), draft('future', 1), []);
      expect(await store.dueCases(3_500, 10)).toEqual(['early', 'late']);
      expect(await store.dueCases(3_500, 1)).toEqual(['early']);
      expect(await store.dueCases(3_000, 10)).toEqual(['early']);
      await store.save(record('early', 2, 10_000), 1, draft('early', 2), []);
      expect(await store.dueCases(3_500, 10)).toEqual(['late']);
    });

    it('leases outbox messages, acknowledges them and releases failures for later', async () => {
      await store.create(record('C-1', 1), draft('C-1', 1), [message('m1', 'C-1'), message('m2', 'C-1')]);
      const first = await store.claimOutbox(1_000, 10, 5_000);
      expect(first.map((m) => m.id).sort()).toEqual(['m1', 'm2']);
      expect(await store.claimOutbox(2_000, 10, 5_000)).toEqual([]);
      await store.acknowledge(['m1']);
      await store.release('m2', 3_000);
      expect(await store.claimOutbox(2_500, 10, 5_000)).toEqual([]);
      const retried = await store.claimOutbox(3_000, 10, 5_000);
      expect(retried.map((m) => [m.id, m.attempts])).toEqual([['m2', 1]]);
      expect(retried[0]!.notification).toEqual(message('m2', 'C-1').notification);
    });

    it('leaves the previous version whole when a save fails part-way', async () => {
      await store.create(record('C-1', 1), draft('C-1', 1), []);
      const poisoned = {
        ...message('bad', 'C-1'),
        get notification(): never {
          throw new Error('simulated fault mid-save');
        },
      } as OutboxMessage;
      await expect(store.save(record('C-1', 2), 1, draft('C-1', 2), [message('ok', 'C-1'), poisoned])).rejects.toThrow();
      expect((await store.load('C-1'))!.version).toBe(1);
      expect(await store.audit('C-1')).toHaveLength(1);
      expect(await store.claimOutbox(Date.now(), 10, 1000)).toEqual([]);
      await store.save(record('C-1', 2), 1, draft('C-1', 2), []);
      expect(verifyAuditTrail(await store.audit('C-1')).ok).toBe(true);
    });

    it('runs a whole case through the engine, with deadlines swept by tick', async () => {
      const engine = createCaseEngine({ store, now: () => new Date('2024-07-20T10:00:00Z') });
      const delivered: string[] = [];
      engine.on('*', (_n, meta) => void delivered.push(meta.id));
      const view = await runToClosedCaf(engine, 'C-journey');
      expect(view.outcome).toBe('caf-closed');
      const trail = await engine.history('C-journey');
      expect(trail.map((e) => e.version)).toEqual(trail.map((_, i) => i + 1));
      expect(verifyAuditTrail(trail).ok).toBe(true);
      while ((await engine.deliver()).delivered > 0);
      expect(new Set(delivered).size).toBe(delivered.length);
      expect(delivered.length).toBeGreaterThan(10);
      expect(await store.claimOutbox(Date.now() + 10 ** 9, 10, 1000)).toEqual([]);
    });

    it('saveMany writes every case or none: a stale version in the middle leaves every case as it was', async (context) => {
      needsSaveMany(context, store);
      const before = { A: [{ role: 'team-manager', step: 'decision.agreed' }], B: [{ dueAt: 5_000 }], C: [] as Partial<WorkItem>[] };
      await store.create(withWork('A', 1, before.A, 'F-1'), draft('A', 1), []);
      await store.create(withWork('B', 1, before.B, 'F-1'), draft('B', 1), []);
      await store.save(withWork('B', 2, before.B, 'F-1'), 1, draft('B', 2), []);
      await store.create(withWork('C', 1, before.C, 'F-1'), draft('C', 1), []);
      const listBefore = await store.worklist({ limit: 100 });
      expect(workSteps(listBefore)).toEqual(['B views.recorded', 'A decision.agreed']);

      const next = (caseId: string, version: number) => withWork(caseId, version, [{ step: 'consent.given', dueAt: 1_000 }], 'F-1');
      const stale = [write(next('A', 2), 1, [message('a2', 'A')]), write(next('B', 2), 1, [message('b2', 'B')]), write(next('C', 2), 1, [message('c2', 'C')])];
      const conflict = await store.saveMany(stale).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isStepDownError(conflict, 'VERSION_CONFLICT')).toBe(true);
      expect((conflict as { details: Record<string, unknown> }).details).toMatchObject({ caseId: 'B', expectedVersion: 1, actualVersion: 2 });
      const unknown = [write(next('A', 2), 1), write(next('Z', 2), 1), write(next('C', 2), 1)];
      expect(await code(store.saveMany(unknown))).toBe('UNKNOWN_CASE');
      expect(await code(store.saveMany([write(next('A', 2), 1), write(next('A', 2), 1)]))).toBe('INVALID_ARGUMENT');

      // Nothing of any refused write is kept: versions, trails, outbox and work list are as they were.
      expect(await Promise.all(['A', 'B', 'C'].map(async (id) => (await store.load(id))!.version))).toEqual([1, 2, 1]);
      expect(await Promise.all(['A', 'B', 'C'].map(async (id) => (await store.audit(id)).length))).toEqual([1, 2, 1]);
      expect(await store.claimOutbox(Date.now(), 10, 1000)).toEqual([]);
      expect(await store.worklist({ limit: 100 })).toEqual(listBefore);
      expect(await store.saveMany([])).toEqual([]);

      // The same writes at the right versions, given out of case-id order: all taken, entries in the order given.
      const entries = await store.saveMany([write(next('C', 2), 1, [message('c2', 'C')]), write(next('A', 2), 1, [message('a2', 'A')]), write(next('B', 3), 2)]);
      expect(entries.map((e) => [e.caseId, e.seq, e.version])).toEqual([
        ['C', 2, 2],
        ['A', 2, 2],
        ['B', 3, 3],
      ]);
      expect(await Promise.all(['A', 'B', 'C'].map(async (id) => (await store.load(id))!.version))).toEqual([2, 3, 2]);
      for (const id of ['A', 'B', 'C']) expect(verifyAuditTrail(await store.audit(id)).ok).toBe(true);
      expect((await store.claimOutbox(Date.now(), 10, 1000)).map((m) => m.id).sort()).toEqual(['a2', 'c2']);
      expect(workSteps(await store.worklist({ limit: 100 }))).toEqual(['A consent.given', 'B consent.given', 'C consent.given']);
    });

    it('saveMany leaves every case whole when the write fails part-way', async (context) => {
      needsSaveMany(context, store);
      await store.create(withWork('A', 1, [{ detail: 'leo' }]), draft('A', 1), []);
      await store.create(withWork('B', 1, [{ detail: 'sarah' }]), draft('B', 1), []);
      const poisoned = {
        ...message('bad', 'B'),
        get notification(): never {
          throw new Error('simulated fault mid-saveMany');
        },
      } as OutboxMessage;
      const writes = [write(withWork('A', 2, []), 1, [message('ok', 'A')]), write(withWork('B', 2, []), 1, [poisoned])];
      await expect(store.saveMany(writes)).rejects.toThrow();
      expect((await store.load('A'))!.version).toBe(1);
      expect(await store.audit('A')).toHaveLength(1);
      expect(await store.claimOutbox(Date.now(), 10, 1000)).toEqual([]);
      expect(workSteps(await store.worklist({ limit: 10 }))).toEqual(['A views.recorded|leo', 'B views.recorded|sarah']);
    });

    it('lists pending steps across cases from the index kept on save: filters, order, limit', async (context) => {
      needsSaveMany(context, store);
      const tm1 = { role: 'team-manager', actorId: 'tm-1' };
      await store.create(
        withWork('C-2', 1, [
          { ...tm1, step: 'stepDown.authorised', rule: 'tm-quality-assurance', stage: 'closure', dueAt: 3_000 },
          { role: 'lead-professional', personId: 'p-1', step: 'familyPlanMeeting.held', detail: 'initial', dueAt: 1_000, breached: true },
          { detail: 'sarah' },
          { detail: 'leo' },
        ]),
        draft('C-2', 1),
        [],
      );
      await store.create(
        withWork('C-1', 1, [
          { role: 'team-manager', actorId: 'tm-2', step: 'stepDown.authorised', dueAt: 3_000 },
          { role: 'team-manager', actorId: 'tm-2', step: 'disagreement.resolved', detail: 'D-1', dueAt: 3_000 },
          { role: 'caf-link-worker', step: 'ehm.authorised', dueAt: 2_000 },
        ]),
        draft('C-1', 1),
        [],
      );
      await store.create(withWork('C-3', 1, [{ ...tm1, step: 'decision.agreed' }]), draft('C-3', 1), []);
      const everything = [
        'C-2 familyPlanMeeting.held|initial',
        'C-1 ehm.authorised',
        'C-1 disagreement.resolved|D-1',
        'C-1 stepDown.authorised',
        'C-2 stepDown.authorised',
        'C-2 views.recorded|leo',
        'C-2 views.recorded|sarah',
        'C-3 decision.agreed',
      ];
      const all = await store.worklist({ limit: 100 });
      expect(workSteps(all)).toEqual(everything);
      // Each item comes back as written.
      expect(all[0]).toEqual(workItem('C-2', null, { role: 'lead-professional', personId: 'p-1', step: 'familyPlanMeeting.held', detail: 'initial', dueAt: 1_000, breached: true }));
      // The limit cuts the same list, wherever it falls, even between one case's steps tied on due and step.
      for (let limit = 0; limit <= everything.length; limit += 1) expect(workSteps(await store.worklist({ limit }))).toEqual(everything.slice(0, limit));
      expect(workSteps(await store.worklist({ role: 'team-manager', limit: 100 }))).toEqual([
        'C-1 disagreement.resolved|D-1',
        'C-1 stepDown.authorised',
        'C-2 stepDown.authorised',
        'C-3 decision.agreed',
      ]);
      expect(workSteps(await store.worklist({ role: 'team-manager', dueBefore: 3_001, limit: 2 }))).toEqual(['C-1 disagreement.resolved|D-1', 'C-1 stepDown.authorised']);
      // "Before" is strict, and an undated step is never due before anything.
      expect(workSteps(await store.worklist({ dueBefore: 3_000, limit: 100 }))).toEqual(['C-2 familyPlanMeeting.held|initial', 'C-1 ehm.authorised']);
      expect(workSteps(await store.worklist({ personId: 'p-1', limit: 100 }))).toEqual(['C-2 familyPlanMeeting.held|initial']);
      expect(workSteps(await store.worklist({ actorId: 'tm-1', limit: 100 }))).toEqual(['C-2 stepDown.authorised', 'C-3 decision.agreed']);
      expect(workSteps(await store.worklist({ actorId: 'tm-1', role: 'social-worker', limit: 100 }))).toEqual([]);
      expect(workSteps(await store.worklist({ breached: true, limit: 100 }))).toEqual(['C-2 familyPlanMeeting.held|initial']);
      expect(workSteps(await store.worklist({ breached: false, role: 'social-worker', limit: 100 }))).toEqual(['C-2 views.recorded|leo', 'C-2 views.recorded|sarah']);
      expect(await store.worklist({ personId: 'nobody', limit: 100 })).toEqual([]);

      // A save replaces the case's steps; a refusal (appendAudit) and a failed save change none.
      await store.save(withWork('C-2', 2, [{ role: 'social-worker', step: 'finalMeeting.held', rule: 'final-meeting-kind' }]), 1, draft('C-2', 2), []);
      await store.appendAudit({ ...draft('C-1', 1, 'refused.event'), accepted: false, errorCode: 'GATE_BLOCKED' }, []);
      expect(await code(store.save(withWork('C-1', 2, []), 5, draft('C-1', 2), []))).toBe('VERSION_CONFLICT');
      expect(workSteps(await store.worklist({ limit: 100 }))).toEqual([
        'C-1 ehm.authorised',
        'C-1 disagreement.resolved|D-1',
        'C-1 stepDown.authorised',
        'C-2 finalMeeting.held',
        'C-3 decision.agreed',
      ]);
      expect(await store.worklist({ personId: 'p-1', limit: 100 })).toEqual([]);
      await store.save(withWork('C-1', 2, []), 1, draft('C-1', 2), []);
      expect(workSteps(await store.worklist({ limit: 100 }))).toEqual(['C-2 finalMeeting.held', 'C-3 decision.agreed']);
    });

    it('lists a family group’s cases in case-id order', async (context) => {
      needsSaveMany(context, store);
      await store.create(withWork('C-b', 1, [], 'F-1'), draft('C-b', 1), []);
      await store.create(withWork('C-c', 1, [], 'F-2'), draft('C-c', 1), []);
      await store.create(withWork('C-a', 1, [], 'F-1'), draft('C-a', 1), []);
      await store.create(withWork('C-d', 1, []), draft('C-d', 1), []);
      // Upper case sorts before lower case, as JavaScript compares strings.
      await store.create(withWork('C-Z', 1, [], 'F-1'), draft('C-Z', 1), []);
      expect(await store.familyCases('F-1')).toEqual(['C-Z', 'C-a', 'C-b']);
      expect(await store.familyCases('F-2')).toEqual(['C-c']);
      expect(await store.familyCases('F-9')).toEqual([]);
      await store.saveMany([write(withWork('C-a', 2, [], 'F-1'), 1), write(withWork('C-c', 2, [], 'F-2'), 1)]);
      expect(await store.familyCases('F-1')).toEqual(['C-Z', 'C-a', 'C-b']);
      expect(await store.familyCases('F-2')).toEqual(['C-c']);
    });

    it('sends to a family through the engine: every open sibling takes the event, or none does', async (context) => {
      needsSaveMany(context, store);
      const engine = createCaseEngine({ store, now: () => new Date('2024-07-20T10:00:00Z') });
      const tm = { id: samplePeople.teamManager.id, role: 'team-manager' } as const;
      for (const caseId of ['C-2', 'C-1']) {
        await engine.open({ caseId, familyId: 'F-1', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
      }
      expect((await engine.family('F-1')).map((v) => v.caseId)).toEqual(['C-1', 'C-2']);
      const waiting = await engine.worklist({ role: 'team-manager' });
      expect(waiting.map((w) => [w.caseId, w.step, w.rule, w.familyId])).toEqual([
        ['C-1', 'decision.agreed', 'threshold-decision', 'F-1'],
        ['C-2', 'decision.agreed', 'threshold-decision', 'F-1'],
      ]);
      const agreed = await engine.sendToFamily('F-1', sampleEvent('decision.agreed', '2024-03-05T10:00:00Z'));
      expect(agreed.map((v) => [v.caseId, v.version, v.stage])).toEqual([
        ['C-1', 2, 'preparation'],
        ['C-2', 2, 'preparation'],
      ]);
      // The Team Manager who agreed each decision is now named on the steps that wait for a Team Manager.
      expect((await engine.worklist({ role: 'team-manager' })).every((w) => w.actorId === tm.id)).toBe(true);

      // A third sibling, still at the decision: a second decision is refused by the two in
      // preparation, so the third does not take it either.
      await engine.open({ caseId: 'C-3', familyId: 'F-1', route: 'cin-outcome', at: '2024-03-04T09:00:00Z', actor: tm });
      const refusal = await engine.sendToFamily('F-1', sampleEvent('decision.agreed', '2024-03-06T10:00:00Z')).then(
        () => null,
        (error: unknown) => error,
      );
      expect(isStepDownError(refusal)).toBe(true);
      const refusals = (refusal as { details: { refusals: { caseId: string }[] } }).details.refusals;
      expect(refusals.map((r) => r.caseId)).toEqual(['C-1', 'C-2']);
      expect((await engine.get('C-3')).version).toBe(1);
      expect((await engine.get('C-3')).stage).toBe('decision');
      expect((await engine.get('C-1')).version).toBe(2);
      // Each refusal is audited on its own case; the third case's trail is untouched.
      expect((await engine.history('C-1')).at(-1)).toMatchObject({ accepted: false, type: 'decision.agreed' });
      expect(await engine.history('C-3')).toHaveLength(1);
    });
  });
}
