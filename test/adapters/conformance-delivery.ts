import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCaseEngine, type AuditDraft, type CaseStore, type OutboxMessage, type StoredCase } from '../../src/index.js';

/**
 * A store under test that can be opened again on the same place (directory, database tables), as
 * a process started after a crash opens it. A store with no place of its own (memory) gives itself.
 */
export interface ReopenableStore {
  prepare?(): Promise<void>;
  make(): Promise<{ store: CaseStore; reopen(): CaseStore }>;
  cleanup?(): Promise<void>;
}

const message = (id: string, caseId = 'C-1'): OutboxMessage => ({
  id,
  caseId,
  notification: { type: 'case.opened', caseId, at: '2024-05-01T10:00:00+01:00' },
  attempts: 0,
  availableAt: 0,
});

const record = (caseId: string, version: number): StoredCase => ({
  caseId,
  version,
  snapshot: { machineVersion: 2, value: 'x', context: { caseId }, ledger: {} } as unknown as StoredCase['snapshot'],
  nextDueAt: null,
});

const draft = (caseId: string, version: number): AuditDraft => ({
  caseId, type: 'test.event', event: null, actor: null, at: null, recordedAt: '2024-05-01T10:00:01.000Z',
  stateBefore: null, stateAfter: null, version, rules: { checked: [], breached: [] }, accepted: true, errorCode: null,
});

const reason = (at: string, status: number | null = 410) => ({ emitter: 'webhook', code: 'DELIVERY_FAILED', status, at });

/**
 * The delivery conformance suite (issue 11): lease renewal, dead letters, and notifications saved
 * before a crash delivered by the next relay, on every store.
 */
export function testDeliveryStore(name: string, factory: ReopenableStore): void {
  describe(`${name} store: delivery`, () => {
    // Starting PGlite (WebAssembly) takes seconds, more on a loaded machine: not a per-test cost.
    beforeAll(async () => factory.prepare?.(), 120_000);
    afterAll(async () => factory.cleanup?.());
    const fresh = () => factory.make();

    it('renews a lease: a renewed message is not claimed until the new time; unknown ids are ignored', { timeout: 60_000 }, async () => {
      const { store } = await fresh();
      await store.create(record('C-1', 1), draft('C-1', 1), [message('m1'), message('m2')]);
      expect((await store.claimOutbox(1_000, 10, 1_000)).map((m) => m.id).sort()).toEqual(['m1', 'm2']);
      await store.renewLease(['m1', 'gone'], 10_000);
      expect((await store.claimOutbox(2_000, 10, 100_000)).map((m) => m.id)).toEqual(['m2']);
      expect(await store.claimOutbox(9_999, 10, 1_000)).toEqual([]);
      expect((await store.claimOutbox(10_000, 10, 1_000)).map((m) => [m.id, m.attempts])).toEqual([['m1', 0]]);
    });

    it('buries a message out of the outbox, lists dead letters oldest first, and revives one', { timeout: 60_000 }, async () => {
      const { store } = await fresh();
      await store.create(record('C-1', 1), draft('C-1', 1), [message('m1'), message('m2'), message('m3')]);
      await store.claimOutbox(1_000, 10, 1_000);
      await store.release('m2', 1_000);
      await store.bury('m2', reason('2024-07-01T09:00:00.000Z'));
      await store.bury('m1', reason('2024-07-01T09:00:00.000Z', null));
      await store.bury('m3', reason('2024-06-30T09:00:00.000Z', 400));
      await store.bury('not-there', reason('2024-07-01T09:00:00.000Z'));
      expect(await store.deadLetters(10)).toEqual([
        { messageId: 'm3', caseId: 'C-1', notificationType: 'case.opened', emitter: 'webhook', attempts: 1, code: 'DELIVERY_FAILED', status: 400, buriedAt: '2024-06-30T09:00:00.000Z' },
        { messageId: 'm1', caseId: 'C-1', notificationType: 'case.opened', emitter: 'webhook', attempts: 1, code: 'DELIVERY_FAILED', status: null, buriedAt: '2024-07-01T09:00:00.000Z' },
        { messageId: 'm2', caseId: 'C-1', notificationType: 'case.opened', emitter: 'webhook', attempts: 2, code: 'DELIVERY_FAILED', status: 410, buriedAt: '2024-07-01T09:00:00.000Z' },
      ]);
      expect((await store.deadLetters(1)).map((l) => l.messageId)).toEqual(['m3']);
      // Buried messages are never claimed.
      expect(await store.claimOutbox(10 ** 12, 10, 1_000)).toEqual([]);
      expect(await store.revive('m2', 5_000)).toBe(true);
      expect(await store.revive('m2', 5_000)).toBe(false);
      expect(await store.revive('never', 5_000)).toBe(false);
      expect(await store.claimOutbox(4_999, 10, 1_000)).toEqual([]);
      const [revived] = await store.claimOutbox(5_000, 10, 1_000);
      expect(revived).toMatchObject({ id: 'm2', caseId: 'C-1', attempts: 0, notification: message('m2').notification });
      expect((await store.deadLetters(10)).map((l) => l.messageId)).toEqual(['m3', 'm1']);
    });

    it('notifications saved before a crash are delivered by the next relay, on a store opened again', { timeout: 60_000 }, async () => {
      const { store, reopen } = await fresh();
      const before = createCaseEngine({ store, now: () => new Date('2024-07-01T09:00:00Z') });
      await before.open({ caseId: 'C-crash', route: 'cin-outcome', at: '2024-05-01T10:00:00+01:00', actor: { id: 'tm-1', role: 'team-manager' } });
      // The crash: the process ends before any relay ran. The next process opens the same place.
      const after = createCaseEngine({ store: reopen(), now: () => new Date('2024-07-01T09:00:05Z') });
      const heard: string[] = [];
      after.on('*', (_n, meta) => void heard.push(meta.id));
      after.startDelivery({ pollMs: 5 });
      try {
        await vi.waitFor(() => expect(heard).toHaveLength(2), { timeout: 20_000 });
      } finally {
        await after.stop();
      }
      expect(heard.sort()).toEqual(['C-crash:v1:0', 'C-crash:v1:1']);
    });
  });
}
