import type { PersistedCase } from '../machine/persistence.js';
import type { Notification } from '../machine/notifications.js';
import type { DeadLetterReason } from './delivery.js';
import type { CaseHead, SignedHead } from './heads.js';

/** A case as a store keeps it. */
export interface StoredCase {
  readonly caseId: string;
  /** Starts at 1 when the case opens; each accepted event adds exactly 1. */
  readonly version: number;
  readonly snapshot: PersistedCase;
  /** Epoch milliseconds of the earliest open deadline's due instant, or null: the index `tick` uses. */
  readonly nextDueAt: number | null;
  /** The case's family group (siblings stepping down together): the index `engine.family` uses. */
  readonly familyId?: string | null;
  /** The case's pending steps: the index `engine.worklist` uses, replaced on every save. */
  readonly work?: readonly WorkItem[];
  /**
   * Where the case's audit trail ends (see `src/engine/heads.ts`), as the store saved it with the
   * last entry; signed when the engine has a signing key. Given by `load`; ignored on writes (the
   * store makes it). Absent for a case last written before heads were kept.
   */
  readonly head?: SignedHead;
}

/**
 * What the engine passes a store with every write, for the case's head. The store calls both inside
 * its lock or transaction, where the entry's place is decided.
 */
export interface WriteOptions {
  /** Signs the case's new head; without it the store keeps the head unsigned. */
  readonly signHead?: (head: CaseHead) => SignedHead;
  /**
   * Checks the stored head (null when the case has none yet) before anything is written; throws
   * `AUDIT_TRAIL_BROKEN` to refuse the write. The engine passes it when it has a key.
   */
  readonly verifyHead?: (head: SignedHead | null, caseId: string) => void;
}

/**
 * One step a case waits for, as the work-list index keeps it: what, from whom, by when. Ids, roles,
 * rule ids and dates only.
 */
export interface WorkItem {
  readonly caseId: string;
  readonly familyId: string | null;
  /** The stage the case is in: `decision`, `preparation`, `closure` or `early-help`. */
  readonly stage: string;
  /** The event that takes the step. */
  readonly step: string;
  /** The role that takes it. */
  readonly role: string;
  /** The rule that asks for it. */
  readonly rule: string;
  /** A person's or disagreement's id, or a kind of meeting; never free text. */
  readonly detail: string | null;
  /** The person who is to take it, where the case knows them (the Lead Professional). */
  readonly personId: string | null;
  /** The user who is to take it, where the case knows them (the Team Manager who agreed the decision). */
  readonly actorId: string | null;
  /** When it falls due (ISO 8601 with offset) and the same instant in epoch milliseconds; null without a timescale. */
  readonly due: string | null;
  readonly dueAt: number | null;
  /** True when its deadline was already found missed: a breach is on the case. */
  readonly breached: boolean;
}

/** What `worklist` asks a store for: every filter optional but `limit`. Soonest due first, undated last. */
export interface WorklistQuery {
  readonly role?: string;
  readonly personId?: string;
  readonly actorId?: string;
  /** Only steps due before this instant (epoch milliseconds). */
  readonly dueBefore?: number;
  /** Only steps whose deadline is (true) or is not (false) already missed. */
  readonly breached?: boolean;
  readonly limit: number;
}

/** One case's accepted event in a write of several cases at once (`saveMany`). */
export interface CaseWrite {
  readonly record: StoredCase;
  readonly expectedVersion: number;
  readonly audit: AuditDraft;
  readonly outbox: readonly OutboxMessage[];
}

/** One line of a case's audit trail: an accepted event, or a refusal. Hash-chained per case. */
export interface AuditEntry {
  readonly caseId: string;
  /** 1, 2, 3… per case, gapless, in the order the store appended them. */
  readonly seq: number;
  /**
   * The event type, or `case.opened`. An invalid event whose `type` is not a known one is recorded
   * as `(unknown)` (or `(none)` when it had none): its raw text is input, and input is not kept.
   */
  readonly type: string;
  /** The event as validated; null when it failed validation (its raw form is not kept). */
  readonly event: unknown;
  readonly actor: { readonly id: string; readonly role: string } | null;
  /** When it happened, from the event. */
  readonly at: string | null;
  /** When the engine recorded it, from the engine's `now`. */
  readonly recordedAt: string;
  readonly stateBefore: readonly string[] | null;
  readonly stateAfter: readonly string[] | null;
  /** The case version after this entry (unchanged by a refusal). */
  readonly version: number;
  readonly rules: { readonly checked: readonly string[]; readonly breached: readonly string[] };
  readonly accepted: boolean;
  readonly errorCode: string | null;
  /** Hash of the previous entry of the case (64 zeros for the first). */
  readonly prevHash: string;
  /** SHA-256 over `prevHash` and the canonical JSON of this entry without its hash. */
  readonly hash: string;
  /**
   * The policy version that governed the case at this entry (after it, for a `policy.adopted`); absent
   * when the case records none: the engine's only (or earliest) version (docs/decisions.md "Policy versions").
   */
  readonly policyVersion?: string;
}

/** An audit entry before the store gives it its place in the chain. */
export type AuditDraft = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;

/** A notification waiting in the outbox: saved with the case, delivered after the commit. */
export interface OutboxMessage {
  /** Stable across retries, so a receiver can drop duplicates. */
  readonly id: string;
  readonly caseId: string;
  readonly notification: Notification | EngineNotification;
  readonly attempts: number;
  /** Epoch milliseconds before which it is not retried (a claim also pushes it forward as a lease). */
  readonly availableAt: number;
}

