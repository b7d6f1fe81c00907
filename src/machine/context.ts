import type { RuleId } from '../policy/rules.js';

/** The three decisions a case can enter step down from (F step 1). */
export type Route = 'cin-outcome' | 'cp-outcome' | 'ten-day-checkpoint';

/** How a case ends: the machine's final states. */
export type Outcome = 'caf-closed' | 'universal-services' | 'remains-with-csc' | 'stepped-up' | 'consent-withdrawn';

/** All five outcomes, in the order DOMAIN.md lists them. */
export const outcomes: readonly Outcome[] = [
  'caf-closed',
  'universal-services',
  'remains-with-csc',
  'stepped-up',
  'consent-withdrawn',
];

/**
 * Where a deadline stands. `cancelled`: the case reached an outcome before the deadline fell due, so
 * it no longer applies (kept, not deleted, so the record shows it existed).
 */
export type DeadlineStatus = 'open' | 'met' | 'met-late' | 'missed' | 'cancelled';

/** A deadline as data: the machine never reads a clock, so a deadline is only a due instant. */
export interface Deadline {
  /** Unique in the case, e.g. `disagreement-resolution:D1`, `family-plan-review:2`. */
  readonly id: string;
  /** The timescale rule it serves. */
  readonly rule: RuleId;
  /** When it started running (ISO date-time with offset). */
  readonly opensAt: string;
  /** Its last instant: the end of the last day, London time (ISO date-time with offset). */
  readonly due: string;
  readonly status: DeadlineStatus;
  /** When the step that met it happened, or when it was cancelled. */
  readonly closedAt: string | null;
  /**
   * For a family plan review only: the London date its 6–8 week window opens (day 42 by default).
   * Shown to managers; a review held before it is met, not a breach (docs/decisions.md "Reviews held early").
   */
  readonly windowOpens?: string;
}

/** A rule not complied with: a missed deadline or a missing record. Never blocks; always kept. */
export interface Breach {
  readonly rule: RuleId;
  readonly citation: string;
  /** The deadline's due instant; null for a record rule. */
  readonly due: string | null;
  /** The `at` of the tick or event that found it. */
  readonly detectedAt: string;
  readonly deadlineId: string | null;
}

/** One disagreement with the step down (G "Decision made to step down from CSC to CAF" ¶3–4). */
export interface Disagreement {
  readonly id: string;
  readonly by: 'parent' | 'child' | 'partner';
  readonly raisedAt: string;
  readonly status: 'open' | 'agreed' | 'step-down-withdrawn';
  readonly resolvedAt: string | null;
}

/** Views recorded before the final meeting; the names let the machine check who documents go to. */
export interface RecordedView {
  readonly party: 'child' | 'parent' | 'partner';
  readonly name: string;
  /** Whether they agreed with the step down; a view that disagrees needs a disagreement raised. */
  readonly agrees: boolean;
  readonly at: string;
}

/**
 * Everything the machine knows of a case. JSON only (no Dates, no undefined) so a persisted snapshot
 * round-trips exactly. It holds personal data (names) and must be stored as carefully as the events.
 */
export interface CaseContext {
  readonly caseId: string;
  readonly route: Route;
  readonly openedAt: string;
  readonly decisionAt: string | null;
  readonly views: readonly RecordedView[];
  readonly consent: { readonly status: 'none' | 'given' | 'refused'; readonly at: string | null };
  readonly disagreements: readonly Disagreement[];
  readonly leadProfessional: { readonly name: string; readonly agency: string; readonly agreedAt: string } | null;
  /** When the last rung of the Lead Professional ladder was climbed. */
  readonly ladderAt: string | null;
  readonly finalMeeting: {
    readonly at: string;
    readonly kind: 'final-cin' | 'core-group' | 'multi-agency';
    readonly firstFamilyPlanMeetingDate: string;
  } | null;
  readonly closure: {
    readonly summaryBy: string | null;
    /** Everyone who has completed or resubmitted the closure summary: none of them may review or authorise it. */
    readonly summaryAuthors: readonly string[];
    readonly summaryAt: string | null;
    readonly review: { readonly at: string; readonly complete: boolean } | null;
    readonly returns: number;
    readonly authorisedAt: string | null;
    readonly closedAt: string | null;
  };
  readonly ehm: {
    readonly infoRequests: number;
    /** When the CAF Link Worker last asked the Social Worker for more information. */
    readonly infoRequestedAt: string | null;
    /** When the Social Worker last answered. */
    readonly infoProvidedAt: string | null;
    readonly authorisedAt: string | null;
    readonly leadProfessionalContactedAt: string | null;
  };
  readonly familyPlan: {
    /** Latest status of every action: from the plan agreed at the final meeting, updated at each meeting. */
    readonly actions: Readonly<Record<string, 'met' | 'open'>>;
    readonly meetings: number;
    readonly lastMeetingAt: string | null;
    readonly finalMeetingAt: string | null;
    readonly reassessments: number;
  };
  readonly deadlines: readonly Deadline[];
  readonly breaches: readonly Breach[];
  /** The latest step on the main line; the next main-line step may not be dated before it. */
  readonly lastStepAt: string;
  readonly outcome: Outcome | null;
}

/** The input that opens a case. */
export interface CaseInput {
  readonly caseId: string;
  readonly route: Route;
  /** When the step-down decision was taken (ISO 8601 date-time with offset). */
  readonly openedAt: string;
}
