import { invalidArgument } from './calendar-errors.js';
import { MAX_DAY, MIN_DAY, formatDay } from './epoch-day.js';
import { toEpochDay } from './parse-date.js';
import type { DateInput } from './types.js';

/**
 * The London date `n` calendar days after `start`'s London date (before it when `n` is negative).
 * Calendar days ignore weekends and bank holidays, so no bank-holiday data is needed and any year
 * works. "Within 4 weeks" is `endOfDay(addDays(at, 28))`.
 *
 * @param start - a `'YYYY-MM-DD'` date, an ISO 8601 date-time with an offset, a luxon `DateTime` or a JS `Date`
 * @param n - whole days to add; may be negative
 * @returns `'YYYY-MM-DD'`
 * @throws StepDownError `INVALID_DATE` for a bad `start`; `INVALID_ARGUMENT` when `n` is not a whole number or the result leaves years 0000–9999
 *
 * @example
 * ```ts
 * addDays('2024-03-10', 28); // => '2024-04-07'
 * addDays('2024-03-01', -1); // => '2024-02-29'
 * ```
 */
export function addDays(start: DateInput, n: number): string {
  if (!Number.isSafeInteger(n)) throw invalidArgument('n', 'a whole number of days', n);
  const day = toEpochDay(start) + n;
  if (day < MIN_DAY || day > MAX_DAY) throw invalidArgument('n', 'small enough to keep the date within years 0000–9999', n);
  return formatDay(day);
}
