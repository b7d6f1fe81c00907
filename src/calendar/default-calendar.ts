import { StepDownError } from '../errors.js';
import { createCalendar } from './create-calendar.js';
import { SHIPPED_DATA_DATE, SHIPPED_FIRST_YEAR, SHIPPED_LAST_YEAR, shippedBankHolidays } from './data/bank-holidays.js';
import { divisions, type Calendar, type Division } from './types.js';

// Built on first use, then shared: building indexes eleven years of days, which no call should repeat.
const built = new Map<Division, Calendar>();

/**
 * The calendar of the bank holidays shipped with this library (2018–2028) for a division. Built on
 * first use and cached, so every call for the same division returns the same object.
 *
 * @param division - defaults to `'england-and-wales'`
 * @returns the shipped calendar of that division
 * @throws StepDownError `INVALID_ARGUMENT` when `division` is not one of the three divisions
 *
 * @example
 * ```ts
 * const scotland = defaultCalendar('scotland');
 * scotland.firstYear; // => 2018
 * scotland.lastYear; // => 2028
 * scotland.version; // => 'shipped-2026-02-04+…' (the date of the data, then its content hash)
 * ```
 */
export function defaultCalendar(division: Division = 'england-and-wales'): Calendar {
  const cached = built.get(division);
  if (cached) return cached;
  if (!divisions.includes(division)) {
    throw new StepDownError('INVALID_ARGUMENT', `division must be one of ${divisions.join(', ')}.`, { field: 'division' });
  }
  const calendar = createCalendar({
    division,
    holidays: shippedBankHolidays[division],
    firstYear: SHIPPED_FIRST_YEAR,
    lastYear: SHIPPED_LAST_YEAR,
    label: `shipped-${SHIPPED_DATA_DATE}`,
  });
  built.set(division, calendar);
  return calendar;
}
