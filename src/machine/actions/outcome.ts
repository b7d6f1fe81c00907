import type { Notification } from '../notifications.js';
import type { CaseContext, Outcome } from '../context.js';
import { settleOnOutcome, type Effects } from '../deadlines.js';

type InformReason = Extract<Notification, { type: 'parties.toInform' }>['reason'];

/**
 * A case reaches an outcome: overdue deadlines are missed, the rest cancelled, and the host is told,
 * with the people of the case to inform by id (G "Challenge and support to identify a Lead
 * Professional" ¶2: "Social Worker, family and all agencies will be informed"; a closed CAF's family,
 * a step up, a withdrawal of consent and a transfer out likewise). `reason` says why, where the
 * outcome alone does not (universal services reached at the ladder's end).
 */
export function reachOutcome(effects: Effects, outcome: Outcome, at: string, reason?: InformReason): Effects {
  const settled = settleOnOutcome(effects, at);
  const caseId = settled.context.caseId;
  const notifications: Notification[] = [{ type: 'outcome.reached', caseId, outcome, at }];
  const why = reason ?? informReason[outcome];
  if (why) notifications.push(partiesToInform(settled.context, why, at));
  return {
    context: { ...settled.context, outcome },
    notifications: [...settled.notifications, ...notifications],
  };
}

/**
 * The notification that names who to tell, by id: every parent/carer, family member and practitioner
 * still involved (the child hears through them), and the Social Worker while the case is theirs.
 */
export function partiesToInform(context: CaseContext, reason: InformReason, at: string): Notification {
  const personIds = Object.entries(context.people)
    .filter(([, p]) => p.endedAt === null && p.relationship !== 'child')
    .map(([id]) => id);
  const roles = context.closure.closedAt === null || reason === 'no-lead-professional' ? (['social-worker'] as const) : ([] as const);
  return { type: 'parties.toInform', caseId: context.caseId, reason, personIds, roles: [...roles], at };
}

const informReason: Partial<Record<Outcome, InformReason>> = {
  'universal-services': 'universal-services',
  'caf-closed': 'caf-closed',
  'remains-with-csc': 'step-down-withdrawn',
  'stepped-up': 'stepped-up',
  'consent-withdrawn': 'consent-withdrawn',
  'transferred-out': 'transferred-out',
};
