import { addMonths, toLondonDate } from '../../calendar/index.js';
import { dueOf } from '../deadline-due.js';
import type { EventOf } from '../../events/index.js';
import type { Policy } from '../../policy/define-policy.js';
import { countDeadlines, meetDeadline, openDeadline, recordBreach, unmetDeadlineOf, type Effects } from '../deadlines.js';

/** G "Role of the CAF Link Worker" ¶2: each request for information is counted; any number of rounds. */
export function requestInformation(effects: Effects, event: EventOf<'ehm.infoRequested'>): Effects {
  const ehm = { ...effects.context.ehm, infoRequests: effects.context.ehm.infoRequests + 1, infoRequestedAt: event.at };
  return { ...effects, context: { ...effects.context, ehm } };
}

/** G "Role of the CAF Link Worker" ¶2: the Social Worker's answer is dated, so quality assurance can follow it. */
export function provideInformation(effects: Effects, event: EventOf<'ehm.infoProvided'>): Effects {
  const ehm = { ...effects.context.ehm, infoProvidedAt: event.at };
  return { ...effects, context: { ...effects.context, ehm } };
}

/** G "Role of the CAF Link Worker" ¶2–3: authorised in EHM; the CLW is to contact the Lead Professional. */
export function authoriseInEhm(effects: Effects, event: EventOf<'ehm.authorised'>): Effects {
  const ehm = { ...effects.context.ehm, authorisedAt: event.at };
  return {
    context: { ...effects.context, ehm },
    notifications: [...effects.notifications, { type: 'leadProfessional.toContact', caseId: effects.context.caseId, at: event.at }],
  };
}

/** G "Role of the CAF Link Worker" ¶3 (rule `clw-contacts-lead-professional`). */
export function contactLeadProfessional(effects: Effects, event: EventOf<'leadProfessional.contacted'>): Effects {
  const ehm = { ...effects.context.ehm, leadProfessionalContactedAt: event.at };
  return meetDeadline({ ...effects, context: { ...effects.context, ehm } }, 'clw-contacts-lead-professional', event.at, event.recordedAt);
}

/**
 * DOMAIN "The Lead Professional can change" (rule `lead-professional-change`): the Lead Professional
 * leaves; the CAF waits for a new one, from the CAF Link Worker's challenge up the ladder again.
 */
export function leaveLeadProfessional(effects: Effects, event: EventOf<'leadProfessional.left'>): Effects {
  const context = { ...effects.context, leadProfessional: null, leadProfessionalSearch: 'sought' as const, ladderAt: event.at };
  return { context, notifications: [...effects.notifications, { type: 'leadProfessional.needed', caseId: context.caseId, at: event.at }] };
}

/** A new Lead Professional agrees under the CAF: the search ends, and the CAF Link Worker is to contact them. */
export function replaceLeadProfessional(effects: Effects, event: EventOf<'leadProfessional.agreed'>): Effects {
  const context = {
    ...effects.context,
    leadProfessional: { personId: event.personId, agreedAt: event.at },
    leadProfessionalSearch: null,
  };
  return { context, notifications: [...effects.notifications, { type: 'leadProfessional.toContact', caseId: context.caseId, at: event.at }] };
}

/** The ladder under the CAF, rung by rung: the challenge failed (to the panel), the panel failed (to the case note). */
export function climbSearch(effects: Effects, event: EventOf<'leadProfessional.challengeFailed' | 'leadProfessional.panelFailed'>): Effects {
  const leadProfessionalSearch = event.type === 'leadProfessional.challengeFailed' ? ('at-panel' as const) : ('none-found' as const);
  return { ...effects, context: { ...effects.context, leadProfessionalSearch, ladderAt: event.at } };
}

/**
 * A family plan meeting (G "Initial Family Planning Meeting" ¶1, G "Role of the Lead Professional"
 * ¶2–3). The initial one meets `first-family-plan-meeting`; every later one meets the open
 * `family-plan-review`. Each but the final opens the next review: due by day 56 after it. A review
 * held before day 42 is met, not a breach (see docs/decisions.md). A meeting not recorded on EHM or
 * not shared with the family breaches `family-plan-meeting-record`.
 */
