import { getRule, type RuleId } from '../policy/rules.js';
import type { Breach, DeadlineStatus, Destination, Outcome, Route, WithdrawnBreach } from './context.js';
import type { Stage } from './notifications.js';
import { pendingSteps, type PendingStep } from './pending.js';
import { stageOf, type CaseSnapshot } from './snapshot.js';

/** A deadline as a manager sees it. */
export interface DeadlineView {
  readonly id: string;
  readonly rule: RuleId;
  readonly citation: string;
  readonly opensAt: string;
  /** The deadline's last instant in London, ISO 8601 with offset. */
  readonly due: string;
  readonly status: DeadlineStatus;
  readonly closedAt: string | null;
  /** When the step that met it was recorded, where later than it happened (a step recorded late). */
  readonly recordedAt?: string;
  /** For a family plan review only: the London date its 6–8 week window opens. */
  readonly windowOpens?: string;
  /** For a deadline counted in working days: the version of the calendar its due instant was computed with. */
  readonly calendarVersion?: string;
}

/** What a case is, at a glance: stage, outcome, deadlines, breaches and what it waits for. No personal data. */
export interface CaseDescription {
  readonly caseId: string;
  readonly route: Route;
  /** The family group of siblings stepping down together, or null. */
  readonly familyId: string | null;
  /** Where the case steps down to: `caf` or `universal-services`. */
  readonly destination: Destination;
  readonly stage: Stage;
  readonly outcome: Outcome | null;
  /** The active state(s), dotted, e.g. `withChildrensSocialCare.closure.managerReview`. */
  readonly states: readonly string[];
  readonly deadlines: readonly DeadlineView[];
  readonly breaches: readonly Breach[];
  /** Breaches taken back when a later record showed the step was on time or no longer needed. */
  readonly withdrawnBreaches: readonly WithdrawnBreach[];
  readonly pending: readonly PendingStep[];
}

/**
 * Describes a case from its snapshot. Carries ids, rule ids, dates and citations only, so it is safe
 * to show on a dashboard or log.
 *
 * @example
 * ```ts
 * const view = describeCase(snapshot);
 * view.pending; // [{ step: 'consent.given', role: 'social-worker', rule: 'informed-consent' }, …]
 * ```
 */
export function describeCase(snapshot: CaseSnapshot): CaseDescription {
  const { context } = snapshot;
  return {
    caseId: context.caseId,
    route: context.route,
    familyId: context.familyId,
    destination: context.destination,
    stage: stageOf(snapshot),
    outcome: context.outcome,
    states: activeStates(snapshot),
    deadlines: context.deadlines.map((d) => ({ ...d, citation: getRule(d.rule).citation })),
    // Copies: a description is the host's to keep, and the engine may start its next event from this context.
    breaches: context.breaches.map((b) => ({ ...b })),
    withdrawnBreaches: context.withdrawnBreaches.map((b) => ({ ...b })),
    pending: pendingSteps(snapshot),
  };
}

/**
 * The active state(s) of a case, dotted (`withChildrensSocialCare.closure.managerReview`): what an
 * audit entry records before and after an event, without the rest of {@link describeCase}.
 */
export function activeStates(snapshot: CaseSnapshot): string[] {
  return leafStates(snapshot.value);
}

function leafStates(value: unknown, prefix = '', found: string[] = []): string[] {
  // Into one list as it goes: an audit entry takes the states before and after every event.
  if (typeof value === 'string') {
    found.push(prefix + value);
    return found;
  }
  const children = value as Record<string, unknown>;
  for (const key of Object.keys(children)) leafStates(children[key], `${prefix}${key}.`, found);
  return found;
}
