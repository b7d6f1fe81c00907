import type { DateTime } from 'luxon';
import type { CalendarLookup } from './lookup.js';

/** The three bank-holiday divisions of the United Kingdom, spelt as GOV.UK's `bank-holidays.json` spells them. */
export const divisions = ['england-and-wales', 'scotland', 'northern-ireland'] as const;

/** A bank-holiday division of the United Kingdom. A council uses the division it sits in. */
export type Division = (typeof divisions)[number];

/** One bank holiday: the day it is observed (a substitute day where the date itself falls at a weekend). */
export interface BankHoliday {
  /** The London calendar date, `'YYYY-MM-DD'`. */
  readonly date: string;
  /** Its name, as GOV.UK gives it (e.g. `'Boxing Day'`). */
  readonly title: string;
}

/**
 * The bank holidays of one division over a run of whole years, with a lookup precomputed so that a
 * working-day question costs a few array reads. Build it once with {@link createCalendar},
 * {@link calendarFromGovUk} or {@link defaultCalendar} and reuse it.
 */
export interface Calendar {
  /** The division whose bank holidays these are. */
  readonly division: Division;
  /**
   * Which data this is: `'<source>+<hash>'`, the source (`shipped-<date of the data>`, `gov-uk`, or
   * the label given to `createCalendar`, `custom` by default) and the first 12 hex digits of the
   * SHA-256 of the division, the covered years and the holiday dates. Each deadline computed in
   * working days records it (docs/decisions.md "Calendar versions").
   */
  readonly version: string;
  /** The first year whose bank holidays the calendar knows (1 January onwards). */
  readonly firstYear: number;
  /** The last year whose bank holidays the calendar knows (to 31 December). */
  readonly lastYear: number;
  /** The bank holidays in the covered years, sorted by date. */
  readonly holidays: readonly BankHoliday[];
  /**
   * Precomputed working-day counts over the covered years.
   * @internal
   */
  readonly lookup: CalendarLookup;
}

/**
 * Which bank holidays count. `calendar` wins when both are given; with neither, the shipped
 * England and Wales calendar is used.
 */
export interface CalendarOptions {
  /** Use the shipped bank holidays of this division (default `'england-and-wales'`). */
  readonly division?: Division;
  /** Use this calendar (e.g. one built from a newer GOV.UK file) instead of the shipped data. */
  readonly calendar?: Calendar;
}

/**
 * A day or an instant, read as its Europe/London calendar date: a `'YYYY-MM-DD'` date, an ISO 8601
 * date-time with an offset (`'2024-03-31T23:30:00Z'`), a luxon `DateTime` or a JS `Date`.
 */
export type DateInput = string | Date | DateTime;
