/**
 * Dates as integer "epoch days" (days since 1970-01-01), so that the working-day hot path is integer
 * arithmetic: no Date objects, no luxon, no time zones. The conversions are Howard Hinnant's
 * days_from_civil / civil_from_days, exact for the proleptic Gregorian calendar.
 */

/** Epoch day of 0000-01-01 and 9999-12-31: the range a four-digit `'YYYY-MM-DD'` can name. */
export const MIN_DAY = -719528;
export const MAX_DAY = 2932896;

const MONTH_LENGTHS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_LENGTHS[month - 1]!;
}

export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** The year, month and day of an epoch day. */
export function civilFromDays(epochDay: number): { year: number; month: number; day: number } {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** `'YYYY-MM-DD'` of an epoch day in years 0000–9999. */
export function formatDay(epochDay: number): string {
  const { year, month, day } = civilFromDays(epochDay);
  // Concatenation rather than padStart: this runs on every call that returns a date.
  const yyyy = year >= 1000 ? `${year}` : String(year).padStart(4, '0');
  return `${yyyy}-${month < 10 ? '0' : ''}${month}-${day < 10 ? '0' : ''}${day}`;
}

/** True for Saturday and Sunday. Epoch day 0 was a Thursday. */
export function isWeekend(epochDay: number): boolean {
  const dayOfWeek = (((epochDay + 4) % 7) + 7) % 7;
  return dayOfWeek === 0 || dayOfWeek === 6;
}

function digitAt(text: string, index: number): number {
  const digit = text.charCodeAt(index) - 48;
  return digit >= 0 && digit <= 9 ? digit : Number.NaN;
}

/** A two-digit number at `index`, or NaN. */
export function twoDigitsAt(text: string, index: number): number {
  return digitAt(text, index) * 10 + digitAt(text, index + 1);
}

/**
 * Reads `YYYY-MM-DD` at the start of `text` by character codes, with no regex and no allocation,
 * because every working-day call starts here. Returns `undefined` when the text does not start with
 * that shape and `NaN` when it does but names no real day (e.g. `'2024-02-30'`).
 */
export function dateAtStart(text: string): number | undefined {
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = twoDigitsAt(text, 0) * 100 + twoDigitsAt(text, 2);
  const month = twoDigitsAt(text, 5);
  const day = twoDigitsAt(text, 8);
  if (Number.isNaN(year + month + day)) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return Number.NaN;
  return daysFromCivil(year, month, day);
}

/** {@link dateAtStart} for text that is exactly `'YYYY-MM-DD'`. */
export function parsePlainDate(text: string): number | undefined {
  return text.length === 10 ? dateAtStart(text) : undefined;
}
