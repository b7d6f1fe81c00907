import { describe, expect, it } from 'vitest';
import {
  defaultCalendar,
  divisions,
  isWorkingDay,
  shippedBankHolidays,
  SHIPPED_FIRST_YEAR,
  SHIPPED_LAST_YEAR,
  type Division,
} from '../../src/calendar/index.js';
import { allExpectedHolidays, expectedHolidays, expectedYears, plusDays, weekdayOf } from './expected-bank-holidays.js';

function shippedIn(division: Division, year: number): string[] {
  return defaultCalendar(division)
    .holidays.map((holiday) => holiday.date)
    .filter((date) => date.startsWith(`${year}-`));
}

/** Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The n-th (1-based) Monday of a month, or the last when n is -1. */
function monday(year: number, month: number, n: number): string {
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  const firstMonday = plusDays(first, (8 - weekdayOf(first)) % 7);
  if (n > 0) return plusDays(firstMonday, 7 * (n - 1));
  let last = firstMonday;
  while (plusDays(last, 7).slice(5, 7) === first.slice(5, 7)) last = plusDays(last, 7);
  return last;
}

describe('shipped bank holidays', () => {
  it('cover 2018 to 2028 in every division', () => {
    expect([SHIPPED_FIRST_YEAR, SHIPPED_LAST_YEAR]).toEqual([2018, 2028]);
    for (const division of divisions) {
      expect(defaultCalendar(division)).toMatchObject({ division, firstYear: 2018, lastYear: 2028 });
    }
  });

  for (const division of divisions) {
    describe(division, () => {
      it.each(expectedYears)('%i matches the published list exactly', (year) => {
        expect(shippedIn(division, year)).toEqual(expectedHolidays(division, year));
      });

      it('says for every day of 2018–2028 whether it is a working day', () => {
        const holidays = allExpectedHolidays(division);
        const wrong: string[] = [];
        for (let date = '2018-01-01'; date <= '2028-12-31'; date = plusDays(date, 1)) {
          const weekday = weekdayOf(date);
          const expected = weekday !== 0 && weekday !== 6 && !holidays.has(date);
          if (isWorkingDay(date, { division }) !== expected) wrong.push(date);
        }
        expect(wrong).toEqual([]);
      });

      it('lists only observed days, Monday to Friday, each once, in date order', () => {
        const dates = shippedBankHolidays[division].map((holiday) => holiday.date);
        expect(dates.filter((date) => weekdayOf(date) === 0 || weekdayOf(date) === 6)).toEqual([]);
        expect(new Set(dates).size).toBe(dates.length);
        expect([...dates].sort()).toEqual(dates);
        expect(shippedBankHolidays[division].every((holiday) => holiday.title.trim().length > 0)).toBe(true);
      });
    });
  }

  it('puts Good Friday two days before Easter Sunday everywhere, and Easter Monday outside Scotland', () => {
    const published = ['2018-04-01', '2019-04-21', '2020-04-12', '2021-04-04', '2022-04-17', '2023-04-09'];
    const later = ['2024-03-31', '2025-04-20', '2026-04-05', '2027-03-28', '2028-04-16'];
    expect(expectedYears.map(easterSunday)).toEqual([...published, ...later]);
    for (const year of expectedYears) {
      const easter = easterSunday(year);
      for (const division of divisions) {
        const holidays = shippedIn(division, year);
        expect(holidays, `${division} Good Friday ${year}`).toContain(plusDays(easter, -2));
        expect(holidays.includes(plusDays(easter, 1)), `${division} Easter Monday ${year}`).toBe(division !== 'scotland');
      }
    }
  });

  it('keeps the May and August Mondays, except where a proclamation moved them', () => {
    for (const year of expectedYears) {
      const englandAndWales = shippedIn('england-and-wales', year);
      const scotland = shippedIn('scotland', year);
      if (year !== 2020) expect(englandAndWales).toContain(monday(year, 5, 1));
      if (year !== 2022) expect(englandAndWales).toContain(monday(year, 5, -1));
      expect(englandAndWales).toContain(monday(year, 8, -1));
      expect(shippedIn('northern-ireland', year)).toContain(monday(year, 8, -1));
      expect(scotland).toContain(monday(year, 8, 1));
      expect(scotland).not.toContain(monday(year, 8, -1));
    }
    expect(shippedIn('england-and-wales', 2020)).not.toContain('2020-05-04');
    expect(shippedIn('england-and-wales', 2022)).not.toContain('2022-05-30');
  });

  it('has the one-off days in all three divisions, with their titles', () => {
    const oneOffs = {
      '2020-05-08': 'Early May bank holiday (VE day)',
      '2022-06-02': 'Spring bank holiday',
      '2022-06-03': 'Platinum Jubilee bank holiday',
      '2022-09-19': 'Bank Holiday for the State Funeral of Queen Elizabeth II',
      '2023-05-08': 'Bank holiday for the coronation of King Charles III',
    };
    for (const division of divisions) {
      const titles = new Map(defaultCalendar(division).holidays.map((holiday) => [holiday.date, holiday.title]));
      for (const [date, title] of Object.entries(oneOffs)) expect(titles.get(date), `${division} ${date}`).toBe(title);
    }
  });

  it('has the Scottish World Cup bank holiday of 15 June 2026 in Scotland only', () => {
    expect(isWorkingDay('2026-06-15', { division: 'scotland' })).toBe(false);
    expect(isWorkingDay('2026-06-15', { division: 'england-and-wales' })).toBe(true);
    expect(isWorkingDay('2026-06-15', { division: 'northern-ireland' })).toBe(true);
  });
});