export function holdFamilyPlanMeeting(effects: Effects, event: EventOf<'familyPlanMeeting.held'>, policy: Policy): Effects {
  const { familyPlan } = effects.context;
  const actions = { ...familyPlan.actions };
  for (const action of event.actions) actions[action.id] = action.status;
  let next: Effects = {
    ...effects,
    context: {
      ...effects.context,
      familyPlan: {
        ...familyPlan,
        actions,
        meetings: familyPlan.meetings + 1,
        lastMeetingAt: event.at,
        finalMeetingAt: event.kind === 'final' ? event.at : familyPlan.finalMeetingAt,
      },
    },
  };
  if (event.kind === 'initial') {
    next = meetDeadline(next, 'first-family-plan-meeting', event.at, event.recordedAt);
  } else {
    const review = unmetDeadlineOf(next.context, 'family-plan-review');
    if (review) next = meetDeadline(next, review.id, event.at, event.recordedAt);
  }
  if (!event.recordedOnEhm || !event.copiesSharedWithFamily) {
    next = recordBreach(next, 'family-plan-meeting-record', event.at);
  }
  if (event.kind === 'final') return next;
  const number = countDeadlines(next.context, 'family-plan-review') + 1;
  return openDeadline(next, {
    id: `family-plan-review:${number}`,
    rule: 'family-plan-review',
    opensAt: event.at,
    ...dueOf('family-plan-review', event.at, policy),
  });
}

/**
 * G "Role of the Lead Professional" ¶4: a reassessment meets the 12-month clock and starts it again.
 * It counts only from the last `reassessmentWindowMonths` of the clock (month 11 by default): an
 * earlier one is recorded but leaves the clock as it is, so the 12 months cannot be restarted early
 * (docs/decisions.md "Reassessment window").
 */
export function completeReassessment(effects: Effects, event: EventOf<'reassessment.completed'>, policy: Policy): Effects {
  const current = unmetDeadlineOf(effects.context, 'caf-twelve-months');
  const counted = {
    ...effects,
    context: { ...effects.context, familyPlan: { ...effects.context.familyPlan, reassessments: effects.context.familyPlan.reassessments + 1 } },
  };
  if (current && effects.context.rulesVersion !== 1) {
    const { cafMonths, reassessmentWindowMonths } = policy.timescales;
    const windowOpens = addMonths(toLondonDate(current.opensAt), cafMonths - reassessmentWindowMonths);
    if (toLondonDate(event.at) < windowOpens) return counted;
  }
  let next = current ? meetDeadline(counted, current.id, event.at, event.recordedAt) : counted;
  const number = countDeadlines(next.context, 'caf-twelve-months') + 1;
  return openDeadline(next, {
    id: `caf-twelve-months:${number}`,
    rule: 'caf-twelve-months',
    opensAt: event.at,
    ...dueOf('caf-twelve-months', event.at, policy),
  });
}

/**
 * G "Role of the Lead Professional" ¶3: closing the CAF with the plan met meets the 12-month clock.
 * A CAF that closes with the Lead Professional never contacted by the CAF Link Worker (G "Role of
 * the CAF Link Worker" ¶3) never blocks the closure, but the shortfall is kept as a breach.
 */
export function closeCaf(effects: Effects, event: EventOf<'caf.closed'>): Effects {
  const current = unmetDeadlineOf(effects.context, 'caf-twelve-months');
  const met = current ? meetDeadline(effects, current.id, event.at, event.recordedAt) : effects;
  // Version 1 judged the CAF Link Worker's contact only at the closure; version 2 as a timescale.
  return met.context.rulesVersion === 1 && met.context.ehm.leadProfessionalContactedAt === null
    ? recordBreach(met, 'clw-contacts-lead-professional', event.at)
    : met;
}
