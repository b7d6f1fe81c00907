import { addDays, endOfDay, toLondonDate } from '../../calendar/index.js';
import type { EventOf } from '../../events/index.js';
import type { Policy } from '../../policy/define-policy.js';
import { judgeDeadline, recordBreach, type Effects } from '../deadlines.js';

/**
 * G "Final CIN/Step down to CAF meeting" ¶1–3, F step 3. For a CAF the meeting sets the first family
 * plan meeting date: rule `first-meeting-date` is judged at once (a later date is recorded as a
 * breach, never refused); rule `lead-professional-attends` records a breach when the Lead
 * Professional is not among the attendees, compared by person id (never by the words of a role). A
 * step down to universal services has neither (G "Role of the Social Worker" ¶2). A reconvened
 * meeting is judged afresh under its own deadline id (`first-meeting-date:2`, …).
 */
export function holdFinalMeeting(effects: Effects, event: EventOf<'finalMeeting.held'>, policy: Policy): Effects {
  const { context } = effects;
  const lastMeetings = context.lastMeetings + 1;
  const firstDate = event.firstFamilyPlanMeetingDate;
  const actions = Object.fromEntries((event.familyPlan?.actions ?? []).map((a) => [a.id, 'open' as const]));
  let next: Effects = {
    ...effects,
    context: {
      ...context,
      lastMeetings,
      finalMeeting: { at: event.at, kind: event.kind, firstFamilyPlanMeetingDate: firstDate ?? null },
      familyPlan: { ...context.familyPlan, actions },
    },
  };
  if (context.destination === 'universal-services' || firstDate === undefined) return next;
  const lastDay = addDays(toLondonDate(event.at), policy.timescales.firstMeetingDateDays);
  next = judgeDeadline(
    next,
    {
      id: lastMeetings === 1 ? 'first-meeting-date' : `first-meeting-date:${lastMeetings}`,
      rule: 'first-meeting-date',
      opensAt: event.at,
      due: endOfDay(lastDay),
      status: 'open',
      closedAt: null,
    },
    // A date before the meeting cannot have been arranged at it: judged missed, like a late one.
    firstDate >= toLondonDate(event.at) && firstDate <= lastDay,
    event.at,
  );
  const leadProfessional = context.leadProfessional?.personId;
  if (!leadProfessional || !event.attendees.includes(leadProfessional)) {
    next = recordBreach(next, 'lead-professional-attends', event.at);
  }
  return next;
}
