import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  divisions,
  isWorkingDay,
  workingDaysBetween,
  type CalendarOptions,
} from '../../src/calendar/index.js';
import { errorOf } from './assert-error.js';
import { plusDays, referenceAddWorkingDays } from './expected-bank-holidays.js';

const scotland: CalendarOptions = { division: 'scotland' };
const northernIreland: CalendarOptions = { division: 'northern-ireland' };

describe('addWorkingDays', () => {
  it('does not count the start day, and n = 0 gives the start date itself', () => {
    expect(addWorkingDays('2024-06-03', 1)).toBe('2024-06-04');
    expect(addWorkingDays('2024-06-03', 0)).toBe('2024-06-03');
    expect(addWorkingDays('2024-06-08', 0)).toBe('2024-06-08'); // a Saturday stays itself
    expect(addWorkingDays('2024-06-07', 1)).toBe('2024-06-10'); // Friday → Monday
    expect(addWorkingDays('2024-06-08', 1)).toBe('2024-06-10'); // from a weekend
    expect(addWorkingDays('2024-06-03', 5)).toBe('2024-06-10');
  });

  it('skips Christmas, Boxing Day and New Year', () => {
    // Friday 20 December 2024: 23, 24, (25, 26), 27, 30, 31 → the fifth is Tuesday 31 December.
    expect(addWorkingDays('2024-12-20', 5)).toBe('2024-12-31');
    expect(addWorkingDays('2024-12-20', 6)).toBe('2025-01-02');
    expect(addWorkingDays('2024-12-23', 5)).toBe('2025-01-02');
    expect(addWorkingDays('2024-12-23', 5, scotland)).toBe('2025-01-03'); // 2nd January too
    expect(addWorkingDays('2021-12-24', 1)).toBe('2021-12-29'); // substitutes 27 and 28 December
    expect(addWorkingDays('2022-12-23', 1)).toBe('2022-12-28'); // 26, and 27 for Christmas Day
    expect(addWorkingDays('2022-12-30', 1)).toBe('2023-01-03'); // New Year's Day on Monday 2 January
    expect(addWorkingDays('2022-12-30', 1, scotland)).toBe('2023-01-04');
    expect(addWorkingDays('2021-12-31', 1)).toBe('2022-01-04');
    expect(addWorkingDays('2021-12-31', 1, scotland)).toBe('2022-01-05');
    expect(addWorkingDays('2027-12-24', 1)).toBe('2027-12-29');
    expect(addWorkingDays('2027-12-31', 1)).toBe('2028-01-04');
    expect(addWorkingDays('2027-12-31', 1, scotland)).toBe('2028-01-05');
  });

  it('skips Easter: Good Friday everywhere, Easter Monday outside Scotland', () => {
    expect(addWorkingDays('2024-03-28', 1)).toBe('2024-04-02');
    expect(addWorkingDays('2024-03-28', 1, northernIreland)).toBe('2024-04-02');
    expect(addWorkingDays('2024-03-28', 1, scotland)).toBe('2024-04-01');
    expect(addWorkingDays('2025-04-17', 5)).toBe('2025-04-28');
  });

  it('skips the one-off days', () => {
    expect(addWorkingDays('2022-06-01', 1)).toBe('2022-06-06'); // Platinum Jubilee, 2 and 3 June
    expect(addWorkingDays('2022-09-16', 1)).toBe('2022-09-20'); // State Funeral, 19 September
    expect(addWorkingDays('2023-05-05', 1)).toBe('2023-05-09'); // Coronation, 8 May
    expect(addWorkingDays('2020-05-07', 1)).toBe('2020-05-11'); // VE day, Friday 8 May
    expect(addWorkingDays('2020-05-01', 1)).toBe('2020-05-04'); // the usual early May Monday was moved
    expect(addWorkingDays('2022-05-27', 1)).toBe('2022-05-30'); // the usual spring Monday was moved
  });

  it('differs by division', () => {
    expect(addWorkingDays('2024-11-29', 1)).toBe('2024-12-02');
    expect(addWorkingDays('2024-11-29', 1, scotland)).toBe('2024-12-03'); // St Andrew's Day substitute
    expect(addWorkingDays('2023-11-29', 1, scotland)).toBe('2023-12-01'); // St Andrew's Day, Thursday 30 November
    expect(addWorkingDays('2024-03-15', 1)).toBe('2024-03-18');
    expect(addWorkingDays('2024-03-15', 1, northernIreland)).toBe('2024-03-19'); // St Patrick's Day substitute
    expect(addWorkingDays('2025-03-14', 1, northernIreland)).toBe('2025-03-18'); // St Patrick's Day, Monday
    expect(addWorkingDays('2024-07-11', 1)).toBe('2024-07-12');
    expect(addWorkingDays('2024-07-11', 1, northernIreland)).toBe('2024-07-15'); // Battle of the Boyne
    expect(addWorkingDays('2025-07-11', 1, northernIreland)).toBe('2025-07-15'); // its substitute, Monday 14 July
    expect(addWorkingDays('2024-08-02', 1)).toBe('2024-08-05');
    expect(addWorkingDays('2024-08-02', 1, scotland)).toBe('2024-08-06'); // first Monday of August
    expect(addWorkingDays('2024-08-23', 1, scotland)).toBe('2024-08-26'); // last Monday is a working day
  });

  it('agrees with a day-by-day reference for many starts and spans in every division', () => {
    for (const division of divisions) {
      for (let start = '2018-01-01', i = 0; start < '2028-11-01'; start = plusDays(start, 13), i++) {
        const n = i % 23;
        expect(addWorkingDays(start, n, { division }), `${division} ${start} + ${n}`).toBe(
          referenceAddWorkingDays(division, start, n),
        );
      }
    }
  });

  it('counts a long span the same way', () => {
    expect(addWorkingDays('2018-01-01', 250)).toBe(referenceAddWorkingDays('england-and-wales', '2018-01-01', 250));
    expect(addWorkingDays('2017-12-31', 2700, scotland)).toBe(referenceAddWorkingDays('scotland', '2017-12-31', 2700));
  });

  describe('takes the London date of an instant', () => {
    it('an ISO date-time with an offset, in summer and winter', () => {
      // 23:30 UTC on Thursday 6 June is 00:30 on Friday 7 June in London (BST).
      expect(addWorkingDays('2024-06-06T23:30:00Z', 1)).toBe('2024-06-10');
      expect(addWorkingDays('2024-06-06T22:30:00Z', 1)).toBe('2024-06-07');
      expect(addWorkingDays('2024-06-07T00:30:00+01:00', 1)).toBe('2024-06-10');
      // 23:30 UTC on Thursday 7 November is still 7 November in London (GMT).
      expect(addWorkingDays('2024-11-07T23:30:00Z', 1)).toBe('2024-11-08');
      expect(addWorkingDays('2024-11-07T23:30:00-01:00', 1)).toBe('2024-11-11');
    });

    it('late in the evening on the days the clocks change', () => {
      // 31 March 2024: clocks forward at 01:00 UTC. 23:30 UTC is 00:30 BST on Easter Monday 1 April.
      expect(addWorkingDays('2024-03-31T23:30:00Z', 1)).toBe('2024-04-02');
      expect(addWorkingDays('2024-03-31T23:30:00Z', 1, scotland)).toBe('2024-04-02');
      expect(addWorkingDays('2024-03-31T22:30:00Z', 1, scotland)).toBe('2024-04-01');
      // 27 October 2024: clocks back at 01:00 UTC. 23:30 UTC on the 26th is 00:30 BST on the 27th.
      expect(addWorkingDays('2024-10-25T22:30:00Z', 1)).toBe('2024-10-28');
      expect(addWorkingDays('2024-10-24T23:30:00Z', 1)).toBe('2024-10-28'); // London Friday 25th, 00:30
      expect(addWorkingDays('2024-10-27T23:30:00Z', 1)).toBe('2024-10-28'); // 23:30 GMT, still the 27th
      expect(addWorkingDays('2024-10-28T23:30:00Z', 1)).toBe('2024-10-29'); // 23:30 GMT on the 28th
    });

    it('a luxon DateTime in another zone, and a JS Date', () => {
      const newYork = DateTime.fromISO('2024-06-06T19:30:00', { zone: 'America/New_York' });
      expect(addWorkingDays(newYork, 1)).toBe('2024-06-10');
      expect(addWorkingDays(new Date(Date.UTC(2024, 5, 6, 23, 30)), 1)).toBe('2024-06-10');
      expect(addWorkingDays(new Date(Date.UTC(2024, 10, 7, 23, 30)), 1)).toBe('2024-11-08');
    });
  });

  it('refuses n that is not a non-negative whole number', () => {
    for (const n of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      const error = errorOf(() => addWorkingDays('2024-06-03', n));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details).toMatchObject({ field: 'n', input: String(n) });
    }
    expect(errorOf(() => addWorkingDays('2024-06-03', '5' as unknown as number)).code).toBe('INVALID_ARGUMENT');
  });

  it('refuses to count through a year it has no bank holidays for', () => {
    for (const [start, n, reached] of [
      ['2017-06-01', 5, '2017-06-02'],
      ['2016-12-30', 1, '2016-12-31'],
      ['2029-01-02', 1, '2029-01-03'],
      ['2028-12-27', 5, '2029-01-01'],
      ['2028-12-31', 1, '2029-01-01'],
    ] as const) {
      const error = errorOf(() => addWorkingDays(start, n));
      expect(error.code, start).toBe('CALENDAR_OUT_OF_RANGE');
      expect(error.message).toContain(reached);
      expect(error.message).toContain('2018–2028');
      expect(error.message).toContain('https://www.gov.uk/bank-holidays.json');
      expect(error.details).toMatchObject({ date: reached, firstYear: 2018, lastYear: 2028, input: start });
    }
    // The span fits when its last working day is the last covered one.
    expect(addWorkingDays('2028-12-20', 5)).toBe('2028-12-29');
    // Only the days after the start are examined.
    expect(addWorkingDays('2017-12-31', 1)).toBe('2018-01-02');
    expect(addWorkingDays('2029-06-01', 0)).toBe('2029-06-01');
  });
});

