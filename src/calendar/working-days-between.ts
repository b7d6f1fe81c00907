import { outOfRange } from './calendar-errors.js';
import { formatDay } from './epoch-day.js';
import { workingDaysThrough } from './lookup.js';
import { toEpochDay } from './parse-date.js';
import { resolveCalendar } from './resolve-calendar.js';
import type { CalendarOptions, DateInput } from './types.js';

/**
 * How many working days lie after `from`'s London date up to and including `to`'s: the inverse of
 * {@link addWorkingDays}, so `workingDaysBetween(d, addWorkingDays(d, n)) === n`. When `to` is on or
 * before `from` the answer is `0` (never negative), and no bank-holiday data is consulted.
 *
 * @param from - the day the count starts after (not counted)
 * @param to - the last day counted
 * @param options - `{ division }` for the shipped data of another division, or `{ calendar }` for the host's own
 * @returns the number of working days in (`from`, `to`]
 * @throws StepDownError `INVALID_DATE` for an input that is not a date; `CALENDAR_OUT_OF_RANGE` when a day counted lies outside the calendar's years
 *
 * @example
 * ```ts
 * workingDaysBetween('2024-12-23', '2025-01-02'); // => 5
 * workingDaysBetween('2025-01-02', '2024-12-23'); // => 0
 * ```
 */
export function workingDaysBetween(from: DateInput, to: DateInput, options?: CalendarOptions): number {
  const first = toEpochDay(from);
  const last = toEpochDay(to);
  const calendar = resolveCalendar(options);
  if (last <= first) return 0;
  const { lookup } = calendar;
  if (first + 1 < lookup.firstDay) throw outOfRange(calendar, formatDay(first + 1), from);
  if (last > lookup.lastDay) throw outOfRange(calendar, formatDay(Math.max(first + 1, lookup.lastDay + 1)), to);
  return workingDaysThrough(lookup, last) - workingDaysThrough(lookup, first);
}
