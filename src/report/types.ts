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
 * One audit entry as evidence for a rule. Only the entry's envelope is kept: never the event's
 * payload, nor the actor's id (hosts often build ids from names), so a report holds no personal data.
 */
export interface ReportEvidence {
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
   * How the entry bears on the rule: `breached` (it recorded a breach of it), `checked` (the rule was
   * checked as a gate, or named by the refusal), or `step` (an event the rule governs).
   */
  readonly bears: 'breached' | 'checked' | 'step';
}

/** An audit entry's envelope, for the timeline: the same fields as evidence, without the relation. */
export type ReportEntry = Omit<ReportEvidence, 'bears'>;

/** A deadline as a report shows it: the case's deadline, ids and dates only, with `windowOpens` null for all but a review. */
export type ReportDeadline = Omit<Deadline, 'windowOpens'> & {
  /** For a family plan review: the London date its 6–8 week window opens. */
  readonly windowOpens: string | null;
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
 * citation, plus what a timeline needs. Ids, rule ids, dates, codes and citations only: no names,
 * no free text from events, no actor ids.
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
  /** Every audit entry read (accepted and refused), oldest first: the events of the timeline. */
  readonly entries: readonly ReportEntry[];
  readonly deadlines: readonly ReportDeadline[];
  readonly breaches: readonly ReportBreach[];
  readonly pending: readonly PendingStep[];
  /** Every rule of the catalogue, in catalogue order. */
  readonly rules: readonly RuleReport[];
  /** How many rules have each status. */
  readonly totals: Readonly<Record<RuleStatus, number>>;
  readonly auditTrail: ReportAuditTrail;
}
