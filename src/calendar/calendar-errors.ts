import { DateTime } from 'luxon';
import { StepDownError } from '../errors.js';
import type { Calendar } from './types.js';

/**
 * The errors the calendar throws. Messages never quote free text a caller passed in (it may come from
 * an event payload); the offending input goes to `details`, cut short so a stray document cannot
 * flood a log.
 */

const ACCEPTED_FORMS =
  "a calendar date 'YYYY-MM-DD', an ISO 8601 date-time with an offset (e.g. '2024-03-31T23:30:00Z' or " +
  "'2024-03-31T23:30:00+01:00'), a luxon DateTime or a JS Date";

/** Why an input is not a date, for `details.reason`. */
export type InvalidDateReason = 'not-a-date' | 'no-such-day' | 'missing-offset' | 'invalid-date-time' | 'unsupported-type';

const REASONS: Record<InvalidDateReason, string> = {
  'not-a-date': 'it is not in an accepted form',
  'no-such-day': 'that day does not exist',
  'missing-offset': 'a date-time without an offset has no single London date, and the calendar does not guess one',
  'invalid-date-time': 'it is an invalid date-time',
  'unsupported-type': 'it is neither a string, a luxon DateTime nor a JS Date',
};

/** A short, loggable description of what a caller passed. */
export function describeInput(input: unknown): string {
  if (typeof input === 'string') return input.length > 64 ? `${input.slice(0, 64)}…` : input;
  if (input instanceof Date) return Number.isNaN(input.getTime()) ? 'Invalid Date' : input.toISOString();
  if (DateTime.isDateTime(input)) return input.isValid ? (input.toISO() ?? 'DateTime') : `Invalid DateTime (${input.invalidReason})`;
  return typeof input;
}

export function invalidDate(input: unknown, reason: InvalidDateReason): StepDownError {
  return new StepDownError('INVALID_DATE', `Not a date: ${REASONS[reason]}. Give ${ACCEPTED_FORMS}.`, {
    input: describeInput(input),
    reason,
  });
}

export function invalidArgument(field: string, expected: string, input?: unknown): StepDownError {
  const details: Record<string, unknown> = { field };
  if (input !== undefined) details['input'] = typeof input === 'number' ? String(input) : describeInput(input);
  return new StepDownError('INVALID_ARGUMENT', `${field} must be ${expected}.`, details);
}

/** A working-day computation reached `date`, a day whose bank holidays the calendar does not know. */
export function outOfRange(calendar: Calendar, date: string, input: unknown): StepDownError {
  const { division, firstYear, lastYear } = calendar;
  return new StepDownError(
    'CALENDAR_OUT_OF_RANGE',
    `The working-day count reaches ${date}, outside the bank holidays this calendar covers ` +
      `(${division}, ${firstYear}–${lastYear}). Rather than guess, supply newer data: build a calendar with ` +
      `calendarFromGovUk() from https://www.gov.uk/bank-holidays.json, or with createCalendar({ division, holidays }), ` +
      `and pass it as { calendar }.`,
    { date, division, firstYear, lastYear, input: describeInput(input) },
  );
}
