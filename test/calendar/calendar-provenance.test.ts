import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  calendarFromGovUk,
  createCalendar,
  defaultCalendar,
  isWorkingDay,
  shippedBankHolidays,
} from '../../src/calendar/index.js';
import { errorOf } from './assert-error.js';

const england = shippedBankHolidays['england-and-wales'];
const inYears = (from: number, to: number) =>
  england.filter((h) => Number(h.date.slice(0, 4)) >= from && Number(h.date.slice(0, 4)) <= to).map((h) => ({ ...h, bunting: true, notes: '' }));
const feed = (events: readonly object[]) => ({ 'england-and-wales': { division: 'england-and-wales', events } });
const funeral = '2022-09-19';
/** England and Wales as the data stood before the announcement of 10 September 2022. */
const beforeAnnouncement = createCalendar({ division: 'england-and-wales', holidays: england.filter((h) => h.date !== funeral), label: 'gov-uk-2022-09-09' });

describe('calendar versions', () => {
  it('pins the shipped data: the date of the data, then its content hash', () => {
    // Editing the shipped holidays changes the hash and fails here: bump SHIPPED_DATA_DATE with the data.
    expect(defaultCalendar('england-and-wales').version).toBe('shipped-2026-02-04+8b38f49e0f27');
    expect(defaultCalendar('scotland').version).toBe('shipped-2026-02-04+26138f94376b');
    expect(defaultCalendar('northern-ireland').version).toBe('shipped-2026-02-04+6b5225136512');
  });

  it('hashes the dates, not the titles or the order', () => {
    const a = createCalendar({ division: 'england-and-wales', holidays: [...england].reverse() });
    const b = createCalendar({ division: 'england-and-wales', holidays: england.map((h) => ({ ...h, title: 'Renamed' })) });
    expect(a.version).toBe('custom+8b38f49e0f27');
    expect(b.version).toBe(a.version);
    expect(beforeAnnouncement.version).toMatch(/^gov-uk-2022-09-09\+[0-9a-f]{12}$/);
    expect(beforeAnnouncement.version.split('+')[1]).not.toBe('8b38f49e0f27');
  });

  it('refuses a label that is not a short lower-case name', () => {
    const error = errorOf(() => createCalendar({ division: 'scotland', holidays: shippedBankHolidays.scotland, label: 'Council 2026!' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details).toMatchObject({ field: 'label' });
  });
});

describe('calendarFromGovUk merges the feed into the shipped history', () => {
  it('keeps the years a feed has dropped (the 2025 feed lists 2024 onwards only)', () => {
    const calendar = calendarFromGovUk(feed(inYears(2024, 2027)), 'england-and-wales');
    expect(calendar).toMatchObject({ firstYear: 2018, lastYear: 2028 });
    expect(calendar.version).toBe('gov-uk+8b38f49e0f27'); // the same days as the shipped data
    expect(isWorkingDay(funeral, { calendar })).toBe(false);
    expect(addWorkingDays('2022-09-12', 5, { calendar })).toBe('2022-09-20');
  });

  it('extends the history with the years the feed adds', () => {
    const y2029 = [
      { date: '2029-01-01', title: 'New Year’s Day' },
      { date: '2029-03-30', title: 'Good Friday' },
      { date: '2029-12-25', title: 'Christmas Day' },
    ];
    const calendar = calendarFromGovUk(feed([...inYears(2027, 2028), ...y2029]), 'england-and-wales');
    expect(calendar).toMatchObject({ firstYear: 2018, lastYear: 2029 });
    expect(isWorkingDay('2029-03-30', { calendar })).toBe(false);
    expect(isWorkingDay('2019-04-19', { calendar })).toBe(false); // Good Friday 2019, kept from the shipped data
  });

  it('takes a holiday the feed adds to a year the base covers (19 September 2022 announced after the data)', () => {
    const calendar = calendarFromGovUk(feed(inYears(2022, 2023)), 'england-and-wales', { base: beforeAnnouncement });
    expect(isWorkingDay(funeral, { calendar })).toBe(false);
    expect(addWorkingDays('2022-09-12', 5, { calendar })).toBe('2022-09-20');
    expect(addWorkingDays('2022-09-12', 5, { calendar: beforeAnnouncement })).toBe('2022-09-19');
  });

  it('refuses, as CALENDAR_CONFLICT, a feed that leaves out a holiday the base holds for a year both cover', () => {
    // An old copy of the feed, from before the announcement, would take back the State Funeral holiday.
    const stale = inYears(2022, 2023).filter((h) => h.date !== funeral);
    const error = errorOf(() => calendarFromGovUk(feed(stale), 'england-and-wales'));
    expect(error.code).toBe('CALENDAR_CONFLICT');
    expect(error.details).toMatchObject({ division: 'england-and-wales', dates: [funeral] });
    expect(error.message).toContain("onConflict: 'feed'");
    // Told that the day really moved, the feed's list wins for the years it covers; older years stay.
    const taken = calendarFromGovUk(feed(stale), 'england-and-wales', { onConflict: 'feed' });
    expect(isWorkingDay(funeral, { calendar: taken })).toBe(true);
    expect(taken.firstYear).toBe(2018);
  });

  it('refuses a base of another division, and a feed that would leave a gap after the history', () => {
    expect(errorOf(() => calendarFromGovUk(feed(inYears(2024, 2024)), 'england-and-wales', { base: defaultCalendar('scotland') })).details).toMatchObject({
      field: 'base',
    });
    const y2030 = [{ date: '2030-01-01', title: 'New Year’s Day' }];
    const gap = errorOf(() => calendarFromGovUk(feed(y2030), 'england-and-wales'));
    expect(gap.code).toBe('INVALID_ARGUMENT');
    expect(gap.message).toContain('2029');
  });
});