describe('isWorkingDay', () => {
  it('is Monday to Friday, not a bank holiday of the division', () => {
    expect(isWorkingDay('2024-06-07')).toBe(true);
    expect(isWorkingDay('2024-06-08')).toBe(false);
    expect(isWorkingDay('2024-06-09')).toBe(false);
    expect(isWorkingDay('2025-01-02')).toBe(true);
    expect(isWorkingDay('2025-01-02', scotland)).toBe(false);
    expect(isWorkingDay('2025-03-17', northernIreland)).toBe(false);
    expect(isWorkingDay('2025-03-17', scotland)).toBe(true);
    expect(isWorkingDay('2023-11-30', scotland)).toBe(false);
    expect(isWorkingDay('2023-11-30')).toBe(true);
  });

  it('reads an instant as its London date', () => {
    expect(isWorkingDay('2024-03-31T23:30:00Z')).toBe(false); // London: Easter Monday
    expect(isWorkingDay('2024-03-31T23:30:00Z', scotland)).toBe(true);
    expect(isWorkingDay(new Date(Date.UTC(2024, 5, 7, 23, 30)))).toBe(false); // London: Saturday
    expect(isWorkingDay(DateTime.fromISO('2024-06-07T20:00:00', { zone: 'America/Los_Angeles' }))).toBe(false);
  });

  it('refuses a day outside the covered years', () => {
    for (const date of ['2017-12-29', '2029-01-02']) {
      const error = errorOf(() => isWorkingDay(date));
      expect(error.code).toBe('CALENDAR_OUT_OF_RANGE');
      expect(error.details).toMatchObject({ date, division: 'england-and-wales' });
    }
  });
});

