import { IANAZone } from 'luxon';
import { civilFromDays } from './epoch-day.js';

/**
 * London's UTC offset at an instant, in minutes. The time-zone rules come from the tz database
 * (through luxon and Intl), never from a hand-written DST rule; but asking Intl costs several
 * microseconds a call, so each year's clock changes are found once (a probe a week, then a binary
 * search to the millisecond) and later calls are a comparison or two.
 */

const zone = IANAZone.create('Europe/London');
const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;
// Years whose changes are cached. Outside them (where the tz database has odd historical offsets,
// or none yet) every call asks the zone directly.
const FIRST_CACHED_YEAR = 1900;
const LAST_CACHED_YEAR = 2199;

interface YearChanges {
  /** The year's first and one-past-last instant (ms). */
  readonly start: number;
  readonly end: number;
  /** Instants (ms) at which the offset changes, ascending. */
  readonly at: readonly number[];
  /** `offsets[i]` holds from `at[i - 1]` (or the year's start) until `at[i]`. */
  readonly offsets: readonly number[];
}

const cache = new Map<number, YearChanges>();
// Calls tend to come in runs within one year; checking it first skips the year arithmetic.
let recent: YearChanges | undefined;

// Assumes no two changes within a week of each other, which London has never had.
function changesIn(year: number): YearChanges {
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  const at: number[] = [];
  const offsets = [zone.offset(start)];
  let before = start;
  let beforeOffset = offsets[0]!;
  while (before < end) {
    const probe = Math.min(before + WEEK_MS, end);
    const probeOffset = zone.offset(probe);
    if (probeOffset !== beforeOffset) {
      let low = before;
      let high = probe;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (zone.offset(middle) === beforeOffset) low = middle;
        else high = middle;
      }
      at.push(high);
      offsets.push(probeOffset);
    }
    before = probe;
    beforeOffset = probeOffset;
  }
  return { start, end, at, offsets };
}

/** London's offset from UTC, in minutes, at the instant `utcMs`. */
export function londonOffset(utcMs: number): number {
  let changes = recent;
  if (changes === undefined || utcMs < changes.start || utcMs >= changes.end) {
    const { year } = civilFromDays(Math.floor(utcMs / DAY_MS));
    if (year < FIRST_CACHED_YEAR || year > LAST_CACHED_YEAR) return zone.offset(utcMs);
    changes = cache.get(year);
    if (changes === undefined) {
      changes = changesIn(year);
      cache.set(year, changes);
    }
    recent = changes;
  }
  let index = 0;
  while (index < changes.at.length && changes.at[index]! <= utcMs) index++;
  return changes.offsets[index]!;
}

/**
 * The instant a London wall-clock time names (`localMs` as if it were UTC), with London's offset
 * then. Done as luxon does it: guess the offset, correct once, and for a time the clocks skip take
 * the later offset.
 */
export function fromLondonWallClock(localMs: number): { utcMs: number; offset: number } {
  const guess = londonOffset(localMs);
  const first = localMs - guess * 60_000;
  const firstOffset = londonOffset(first);
  if (firstOffset === guess) return { utcMs: first, offset: guess };
  const second = localMs - firstOffset * 60_000;
  const secondOffset = londonOffset(second);
  if (secondOffset === firstOffset) return { utcMs: second, offset: firstOffset };
  return { utcMs: localMs - Math.min(firstOffset, secondOffset) * 60_000, offset: Math.max(firstOffset, secondOffset) };
}

/** `+01:00`, `+00:00`, `-00:01` (ISO 8601 extended offset). */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const whole = Math.abs(Math.trunc(minutes));
  return `${sign}${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}`;
}
