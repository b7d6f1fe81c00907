import type { Relationship } from '../events/people.js';

export type { Relationship };
import type { RuleId } from '../policy/rules.js';

/** The three decisions a case can enter step down from (F step 1). */
export type Route = 'cin-outcome' | 'cp-outcome' | 'ten-day-checkpoint';

/** How a case ends: the machine's final states. */
export type Outcome =
  | 'caf-closed'
  | 'universal-services'
  | 'remains-with-csc'
  | 'stepped-up'
  | 'consent-withdrawn'
  | 'transferred-out';

/** All five outcomes, in the order DOMAIN.md lists them. */
export const outcomes: readonly Outcome[] = [
  'caf-closed',
  'universal-services',
  'remains-with-csc',
  'stepped-up',
  'consent-withdrawn',
  'transferred-out',
];

/** Where a case steps down to (G "Step down standards/Role and Responsibilities" ¶1). */
export type Destination = 'caf' | 'universal-services';

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
   * When the step that met it was recorded, where the event said (the engine stamps every event's
   * `recordedAt`). A step dated on time but recorded after its due instant is still `met`; this keeps
   * how late it was recorded.
   */
  readonly recordedAt?: string;
  /**
   * For a family plan review only: the London date its 6–8 week window opens (day 42 by default).
   * Shown to managers; a review held before it is met, not a breach (docs/decisions.md "Reviews held early").
   */
  readonly windowOpens?: string;
  /**
   * For a deadline counted in working days: the version of the bank-holiday calendar its due instant
   * was computed with (`Calendar.version`). Absent in cases saved before versions were kept: those
   * were computed with the shipped data of their time.
   */
  readonly calendarVersion?: string;
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

/** A breach taken back, with when and why. */
export interface WithdrawnBreach extends Breach {
  /** The date of the record that showed it was not a breach. */
  readonly withdrawnAt: string;
  /**
   * `met-on-time`: the step was dated on time after all; `no-longer-needed`: the case left the path
   * before it fell due; `calendar-changed`: a new bank-holiday calendar moved the deadline past the
   * tick that found it.
   */
  readonly withdrawnBecause: 'met-on-time' | 'no-longer-needed' | 'calendar-changed';
}



/**
 * A person of the case, keyed by the host's person id. The name and agency are display text for
 * the host's own screens; every rule compares ids.
 */
export interface Person {
  readonly relationship: Relationship;
  readonly name: string;
  readonly agency: string | null;
  readonly parentalResponsibility: boolean | null;
  /** When they were added to the case record. */
  readonly addedAt: string;
  /** When their involvement ended, or null while they are involved. */
  readonly endedAt: string | null;
}

/** One disagreement with the step down (G "Decision made to step down from CSC to CAF" ¶3–4). */
export interface Disagreement {
  readonly id: string;
  /** Who disagrees. */
  readonly personId: string;
  /** A family disagreement (child, parent/carer, family member) or a partner agency's. */
  readonly by: 'family' | 'partner';
  readonly raisedAt: string;
  readonly status: 'open' | 'agreed' | 'step-down-withdrawn';
  readonly resolvedAt: string | null;
}

/** A person's view of the step down on file: the one recorded last. */
export interface RecordedView {
  /** Whether they agreed with the step down; a view that disagrees needs a disagreement raised. */
  readonly agrees: boolean;
  /** The date of the view on file. */
  readonly at: string;
  /** The date of their earliest view: the final meeting may rest on it (a later view does not undo it). */
  readonly firstAt: string;
}

