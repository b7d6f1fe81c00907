import { memoryStore, type MemoryStoreOptions } from '../../adapters/memory.js';
import type { CaseStore } from '../../src/index.js';

/** One call the engine made to its store, in order, with the case it concerned where there is one. */
export interface StoreCall {
  readonly operation: keyof CaseStore;
  readonly caseId: string | null;
  readonly args: readonly unknown[];
  /** Set when the call's promise settled, so a test can order it against a listener. */
  settled: boolean;
}

/** A store that records every call and can run a hook before a save reaches the inner store. */
export interface RecordingStore {
  readonly store: CaseStore;
  /** The store underneath, for tests to look at without being recorded. */
  readonly inner: CaseStore;
  readonly calls: StoreCall[];
  /** Ids of the cases `load` was called with, in order. */
  loaded(): string[];
  /** Calls of one operation. */
  callsOf(operation: keyof CaseStore): StoreCall[];
  /** Runs before a save is passed on (once per save); e.g. another writer getting there first. */
  beforeSave: ((caseId: string) => Promise<void>) | null;
  /** Forgets the calls so far. */
  reset(): void;
}

/**
 * Wraps a memory store (or `inner`) so a test can see which calls the engine made: which cases it
 * loaded, whether it saved, in what order. The wrapper passes every call through unchanged.
 */
export function recordingStore(options: MemoryStoreOptions = {}, inner: CaseStore = memoryStore(options)): RecordingStore {
  const calls: StoreCall[] = [];
  const recording: RecordingStore = {
    inner,
    calls,
    beforeSave: null,
    loaded: () => calls.filter((c) => c.operation === 'load').map((c) => c.caseId ?? ''),
    callsOf: (operation) => calls.filter((c) => c.operation === operation),
    reset: () => void calls.splice(0),
    store: undefined as unknown as CaseStore,
  };
  const record = async <R>(operation: keyof CaseStore, caseId: string | null, args: unknown[], run: () => Promise<R>) => {
    const call: StoreCall = { operation, caseId, args, settled: false };
    calls.push(call);
    try {
      return await run();
    } finally {
      call.settled = true;
    }
  };
  const store: CaseStore = {
    load: (caseId) => record('load', caseId, [caseId], () => inner.load(caseId)),
    create: (r, audit, outbox) => record('create', r.caseId, [r, audit, outbox], () => inner.create(r, audit, outbox)),
    save: (r, expectedVersion, audit, outbox) =>
      record('save', r.caseId, [r, expectedVersion, audit, outbox], async () => {
        await recording.beforeSave?.(r.caseId);
        return inner.save(r, expectedVersion, audit, outbox);
      }),
    saveMany: (writes) => record('saveMany', null, [writes], () => inner.saveMany(writes)),
    worklist: (query) => record('worklist', null, [query], () => inner.worklist(query)),
    familyCases: (familyId) => record('familyCases', null, [familyId], () => inner.familyCases(familyId)),
    appendAudit: (audit, outbox) => record('appendAudit', audit.caseId, [audit, outbox], () => inner.appendAudit(audit, outbox)),
    audit: (caseId) => record('audit', caseId, [caseId], () => inner.audit(caseId)),
    dueCases: (at, limit) => record('dueCases', null, [at, limit], () => inner.dueCases(at, limit)),
    claimOutbox: (now, limit, leaseMs) => record('claimOutbox', null, [now, limit, leaseMs], () => inner.claimOutbox(now, limit, leaseMs)),
    acknowledge: (ids) => record('acknowledge', null, [ids], () => inner.acknowledge(ids)),
    release: (id, availableAt) => record('release', null, [id, availableAt], () => inner.release(id, availableAt)),
    renewLease: (ids, until) => record('renewLease', null, [ids, until], () => inner.renewLease(ids, until)),
    bury: (id, reason) => record('bury', null, [id, reason], () => inner.bury(id, reason)),
    deadLetters: (limit) => record('deadLetters', null, [limit], () => inner.deadLetters(limit)),
    revive: (id, availableAt) => record('revive', null, [id, availableAt], () => inner.revive(id, availableAt)),
  };
  (recording as { store: CaseStore }).store = store;
  return recording;
}
