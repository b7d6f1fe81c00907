import type { StepDownMachine } from '../machine/machine.js';
import type { CaseSnapshot } from '../machine/snapshot.js';
import type { CaseStore, StoredCase } from './store.js';

/**
 * Stores in this process that can tell whether a case is still stored exactly as a given record
 * object was written (the memory store), each with its answer: true only when its last write of the
 * case was of that very object, and its text then is its text now. Kept by the store object itself,
 * never a copy or a wrapper of it: a host that wraps a store's `load` (to trace or test it) has it
 * called as before. Not part of `CaseStore`: a store in another process cannot know that no one else
 * wrote since.
 */
const writtenFrom = new WeakMap<CaseStore, (caseId: string, record: StoredCase) => boolean>();

/**
 * Registers a store's answer to "is the case still stored as written from this record?" (see
 * {@link ownRecords}). The memory store registers itself.
 *
 * @example
 * ```ts
 * knowsWrittenFrom(api, (caseId, record) => textOf.get(record) === cases.get(caseId)?.json);
 * ```
 */
export function knowsWrittenFrom(store: CaseStore, answer: (caseId: string, record: StoredCase) => boolean): void {
  writtenFrom.set(store, answer);
}

/** Records and messages whose writer never changes them once written: the engine's own. */
const unchanging = new WeakSet<object>();

/**
 * Marks a record (or an outbox message) its writer will never change, nor give out, once written: a
 * store in this process may keep the object itself rather than a copy, and write a record's text
 * only when the case is read.
 *
 * @example
 * ```ts
 * await store.save(unchanged(record), version, draft, outbox.map(unchanged));
 * ```
 */
export function unchanged<T extends object>(value: T): T {
  unchanging.add(value);
  return value;
}

/** True for an object marked with {@link unchanged}. */
export function isUnchanging(value: object): boolean {
  return unchanging.has(value);
}

/** The record an engine last saved for a case, with the snapshot it was made from and the machine that made it. */
interface Kept {
  readonly record: StoredCase;
  readonly snapshot: CaseSnapshot;
  readonly machine: StepDownMachine;
}

/**
 * The records an engine saved last, by case, for a store that can say they are still current
 * ({@link knowsWrittenFrom}): the next event to the case starts from the record and snapshot the engine
 * already holds instead of reading, parsing and resolving the text it wrote. At most `limit` cases
 * are kept (the ones written last); with any other store nothing is.
 *
 * The engine never changes a record or snapshot once saved, and gives out neither: `describeCase`
 * copies what it shows of the context.
 *
 * @example
 * ```ts
 * const own = ownRecords(store);
 * own.remember(record, snapshot, machine);            // after the save
 * const current = own.current(caseId, machine);     // before the next event: null means load it
 * ```
 */
export function ownRecords(store: CaseStore, limit = 1_000) {
  const check = writtenFrom.get(store);
  const kept = new Map<string, Kept>();
  return {
    remember(record: StoredCase, snapshot: CaseSnapshot, machine: StepDownMachine): void {
      if (!check) return;
      kept.delete(record.caseId);
      kept.set(record.caseId, { record, snapshot, machine });
      if (kept.size > limit) kept.delete(kept.keys().next().value!);
    },
    /** The case as the engine last saved it, if the store holds exactly that still and the machine is the same. */
    current(caseId: string, machine: StepDownMachine): Kept | null {
      const found = kept.get(caseId);
      if (!found || !check || found.machine !== machine || !check(caseId, found.record)) return null;
      return found;
    },
  };
}