/** A parent/carer's consent decision on file: the one recorded last. */
export interface ConsentRecord {
  readonly status: 'given' | 'refused';
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
  /**
   * The rules the case is judged by: 2, this library's; 1 only for a case whose version-1 trail
   * recorded the ladder's end closing it at once (docs/decisions.md "Version-1 cases keep their rules").
   */
  readonly rulesVersion: 1 | 2;
  /** The family group the case belongs to, for siblings stepping down together; null when none. */
  readonly familyId: string | null;
  /** Where the case steps down to: a CAF, or universal services (chosen at the decision or at the ladder's end). */
  readonly destination: Destination;
  readonly decisionAt: string | null;
  /** The user id of the Team Manager who agreed the decision: the manager who must authorise, as far as the case knows. */
  readonly decisionBy: string | null;
  /** The people of the case by person id. */
  readonly people: Readonly<Record<string, Person>>;
  /** Each person's view on file, by person id. */
  readonly views: Readonly<Record<string, RecordedView>>;
  /** Each parent/carer's consent decision on file, by person id: one carer's refusal does not erase another's consent. */
  readonly consents: Readonly<Record<string, ConsentRecord>>;
  readonly disagreements: readonly Disagreement[];
  /** The Lead Professional on file: a practitioner of the case by person id. */
  readonly leadProfessional: { readonly personId: string; readonly agreedAt: string } | null;
  /** When the last rung of the Lead Professional ladder was climbed. */
  readonly ladderAt: string | null;
  /**
   * Under the CAF, after a Lead Professional left: where the search for a new one stands (the
   * ladder again, from the CAF Link Worker's challenge); null while a Lead Professional is in place.
   */
  readonly leadProfessionalSearch: null | 'sought' | 'at-panel' | 'none-found';
  /** How many last meetings have been held (a return with `reconvene` asks for another). */
  readonly lastMeetings: number;
  readonly finalMeeting: {
    readonly at: string;
    readonly kind: 'final-cin' | 'core-group' | 'multi-agency';
    /** The first family plan meeting date set at the meeting; null for a step down to universal services. */
    readonly firstFamilyPlanMeetingDate: string | null;
  } | null;
  readonly closure: {
    /** When the e-CAF referral and the transfer details were last finalised. */
    readonly referralAt: string | null;
    readonly transferDetailsAt: string | null;
    readonly summaryBy: string | null;
    /** Everyone who has completed or resubmitted the closure summary: none of them may review or authorise it. */
    readonly summaryAuthors: readonly string[];
    readonly summaryAt: string | null;
    readonly review: { readonly at: string; readonly complete: boolean } | null;
    readonly returns: number;
    readonly returnedAt: string | null;
    readonly authorisedAt: string | null;
    readonly sharedAt: string | null;
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
  /** Breaches withdrawn when a later record showed the step was on time or no longer needed: kept, never deleted. */
  readonly withdrawnBreaches: readonly WithdrawnBreach[];
  /** The latest date of any step on file: an outcome may not predate a step the case has taken. */
  readonly lastStepAt: string;
  readonly outcome: Outcome | null;
  /**
   * The version of the council's policy that governs the case (docs/decisions.md "Policy versions"):
   * the one in force on its decision date, or the one a `policy.adopted` moved it to. Absent: the
   * engine's earliest (for an engine with one policy, its only) version, so older snapshots load.
   */
  readonly policyVersion?: string;
  /**
   * How many deadlines of each rule have settled (met, met late, or cancelled) and left `deadlines`
   * (snapshot version 3): the snapshot keeps what is still open, and the audit trail keeps the rest.
   * The next deadline of a rule is numbered after all of them.
   */
  readonly settledDeadlines: Readonly<Partial<Record<RuleId, number>>>;
}

/** The input that opens a case. */
export interface CaseInput {
  /** The host's id for the case: id-shaped. */
  readonly caseId: string;
  readonly route: Route;
  /** When the step-down decision was taken (ISO 8601 date-time with offset). */
  readonly openedAt: string;
  /** The family group of siblings stepping down together (id-shaped). */
  readonly familyId?: string;
  /** Only for reading version-1 trails: the rules the case was judged by (default 2). */
  readonly rulesVersion?: 1 | 2;
  /** The policy version that governs the case, when the engine holds several (see {@link CaseContext.policyVersion}). */
  readonly policyVersion?: string;
}
