import { StepDownError } from '../src/errors.js';
import { chainEntryText } from '../src/engine/audit-chain.js';
import { checkKnownTrailHead, nextHead, type KnownEntry } from '../src/engine/heads-check.js';
import type { SignedHead } from '../src/engine/heads.js';
import type { AuditDraft, AuditEntry, CaseStore, CaseWrite, OutboxMessage, StoredCase, WorkItem, WorklistQuery, WriteOptions } from '../src/engine/store.js';
import { workMatches } from '../src/engine/worklist.js';
import { isUnchanging, knowsWrittenFrom } from '../src/engine/own-records.js';
import { byBurial, deadLetter, type BuriedMessage } from '../src/engine/dead-letters.js';

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
  // Each case kept as the JSON text of its record (its version and due time beside it for the
  // indexes): a load parses it, a save stringifies once, and no deep copy is made either way. A
  // record its writer never changes (the engine's own, `unchanged`) is kept as it is until a load
  // first needs its text. `write` counts the case's writes, for `knowsWrittenFrom` below.
  const cases = new Map<string, { json: string | null; kept: StoredCase | null; readonly version: number; readonly nextDueAt: number | null; readonly write: number }>();
  const writeOf = new WeakMap<StoredCase, number>();
  let writes = 0;
  const textOf = (record: StoredCase): string =>
    // What `load` gives back, as the other stores give it: the work list and family are indexes here.
    JSON.stringify({ caseId: record.caseId, version: record.version, snapshot: record.snapshot, nextDueAt: record.nextDueAt });
  // Each entry kept as the JSON text written, and the last one's place and hash beside it: an entry
  // is hashed once, when it is chained, and text cannot be changed by anyone holding an object.
  const trails = new Map<string, string[]>();
  const lastEntries = new Map<string, KnownEntry>();
  const heads = new Map<string, SignedHead>();
  const outbox = new Map<string, OutboxMessage>();
  const dead = new Map<string, BuriedMessage>();
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const due = dueIndex();
  const work = workIndex();
  /** Each family's case ids, kept in case-id order; and each case's family, to move it if it changes. */
  const families = new Map<string, string[]>();
  const familyOf = new Map<string, string | null>();
  const moveFamily = (caseId: string, familyId: string | null): void => {
    const before = familyOf.get(caseId) ?? null;
    familyOf.set(caseId, familyId);
    if (before === familyId) return;
    if (before !== null) {
      const rest = families.get(before)!.filter((id) => id !== caseId);
      if (rest.length > 0) families.set(before, rest);
      else families.delete(before);
    }
    if (familyId !== null) families.set(familyId, [...(families.get(familyId) ?? []), caseId].sort(byCodeUnits));
  };

  /** Copies everything first, then changes state: a fault while copying leaves the store as it was. */
  const write = (record: StoredCase | null, draft: AuditDraft, messages: readonly OutboxMessage[], options?: WriteOptions): AuditEntry => {
    const { head: _head, ...recordRest } = record ?? { head: undefined };
    const kept = record !== null && isUnchanging(record);
    const recordJson = record && !kept ? textOf(record) : null;
    const recordCopy = record ? (recordRest as StoredCase) : null;
    const workCopy = recordCopy ? (kept ? [...(recordCopy.work ?? [])] : copy(recordCopy.work ?? [])) : [];
    const messageCopies = messages.map((m) => (isUnchanging(m) ? m : copy(m)));
    // Kept as the canonical text its hash was taken over (hash added last): one writing for both.
    const { entry, text: entryJson } = chainEntryText(lastEntries.get(draft.caseId) ?? null, draft);
    // Of primitives only, and made for this write.
    const head = { ...nextHead(entry, recordCopy?.version ?? cases.get(draft.caseId)!.version, options) };
    heads.set(draft.caseId, head);
    if (recordCopy) {
      due.move(recordCopy.caseId, cases.get(recordCopy.caseId)?.nextDueAt ?? null, recordCopy.nextDueAt);
      work.replace(recordCopy.caseId, workCopy);
      moveFamily(recordCopy.caseId, recordCopy.familyId ?? null);
      writes += 1;
      cases.set(recordCopy.caseId, { json: recordJson, kept: kept ? record : null, version: recordCopy.version, nextDueAt: recordCopy.nextDueAt, write: writes });
      writeOf.set(record!, writes);
    }
    for (const message of messageCopies) outbox.set(message.id, message);
    const trail = trails.get(draft.caseId);
    if (trail) trail.push(entryJson);
    else trails.set(draft.caseId, [entryJson]);
    lastEntries.set(draft.caseId, { caseId: entry.caseId, seq: entry.seq, hash: entry.hash });
    // Only the text is kept: the caller may hold on to this object (its own draft's fields in it).
    return entry;
  };

  /** The head check of every store; here the trail is in memory, so only a fault in this process could break it. */
  const checkHead = (caseId: string, options: WriteOptions | undefined): void => {
    checkKnownTrailHead(caseId, cases.get(caseId)!.version, heads.get(caseId), null, lastEntries.get(caseId) ?? null, options);
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

  const api: CaseStore = {
    async load(caseId) {
      const found = cases.get(caseId);
      const head = heads.get(caseId);
      if (!found) return null;
      if (found.json === null) {
        found.json = textOf(found.kept!);
        found.kept = null;
      }
      const record = JSON.parse(found.json) as StoredCase;
      return head ? { ...record, head: { ...head } } : record;
    },
    async create(record, audit, messages, writeOptions) {
      options.beforeWrite?.('create');
      if (cases.has(record.caseId)) {
        throw new StepDownError('CASE_EXISTS', `Case ${record.caseId} already exists; open it once, then send events.`, {
          caseId: record.caseId,
        });
      }
      return write(record, audit, messages, writeOptions);
    },
    async save(record, expectedVersion, audit, messages, writeOptions) {
      options.beforeWrite?.('save');
      expectVersion(record.caseId, expectedVersion);
      checkHead(record.caseId, writeOptions);
      return write(record, audit, messages, writeOptions);
    },
    async saveMany(writes: readonly CaseWrite[], writeOptions) {
      options.beforeWrite?.('saveMany');
      const ids = writes.map((w) => w.record.caseId);
      if (new Set(ids).size !== ids.length) {
        throw new StepDownError('INVALID_ARGUMENT', 'saveMany takes each case at most once.', { caseIds: ids });
      }
      // Every check before any change, and one synchronous pass of writes: all or nothing.
      for (const w of writes) expectVersion(w.record.caseId, w.expectedVersion);
      for (const w of writes) checkHead(w.record.caseId, writeOptions);
      const copies = writes.map((w) => copy(w));
      return copies.map((w) => write(w.record, w.audit, w.outbox, writeOptions));
    },
    async worklist(query) {
      return copy(work.find(query));
    },
    /** In case-id order (as the PostgreSQL store's), whatever order the cases were opened in. */
    async familyCases(familyId) {
      return [...(families.get(familyId) ?? [])];
    },
    async appendAudit(audit, messages, writeOptions) {
      options.beforeWrite?.('appendAudit');
      if (!cases.has(audit.caseId)) throw new StepDownError('UNKNOWN_CASE', `No case ${audit.caseId}.`, { caseId: audit.caseId });
      checkHead(audit.caseId, writeOptions);
      return write(null, audit, messages, writeOptions);
    },
    async audit(caseId) {
      return (trails.get(caseId) ?? []).map((json) => JSON.parse(json) as AuditEntry);
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
    async renewLease(ids, until) {
      for (const id of ids) {
        const message = outbox.get(id);
        if (message) outbox.set(id, { ...message, availableAt: until });
      }
    },
    async bury(id, reason) {
      const message = outbox.get(id);
      if (!message) return;
      outbox.delete(id);
      dead.set(id, { message: { ...message, attempts: message.attempts + 1 }, reason: copy(reason) });
    },
    async deadLetters(limit) {
      return [...dead.values()].map(deadLetter).sort(byBurial).slice(0, Math.max(0, limit));
    },
    async revive(id, availableAt) {
      const letter = dead.get(id);
      if (!letter) return false;
      dead.delete(id);
      outbox.set(id, { ...letter.message, attempts: 0, availableAt });
      return true;
    },
    async enqueue(messages) {
      for (const message of messages) if (!outbox.has(message.id)) outbox.set(message.id, copy(message));
    },
    async caseIds(after, limit) {
      return [...cases.keys()].filter((id) => after === null || id > after).sort(byCodeUnits).slice(0, limit);
    },
  };
  // The case's last write was of this very object: for a record that never changes (the only kind
  // the engine asks about), what a load would parse is that object's content.
  knowsWrittenFrom(api, (caseId, record) => {
    const found = cases.get(caseId);
    return found !== undefined && isUnchanging(record) && writeOf.get(record) === found.write;
  });
  return api;
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

/** Strings in the order of their UTF-16 code units (`<`), as `workOrder` compares ids. */
const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A work item in the index with its sort keys worked out once, not on every comparison. */
interface WorkEntry {
  readonly item: WorkItem;
  /** The due instant; +Infinity when undated, so undated steps sort last. */
  readonly due: number;
  readonly caseId: string;
  /** `step|detail`, as `workOrder` compares them. */
  readonly key: string;
}

const workEntry = (item: WorkItem): WorkEntry => ({
  item,
  due: item.dueAt ?? Number.POSITIVE_INFINITY,
  caseId: item.caseId,
  key: `${item.step}|${item.detail ?? ''}`,
});

/** `workOrder` on entries: soonest due first, undated last, then case id, then step and detail. */
function entryOrder(a: WorkEntry, b: WorkEntry): number {
  if (a.due !== b.due) return a.due < b.due ? -1 : 1;
  if (a.caseId !== b.caseId) return a.caseId < b.caseId ? -1 : 1;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Most entries a block of a sorted list holds before it splits in two. */
const blockSize = 1_024;

/**
 * One list of work entries sorted as the work list reads them (`workOrder`); entries with equal keys
 * keep the order they were inserted in. Kept in blocks of at most {@link blockSize}, so an insertion
 * or removal is two binary searches and a splice of one block, however many steps the list holds.
 */
function sortedWork() {
  const blocks: WorkEntry[][] = [];
  /** The first block whose last entry sorts after `entry` (`orEqual`: at or after it), or -1. */
  const blockOf = (entry: WorkEntry, orEqual: boolean): number => {
    let low = 0;
    let high = blocks.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = entryOrder(blocks[middle]!.at(-1)!, entry);
      if (order < 0 || (!orEqual && order === 0)) low = middle + 1;
      else high = middle;
    }
    return low < blocks.length ? low : -1;
  };
  /** The first position in `block` whose entry sorts after `entry` (`orEqual`: at or after it). */
  const positionIn = (block: readonly WorkEntry[], entry: WorkEntry, orEqual: boolean): number => {
    let low = 0;
    let high = block.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const order = entryOrder(block[middle]!, entry);
      if (order < 0 || (!orEqual && order === 0)) low = middle + 1;
      else high = middle;
    }
    return low;
  };
  return {
    insert(entry: WorkEntry): void {
      if (blocks.length === 0) {
        blocks.push([entry]);
        return;
      }
      let at = blockOf(entry, false);
      if (at === -1) at = blocks.length - 1;
      const block = blocks[at]!;
      block.splice(positionIn(block, entry, false), 0, entry);
      if (block.length > blockSize) blocks.splice(at, 1, block.slice(0, blockSize / 2), block.slice(blockSize / 2));
    },
    remove(entry: WorkEntry): void {
      // Equal keys sit together, perhaps across blocks: find this very entry among them.
      for (let at = blockOf(entry, true); at !== -1 && at < blocks.length; at += 1) {
        const block = blocks[at]!;
        for (let i = positionIn(block, entry, true); i < block.length; i += 1) {
          if (block[i] === entry) {
            block.splice(i, 1);
            if (block.length === 0) blocks.splice(at, 1);
            return;
          }
          if (entryOrder(block[i]!, entry) !== 0) return;
        }
      }
    },
    /** Visits the entries in order until `visit` returns false. */
    walk(visit: (entry: WorkEntry) => boolean): void {
      for (const block of blocks) for (const entry of block) if (!visit(entry)) return;
    },
  };
}

/**
 * The work-list index: every case's pending steps, sorted as the work list reads them (soonest due
 * first, undated last), in one list of all of them and in one list per role, per person, per user
 * and of the breached ones, as the PostgreSQL store keeps one index for each. A query walks the
 * narrowest list its filters allow from the front, and stops at the limit or at the first step due
 * after `dueBefore`: it reads the steps it returns and the ones of that list it passes over, never
 * the whole index.
 */
function workIndex() {
  const all = sortedWork();
  const breached = sortedWork();
  type List = ReturnType<typeof sortedWork>;
  const lists = { role: new Map<string, List>(), person: new Map<string, List>(), actor: new Map<string, List>() } as const;
  const byCase = new Map<string, readonly WorkEntry[]>();
  /** The lists an item belongs in. */
  const listsOf = (item: WorkItem, create: boolean): List[] => {
    const found = [all];
    if (item.breached) found.push(breached);
    const keyed: [Map<string, List>, string | null][] = [
      [lists.role, item.role],
      [lists.person, item.personId ?? null],
      [lists.actor, item.actorId ?? null],
    ];
    for (const [map, key] of keyed) {
      if (key === null) continue;
      let list = map.get(key);
      if (!list && create) map.set(key, (list = sortedWork()));
      if (list) found.push(list);
    }
    return found;
  };
  return {
    replace(caseId: string, next: readonly WorkItem[]): void {
      for (const old of byCase.get(caseId) ?? []) for (const list of listsOf(old.item, false)) list.remove(old);
      const entries = next.map(workEntry);
      for (const entry of entries) for (const list of listsOf(entry.item, true)) list.insert(entry);
      byCase.set(caseId, entries);
    },
    find(query: WorklistQuery): WorkItem[] {
      const from =
        query.personId !== undefined
          ? lists.person.get(query.personId)
          : query.actorId !== undefined
            ? lists.actor.get(query.actorId)
            : query.role !== undefined
              ? lists.role.get(query.role)
              : query.breached === true
                ? breached
                : all;
      const found: WorkItem[] = [];
      from?.walk(({ item }) => {
        if (found.length >= query.limit) return false;
        if (query.dueBefore !== undefined && (item.dueAt === null || item.dueAt >= query.dueBefore)) return false;
        if (workMatches(item, query)) found.push(item);
        return true;
      });
      return found;
    },
  };
}
