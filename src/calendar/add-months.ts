import { invalidArgument } from './calendar-errors.js';
import { civilFromDays, daysFromCivil, daysInMonth, formatDay } from './epoch-day.js';
import { toEpochDay } from './parse-date.js';
import type { DateInput } from './types.js';

/**
 * The London date `n` calendar months after `start`'s London date (before it when `n` is negative).
 * The day of the month is kept, or clamped to the last day of a shorter month: 31 January + 1 month
 * is 28 (or 29) February, never 2 or 3 March. This is luxon's `plus({ months })` rule, computed here
 * with integers. "Within 12 months" is `endOfDay(addMonths(at, 12))`.
 *
 * @param start - a `'YYYY-MM-DD'` date, an ISO 8601 date-time with an offset, a luxon `DateTime` or a JS `Date`
 * @param n - whole months to add; may be negative
 * @returns `'YYYY-MM-DD'`
 * @throws StepDownError `INVALID_DATE` for a bad `start`; `INVALID_ARGUMENT` when `n` is not a whole number or the result leaves years 0000–9999
 *
 * @example
 * ```ts
 * addMonths('2024-03-10', 12); // => '2025-03-10'
 * addMonths('2024-01-31', 1); // => '2024-02-29'
 * addMonths('2024-02-29', 12); // => '2025-02-28'
 * ```
 */
export function addMonths(start: DateInput, n: number): string {
  if (!Number.isSafeInteger(n)) throw invalidArgument('n', 'a whole number of months', n);
  const { year, month, day } = civilFromDays(toEpochDay(start));
  const monthIndex = year * 12 + (month - 1) + n;
  const newYear = Math.floor(monthIndex / 12);
  const newMonth = monthIndex - newYear * 12 + 1;
  if (newYear < 0 || newYear > 9999) throw invalidArgument('n', 'small enough to keep the date within years 0000–9999', n);
  return formatDay(daysFromCivil(newYear, newMonth, Math.min(day, daysInMonth(newYear, newMonth))));
}