describe('workingDaysBetween', () => {
  it('counts the working days after from, up to and including to', () => {
    expect(workingDaysBetween('2024-06-03', '2024-06-10')).toBe(5);
    expect(workingDaysBetween('2024-12-20', '2025-01-02')).toBe(6);
    expect(workingDaysBetween('2024-12-20', '2025-01-02', scotland)).toBe(5);
    expect(workingDaysBetween('2024-06-03', '2024-06-04')).toBe(1);
    expect(workingDaysBetween('2024-06-07', '2024-06-09')).toBe(0); // Friday to Sunday
    expect(workingDaysBetween('2018-01-01', '2018-12-31')).toBe(253); // 261 weekdays less 8 bank holidays
  });

  it('is 0 when to is on or before from, without consulting the data', () => {
    expect(workingDaysBetween('2024-06-10', '2024-06-10')).toBe(0);
    expect(workingDaysBetween('2024-06-10', '2024-06-03')).toBe(0);
    expect(workingDaysBetween('2035-01-10', '2035-01-03')).toBe(0);
  });

  it('undoes addWorkingDays', () => {
    for (const division of divisions) {
      for (let start = '2018-01-03', n = 0; start < '2028-10-01'; start = plusDays(start, 17), n = (n + 3) % 40) {
        const end = addWorkingDays(start, n, { division });
        expect(workingDaysBetween(start, end, { division })).toBe(n);
      }
    }
  });

  it('refuses a span outside the covered years', () => {
    expect(errorOf(() => workingDaysBetween('2017-12-01', '2018-01-10')).details).toMatchObject({ date: '2017-12-02' });
    expect(errorOf(() => workingDaysBetween('2028-12-01', '2029-01-10')).details).toMatchObject({ date: '2029-01-01' });
    expect(workingDaysBetween('2017-12-31', '2018-01-02')).toBe(1);
  });
});
