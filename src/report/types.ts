import type { Relationship } from '../events/people.js';
import type { ReportPolicy } from './policy-version.js';
import type { Deadline, Outcome, Route } from '../machine/context.js';
import type { Stage } from '../machine/notifications.js';
import type { PendingStep } from '../machine/pending.js';
import type { RuleId, RuleKind, RuleStage } from '../policy/rules.js';

/**
 * Where a case stands on one rule of the catalogue:
 * - `met`: complied with, and nothing under the rule is outstanding now;
 * - `breached`: a breach of the rule stands on the case (a missed or late deadline, a missing record);
 * - `pending`: the case still waits for something the rule asks for;
 * - `not-applicable`: the rule belongs to a branch the case never took, or the case ended before it applied.
 */
export type RuleStatus = 'met' | 'breached' | 'pending' | 'not-applicable';

/** The four statuses in the order a report lists them: what needs attention first. */
export const ruleStatuses: readonly RuleStatus[] = ['breached', 'pending', 'met', 'not-applicable'];

/**
 * An audit entry's envelope: never the event's payload, nor the actor's id (hosts often build ids
 * from names), so a report holds no personal data.
 */
export interface ReportEnvelope {
  /** The entry's place in the case's hash-chained audit trail. */
  readonly seq: number;
  /** The event type (`case.opened`, `finalMeeting.held`, …; `(unknown)` for an unrecognised type). */
  readonly type: string;
  /** When it happened, from the event (ISO 8601 with offset); null for an event that failed validation. */
  readonly at: string | null;
  /** The role that sent it (`social-worker`, `system`, …), or null when unknown. */
  readonly role: string | null;
  /** True when the engine accepted it; false for a refusal. */
  readonly accepted: boolean;
  /** The refusal's error code (`GATE_BLOCKED`, `NOT_ALLOWED`, …), or null when accepted. */
  readonly code: string | null;
  /**
   * Whose it is: how the person the event is about (its `personId`) stands to the case, from their
   * `person.added` entry, so a page can say "Parent/carer's view recorded". A relationship, never
   * the person; absent when the event names no person of the case.
   */
  readonly whose?: Relationship;
}

/**
 * One audit entry as evidence for a rule: its envelope and how it bears on the rule. A voided entry
 * is never evidence: the case was recomputed without it (see {@link ReportCorrection}).
 */
export interface ReportEvidence extends ReportEnvelope {
  /**
   * How the entry bears on the rule: `breached` (it recorded a breach of it), `checked` (the rule was
   * checked as a gate, or named by the refusal), or `step` (an event the rule governs).
   */
  readonly bears: 'breached' | 'checked' | 'step';
}

/** An audit entry on the timeline: its envelope, and the void that took it out of the case, if any. */
export interface ReportEntry extends ReportEnvelope {
  /** The seq of the accepted `event.voided` entry that voided it; null while it stands. */
  readonly voidedBy: number | null;
}

/**
 * A correction: an `event.voided` audit entry (accepted, or refused with its code) and the entry it
 * names. An accepted void takes that entry out of the case, which the engine recomputed without it;
 * the trail keeps both, and so does the report.
 */
export interface ReportCorrection {
  /** The void's own audit entry. */
  readonly seq: number;
  readonly at: string | null;
  /** The role that sent the void. */
  readonly role: string | null;
  readonly accepted: boolean;
  /** A refused void's code (`VOID_CONFLICT`, `UNKNOWN_EVENT`, `NOT_ALLOWED`, …); null when accepted. */
  readonly code: string | null;
  /**
   * The entry it voids (or, refused, would have voided): the accepted entry of the trail whose
   * event carries the id the void names; null when the trail read holds no such entry.
   */
  readonly voids: Omit<ReportEnvelope, 'accepted' | 'code'> | null;
  /**
   * Where the void's reason is kept: the void's own audit entry (its `seq`), or null when it gave
   * none. The reason is free text the host wrote, so the report says where it is and never what it says.
   */
  readonly reasonKeptIn: number | null;
  /** For an accepted void that was itself voided later: that void's seq (the entry it voided stands again); else null. */
  readonly voidedBy: number | null;
}

/**
 * A deadline as a report shows it: the case's deadline, ids and dates only, with `windowOpens` null
 * for all but a review, and how late the step that met it was recorded.
 */
export type ReportDeadline = Omit<Deadline, 'windowOpens' | 'recordedAt'> & {
  /** For a family plan review: the London date its 6–8 week window opens. */
  readonly windowOpens: string | null;
  /** When the step that met it was recorded (the engine's clock), where the case knows; else null. */
  readonly recordedAt: string | null;
  /**
   * For a deadline `met` by a step dated on time but recorded after the deadline's due instant: how
   * many days after its own date (London calendar days) the step was recorded. Null otherwise.
   */
  readonly recordedLateDays: number | null;
};

