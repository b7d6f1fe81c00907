import type { EventOf } from '../../events/index.js';
import type { Policy } from '../../policy/define-policy.js';
import type { Disagreement } from '../context.js';
import { meetDeadline, openDeadline, type Effects } from '../deadlines.js';
import { isAfter } from '../instants.js';
import { dueOf } from '../deadline-due.js';
import { partiesToInform } from './outcome.js';

/** G "Role of the Social Worker" ¶1: the decision agreed in supervision opens preparation. */
export function agreeDecision(effects: Effects, event: EventOf<'decision.agreed'>): Effects {
  const destination = event.destination ?? 'caf';
  return { ...effects, context: { ...effects.context, decisionAt: event.at, decisionBy: event.actor.id, destination } };
}

/**
 * G "Decision made to step down from CSC to CAF" ¶1 (rule `views-recorded`): the view on file is the
 * one recorded last; the earliest view's date is kept, since the final meeting may rest on it.
 */
export function recordViews(effects: Effects, event: EventOf<'views.recorded'>): Effects {
  const before = effects.context.views[event.personId];
  const firstAt = before && isAfter(event.at, before.firstAt) ? before.firstAt : event.at;
  const views = { ...effects.context.views, [event.personId]: { agrees: event.agrees, at: event.at, firstAt } };
  return { ...effects, context: { ...effects.context, views } };
}

/**
 * G "Decision made to step down from CSC to CAF" ¶1 (rule `informed-consent`). Each parent/carer's
 * decision is their own, and the one on file is the one recorded last (docs/decisions.md "The record
 * on file is the one recorded last"): a mistaken record is voided, not outdated by date.
 */
export function giveConsent(effects: Effects, event: EventOf<'consent.given'>): Effects {
  const consents = { ...effects.context.consents, [event.personId]: { status: 'given' as const, at: event.at } };
  return { ...effects, context: { ...effects.context, consents } };
}

/**
 * Rule `consent-refusal-is-disagreement`: this parent/carer's refusal replaces their own consent on
 * file (never another carer's) and opens a family disagreement with its 5-working-day deadline.
 */
export function refuseConsent(effects: Effects, event: EventOf<'consent.refused'>, policy: Policy): Effects {
  const consents = { ...effects.context.consents, [event.personId]: { status: 'refused' as const, at: event.at } };
  const refused = { ...effects, context: { ...effects.context, consents } };
  return openDisagreement(refused, event.disagreementId, event.personId, event.at, policy);
}

/** Rules `family-disagreement` and `partner-disagreement`: each opens its own resolution deadline. */
export function raiseDisagreement(effects: Effects, event: EventOf<'disagreement.raised'>, policy: Policy): Effects {
  return openDisagreement(effects, event.disagreementId, event.personId, event.at, policy);
}

/** Rule `disagreement-resolution`: resolving meets the deadline (late if after it). */
export function resolveDisagreement(effects: Effects, event: EventOf<'disagreement.resolved'>): Effects {
  const disagreements = effects.context.disagreements.map(
    (d): Disagreement => (d.id === event.disagreementId ? { ...d, status: event.outcome, resolvedAt: event.at } : d),
  );
  const resolved = { ...effects, context: { ...effects.context, disagreements } };
  return meetDeadline(resolved, `disagreement-resolution:${event.disagreementId}`, event.at, event.recordedAt);
}

/** G "Decision made to step down from CSC to CAF" ¶2 (rule `lead-professional-identified`): the agreement recorded last stands. */
export function agreeLeadProfessional(effects: Effects, event: EventOf<'leadProfessional.agreed'>): Effects {
  const leadProfessional = { personId: event.personId, agreedAt: event.at };
  return { ...effects, context: { ...effects.context, leadProfessional } };
}

/**
 * G "Challenge and support to identify a Lead Professional" ¶2, F step 11: no agency will be Lead
 * Professional. The case steps down to universal services, still through the last meeting, the
 * closure summary and the Team Manager's authorisation (G "Role of the Social Worker" ¶2, ¶6), and the
 * Social Worker, the family and all agencies are told, by id.
 */
export function endLadderInUniversalServices(effects: Effects, event: EventOf<'noLeadProfessional.recorded'>): Effects {
  const context = { ...effects.context, destination: 'universal-services' as const, ladderAt: event.at };
  return { context, notifications: [...effects.notifications, partiesToInform(context, 'no-lead-professional', event.at)] };
}

/** G "Challenge and support to identify a Lead Professional" ¶1–2: each rung climbed is dated. */
export function climbLadder(effects: Effects, event: { at: string }): Effects {
  return { ...effects, context: { ...effects.context, ladderAt: event.at } };
}

function openDisagreement(effects: Effects, id: string, personId: string, at: string, policy: Policy): Effects {
  const by = effects.context.people[personId]?.relationship === 'practitioner' ? 'partner' : 'family';
  const disagreement: Disagreement = { id, personId, by, raisedAt: at, status: 'open', resolvedAt: null };
  const withDisagreement = {
    ...effects,
    context: { ...effects.context, disagreements: [...effects.context.disagreements, disagreement] },
  };
  return openDeadline(withDisagreement, {
    id: `disagreement-resolution:${id}`,
    rule: 'disagreement-resolution',
    opensAt: at,
    ...dueOf('disagreement-resolution', at, policy),
  });
}
