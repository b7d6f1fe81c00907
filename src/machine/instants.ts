import { DateTime } from 'luxon';

/**
 * Milliseconds since the epoch of an ISO 8601 date-time with offset. Offsets differ across the clock
 * changes (+00:00 in winter, +01:00 in summer), so ISO strings are never compared as text.
 *
 * Every `at` the machine sees has passed the events' schema (`YYYY-MM-DDTHH:mm:ss[.fff…](Z|±hh:mm)`,
 * a real calendar date), so that shape is read here by character codes: it is on every step of every
 * send, and luxon's general parser cost a sixth of a send. Anything else goes to luxon as before.
 */
export function instant(iso: string): number {
  return fastInstant(iso) ?? DateTime.fromISO(iso, { setZone: true }).toMillis();
}

const zero = 48;

/** Two digits at `at`, or -1 when either is not a digit. */
function two(s: string, at: number): number {
  const a = s.charCodeAt(at) - zero;
  const b = s.charCodeAt(at + 1) - zero;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const daysIn = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The schema's shape of date-time, read without allocating; null for any other string. */
function fastInstant(s: string): number | null {
  if (s.length < 20 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return null;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return null;
  const hi = two(s, 0);
  const lo = two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  const hour = two(s, 11);
  const minute = two(s, 14);
  const second = two(s, 17);
  if (hi < 0 || lo < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return null;
  const year = hi * 100 + lo;
  // Two-digit years mean 19xx to Date.UTC; leave those (and 29 February's leap-year rule) to luxon.
  if (year < 100 || day > daysIn[month - 1]! || (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)))) return null;
  let at = 19;
  let millis = 0;
  if (s.charCodeAt(at) === 46) {
    // Luxon keeps milliseconds and drops finer digits (floor): so does this.
    at += 1;
    let digits = 0;
    for (; at < s.length; at += 1) {
      const d = s.charCodeAt(at) - zero;
      if (d < 0 || d > 9) break;
      if (digits < 3) millis = millis * 10 + d;
      digits += 1;
    }
    if (digits === 0) return null;
    for (let pad = digits; pad < 3; pad += 1) millis *= 10;
  }
  let offsetMinutes: number;
  const sign = s.charCodeAt(at);
  if (sign === 90 && at + 1 === s.length) offsetMinutes = 0;
  else if ((sign === 43 || sign === 45) && at + 6 === s.length && s.charCodeAt(at + 3) === 58) {
    const oh = two(s, at + 1);
    const om = two(s, at + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
    offsetMinutes = (sign === 45 ? -1 : 1) * (oh * 60 + om);
  } else return null;
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

/** True when `a` is strictly later than `b`. */
export function isAfter(a: string, b: string): boolean {
  return instant(a) > instant(b);
}

/** The later of two ISO date-times (either may be null). */
export function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return isAfter(b, a) ? b : a;
}
