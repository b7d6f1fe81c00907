import type { Calendar } from '../calendar/index.js';
import { createCalendar } from '../calendar/create-calendar.js';
import type { EventOf, StepDownEvent } from '../events/index.js';
import { policyCalendar } from '../machine/working-days.js';
import { withCalendar, type EngineVersions } from './policy-versions.js';

/**
 * The calendars a case's trail was recorded under, for a replay to count with the calendar each
 * entry met (docs/decisions.md "A calendar update moves open deadlines"). The calendar in force now
 * (in every policy version) is the last; each `calendar.updated` of the trail names the days it added and removed, so the
 * calendar before it is the one after it with those undone. `initial` is the one the trail opened
 * under; `after(event)` the one a `calendar.updated` put in force (null for any other event). `make`
 * builds the machine of each earlier calendar (a fold of the deadline history keeps settled ones).
 */
export function calendarTimeline(
  current: EngineVersions,
  events: readonly StepDownEvent[],
): { initial: EngineVersions; after: (event: StepDownEvent) => EngineVersions | null } {
  const updates = events.filter((e): e is EventOf<'calendar.updated'> => e.type === 'calendar.updated');
  if (updates.length === 0) return { initial: current, after: () => null };
  // Every version of an engine counts with the one calendar in force (engine.updateCalendar puts it in each).
  const now = policyCalendar(current.list.at(-1)!);
  const byUpdate = new Map<string, EngineVersions>();
  const inForce = (calendar: Calendar): EngineVersions => (calendar.version === now.version ? current : withCalendar(current, calendar));
  let dates = new Set(now.holidays.map((h) => h.date));
  let later: EngineVersions = current;
  for (const update of [...updates].reverse()) {
    byUpdate.set(update.eventId ?? '', later);
    dates = new Set([...dates].filter((date) => !update.added.includes(date)));
    for (const date of update.removed) dates.add(date);
    later = inForce(rebuilt(now, dates, update.previousCalendarVersion));
  }
  return { initial: later, after: (event) => (event.type === 'calendar.updated' ? (byUpdate.get(event.eventId ?? '') ?? null) : null) };
}

/** A calendar with these holiday dates (titles from `from` where it has them), under the version it had. */
function rebuilt(from: Calendar, dates: ReadonlySet<string>, version: string): Calendar {
  const titles = new Map(from.holidays.map((h) => [h.date, h.title]));
  const holidays = [...dates].sort().map((date) => ({ date, title: titles.get(date) ?? 'Bank holiday' }));
  const calendar = createCalendar({ division: from.division, holidays });
  return Object.freeze({ ...calendar, version });
}
