import { addWorkingDays, endOfDay } from '../../calendar/index.js';
import type { EventOf } from '../../events/index.js';
import type { Policy } from '../../policy/define-policy.js';
import type { Disagreement } from '../context.js';
import { meetDeadline, openDeadline, type Effects } from '../deadlines.js';
import { isAfter } from '../instants.js';
import { calendarOptions } from './calendar-options.js';

/** G "Role of the Social Worker" ¶1: the decision agreed in supervision opens preparation. */
export function agreeDecision(effects: Effects, event: EventOf<'decision.agreed'>): Effects {
  return { ...effects, context: { ...effects.context, decisionAt: event.at, lastStepAt: event.at } };
}

/** G "Decision made to step down from CSC to CAF" ¶1 (rule `views-recorded`). */
export function recordViews(effects: Effects, event: EventOf<'views.recorded'>): Effects {
  const view = { party: event.party, name: event.name, agrees: event.agrees, at: event.at };
  return { ...effects, context: { ...effects.context, views: [...effects.context.views, view] } };
}

/** G "Decision made to step down from CSC to CAF" ¶1 (rule `informed-consent`). */
export function giveConsent(effects: Effects, event: EventOf<'consent.given'>): Effects {
  if (decidedLater(effects.context.consent.at, event.at)) return effects;
  return { ...effects, context: { ...effects.context, consent: { status: 'given', at: event.at } } };
}

/**
 * Consent stands as the latest-dated decision says, not the latest typed: a consent form dated
 * before a refusal, entered afterwards, must not restore consent (docs/decisions.md "Latest-dated
 * decision wins").
 */
function decidedLater(current: string | null, at: string): boolean {
  return current !== null && isAfter(current, at);
}

/**
 * Rule `consent-refusal-is-disagreement`: refused consent withdraws any consent given and opens a
 * family disagreement with its 5-working-day deadline.
 */
export function refuseConsent(effects: Effects, event: EventOf<'consent.refused'>, policy: Policy): Effects {
  const refused = decidedLater(effects.context.consent.at, event.at)
    ? effects
    : { ...effects, context: { ...effects.context, consent: { status: 'refused' as const, at: event.at } } };
  return openDisagreement(refused, event.disagreementId, 'parent', event.at, policy);
}

/** Rules `family-disagreement` and `partner-disagreement`: each opens its own resolution deadline. */
export function raiseDisagreement(effects: Effects, event: EventOf<'disagreement.raised'>, policy: Policy): Effects {
  return openDisagreement(effects, event.disagreementId, event.by, event.at, policy);
}

/** Rule `disagreement-resolution`: resolving meets the deadline (late if after it). */
export function resolveDisagreement(effects: Effects, event: EventOf<'disagreement.resolved'>): Effects {
  const disagreements = effects.context.disagreements.map(
    (d): Disagreement => (d.id === event.disagreementId ? { ...d, status: event.outcome, resolvedAt: event.at } : d),
  );
  const resolved = { ...effects, context: { ...effects.context, disagreements } };
  return meetDeadline(resolved, `disagreement-resolution:${event.disagreementId}`, event.at);
}

/** G "Decision made to step down from CSC to CAF" ¶2 (rule `lead-professional-identified`). */
export function agreeLeadProfessional(effects: Effects, event: EventOf<'leadProfessional.agreed'>): Effects {
  if (decidedLater(effects.context.leadProfessional?.agreedAt ?? null, event.at)) return effects;
  const leadProfessional = { name: event.name, agency: event.agency, agreedAt: event.at };
  return { ...effects, context: { ...effects.context, leadProfessional } };
}

/** G "Challenge and support to identify a Lead Professional" ¶1–2: each rung climbed is dated. */
export function climbLadder(effects: Effects, event: { at: string }): Effects {
  return { ...effects, context: { ...effects.context, ladderAt: event.at } };
}

function openDisagreement(
  effects: Effects,
  id: string,
  by: Disagreement['by'],
  at: string,
  policy: Policy,
): Effects {
  const disagreement: Disagreement = { id, by, raisedAt: at, status: 'open', resolvedAt: null };
  const withDisagreement = {
    ...effects,
    context: { ...effects.context, disagreements: [...effects.context.disagreements, disagreement] },
  };
  const lastDay = addWorkingDays(at, policy.timescales.disagreementResolutionWorkingDays, calendarOptions(policy));
  return openDeadline(withDisagreement, {
    id: `disagreement-resolution:${id}`,
    rule: 'disagreement-resolution',
    opensAt: at,
    due: endOfDay(lastDay),
  });
}
