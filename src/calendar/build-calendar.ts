import { StepDownError } from '../errors.js';
import { daysFromCivil, parsePlainDate } from './epoch-day.js';
import { calendarHash, calendarVersionOf } from './calendar-version.js';
import { buildLookup } from './lookup.js';
import type { BankHoliday, Calendar, Division } from './types.js';

/** Where the holidays came from, so an error names the caller's own field. */
export interface Source {
  readonly where: string;
  readonly holidaysField: string;
  /** The first part of the calendar's version: `shipped-<date>`, `gov-uk` or the host's own label. */
  readonly label: string;
}

function yearOf(holiday: BankHoliday | undefined): number | undefined {
  return holiday === undefined ? undefined : Number(holiday.date.slice(0, 4));
}

/**
 * Builds a calendar from holidays whose dates are already validated: settles the covered years,
 * checks that none of them is empty, and precomputes the lookup.
 */
export function buildCalendar(
  division: Division,
  holidays: readonly BankHoliday[],
  years: { firstYear?: number | undefined; lastYear?: number | undefined },
  source: Source,
): Calendar {
  const invalid = (field: string, message: string) =>
    new StepDownError('INVALID_ARGUMENT', `${source.where}: ${field}: ${message}`, { field });
  const sorted = [...holidays].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const firstYear = years.firstYear ?? yearOf(sorted[0]);
  const lastYear = years.lastYear ?? yearOf(sorted[sorted.length - 1]);
  if (firstYear === undefined || lastYear === undefined) {
    throw invalid(source.holidaysField, 'expected at least one bank holiday');
  }
  if (firstYear > lastYear) throw invalid('firstYear', `expected a year no later than lastYear (${lastYear})`);

  // Holidays outside the covered years could never be consulted: any date there is out of range.
  const covered = sorted.filter((holiday) => yearOf(holiday)! >= firstYear && yearOf(holiday)! <= lastYear);
  const listedYears = new Set(covered.map(yearOf));
  const emptyYears: number[] = [];
  for (let year = firstYear; year <= lastYear; year++) if (!listedYears.has(year)) emptyYears.push(year);
  if (emptyYears.length > 0) {
    const named = emptyYears.slice(0, 5).join(', ') + (emptyYears.length > 5 ? ', …' : '');
    throw invalid(source.holidaysField, `no bank holiday listed in ${named}, although ${firstYear}–${lastYear} would be covered`);
  }

  const holidayDays = new Set(covered.map((holiday) => parsePlainDate(holiday.date)!));
  return Object.freeze({
    division,
    version: calendarVersionOf(source.label, calendarHash(division, firstYear, lastYear, covered)),
    firstYear,
    lastYear,
    holidays: Object.freeze(covered.map(({ date, title }) => Object.freeze({ date, title }))),
    lookup: buildLookup(daysFromCivil(firstYear, 1, 1), daysFromCivil(lastYear, 12, 31), holidayDays),
  });
}
