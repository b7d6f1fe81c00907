import { createHash } from 'node:crypto';
import type { BankHoliday, Division } from './types.js';

/**
 * The content hash of a calendar: the first 12 hex digits of the SHA-256 of its division, covered
 * years and holiday dates. Titles are left out: they move no deadline, so two calendars with the same
 * hash count every working day alike (docs/decisions.md "Calendar versions").
 */
export function calendarHash(division: Division, firstYear: number, lastYear: number, holidays: readonly BankHoliday[]): string {
  const dates = holidays.map((holiday) => holiday.date).sort();
  const text = `${division}|${firstYear}-${lastYear}|${dates.join(',')}`;
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** `'<source>+<hash>'`: where the data came from, then what it holds. */
export function calendarVersionOf(source: string, hash: string): string {
  return `${source}+${hash}`;
}