/** Notifications the engine adds to the machine's own. */
export type EngineNotification =
  | { readonly type: 'case.opened'; readonly caseId: string; readonly at: string }
  | {
      /** An accepted event was voided and the case recomputed without it; ids only, never the reason. */
      readonly type: 'event.voided';
      readonly caseId: string;
      /** The voided event's id and type. */
      readonly eventId: string;
      readonly eventType: string;
      /** The void's own event id. */
      readonly voidEventId: string;
      readonly at: string;
    }
  | {
      /** An event was refused: a gate blocked it, the role was wrong, or it is not a step of this stage. */
      readonly type: 'event.refused';
      readonly caseId: string;
      readonly eventType: string;
      readonly code: string;
      readonly rules: readonly string[];
      readonly at: string | null;
    }
  | {
      /**
       * A write was refused because the case's audit trail does not end where its head says
       * (`AUDIT_TRAIL_BROKEN`): ids, the sequence number and the problem only.
       */
      readonly type: 'audit.broken';
      readonly caseId: string;
      readonly code: 'AUDIT_TRAIL_BROKEN';
      readonly seq: number | null;
      readonly problem: string | null;
      readonly at: string;
    };

/**
 * Where cases live. One small interface, one file per driver, one conformance suite for all
 * (`test/adapters/conformance.ts`). A driver knows nothing of the policy.
 */
export interface CaseStore {
  /** The case, or null when there is none. */
  load(caseId: string): Promise<StoredCase | null>;
  /** Stores a new case at version 1 with its first audit entry. `CASE_EXISTS` when the id is taken. */
  create(record: StoredCase, audit: AuditDraft, outbox: readonly OutboxMessage[], options?: WriteOptions): Promise<AuditEntry>;
  /**
   * Replaces the case if it is still at `expectedVersion`, appends the audit entry and queues the
   * outbox messages, all in one atomic write. `VERSION_CONFLICT` when another writer got there first.
   */
  save(
    record: StoredCase,
    expectedVersion: number,
    audit: AuditDraft,
    outbox: readonly OutboxMessage[],
    options?: WriteOptions,
  ): Promise<AuditEntry>;
  /**
   * Saves several cases in one atomic write, each as `save` would: either every case is saved with its
   * audit entry and messages, or none is. `VERSION_CONFLICT` (naming the case in `details.caseId`) when
   * any case is not at its expected version. Returns the audit entries in the order given.
   */
  saveMany(writes: readonly CaseWrite[], options?: WriteOptions): Promise<AuditEntry[]>;
  /** The pending steps of every case, filtered and ordered as `query` says, from the index kept on save (never a scan of the cases). */
  worklist(query: WorklistQuery): Promise<WorkItem[]>;
  /** The ids of the cases of a family group, in case-id order (UTF-16 code units), the same on every store. */
  familyCases(familyId: string): Promise<string[]>;
  /** Appends an entry, and queues its messages, without changing the case (a refusal). */
  appendAudit(audit: AuditDraft, outbox: readonly OutboxMessage[], options?: WriteOptions): Promise<AuditEntry>;
  /** The case's audit entries, oldest first. */
  audit(caseId: string): Promise<AuditEntry[]>;
  /** Ids of cases whose next deadline's last instant is before `at` (epoch ms), earliest first. */
  dueCases(at: number, limit: number): Promise<string[]>;
  /** Claims up to `limit` messages available at `now`, leasing them until `now + leaseMs`. */
  claimOutbox(now: number, limit: number, leaseMs: number): Promise<OutboxMessage[]>;
  /** Removes delivered messages. */
  acknowledge(ids: readonly string[]): Promise<void>;
  /** Records a failed attempt and when to try again. */
  release(id: string, availableAt: number): Promise<void>;
  /** Frees connections or handles, if the driver holds any. */
  close?(): Promise<void>;
  /**
   * Pushes the lease of messages still being delivered to `until` (epoch ms), so no other process
   * claims them meanwhile. Ids no longer in the outbox are ignored.
   */
  renewLease(ids: readonly string[], until: number): Promise<void>;
  /**
   * Moves a message from the outbox to the dead letters, counting the failed attempt, with why it
   * failed. An id no longer in the outbox is ignored.
   */
  bury(id: string, reason: DeadLetterReason): Promise<void>;
  /** The dead letters, oldest first (by `buriedAt`, then id), at most `limit`: ids and codes, never a body. */
  deadLetters(limit: number): Promise<DeadLetter[]>;
  /**
   * Moves a dead letter back to the outbox with its attempts reset, available at `availableAt`.
   * False when there is no dead letter with that id.
   */
  revive(id: string, availableAt: number): Promise<boolean>;
  /**
   * Queues messages in the outbox without touching any case (an `audit.broken` notification after a
   * refused write); a message whose id is already queued is left as it is. Optional for a host's own
   * store: without it the engine delivers such a notification to its in-process listeners only.
   */
  enqueue?(messages: readonly OutboxMessage[]): Promise<void>;
  /**
   * Up to `limit` case ids after `after` (null: from the start), in case-id order (UTF-16 code
   * units), for `engine.verifyAll` to page through every case. Optional for a host's own store:
   * `verifyAll` needs it.
   */
  caseIds?(after: string | null, limit: number): Promise<string[]>;
}

/**
 * A message delivery gave up on: which message, case and notification type, which emitter refused it
 * and how, how many attempts, and when. Ids, codes and numbers only: never the notification's body.
 */
export interface DeadLetter {
  readonly messageId: string;
  readonly caseId: string;
  readonly notificationType: string;
  readonly emitter: string;
  readonly attempts: number;
  /** The last failure's code, e.g. `DELIVERY_FAILED`. */
  readonly code: string;
  /** The receiver's last HTTP status, when there was an answer. */
  readonly status: number | null;
  /** When it was moved to the dead letters: ISO 8601. */
  readonly buriedAt: string;
}
