import { StepDownError } from '../src/errors.js';
import { chainEntry } from '../src/engine/audit-chain.js';
import type { AuditDraft, AuditEntry, CaseStore, OutboxMessage, StoredCase } from '../src/engine/store.js';

/** Options of the in-memory store. */
export interface MemoryStoreOptions {
  /** Called before every write with its name; throw from it to simulate a fault (tests use it). */
  readonly beforeWrite?: (operation: 'create' | 'save' | 'appendAudit') => void;
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

  const append = (draft: AuditDraft): AuditEntry => {
    const trail = trails.get(draft.caseId) ?? [];
    const entry = chainEntry(trail.at(-1) ?? null, copy(draft));
    trails.set(draft.caseId, [...trail, entry]);
    return copy(entry);
  };
  const queue = (messages: readonly OutboxMessage[]) => {
    for (const message of messages) outbox.set(message.id, copy(message));
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
      cases.set(record.caseId, copy(record));
      queue(messages);
      return append(audit);
    },
    async save(record, expectedVersion, audit, messages) {
      options.beforeWrite?.('save');
      const current = cases.get(record.caseId);
      if (!current) throw new StepDownError('UNKNOWN_CASE', `No case ${record.caseId}.`, { caseId: record.caseId });
      if (current.version !== expectedVersion) {
        throw new StepDownError(
          'VERSION_CONFLICT',
          `Case ${record.caseId} is at version ${current.version}, not ${expectedVersion}: reload it and send again.`,
          { caseId: record.caseId, expectedVersion, actualVersion: current.version },
        );
      }
      // Nothing above has changed state, so a fault before this point leaves the case as it was.
      cases.set(record.caseId, copy(record));
      queue(messages);
      return append(audit);
    },
    async appendAudit(audit, messages) {
      options.beforeWrite?.('appendAudit');
      queue(messages);
      return append(audit);
    },
    async audit(caseId) {
      return copy(trails.get(caseId) ?? []);
    },
    async dueCases(at, limit) {
      return [...cases.values()]
        .filter((c) => c.nextDueAt !== null && c.nextDueAt < at)
        .sort((a, b) => a.nextDueAt! - b.nextDueAt!)
        .slice(0, limit)
        .map((c) => c.caseId);
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
