import { DateTime } from 'luxon';

/**
 * Milliseconds since the epoch of an ISO 8601 date-time with offset. Offsets differ across the clock
 * changes (+00:00 in winter, +01:00 in summer), so ISO strings are never compared as text.
 */
export function instant(iso: string): number {
  return DateTime.fromISO(iso, { setZone: true }).toMillis();
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
