import { formatDay } from './epoch-day.js';
import { formatOffset, fromLondonWallClock } from './london-offset.js';
import { toEpochDay } from './parse-date.js';
import type { DateInput } from './types.js';

/**
 * The last instant (to the millisecond) of a London calendar date, as ISO 8601 with London's offset
 * on that day: `+01:00` in British Summer Time, `+00:00` otherwise. A deadline "within N days" ends
 * at this instant. The offset comes from the tz database's Europe/London rules, so a day on which
 * the clocks change (23 or 25 hours long) still ends at 23:59:59.999 London time.
 *
 * @param date - a `'YYYY-MM-DD'` date, an ISO 8601 date-time with an offset, a luxon `DateTime` or a JS `Date`
 * @returns e.g. `'2024-03-31T23:59:59.999+01:00'`, the same text as luxon's `endOf('day').toISO()` in Europe/London
 * @throws StepDownError `INVALID_DATE` for an input that is not a date
 *
 * @example
 * ```ts
 * endOfDay('2024-03-31'); // => '2024-03-31T23:59:59.999+01:00' (clocks went forward that morning)
 * endOfDay('2024-10-27'); // => '2024-10-27T23:59:59.999+00:00' (clocks went back that morning)
 * endOfDay(addWorkingDays('2024-12-23', 5)); // => '2025-01-02T23:59:59.999+00:00'
 * ```
 */
export function endOfDay(date: DateInput): string {
  const day = toEpochDay(date);
  const { offset } = fromLondonWallClock((day + 1) * 86_400_000 - 1);
  return `${formatDay(day)}T23:59:59.999${formatOffset(offset)}`;
}
