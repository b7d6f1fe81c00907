import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { isoDateTime } from '../../src/events/common.js';
import { instant } from '../../src/machine/instants.js';

const luxon = (iso: string) => DateTime.fromISO(iso, { setZone: true }).toMillis();

/** Every 20 minutes across a London day, written in London's own offset and in other offsets. */
function aroundDay(date: string): string[] {
  const out: string[] = [];
  const start = DateTime.fromISO(`${date}T00:00:00`, { zone: 'Europe/London' });
  for (let minutes = -120; minutes <= 26 * 60; minutes += 20) {
    const at = start.plus({ minutes });
    out.push(at.toISO({ suppressMilliseconds: true })!); // London's offset at that instant
    out.push(at.toUTC().toISO({ suppressMilliseconds: true })!.replace('+00:00', 'Z'));
    out.push(at.setZone('UTC+5:30').toISO({ suppressMilliseconds: true })!);
    out.push(at.setZone('UTC-11').toISO({ suppressMilliseconds: true })!);
  }
  return out;
}

describe('instant reads the schema\'s date-times by hand, as luxon reads them', () => {
  // The clock changes of 2023–2026 (last Sundays of March and October), and days around them.
  const days = ['2023-03-26', '2023-10-29', '2024-03-30', '2024-03-31', '2024-04-01', '2024-10-27', '2025-03-30', '2025-10-26', '2026-03-29', '2026-10-25', '2024-02-29', '2024-12-31', '2025-01-01'];
  const instants = days.flatMap(aroundDay);

  it('agrees with luxon on every 20 minutes of the clock-change days, in four offsets', () => {
    expect(instants.length).toBeGreaterThan(1000);
    for (const iso of instants) {
      expect(isoDateTime.safeParse(iso).success, iso).toBe(true);
      expect(instant(iso), iso).toBe(luxon(iso));
    }
  });

  it('agrees on fractions of a second (finer than milliseconds dropped), Z and ±hh:mm, and far years', () => {
    const odd = [
      '2024-03-31T01:00:00.5Z',
      '2024-03-31T00:59:59.999+00:00',
      '2024-03-31T02:00:00.123456789+01:00',
      '2024-10-27T01:30:00.09+01:00',
      '2024-10-27T01:30:00+00:00',
      '2024-10-27T01:30:00-00:00',
      '0100-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999+23:59',
      '2000-02-29T12:00:00-23:59',
      '2024-06-15T23:59:59+14:00',
    ];
    for (const iso of odd) expect(instant(iso), iso).toBe(luxon(iso));
  });

  it('leaves every other shape to luxon, so a string the schema refuses still reads as luxon reads it', () => {
    const others = ['2024-05-01', '2024-05-01T10:00', '2024-05-01T10:00:00', '2024-02-30T10:00:00Z', '2023-02-29T10:00:00Z', '0099-01-01T00:00:00Z', '2024-05-01T24:00:00Z', '2024-05-01T10:00:00+0100', 'not a date', '2024-05-01T10:00:00.Z'];
    for (const iso of others) {
      const expected = luxon(iso);
      if (Number.isNaN(expected)) expect(instant(iso), iso).toBeNaN();
      else expect(instant(iso), iso).toBe(expected);
    }
  });
});
