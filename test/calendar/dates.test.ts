import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { addDays, addMonths, addWorkingDays, endOfDay, isWorkingDay, toLondonDate } from '../../src/calendar/index.js';
import { errorOf } from './assert-error.js';

describe('toLondonDate', () => {
  it('keeps a plain date', () => {
    expect(toLondonDate('2024-02-29')).toBe('2024-02-29');
    expect(toLondonDate('1999-12-31')).toBe('1999-12-31');
  });

  it('reads an ISO date-time with an offset in London time', () => {
    expect(toLondonDate('2024-03-31T23:30:00Z')).toBe('2024-04-01'); // BST
    expect(toLondonDate('2024-03-31T00:30:00Z')).toBe('2024-03-31'); // before the change at 01:00 UTC
    expect(toLondonDate('2024-03-30T23:30:00Z')).toBe('2024-03-30'); // GMT
    expect(toLondonDate('2024-12-31T23:30:00Z')).toBe('2024-12-31');
    expect(toLondonDate('2024-12-31T23:30:00-02:00')).toBe('2025-01-01');
    expect(toLondonDate('2024-07-01T00:30:00+02:00')).toBe('2024-06-30');
    expect(toLondonDate('2024-10-26T23:30:00.123Z')).toBe('2024-10-27'); // 00:30 BST, the night the clocks go back
  });

  it('reads a luxon DateTime in any zone, and a JS Date, by their instant', () => {
    expect(toLondonDate(DateTime.fromISO('2024-06-06T19:30:00', { zone: 'America/New_York' }))).toBe('2024-06-07');
    expect(toLondonDate(DateTime.fromISO('2024-06-07T08:00:00', { zone: 'Asia/Tokyo' }))).toBe('2024-06-07');
    expect(toLondonDate(DateTime.fromISO('2024-06-07T07:30:00', { zone: 'Asia/Tokyo' }))).toBe('2024-06-06');
    expect(toLondonDate(new Date(Date.UTC(2024, 5, 6, 23, 30)))).toBe('2024-06-07');
    expect(toLondonDate(new Date(Date.UTC(2024, 0, 6, 23, 30)))).toBe('2024-01-06');
  });

  it("agrees with luxon's Europe/London zone every 20 minutes around each clock change, 2018–2028", () => {
    const mismatches: string[] = [];
    for (let year = 2018; year <= 2028; year++) {
      for (const month of [3, 10]) {
        const last = DateTime.utc(year, month, 31);
        const lastSunday = last.minus({ days: last.weekday % 7 }).toMillis();
        for (let ms = lastSunday - 2 * 86_400_000; ms < lastSunday + 2 * 86_400_000; ms += 20 * 60_000) {
          const expected = DateTime.fromMillis(ms, { zone: 'Europe/London' }).toISODate();
          const iso = new Date(ms).toISOString();
          const plusTwo = DateTime.fromMillis(ms, { zone: 'UTC+2' }).toISO();
          const minusFive = DateTime.fromMillis(ms, { zone: 'UTC-5' }).toISO({ suppressMilliseconds: true });
          for (const input of [iso, plusTwo!, minusFive!, new Date(ms)]) {
            if (toLondonDate(input) !== expected) mismatches.push(`${String(input)} → ${expected}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('reads the other ISO 8601 forms through luxon', () => {
    expect(toLondonDate('20240331T233000Z')).toBe('2024-04-01'); // basic format
    expect(toLondonDate('2024-03-31T23:30:00+0100')).toBe('2024-03-31'); // offset without a colon
    expect(toLondonDate('2024-03-31T23:30Z')).toBe('2024-04-01');
    expect(toLondonDate('2024-06-30T23:30:00.123456789+00:00')).toBe('2024-07-01');
    expect(toLondonDate('2024-06-30T23:30:00.1234567891+00:00')).toBe('2024-07-01');
  });

  it('reads the common forms: seconds optional, any fraction, Z or ±HH:MM', () => {
    expect(toLondonDate('2024-06-30T23:30+00:00')).toBe('2024-07-01');
    expect(toLondonDate('2024-06-30T22:59:59.999Z')).toBe('2024-06-30');
    expect(toLondonDate('2024-06-30T23:00:00.000Z')).toBe('2024-07-01');
    expect(toLondonDate('2024-06-30T23:00:00,5z')).toBe('2024-07-01');
    expect(toLondonDate('2024-12-31T23:59:59.999Z')).toBe('2024-12-31');
    expect(toLondonDate('2025-01-01T00:00:00.000Z')).toBe('2025-01-01');
    expect(toLondonDate('2024-12-31T19:00:00-05:00')).toBe('2025-01-01');
    expect(toLondonDate('2024-01-01T00:30:00+14:00')).toBe('2023-12-31');
  });

  it('refuses what is not a date, saying which forms it accepts', () => {
    const cases: [unknown, string][] = [
      ['2024-02-30', 'no-such-day'],
      ['2023-02-29', 'no-such-day'],
      ['2024-13-01', 'no-such-day'],
      ['2024-01-01T10:00:00', 'missing-offset'],
      ['2024-01-01T10:00', 'missing-offset'],
      ['tomorrow', 'not-a-date'],
      ['', 'not-a-date'],
      ['2024-1-1', 'not-a-date'],
      ['01/02/2024', 'not-a-date'],
      ['2024-01-01T25:00:00Z', 'invalid-date-time'],
      [new Date(Number.NaN), 'invalid-date-time'],
      [DateTime.invalid('no reason'), 'invalid-date-time'],
      [20240101, 'unsupported-type'],
      [null, 'unsupported-type'],
    ];
    for (const [input, reason] of cases) {
      const error = errorOf(() => toLondonDate(input as string));
      expect(error.code, String(input)).toBe('INVALID_DATE');
      expect(error.details, String(input)).toMatchObject({ reason });
      expect(error.message).toContain("'YYYY-MM-DD'");
      expect(error.message).toContain('with an offset');
    }
  });

  it('puts the offending input in details, never in the message', () => {
    const error = errorOf(() => toLondonDate('ring Jane Doe on Tuesday'));
    expect(error.message).not.toContain('Jane');
    expect(error.details).toMatchObject({ input: 'ring Jane Doe on Tuesday' });
    expect(String(errorOf(() => toLondonDate('x'.repeat(500))).details?.['input']).length).toBeLessThan(70);
  });

  it('is the same error from every function that reads a date', () => {
    for (const run of [
      () => addWorkingDays('2024-02-30', 1),
      () => isWorkingDay('2024-02-30'),
      () => endOfDay('2024-02-30'),
      () => addDays('2024-02-30', 1),
      () => addMonths('2024-02-30', 1),
    ]) {
      expect(errorOf(run).code).toBe('INVALID_DATE');
    }
  });
});

describe('endOfDay', () => {
  it('is 23:59:59.999 London time with the offset of that day, across both clock changes', () => {
    expect(endOfDay('2024-03-30')).toBe('2024-03-30T23:59:59.999+00:00');
    expect(endOfDay('2024-03-31')).toBe('2024-03-31T23:59:59.999+01:00');
    expect(endOfDay('2024-10-26')).toBe('2024-10-26T23:59:59.999+01:00');
    expect(endOfDay('2024-10-27')).toBe('2024-10-27T23:59:59.999+00:00');
    expect(endOfDay('2025-01-02')).toBe('2025-01-02T23:59:59.999+00:00');
  });

  it("is luxon's endOf('day') in Europe/London for every day of 2018–2030, and in other centuries", () => {
    const mismatches: string[] = [];
    const check = (date: string) => {
      const expected = DateTime.fromISO(date, { zone: 'Europe/London' }).endOf('day').toISO();
      if (endOfDay(date) !== expected) mismatches.push(`${date}: ${endOfDay(date)} ≠ ${expected}`);
    };
    for (let day = DateTime.utc(2018, 1, 1); day.year <= 2030; day = day.plus({ days: 1 })) check(day.toISODate()!);
    for (const date of ['1940-06-01', '1941-06-01', '1947-05-01', '1970-06-01', '1995-10-22', '2199-07-01', '2300-07-01']) check(date);
    expect(mismatches).toEqual([]);
  });

  it('is the instant one millisecond before the next London midnight', () => {
    expect(Date.parse(endOfDay('2024-03-31'))).toBe(Date.UTC(2024, 2, 31, 22, 59, 59, 999));
    expect(Date.parse(endOfDay('2024-10-27'))).toBe(Date.UTC(2024, 9, 27, 23, 59, 59, 999));
  });

  it('takes the London date of an instant', () => {
    expect(endOfDay('2024-03-31T23:30:00Z')).toBe('2024-04-01T23:59:59.999+01:00');
    expect(endOfDay(new Date(Date.UTC(2024, 9, 26, 23, 30)))).toBe('2024-10-27T23:59:59.999+00:00');
  });

  it('needs no bank-holiday data', () => {
    expect(endOfDay('2035-07-01')).toBe('2035-07-01T23:59:59.999+01:00');
  });
});

describe('addDays', () => {
  it('adds calendar days, across month ends, leap days and the clock change', () => {
    expect(addDays('2024-03-10', 28)).toBe('2024-04-07');
    expect(endOfDay(addDays('2024-03-10', 28))).toBe('2024-04-07T23:59:59.999+01:00');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2024-04-04', 42)).toBe('2024-05-16');
    expect(addDays('2024-04-04', 56)).toBe('2024-05-30');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
    expect(addDays('2024-03-01', 0)).toBe('2024-03-01');
    expect(addDays('2000-01-01', 36525)).toBe('2100-01-01');
  });

  it('starts from the London date of an instant', () => {
    expect(addDays('2024-03-31T23:30:00Z', 28)).toBe('2024-04-29');
  });

  it('needs no bank-holiday data', () => {
    expect(addDays('2040-02-28', 1)).toBe('2040-02-29');
  });

  it('refuses n that is not a whole number, or a result past year 9999', () => {
    for (const n of [1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(errorOf(() => addDays('2024-01-01', n)).code).toBe('INVALID_ARGUMENT');
    }
    expect(errorOf(() => addDays('9999-12-31', 1)).code).toBe('INVALID_ARGUMENT');
  });
});

describe('addMonths', () => {
  it('keeps the day of the month, clamped to the end of a shorter month', () => {
    expect(addMonths('2024-03-10', 12)).toBe('2025-03-10');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-08-31', 1)).toBe('2024-09-30');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2024-12-15', 1)).toBe('2025-01-15');
    expect(addMonths('2024-01-15', -13)).toBe('2022-12-15');
    expect(endOfDay(addMonths('2024-03-10', 12))).toBe('2025-03-10T23:59:59.999+00:00');
  });

  it("agrees with luxon's plus({ months }) on every day of 2023–2024 for -25 to 25 months", () => {
    const mismatches: string[] = [];
    for (let day = DateTime.utc(2023, 1, 1); day.year < 2025; day = day.plus({ days: 1 })) {
      for (let n = -25; n <= 25; n += 1) {
        const start = day.toISODate()!;
        const expected = day.plus({ months: n }).toISODate();
        if (addMonths(start, n) !== expected) mismatches.push(`${start} ${n}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('refuses n that is not a whole number', () => {
    expect(errorOf(() => addMonths('2024-01-01', 0.5)).code).toBe('INVALID_ARGUMENT');
    expect(errorOf(() => addMonths('2024-01-01', Number.NaN)).code).toBe('INVALID_ARGUMENT');
  });
});
