import { StepDownError } from '../src/errors.js';
import { chainEntry } from '../src/engine/audit-chain.js';
import type { AuditDraft, AuditEntry, CaseStore, CaseWrite, OutboxMessage, StoredCase, WorkItem } from '../src/engine/store.js';
import { workOrder, workMatches } from '../src/engine/worklist.js';

/** Options of the in-memory store. */
export interface MemoryStoreOptions {
  /** Called before every write with its name; throw from it to simulate a fault (tests use it). */
  readonly beforeWrite?: (operation: 'create' | 'save' | 'appendAudit' | 'saveMany') => void;
}

/**
 * The default store: everything in this process's memory, copied in and out as JSON so a caller can
 * never change a stored case by holding on to an object. For examples and hosts' unit tests.
 *
 * @example
 * ```ts
 * import { createCaseEngine } from 'caf-step-down';
 * import { memoryStore } from 'caf-step-down/adapters/memory';
 * const engine = createCaseEngine({ store: memoryStore() });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): CaseStore {
  const cases = new Map<string, StoredCase>();
  const trails = new Map<string, AuditEntry[]>();
  const outbox = new Map<string, OutboxMessage>();
  const copy = <T>(value: T): T => structuredClone(value);
  const due = dueIndex();
  const work = workIndex();
  const families = new Map<string, string[]>();

  /** Copies everything first, then changes state: a fault while copying leaves the store as it was. */
  const write = (record: StoredCase | null, draft: AuditDraft, messages: readonly OutboxMessage[]): AuditEntry => {
    const recordCopy = record ? copy(record) : null;
    const messageCopies = messages.map((m) => copy(m));
    const trail = trails.get(draft.caseId) ?? [];
    const entry = chainEntry(trail.at(-1) ?? null, copy(draft));
    if (recordCopy) {
      due.move(recordCopy.caseId, cases.get(recordCopy.caseId)?.nextDueAt ?? null, recordCopy.nextDueAt);
      work.replace(recordCopy.caseId, recordCopy.work ?? []);
      const familyId = recordCopy.familyId ?? null;
      if (familyId !== null && !cases.has(recordCopy.caseId)) families.set(familyId, [...(families.get(familyId) ?? []), recordCopy.caseId]);
      cases.set(recordCopy.caseId, recordCopy);
    }
    for (const message of messageCopies) outbox.set(message.id, message);
    trails.set(draft.caseId, [...trail, entry]);
    return copy(entry);
  };

  const expectVersion = (caseId: string, expectedVersion: number): void => {
    const current = cases.get(caseId);
    if (!current) throw new StepDownError('UNKNOWN_CASE', `No case ${caseId}.`, { caseId });
    if (current.version !== expectedVersion) {
      throw new StepDownError(
        'VERSION_CONFLICT',
        `Case ${caseId} is at version ${current.version}, not ${expectedVersion}: reload it and send again.`,
        { caseId, expectedVersion, actualVersion: current.version },
      );
    }
  };

  return {
    async load(caseId) {
      const found = cases.get(caseId);
      return found ? copy(found) : null;
    },
    async create(record, audit, messages) {
      options.beforeWrite?.('create');
      if (cases.has(record.caseId)) {
        throw new StepDownError('CASE_EXISTS', `Case ${record.caseId} already exists; open it once, then send events.`, {
          caseId: record.caseId,
        });
      }
      return write(record, audit, messages);
    },
    async save(record, expectedVersion, audit, messages) {
      options.beforeWrite?.('save');
      expectVersion(record.caseId, expectedVersion);
      return write(record, audit, messages);
    },
    async saveMany(writes: readonly CaseWrite[]) {
      options.beforeWrite?.('saveMany');
      // Every check before any change, and one synchronous pass of writes: all or nothing.
      for (const w of writes) expectVersion(w.record.caseId, w.expectedVersion);
      const copies = writes.map((w) => copy(w));
      return copies.map((w) => write(w.record, w.audit, w.outbox));
    },
    async worklist(query) {
      return copy(work.find(query));
    },
    async familyCases(familyId) {
      return [...(families.get(familyId) ?? [])];
    },
    async appendAudit(audit, messages) {
      options.beforeWrite?.('appendAudit');
      if (!cases.has(audit.caseId)) throw new StepDownError('UNKNOWN_CASE', `No case ${audit.caseId}.`, { caseId: audit.caseId });
      return write(null, audit, messages);
    },
    async audit(caseId) {
      return copy(trails.get(caseId) ?? []);
    },
    async dueCases(at, limit) {
      return due.before(at, limit);
    },
    async claimOutbox(now, limit, leaseMs) {
      const claimed = [...outbox.values()].filter((m) => m.availableAt <= now).slice(0, limit);
      for (const message of claimed) outbox.set(message.id, { ...message, availableAt: now + leaseMs });
      return copy(claimed);
    },
    async acknowledge(ids) {
      for (const id of ids) outbox.delete(id);
    },
    async release(id, availableAt) {
      const message = outbox.get(id);
      if (message) outbox.set(id, { ...message, attempts: message.attempts + 1, availableAt });
    },
  };
}

