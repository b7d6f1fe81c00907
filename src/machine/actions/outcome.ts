import type { Notification } from '../notifications.js';
import type { Outcome } from '../context.js';
import { settleOnOutcome, type Effects } from '../deadlines.js';

/**
 * A case reaches an outcome: overdue deadlines are missed, the rest cancelled, and the host is told.
 * When no Lead Professional could be found the Social Worker, family and all agencies are informed
 * (G "Challenge and support to identify a Lead Professional" ¶2); a closed CAF's family is told too.
 */
export function reachOutcome(effects: Effects, outcome: Outcome, at: string): Effects {
  const settled = settleOnOutcome(effects, at);
  const caseId = settled.context.caseId;
  const notifications: Notification[] = [{ type: 'outcome.reached', caseId, outcome, at }];
  const reason = informReason[outcome];
  if (reason) notifications.push({ type: 'parties.toInform', caseId, reason, at });
  return {
    context: { ...settled.context, outcome },
    notifications: [...settled.notifications, ...notifications],
  };
}

const informReason: Partial<Record<Outcome, 'no-lead-professional' | 'caf-closed' | 'step-down-withdrawn'>> = {
  'universal-services': 'no-lead-professional',
  'caf-closed': 'caf-closed',
  'remains-with-csc': 'step-down-withdrawn',
};
