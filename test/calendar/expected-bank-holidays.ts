/**
 * The bank holidays each division observes, written out by hand from GOV.UK's published lists
 * (https://www.gov.uk/bank-holidays, and copies of bank-holidays.json for 2018–2027), one line per year
 * as month-day pairs. 2028 is from the statutory rules (Easter Sunday 16 April 2028; 1 January a
 * Saturday, 2 January a Sunday). This table is the tests' oracle: it is deliberately not derived from
 * src/calendar/data/bank-holidays.ts.
 */
import type { Division } from '../../src/calendar/index.js';

type YearTable = Readonly<Record<number, string>>;

const englandAndWales: YearTable = {
  2018: '01-01 03-30 04-02 05-07 05-28 08-27 12-25 12-26',
  2019: '01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26',
  2020: '01-01 04-10 04-13 05-08 05-25 08-31 12-25 12-28',
  2021: '01-01 04-02 04-05 05-03 05-31 08-30 12-27 12-28',
  2022: '01-03 04-15 04-18 05-02 06-02 06-03 08-29 09-19 12-26 12-27',
  2023: '01-02 04-07 04-10 05-01 05-08 05-29 08-28 12-25 12-26',
  2024: '01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26',
  2025: '01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26',
  2026: '01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28',
  2027: '01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28',
  2028: '01-03 04-14 04-17 05-01 05-29 08-28 12-25 12-26',
};

const scotland: YearTable = {
  2018: '01-01 01-02 03-30 05-07 05-28 08-06 11-30 12-25 12-26',
  2019: '01-01 01-02 04-19 05-06 05-27 08-05 12-02 12-25 12-26',
  2020: '01-01 01-02 04-10 05-08 05-25 08-03 11-30 12-25 12-28',
  2021: '01-01 01-04 04-02 05-03 05-31 08-02 11-30 12-27 12-28',
  2022: '01-03 01-04 04-15 05-02 06-02 06-03 08-01 09-19 11-30 12-26 12-27',
  2023: '01-02 01-03 04-07 05-01 05-08 05-29 08-07 11-30 12-25 12-26',
  2024: '01-01 01-02 03-29 05-06 05-27 08-05 12-02 12-25 12-26',
  2025: '01-01 01-02 04-18 05-05 05-26 08-04 12-01 12-25 12-26',
  2026: '01-01 01-02 04-03 05-04 05-25 06-15 08-03 11-30 12-25 12-28',
  2027: '01-01 01-04 03-26 05-03 05-31 08-02 11-30 12-27 12-28',
  2028: '01-03 01-04 04-14 05-01 05-29 08-07 11-30 12-25 12-26',
};

const northernIreland: YearTable = {
  2018: '01-01 03-19 03-30 04-02 05-07 05-28 07-12 08-27 12-25 12-26',
  2019: '01-01 03-18 04-19 04-22 05-06 05-27 07-12 08-26 12-25 12-26',
  2020: '01-01 03-17 04-10 04-13 05-08 05-25 07-13 08-31 12-25 12-28',
  2021: '01-01 03-17 04-02 04-05 05-03 05-31 07-12 08-30 12-27 12-28',
  2022: '01-03 03-17 04-15 04-18 05-02 06-02 06-03 07-12 08-29 09-19 12-26 12-27',
  2023: '01-02 03-17 04-07 04-10 05-01 05-08 05-29 07-12 08-28 12-25 12-26',
  2024: '01-01 03-18 03-29 04-01 05-06 05-27 07-12 08-26 12-25 12-26',
  2025: '01-01 03-17 04-18 04-21 05-05 05-26 07-14 08-25 12-25 12-26',
  2026: '01-01 03-17 04-03 04-06 05-04 05-25 07-13 08-31 12-25 12-28',
  2027: '01-01 03-17 03-26 03-29 05-03 05-31 07-12 08-30 12-27 12-28',
  2028: '01-03 03-17 04-14 04-17 05-01 05-29 07-12 08-28 12-25 12-26',
};

const tables: Readonly<Record<Division, YearTable>> = {
  'england-and-wales': englandAndWales,
  scotland,
  'northern-ireland': northernIreland,
};

export const expectedYears = Array.from({ length: 11 }, (_, i) => 2018 + i);

/** The expected bank holidays of a division in a year, as `'YYYY-MM-DD'`. */
export function expectedHolidays(division: Division, year: number): string[] {
  const line = tables[division][year];
  if (line === undefined) throw new Error(`no expected list for ${division} ${year}`);
  return line.split(' ').map((monthDay) => `${year}-${monthDay}`);
}

/** Every expected bank holiday of a division, 2018–2028. */
export function allExpectedHolidays(division: Division): Set<string> {
  return new Set(expectedYears.flatMap((year) => expectedHolidays(division, year)));
}

/** Day of the week by the JS Date (0 Sunday … 6 Saturday), independent of the library's arithmetic. */
export function weekdayOf(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

/** The date `n` days after `date`, by the JS Date. */
export function plusDays(date: string, n: number): string {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() + n);
  return at.toISOString().slice(0, 10);
}

/**
 * A slow, obviously correct reference for "the n-th working day after start", stepping one day at a
 * time through the expected table.
 */
export function referenceAddWorkingDays(division: Division, start: string, n: number): string {
  const holidays = allExpectedHolidays(division);
  let date = start;
  for (let left = n; left > 0; ) {
    date = plusDays(date, 1);
    const weekday = weekdayOf(date);
    if (weekday !== 0 && weekday !== 6 && !holidays.has(date)) left--;
  }
  return date;
}