/** One case in the next-due index: when it falls due, and its place in the order cases were opened. */
interface DueEntry {
  readonly at: number;
  readonly order: number;
  readonly caseId: string;
}

/**
 * The next-due index: the cases with a deadline, sorted by due time and then by the order they were
 * first stored (the order a scan of the cases would meet them in). Moving a case is two binary
 * searches; finding what is due reads only the cases returned.
 */
function dueIndex() {
  const entries: DueEntry[] = [];
  const orders = new Map<string, number>();
  const before = (a: DueEntry, at: number, order: number) => a.at < at || (a.at === at && a.order < order);
  /** The first position whose entry is not before (at, order). */
  const position = (at: number, order: number): number => {
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (before(entries[middle]!, at, order)) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return {
    /** Moves `caseId` from due at `from` to due at `to` (null: not in the index). */
    move(caseId: string, from: number | null, to: number | null): void {
      let order = orders.get(caseId);
      if (order === undefined) orders.set(caseId, (order = orders.size));
      // NaN is never before any time: a scan would never find it due, so it is left out.
      if (Number.isNaN(from)) from = null;
      if (Number.isNaN(to)) to = null;
      if (from === to) return;
      if (from !== null) {
        const at = position(from, order);
        if (entries[at]?.caseId === caseId) entries.splice(at, 1);
      }
      if (to !== null) entries.splice(position(to, order), 0, { at: to, order, caseId });
    },
    /** Up to `limit` cases due before `at`, earliest first. */
    before(at: number, limit: number): string[] {
      const found: string[] = [];
      const most = Math.trunc(limit); // as `slice(0, limit)` counts
      for (const entry of entries) {
        if (!(entry.at < at && found.length < most)) break;
        found.push(entry.caseId);
      }
      return found;
    },
  };
}

/**
 * The work-list index: every case's pending steps in one list sorted as the work list reads them
 * (soonest due first, undated last). Replacing a case's steps is a removal and a binary-search
 * insertion each; a query walks from the front and stops at the first step due after `dueBefore`.
 */
function workIndex() {
  const items: WorkItem[] = [];
  const byCase = new Map<string, readonly WorkItem[]>();
  const position = (item: WorkItem): number => {
    let low = 0;
    let high = items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (workOrder(items[middle]!, item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return {
    replace(caseId: string, next: readonly WorkItem[]): void {
      for (const old of byCase.get(caseId) ?? []) {
        const at = position(old);
        // Equal keys sit together: find this case's own entry among them.
        for (let i = at; i < items.length && workOrder(items[i]!, old) === 0; i += 1) {
          if (items[i]!.caseId === caseId) {
            items.splice(i, 1);
            break;
          }
        }
      }
      for (const item of next) items.splice(position(item), 0, item);
      byCase.set(caseId, next);
    },
    find(query: Parameters<CaseStore['worklist']>[0]): WorkItem[] {
      const found: WorkItem[] = [];
      for (const item of items) {
        if (found.length >= query.limit) break;
        if (query.dueBefore !== undefined && (item.dueAt === null || item.dueAt >= query.dueBefore)) break;
        if (workMatches(item, query)) found.push(item);
      }
      return found;
    },
  };
}
