import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory.js';
import type { AuditDraft, CaseStore, StoredCase } from '../../src/index.js';
import { testStore } from './conformance.js';

testStore('memory', { make: async () => memoryStore() });

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
