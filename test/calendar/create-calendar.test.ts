import { describe, expect, it } from 'vitest';
import {
  addWorkingDays,
  calendarFromGovUk,
  createCalendar,
  defaultCalendar,
  isWorkingDay,
  shippedBankHolidays,
  workingDaysBetween,
  type Calendar,
} from '../../src/calendar/index.js';
import { errorOf } from './assert-error.js';

// Northern Ireland's 2029 bank holidays as a host might list them (computed from the rules; a fixture only).
const ni2029 = [
  { date: '2029-01-01', title: 'New Year’s Day' },
  { date: '2029-03-19', title: 'St Patrick’s Day' },
  { date: '2029-03-30', title: 'Good Friday' },
  { date: '2029-04-02', title: 'Easter Monday' },
  { date: '2029-05-07', title: 'Early May bank holiday' },
  { date: '2029-05-28', title: 'Spring bank holiday' },
  { date: '2029-07-12', title: 'Battle of the Boyne (Orangemen’s Day)' },
  { date: '2029-08-27', title: 'Summer bank holiday' },
  { date: '2029-12-25', title: 'Christmas Day' },
  { date: '2029-12-26', title: 'Boxing Day' },
];

/** A GOV.UK-shaped document: three divisions, each with a few real 2024 events. */
const govUkFixture = {
  'england-and-wales': {
    division: 'england-and-wales',
    events: [
      { title: 'New Year’s Day', date: '2024-01-01', notes: '', bunting: true },
      { title: 'Good Friday', date: '2024-03-29', notes: '', bunting: false },
      { title: 'Easter Monday', date: '2024-04-01', notes: '', bunting: true },
      { title: 'Christmas Day', date: '2024-12-25', notes: '', bunting: true },
      { title: 'Boxing Day', date: '2024-12-26', notes: '', bunting: true },
    ],
  },
  scotland: {
    division: 'scotland',
    events: [
      { title: 'New Year’s Day', date: '2024-01-01', notes: '', bunting: true },
      { title: '2nd January', date: '2024-01-02', notes: '', bunting: true },
      { title: 'St Andrew’s Day', date: '2024-12-02', notes: 'Substitute day', bunting: true },
    ],
  },
  'northern-ireland': {
    division: 'northern-ireland',
    events: [
      { title: 'St Patrick’s Day', date: '2024-03-18', notes: 'Substitute day', bunting: true },
      { title: 'Battle of the Boyne (Orangemen’s Day)', date: '2024-07-12', notes: '', bunting: false },
    ],
  },
};

describe('createCalendar', () => {
  it('builds a calendar from a host list, covering the years of its first and last holiday', () => {
    const calendar = createCalendar({ division: 'northern-ireland', holidays: [...ni2029].reverse() });
    expect(calendar).toMatchObject({ division: 'northern-ireland', firstYear: 2029, lastYear: 2029 });
    expect(calendar.holidays.map((holiday) => holiday.date)).toEqual(ni2029.map((holiday) => holiday.date));
    expect(isWorkingDay('2029-07-12', { calendar })).toBe(false);
    expect(isWorkingDay('2029-07-13', { calendar })).toBe(true);
    expect(addWorkingDays('2029-12-21', 3, { calendar })).toBe('2029-12-28');
    expect(workingDaysBetween('2029-03-16', '2029-03-23', { calendar })).toBe(4);
    expect(errorOf(() => isWorkingDay('2030-01-02', { calendar })).details).toMatchObject({
      firstYear: 2029,
      lastYear: 2029,
    });
    expect(errorOf(() => isWorkingDay('2028-07-12', { calendar })).code).toBe('CALENDAR_OUT_OF_RANGE');
  });

  it('extends the shipped data with a host list', () => {
    const calendar = createCalendar({
      division: 'northern-ireland',
      holidays: [...shippedBankHolidays['northern-ireland'], ...ni2029],
    });
    expect([calendar.firstYear, calendar.lastYear]).toEqual([2018, 2029]);
    expect(addWorkingDays('2028-12-27', 5, { calendar })).toBe('2029-01-04');
  });

  it('takes covered years, leaving out holidays outside them', () => {
    const calendar = createCalendar({ division: 'england-and-wales', holidays: shippedBankHolidays['england-and-wales'], firstYear: 2024, lastYear: 2025 });
    expect(calendar.holidays.map((holiday) => holiday.date.slice(0, 4))).toEqual([...Array(8).fill('2024'), ...Array(8).fill('2025')]);
    expect(errorOf(() => isWorkingDay('2026-01-05', { calendar })).code).toBe('CALENDAR_OUT_OF_RANGE');
  });

  it('is frozen', () => {
    const calendar = createCalendar({ division: 'northern-ireland', holidays: ni2029 });
    expect(Object.isFrozen(calendar)).toBe(true);
    expect(Object.isFrozen(calendar.holidays)).toBe(true);
  });

  it('wins over a division given with it', () => {
    const calendar = createCalendar({ division: 'northern-ireland', holidays: shippedBankHolidays['northern-ireland'] });
    expect(isWorkingDay('2024-07-12', { division: 'scotland', calendar })).toBe(false);
    expect(isWorkingDay('2024-07-12', { division: 'scotland' })).toBe(true);
  });

  it('refuses bad input with INVALID_ARGUMENT naming the field', () => {
    const cases: [unknown, string][] = [
      [{ division: 'wales', holidays: ni2029 }, 'division'],
      [{ division: 'scotland' }, 'holidays'],
      [{ division: 'scotland', holidays: [{ date: '2029-01-01', title: 'x' }, { date: '2029-02-30', title: 'x' }] }, 'holidays[1].date'],
      [{ division: 'scotland', holidays: [{ date: '1 Jan 2029', title: 'x' }] }, 'holidays[0].date'],
      [{ division: 'scotland', holidays: [{ date: '2029-01-01', title: '  ' }] }, 'holidays[0].title'],
      [{ division: 'scotland', holidays: [{ date: '2029-01-01' }] }, 'holidays[0].title'],
      [{ division: 'scotland', holidays: ni2029, firstYear: 2029.5 }, 'firstYear'],
      [{ division: 'scotland', holidays: ni2029, firstYear: 2030, lastYear: 2029 }, 'firstYear'],
      [{ division: 'scotland', holidays: [] }, 'holidays'],
      [{ division: 'scotland', holidays: ni2029, lastYear: 2031 }, 'holidays'],
      [{ division: 'scotland', holidays: [{ date: '2027-01-01', title: 'x' }, ...ni2029] }, 'holidays'],
    ];
    for (const [input, field] of cases) {
      const error = errorOf(() => createCalendar(input as Parameters<typeof createCalendar>[0]));
      expect(error.code, field).toBe('INVALID_ARGUMENT');
      expect(error.details, JSON.stringify(input)).toMatchObject({ field });
      expect(error.message).toContain(field);
    }
    expect(errorOf(() => createCalendar({ division: 'scotland', holidays: ni2029, lastYear: 2031 })).message).toContain('2030, 2031');
  });

  it('refuses covered years that list no bank holiday, rather than treat them as having none', () => {
    const error = errorOf(() => createCalendar({ division: 'scotland', holidays: [], firstYear: 2029, lastYear: 2029 }));
    expect(error.message).toContain('no bank holiday listed in 2029');
  });
});

