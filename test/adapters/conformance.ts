import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createCaseEngine,
  isStepDownError,
  verifyAuditTrail,
  type AuditDraft,
  type CaseStore,
  type OutboxMessage,
  type StoredCase,
} from '../../src/index.js';
import { runToClosedCaf } from '../engine/journey.js';

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
      expect(await store.load('C-1')).toEqual(record('C-1', 1, 1_700_000_000_000));
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
      expect(new Set(delivered).size).toBe(delivered.length);
      expect(delivered.length).toBeGreaterThan(10);
      expect(await store.claimOutbox(Date.now() + 10 ** 9, 10, 1000)).toEqual([]);
    });
  });
}