/** A breach standing on the case. */
export interface ReportBreach {
  readonly rule: RuleId;
  readonly citation: string;
  /** The deadline's due instant; null for a record rule. */
  readonly due: string | null;
  /** The `at` of the tick or event that found it. */
  readonly detectedAt: string;
  readonly deadlineId: string | null;
}

/**
 * A breach a tick recorded and a later record took back: the step was dated on time after all
 * (`met-on-time`), or the case had left the path that needed it before it fell due
 * (`no-longer-needed`). Shown as withdrawn, never counted as a breach.
 */
export interface ReportWithdrawnBreach extends ReportBreach {
  /** The date of the record that showed it was not a breach. */
  readonly withdrawnAt: string;
  readonly withdrawnBecause: 'met-on-time' | 'no-longer-needed' | 'calendar-changed';
}

/** One rule of the catalogue, judged against the case. */
export interface RuleReport {
  readonly rule: RuleId;
  readonly kind: RuleKind;
  readonly stage: RuleStage;
  /** The catalogue's one-line summary (the project's words, not the case's). */
  readonly summary: string;
  /** The rule's citation in the house form (G section ¶, F step). */
  readonly citation: string;
  readonly status: RuleStatus;
  /** Why it has that status, in event types, dates, codes and counts only. */
  readonly basis: string;
  /** The audit entries that bear on it, oldest first. */
  readonly evidence: readonly ReportEvidence[];
  /** The rule's deadlines, for a timescale rule. */
  readonly deadlines: readonly ReportDeadline[];
  /** The breaches of it standing on the case. */
  readonly breaches: readonly ReportBreach[];
  /** The breaches of it recorded and later withdrawn: they do not count against it. */
  readonly withdrawnBreaches: readonly ReportWithdrawnBreach[];
}

/** A stretch of time the case spent in one stage; the `closed` stage has no end. */
export interface StageSpan {
  readonly stage: Stage;
  /** When the case entered the stage (the `at` of the event that moved it there). */
  readonly from: string;
  /** When it left, or null while it is still there (and always for `closed`). */
  readonly to: string | null;
  /** The audit entry that moved the case into the stage. */
  readonly seq: number;
}

/** Whether the audit trail the report rests on verifies as an unbroken hash chain. */
export interface ReportAuditTrail {
  /** Entries the report read (those up to the case's version). */
  readonly entries: number;
  readonly verified: boolean;
  /** When it does not verify: what broke and where (`entry 4 was changed after it was written`). */
  readonly problem: string | null;
  /** The hash of the last entry read, so a reader can tie the report to the trail. */
  readonly lastHash: string | null;
}

/**
 * A case's compliance with the policy: for each rule of the catalogue, its status, evidence and
 * citation, plus what a timeline needs, the corrections made (voids) and the breaches withdrawn.
 * Ids, rule ids, dates, codes and citations only: no names, no free text from events (a void's
 * reason included: the report names the audit entry that keeps it), no actor ids.
 */
export interface ComplianceReport {
  readonly caseId: string;
  readonly route: Route;
  readonly stage: Stage;
  readonly outcome: Outcome | null;
  /** The case version the report describes. */
  readonly version: number;
  /** When the case opened (the step-down decision). */
  readonly openedAt: string;
  /** The latest date on the case: the latest `at` among the audit entries read. */
  readonly asOf: string;
  readonly stages: readonly StageSpan[];
  /** Every audit entry read (accepted, refused and voided), oldest first: the events of the timeline. */
  readonly entries: readonly ReportEntry[];
  readonly deadlines: readonly ReportDeadline[];
  readonly breaches: readonly ReportBreach[];
  /** Breaches recorded and later withdrawn (met on time after all, or no longer needed). */
  readonly withdrawnBreaches: readonly ReportWithdrawnBreach[];
  /** Every void in the trail, accepted or refused, oldest first, with the entry it names. */
  readonly corrections: readonly ReportCorrection[];
  readonly pending: readonly PendingStep[];
  /** Every rule of the catalogue, in catalogue order. */
  readonly rules: readonly RuleReport[];
  /** How many rules have each status. */
  readonly totals: Readonly<Record<RuleStatus, number>>;
  readonly auditTrail: ReportAuditTrail;
  /** The version of the council's policy the case is judged by, and the adoptions that moved it there. */
  readonly policy: ReportPolicy;
}
