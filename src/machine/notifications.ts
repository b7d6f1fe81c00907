import type { Role } from '../policy/roles.js';
import type { RuleId } from '../policy/rules.js';
import type { Outcome } from './context.js';

/** The stage a case is in, as managers see it. */
export type Stage = 'decision' | 'preparation' | 'closure' | 'early-help' | 'closed';

/**
 * What the machine asks a host to act on, as XState `emit`s. Ids, rule ids, dates and codes only:
 * never free text from an event (names, views, reasons stay in the event's payload).
 */
export type Notification =
  | {
      readonly type: 'breach.recorded';
      readonly caseId: string;
      readonly rule: RuleId;
      readonly citation: string;
      readonly deadlineId: string | null;
      readonly due: string | null;
      readonly detectedAt: string;
    }
  | {
      /**
       * A breach a tick found is taken back: the step was recorded late but dated on time
       * (`met-on-time`), or an earlier-dated record shows it was no longer needed (`no-longer-needed`).
       */
      readonly type: 'breach.withdrawn';
      readonly caseId: string;
      readonly rule: RuleId;
      readonly deadlineId: string;
      readonly at: string;
      readonly reason: 'met-on-time' | 'no-longer-needed' | 'voided' | 'calendar-changed';
    }
  | { readonly type: 'deadline.opened'; readonly caseId: string; readonly rule: RuleId; readonly deadlineId: string; readonly due: string }
  | { readonly type: 'stage.entered'; readonly caseId: string; readonly stage: Stage; readonly at: string }
  | { readonly type: 'outcome.reached'; readonly caseId: string; readonly outcome: Outcome; readonly at: string }
  | {
      /** G "Role of the CAF Link Worker" ¶3: the CLW is to contact the Lead Professional. */
      readonly type: 'leadProfessional.toContact';
      readonly caseId: string;
      readonly at: string;
    }
  | {
      /**
       * A decision the people of the case must be told of, naming them by person id (the family and
       * the agencies still involved) and the roles to tell (the Social Worker, where the case is still
       * theirs to tell).
       */
      readonly type: 'parties.toInform';
      readonly caseId: string;
      readonly reason:
        | 'no-lead-professional'
        | 'caf-closed'
        | 'step-down-withdrawn'
        | 'stepped-up'
        | 'consent-withdrawn'
        | 'transferred-out'
        | 'universal-services';
      readonly personIds: readonly string[];
      readonly roles: readonly Role[];
      readonly at: string;
    }
  | {
      /** The Lead Professional left under the CAF: a new one is to be found (CAF Link Worker). */
      readonly type: 'leadProfessional.needed';
      readonly caseId: string;
      readonly at: string;
    }
  | {
      /** A new bank-holiday calendar moved an unmet deadline (`engine.updateCalendar`): its due instant before and after. */
      readonly type: 'deadline.moved';
      readonly caseId: string;
      readonly rule: RuleId;
      readonly deadlineId: string;
      readonly from: string;
      readonly to: string;
      readonly calendarVersion: string;
      readonly at: string;
    };

/** The `type` of a {@link Notification}. */
export type NotificationType = Notification['type'];

/**
 * The notifications among the actions the pure `transition` returns: XState hands each `emit` back
 * as an `xstate.emit` action whose params carry the event.
 */
export function emittedNotifications(actions: readonly { type: string; params?: unknown }[]): Notification[] {
  return actions
    .filter((action) => action.type === 'xstate.emit')
    .map((action) => (action.params as { event: Notification }).event);
}
