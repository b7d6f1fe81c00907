import { addDays, endOfDay, toLondonDate } from '../../calendar/index.js';
import type { EventOf } from '../../events/index.js';
import type { Policy } from '../../policy/define-policy.js';
import { judgeDeadline, recordBreach, type Effects } from '../deadlines.js';

/**
 * G "Final CIN/Step down to CAF meeting" ¶1–3, F step 3. The meeting sets the first family plan
 * meeting date: rule `first-meeting-date` is judged at once (a later date is recorded as a breach,
 * never refused); rule `lead-professional-attends` records a breach when no Lead Professional is
 * among the attendees, compared by person id (never by the words of a role).
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
  const leadProfessional = context.leadProfessional?.personId;
  if (!leadProfessional || !event.attendees.includes(leadProfessional)) {
    next = recordBreach(next, 'lead-professional-attends', event.at);
  }
  return next;
}
