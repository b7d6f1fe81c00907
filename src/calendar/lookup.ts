import { isWeekend } from './epoch-day.js';

/**
 * A calendar's precomputed index: `cumulative[i]` is the number of working days from `firstDay` up
 * to, but not including, `firstDay + i`. Any "is this a working day" or "how many working days
 * between" question is then two array reads, whatever the span, and the holiday list is never
 * scanned again after the calendar is built.
 */
export interface CalendarLookup {
  /** Epoch day of 1 January of the first covered year. */
  readonly firstDay: number;
  /** Epoch day of 31 December of the last covered year. */
  readonly lastDay: number;
  readonly cumulative: Int32Array;
}

export function buildLookup(firstDay: number, lastDay: number, holidayDays: ReadonlySet<number>): CalendarLookup {
  const cumulative = new Int32Array(lastDay - firstDay + 2);
  for (let day = firstDay, count = 0; day <= lastDay; day++) {
    if (!isWeekend(day) && !holidayDays.has(day)) count++;
    cumulative[day - firstDay + 1] = count;
  }
  return { firstDay, lastDay, cumulative };
}

/** Working days from the first covered day through `day` inclusive; `day` may be the day before the first. */
export function workingDaysThrough(lookup: CalendarLookup, day: number): number {
  return lookup.cumulative[day - lookup.firstDay + 1]!;
}

export function isCovered(lookup: CalendarLookup, day: number): boolean {
  return day >= lookup.firstDay && day <= lookup.lastDay;
}
