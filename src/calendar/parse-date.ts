import { DateTime } from 'luxon';
import { invalidDate } from './calendar-errors.js';
import { dateAtStart, parsePlainDate, twoDigitsAt } from './epoch-day.js';
import { londonOffset } from './london-offset.js';
import type { DateInput } from './types.js';

const DAY_MS = 86_400_000;

// An explicit UTC designator or numeric offset at the end of an ISO 8601 date-time.
const OFFSET_AT_END = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

/** The London epoch day of an instant. */
function londonDayOf(utcMs: number): number {
  return Math.floor((utcMs + londonOffset(utcMs) * 60_000) / DAY_MS);
}

/** Minutes east of UTC of a `Z` or `±HH:MM` that ends `text` at `index`, or NaN. */
function offsetAt(text: string, index: number): number {
  const sign = text.charCodeAt(index);
  if ((sign === 90 || sign === 122) && text.length === index + 1) return 0; // Z, z
  if ((sign !== 43 && sign !== 45) || text.length !== index + 6 || text.charCodeAt(index + 3) !== 58) return Number.NaN;
  const hours = twoDigitsAt(text, index + 1);
  const minutes = twoDigitsAt(text, index + 4);
  if (hours > 23 || minutes > 59) return Number.NaN;
  return (sign === 45 ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * The instant of the form hosts send (`2024-03-31T23:30:00.000Z`, `…+01:00`, seconds optional), read
 * by character codes; `undefined` for anything else, which luxon then reads. This shortcut never
 * decides what is valid, only how fast the common case is.
 */
function commonDateTimeMs(text: string): number | undefined {
  if (text.length < 17 || text.charCodeAt(10) !== 84 || text.charCodeAt(13) !== 58) return undefined;
  const day = dateAtStart(text);
  const hour = twoDigitsAt(text, 11);
  const minute = twoDigitsAt(text, 14);
  let second = 0;
  let index = 16;
  if (text.charCodeAt(index) === 58) {
    second = twoDigitsAt(text, 17);
    index = 19;
    const mark = text.charCodeAt(index);
    if (mark === 46 || mark === 44) {
      // A fraction of a second cannot move an instant across a London midnight: offsets are whole minutes.
      const start = ++index;
      while (index - start < 9 && text.charCodeAt(index) >= 48 && text.charCodeAt(index) <= 57) index++;
      if (index === start) return undefined;
    }
  }
  const offset = offsetAt(text, index);
  if (day === undefined || Number.isNaN(day + hour + minute + second + offset)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return (day * 1440 + hour * 60 + minute - offset) * 60_000 + second * 1000;
}

/**
 * The Europe/London calendar date of any accepted input, as an epoch day. Plain `'YYYY-MM-DD'`
 * strings and the common ISO date-time form are read with integer arithmetic; other ISO 8601 forms
 * go through luxon. An instant's London date uses the cached offsets of {@link londonOffset}.
 */
export function toEpochDay(input: DateInput): number {
  if (typeof input === 'string') {
    const plain = parsePlainDate(input);
    if (plain !== undefined) {
      if (Number.isNaN(plain)) throw invalidDate(input, 'no-such-day');
      return plain;
    }
    const common = commonDateTimeMs(input);
    if (common !== undefined) return londonDayOf(common);
    if (!input.includes('T')) throw invalidDate(input, 'not-a-date');
    if (!OFFSET_AT_END.test(input)) throw invalidDate(input, 'missing-offset');
    const parsed = DateTime.fromISO(input, { setZone: true });
    if (!parsed.isValid) throw invalidDate(input, 'invalid-date-time');
    return londonDayOf(parsed.toMillis());
  }
  if (input instanceof Date) {
    const ms = input.getTime();
    if (Number.isNaN(ms)) throw invalidDate(input, 'invalid-date-time');
    return londonDayOf(ms);
  }
  if (DateTime.isDateTime(input)) {
    if (!input.isValid) throw invalidDate(input, 'invalid-date-time');
    return londonDayOf(input.toMillis());
  }
  throw invalidDate(input, 'unsupported-type');
}
