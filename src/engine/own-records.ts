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

/**
 * Stores whose `save` refuses with `VERSION_CONFLICT` a write made against a record they wrote
 * themselves once the case has changed in any way since (the PostgreSQL store: its save is guarded
 * by the row's and the trail's transaction ids). Such a store cannot say before the write that the
 * engine's last record is still current, but a write made on it is never made on a stale case.
 */
const checkedAtSave = new WeakSet<CaseStore>();

/**
 * Registers a store whose save of a write made against its own last write of the case fails with
 * `VERSION_CONFLICT` when the case changed since (see {@link ownRecords}). The PostgreSQL store
 * registers itself.
 *
 * @example
 * ```ts
 * checksWrittenAtSave(store);
 * ```
 */
export function checksWrittenAtSave(store: CaseStore): void {
  checkedAtSave.add(store);
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

/** Records the engine made from a case as it last saved it, without reading it back. */
const unread = new WeakSet<StoredCase>();

/**
 * Marks a record the engine judged on the case as it last saved it, not as read
 * ({@link checksWrittenAtSave}): the store writes it only if the case is exactly as the store itself
 * last wrote it, and otherwise refuses it with `VERSION_CONFLICT` (the engine then reads the case and
 * judges again), even at the expected version.
 *
 * @example
 * ```ts
 * await store.save(writtenUnread(record), version, draft, outbox);
 * ```
 */
export function writtenUnread(record: StoredCase): StoredCase {
  unread.add(record);
  return record;
}

/** True for a record marked with {@link writtenUnread}. */
export function isWrittenUnread(record: StoredCase): boolean {
  return unread.has(record);
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
  /**
   * True when the store has just said the case is still stored exactly so; false when only the save
   * can tell ({@link checksWrittenAtSave}): the record may then serve an accepted write, whose save
   * is refused if it is stale, but nothing else (a refusal or a resend's answer is read afresh).
   */
  readonly confirmed: boolean;
}

/**
 * The records an engine saved last, by case, for a store that can say they are still current
 * ({@link knowsWrittenFrom}) or whose save refuses a write on them once they are not
 * ({@link checksWrittenAtSave}): the next event to the case starts from the record and snapshot the
 * engine already holds instead of reading, parsing and resolving the text it wrote. At most `limit`
 * cases are kept (the ones written last; a quarter of that where only the save can tell, since the
 * records are then copies the store does not hold); with any other store nothing is.
 *
 * The engine never changes a record or snapshot once saved, and gives out neither: `describeCase`
 * copies what it shows of the context.
 *
 * @example
 * ```ts
 * const own = ownRecords(store);
 * own.remember(record, snapshot, machine);            // after the save
 * const current = own.current(caseId, machine);     // before the next event: null means load it
 * if (current && !current.confirmed) { } // only an accepted write may be made on it
 * ```
 */
export function ownRecords(store: CaseStore, limit = 1_000) {
  const check = writtenFrom.get(store);
  const atSave = check === undefined && checkedAtSave.has(store);
  const most = atSave ? Math.ceil(limit / 4) : limit;
  const kept = new Map<string, Kept>();
  return {
    remember(record: StoredCase, snapshot: CaseSnapshot, machine: StepDownMachine): void {
      if (!check && !atSave) return;
      kept.delete(record.caseId);
      // Confirmed by the store's own answer (`check`) when asked; a store that checks at save never confirms.
      kept.set(record.caseId, { record, snapshot, machine, confirmed: !atSave });
      if (kept.size > most) kept.delete(kept.keys().next().value!);
    },
    /** Forgets a case, after its save was refused as stale: the next event reads it. */
    forget(caseId: string): void {
      kept.delete(caseId);
    },
    /**
     * The case as the engine last saved it, if the machine is the same and the store holds exactly
     * that still (`confirmed`) or will refuse a write on it otherwise (not `confirmed`).
     */
    current(caseId: string, machine: StepDownMachine): Kept | null {
      const found = kept.get(caseId);
      if (!found || found.machine !== machine) return null;
      return atSave || check!(caseId, found.record) ? found : null;
    },
  };
}
