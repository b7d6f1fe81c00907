import { invalidArgument, outOfRange } from './calendar-errors.js';
import { formatDay } from './epoch-day.js';
import { isCovered, workingDaysThrough } from './lookup.js';
import { toEpochDay } from './parse-date.js';
import { resolveCalendar } from './resolve-calendar.js';
import type { CalendarOptions, DateInput } from './types.js';

/**
 * The London date on which a period "within `n` working days of `start`" ends: the `n`-th working
 * day after `start`'s London date, `start` itself not counted, so `n = 0` gives `start`'s own date.
 * A deadline is the end of that day: `endOfDay(addWorkingDays(at, 5))`.
 *
 * Only the days after `start` are examined, so `start` may be any day (a weekend, a bank holiday,
 * the day before the calendar's first year); each day examined must lie in the calendar's years.
 *
 * @param start - a `'YYYY-MM-DD'` date, an ISO 8601 date-time with an offset, a luxon `DateTime` or a JS `Date`
 * @param n - how many working days, a non-negative whole number
 * @param options - `{ division }` for the shipped data of another division, or `{ calendar }` for the host's own
 * @returns the London date of the `n`-th working day, `'YYYY-MM-DD'`
 * @throws StepDownError `INVALID_ARGUMENT` for a bad `n`; `INVALID_DATE` for a bad `start`;
 *   `CALENDAR_OUT_OF_RANGE` when the count reaches a day outside the calendar's years
 *
 * @example
 * ```ts
 * addWorkingDays('2024-12-23', 5); // => '2025-01-02' (Christmas, Boxing Day and New Year's Day skipped)
 * addWorkingDays('2024-12-23', 5, { division: 'scotland' }); // => '2025-01-03' (2nd January too)
 * addWorkingDays('2024-03-31T23:30:00Z', 1); // => '2024-04-02' (London date 1 April, Easter Monday)
 * ```
 */
export function addWorkingDays(start: DateInput, n: number, options?: CalendarOptions): string {
  if (!Number.isSafeInteger(n) || n < 0) throw invalidArgument('n', 'a non-negative whole number of working days', n);
  const from = toEpochDay(start);
  const calendar = resolveCalendar(options);
  if (n === 0) return formatDay(from);
  const { lookup } = calendar;
  if (!isCovered(lookup, from + 1)) throw outOfRange(calendar, formatDay(from + 1), start);
  const target = workingDaysThrough(lookup, from) + n;
  if (workingDaysThrough(lookup, lookup.lastDay) < target) throw outOfRange(calendar, formatDay(lookup.lastDay + 1), start);

  // The answer is the first day whose running count reaches the target. Bound the search near
  // `from` (five working days per seven, plus room for a cluster of holidays) so a short span costs
  // a few probes, and fall back to the calendar's end for a long one.
  let low = from + 1;
  let high = Math.min(lookup.lastDay, from + Math.ceil((n * 7) / 5) + 7);
  if (workingDaysThrough(lookup, high) < target) high = lookup.lastDay;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (workingDaysThrough(lookup, middle) < target) low = middle + 1;
    else high = middle;
  }
  return formatDay(low);
}
