import { formatOffset, fromLondonWallClock, londonOffset } from '../calendar/london-offset.js';
import { toLondonDate } from '../calendar/to-london-date.js';
import { StepDownError } from '../errors.js';
import { isoDateTime } from '../events/common.js';
import { instant } from '../machine/instants.js';

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;

/** The time of day a case starts at when a test gives only a date: the start of an office day. */
export const defaultTimeOfDay = '09:00:00';

/**
 * The instant a test names: a `YYYY-MM-DD` date at `timeOfDay` London time (with London's offset
 * on that day, so BST is `+01:00`), or an ISO 8601 date-time with offset, kept exactly as given so
 * what the case records is what the test wrote.
 */
export function resolveInstant(when: string, timeOfDay: string): string {
  if (dateOnly.test(when)) return londonWallClock(toLondonDate(when), timeOfDay);
  if (!isoDateTime.safeParse(when).success) {
    throw new StepDownError(
      'INVALID_DATE',
      `'${when}' is neither a date (YYYY-MM-DD) nor an ISO 8601 date-time with offset, e.g. 2024-05-01T10:00:00+01:00.`,
    );
  }
  return when;
}

/** The London wall-clock time of an instant, `HH:mm:ss` (with `.SSS` when not on the second). */
export function londonTimeOfDay(iso: string): string {
  const utcMs = instant(iso);
  const local = new Date(utcMs + londonOffset(utcMs) * 60_000);
  const hms = local.toISOString().slice(11, 19);
  const ms = local.getUTCMilliseconds();
  return ms === 0 ? hms : `${hms}.${String(ms).padStart(3, '0')}`;
}

/** `date` at `timeOfDay` in London, as ISO 8601 with the offset London has then. */
export function londonWallClock(date: string, timeOfDay: string): string {
  const { utcMs, offset } = fromLondonWallClock(Date.parse(`${date}T${timeOfDay}Z`));
  // Written from the instant, not from the asked-for time: a time the clocks skip (01:30 on the
  // March change) becomes the real instant it names.
  const local = new Date(utcMs + offset * 60_000).toISOString();
  const ms = local.slice(19, 23) === '.000' ? '' : local.slice(19, 23);
  return `${local.slice(0, 19)}${ms}${formatOffset(offset)}`;
}
