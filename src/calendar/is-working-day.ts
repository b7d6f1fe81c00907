import { outOfRange } from './calendar-errors.js';
import { formatDay } from './epoch-day.js';
import { isCovered, workingDaysThrough } from './lookup.js';
import { toEpochDay } from './parse-date.js';
import { resolveCalendar } from './resolve-calendar.js';
import type { CalendarOptions, DateInput } from './types.js';

/**
 * True when the London date of `date` is a working day: Monday to Friday and not a bank holiday of
 * the division (England and Wales unless `options` says otherwise).
 *
 * @param date - a `'YYYY-MM-DD'` date, an ISO 8601 date-time with an offset, a luxon `DateTime` or a JS `Date`
 * @param options - `{ division }` for the shipped data of another division, or `{ calendar }` for the host's own
 * @returns whether that day is a working day
 * @throws StepDownError `INVALID_DATE` for an input that is not a date; `CALENDAR_OUT_OF_RANGE` for a day outside the calendar's years
 *
 * @example
 * ```ts
 * isWorkingDay('2025-01-02'); // => true
 * isWorkingDay('2025-01-02', { division: 'scotland' }); // => false (2nd January)
 * isWorkingDay('2024-07-12', { division: 'northern-ireland' }); // => false (Battle of the Boyne)
 * ```
 */
export function isWorkingDay(date: DateInput, options?: CalendarOptions): boolean {
  const day = toEpochDay(date);
  const calendar = resolveCalendar(options);
  const { lookup } = calendar;
  if (!isCovered(lookup, day)) throw outOfRange(calendar, formatDay(day), date);
  return workingDaysThrough(lookup, day) - workingDaysThrough(lookup, day - 1) === 1;
}
