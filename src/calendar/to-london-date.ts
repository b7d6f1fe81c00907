import { formatDay } from './epoch-day.js';
import { toEpochDay } from './parse-date.js';
import type { DateInput } from './types.js';

/**
 * The Europe/London calendar date of a day or an instant, as `'YYYY-MM-DD'`. An instant is read in
 * London time, so late evening UTC in summer is already the next day. A date-time without an offset
 * is refused: it names no single instant, so its London date would be a guess.
 *
 * @param input - a `'YYYY-MM-DD'` date, an ISO 8601 date-time with an offset, a luxon `DateTime` or a JS `Date`
 * @returns the London date, `'YYYY-MM-DD'`
 * @throws StepDownError `INVALID_DATE` when the input is none of those, or names no real day
 *
 * @example
 * ```ts
 * toLondonDate('2024-03-31T23:30:00Z'); // => '2024-04-01' (British Summer Time, UTC+1)
 * toLondonDate('2024-12-31T23:30:00Z'); // => '2024-12-31' (GMT)
 * toLondonDate(new Date(Date.UTC(2024, 5, 1, 12))); // => '2024-06-01'
 * ```
 */
export function toLondonDate(input: DateInput): string {
  return formatDay(toEpochDay(input));
}
