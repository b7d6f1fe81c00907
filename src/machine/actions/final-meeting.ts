import { addDays, endOfDay, toLondonDate } from '../../calendar/index.js';
import type { EventOf } from '../../events/index.js';
import type { Policy } from '../../policy/define-policy.js';
import { judgeDeadline, recordBreach, type Effects } from '../deadlines.js';

/**
 * G "Final CIN/Step down to CAF meeting" ¶1–3, F step 3. The meeting sets the first family plan
 * meeting date: rule `first-meeting-date` is judged at once (a later date is recorded as a breach,
 * never refused); rule `lead-professional-attends` records a breach when no Lead Professional is
 * among the attendees.
 */
export function holdFinalMeeting(effects: Effects, event: EventOf<'finalMeeting.held'>, policy: Policy): Effects {
  const { context } = effects;
  const actions = Object.fromEntries(event.familyPlan.actions.map((a) => [a.id, 'open' as const]));
  let next: Effects = {
    ...effects,
    context: {
      ...context,
      finalMeeting: { at: event.at, kind: event.kind, firstFamilyPlanMeetingDate: event.firstFamilyPlanMeetingDate },
      familyPlan: { ...context.familyPlan, actions },
      lastStepAt: event.at,
    },
  };
  const lastDay = addDays(toLondonDate(event.at), policy.timescales.firstMeetingDateDays);
  next = judgeDeadline(
    next,
    { id: 'first-meeting-date', rule: 'first-meeting-date', opensAt: event.at, due: endOfDay(lastDay), status: 'open', closedAt: null },
    // A date before the meeting cannot have been arranged at it: judged missed, like a late one.
    event.firstFamilyPlanMeetingDate >= toLondonDate(event.at) && event.firstFamilyPlanMeetingDate <= lastDay,
    event.at,
  );
  if (!event.attendees.some((a) => isLeadProfessional(a.role))) {
    next = recordBreach(next, 'lead-professional-attends', event.at);
  }
  return next;
}

/** Attendee roles are the host's words: 'lead-professional', 'Lead Professional' and 'LP' all count. */
function isLeadProfessional(role: string): boolean {
  const normalised = role.trim().toLowerCase().replace(/[\s_]+/g, '-');
  return normalised === 'lead-professional' || normalised === 'lp';
}
