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
      readonly reason: 'met-on-time' | 'no-longer-needed' | 'voided';
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
      /** Documents or a decision that the family and agencies must be told of. */
      readonly type: 'parties.toInform';
      readonly caseId: string;
      readonly reason: 'no-lead-professional' | 'caf-closed' | 'step-down-withdrawn';
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
