import type { EventOf } from '../../events/index.js';
import type { Deadline } from '../context.js';
import { withdrawBreach, type Effects } from '../deadlines.js';
import { isAfter } from '../instants.js';

/**
 * DOMAIN "Time" (`engine.updateCalendar`): a new bank-holiday calendar moves each unmet deadline the
 * event names to its new due instant, recorded with the calendar's version. A deadline a tick marked
 * missed is open again, its breach withdrawn, when the new due instant is not before the tick that
 * found it: that tick was premature under the calendar now known. The next tick judges it afresh.
 * The event carries the new instants, so a replay repeats it without the calendar.
 */
export function moveDeadlines(effects: Effects, event: EventOf<'calendar.updated'>): Effects {
  let next = effects;
  for (const { deadlineId, due } of event.deadlines) {
    const deadline = next.context.deadlines.find((d) => d.id === deadlineId);
    if (!deadline || (deadline.status !== 'open' && deadline.status !== 'missed') || deadline.due === due) continue;
    const foundBy = next.context.breaches.find((b) => b.deadlineId === deadlineId)?.detectedAt;
    const premature = deadline.status === 'missed' && foundBy !== undefined && !isAfter(foundBy, due);
    const moved: Deadline = {
      ...deadline,
      due,
      calendarVersion: event.calendarVersion,
      ...(premature ? { status: 'open' as const } : {}),
    };
    next = {
      context: { ...next.context, deadlines: next.context.deadlines.map((d) => (d.id === deadlineId ? moved : d)) },
      notifications: [
        ...next.notifications,
        {
          type: 'deadline.moved',
          caseId: next.context.caseId,
          rule: deadline.rule,
          deadlineId,
          from: deadline.due,
          to: due,
          calendarVersion: event.calendarVersion,
          at: event.at,
        },
      ],
    };
    if (premature) next = withdrawBreach(next, deadline, event.at, 'calendar-changed');
  }
  return next;
}
