import { StepDownError } from '../errors.js';
import { defaultCalendar } from './default-calendar.js';
import type { Calendar, CalendarOptions } from './types.js';

/** The calendar a call uses: the one given, else the shipped one of the division (England and Wales by default). */
export function resolveCalendar(options: CalendarOptions | undefined): Calendar {
  const calendar = options?.calendar;
  if (calendar === undefined) return defaultCalendar(options?.division);
  // A plain object shaped by hand has no lookup; say so rather than fail with a TypeError later.
  if (typeof calendar !== 'object' || calendar === null || !(calendar.lookup?.cumulative instanceof Int32Array)) {
    throw new StepDownError(
      'INVALID_ARGUMENT',
      'calendar must be built by createCalendar(), calendarFromGovUk() or defaultCalendar().',
      { field: 'calendar' },
    );
  }
  return calendar;
}
