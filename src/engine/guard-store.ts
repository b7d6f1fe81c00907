import { StepDownError, isStepDownError } from '../errors.js';
import type { CaseStore } from './store.js';

/**
 * Wraps a store so that whatever a driver throws reaches the host as a {@link StepDownError}: the
 * driver's own `StepDownError`s (`CASE_EXISTS`, `VERSION_CONFLICT`, `STORE_FAILURE`…) pass through
 * unchanged, anything else becomes `STORE_FAILURE` naming the operation and the case.
 *
 * The driver's message is not repeated: a database error can quote the row it failed on ("Failing
 * row contains (…)"), and a row holds the event with its personal data. The original error is kept
 * as the non-enumerable `cause`, for a debugger, so it is not serialised into logs with the error.
 *
 * @example
 * ```ts
 * const store = guardStore(postgresStore({ db }));
 * await store.save(record, 3, audit, outbox); // a dropped connection: StepDownError STORE_FAILURE
 * ```
 */
export function guardStore(store: CaseStore): CaseStore {
  const call = async <R>(operation: keyof CaseStore, caseId: string | undefined, run: () => Promise<R>): Promise<R> => {
    try {
      return await run();
    } catch (error) {
      throw isStepDownError(error) ? error : storeFailure(operation, caseId, error);
    }
  };
  const guarded: CaseStore = {
    load: (caseId) => call('load', caseId, () => store.load(caseId)),
    create: (record, audit, outbox, options) => call('create', record.caseId, () => store.create(record, audit, outbox, options)),
    save: (record, expectedVersion, audit, outbox, options) =>
      call('save', record.caseId, () => store.save(record, expectedVersion, audit, outbox, options)),
    saveMany: (writes, options) => call('saveMany', undefined, () => store.saveMany(writes, options)),
    worklist: (query) => call('worklist', undefined, () => store.worklist(query)),
    familyCases: (familyId) => call('familyCases', undefined, () => store.familyCases(familyId)),
    appendAudit: (audit, outbox, options) => call('appendAudit', audit.caseId, () => store.appendAudit(audit, outbox, options)),
    audit: (caseId) => call('audit', caseId, () => store.audit(caseId)),
    dueCases: (at, limit) => call('dueCases', undefined, () => store.dueCases(at, limit)),
    claimOutbox: (now, limit, leaseMs) => call('claimOutbox', undefined, () => store.claimOutbox(now, limit, leaseMs)),
    acknowledge: (ids) => call('acknowledge', undefined, () => store.acknowledge(ids)),
    release: (id, availableAt) => call('release', undefined, () => store.release(id, availableAt)),
    renewLease: (ids, until) => call('renewLease', undefined, () => store.renewLease(ids, until)),
    bury: (id, reason) => call('bury', undefined, () => store.bury(id, reason)),
    deadLetters: (limit) => call('deadLetters', undefined, () => store.deadLetters(limit)),
    revive: (id, availableAt) => call('revive', undefined, () => store.revive(id, availableAt)),
  };
  const { close, enqueue, caseIds } = store;
  return {
    ...guarded,
    ...(close ? { close: () => call('close', undefined, () => close.call(store)) } : {}),
    ...(enqueue ? { enqueue: (messages) => call('enqueue', undefined, () => enqueue.call(store, messages)) } : {}),
    ...(caseIds ? { caseIds: (after, limit) => call('caseIds', undefined, () => caseIds.call(store, after, limit)) } : {}),
  } satisfies CaseStore;
}

function storeFailure(operation: string, caseId: string | undefined, cause: unknown): StepDownError {
  const error = new StepDownError(
    'STORE_FAILURE',
    `The case store failed during '${operation}'${caseId === undefined ? '' : ` of case ${caseId}`}: ` +
      'try again once the store is healthy (a write that fails keeps nothing of itself).',
    caseId === undefined ? { operation } : { operation, caseId },
  );
  // Non-enumerable, as `new Error(message, { cause })` makes it: JSON.stringify(error) leaves it out.
  Object.defineProperty(error, 'cause', { value: cause, enumerable: false, writable: true, configurable: true });
  return error;
}