describe('calendarFromGovUk', () => {
  it('reads one division of the GOV.UK document, taking its list for the years it covers', () => {
    // The fixture lists a few 2024 days only, so it is taken as a correction of 2024 ({ onConflict: 'feed' }).
    const scotland = calendarFromGovUk(govUkFixture, 'scotland', { onConflict: 'feed' });
    expect(scotland).toMatchObject({ division: 'scotland', firstYear: 2018, lastYear: 2028 });
    expect(scotland.holidays.filter((h) => h.date.startsWith('2024'))).toEqual([
      { date: '2024-01-01', title: 'New Year’s Day' },
      { date: '2024-01-02', title: '2nd January' },
      { date: '2024-12-02', title: 'St Andrew’s Day' },
    ]);
    expect(isWorkingDay('2024-01-02', { calendar: scotland })).toBe(false);
    expect(isWorkingDay('2024-03-29', { calendar: scotland })).toBe(true); // not in this small fixture
    const northernIreland = calendarFromGovUk(govUkFixture, 'northern-ireland', { onConflict: 'feed' });
    expect(isWorkingDay('2024-07-12', { calendar: northernIreland })).toBe(false);
  });

  it('accepts the document as JSON text', () => {
    const calendar = calendarFromGovUk(JSON.stringify(govUkFixture), 'england-and-wales', { onConflict: 'feed' });
    expect(addWorkingDays('2024-12-23', 3, { calendar })).toBe('2024-12-30');
  });

  it('needs only the requested division to be well formed', () => {
    const { scotland } = govUkFixture;
    const calendar = calendarFromGovUk({ scotland }, 'scotland', { onConflict: 'feed' });
    expect(calendar.holidays.filter((h) => h.date.startsWith('2024'))).toHaveLength(3);
  });

  it('refuses an unknown shape with INVALID_ARGUMENT naming the field', () => {
    const cases: [unknown, string, string][] = [
      [{ scotland: govUkFixture.scotland }, 'england-and-wales', 'england-and-wales'],
      [{ scotland: { division: 'scotland' } }, 'scotland', 'scotland.events'],
      [{ scotland: { division: 'scotland', events: [] } }, 'scotland', 'scotland.events'],
      [{ scotland: { division: 'england-and-wales', events: [] } }, 'scotland', 'scotland.division'],
      [{ scotland: { division: 'scotland', events: [{ title: 'x', date: '2024-02-30' }] } }, 'scotland', 'scotland.events[0].date'],
      [{ scotland: { division: 'scotland', events: [{ title: '', date: '2024-01-01' }] } }, 'scotland', 'scotland.events[0].title'],
      [{ scotland: { division: 'scotland', events: [{ title: 'x', date: '2024-01-01', bunting: 'yes' }] } }, 'scotland', 'scotland.events[0].bunting'],
      [[1, 2, 3], 'scotland', 'json'],
      [null, 'scotland', 'json'],
      ['{ not json', 'scotland', 'json'],
      [govUkFixture, 'wales', 'division'],
    ];
    for (const [json, division, field] of cases) {
      const error = errorOf(() => calendarFromGovUk(json, division as 'scotland'));
      expect(error.code, field).toBe('INVALID_ARGUMENT');
      expect(error.details, field).toMatchObject({ field });
    }
  });
});

describe('calendar options', () => {
  it('builds each shipped calendar once', () => {
    expect(defaultCalendar('scotland')).toBe(defaultCalendar('scotland'));
    expect(defaultCalendar()).toBe(defaultCalendar('england-and-wales'));
  });

  it('refuses an unknown division or a calendar not built by the library', () => {
    expect(errorOf(() => isWorkingDay('2024-01-02', { division: 'wales' as 'scotland' })).details).toMatchObject({
      field: 'division',
    });
    const fake = { division: 'scotland', firstYear: 2024, lastYear: 2024, holidays: [] } as unknown as Calendar;
    expect(errorOf(() => addWorkingDays('2024-01-02', 1, { calendar: fake })).details).toMatchObject({ field: 'calendar' });
  });
});
