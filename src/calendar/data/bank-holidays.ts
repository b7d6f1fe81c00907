/**
 * The bank holidays of the three UK divisions, 2018 to 2028 inclusive, as observed (a substitute day
 * replaces a date that falls at a weekend). Hand-maintained; titles are GOV.UK's.
 *
 * Sources:
 * - 2018–2027: GOV.UK, https://www.gov.uk/bank-holidays.json (the list GOV.UK publishes for each
 *   year), checked entry by entry against copies of that file published between 2018 and 2025.
 * - Scotland 2026-06-15: a one-off bank holiday appointed by royal proclamation of 4 February 2026
 *   under section 1(3) of the Banking and Financial Dealings Act 1971, to mark the men's football
 *   team's return to the FIFA World Cup. Not in the copies of GOV.UK's file checked above (they predate
 *   it); the title here is ours. Check it against GOV.UK.
 * - 2028: not in any copy of GOV.UK's file checked; computed from the statutory rules: the schedules
 *   of the Banking and Financial Dealings Act 1971 (with the royal proclamations that each year move
 *   the early May, spring and New Year holidays and appoint St Patrick's Day, Battle of the Boyne and
 *   Scotland's substitute days), and the Easter date (16 April 2028). Check it against GOV.UK when it
 *   publishes 2028, and add a proclamation's one-off day if one is made.
 *
 * Years after 2028 are not guessed: a working-day computation that reaches 2029 throws
 * CALENDAR_OUT_OF_RANGE. Hosts supply newer years with `calendarFromGovUk()` or `createCalendar()`.
 * To add a year here: append it to each division, update `SHIPPED_LAST_YEAR`, and add the year's
 * expected lists to `test/calendar/bank-holidays.test.ts` from GOV.UK's page, not from this file.
 */
import type { BankHoliday, Division } from '../types.js';

/** The first year of the shipped bank-holiday data. */
export const SHIPPED_FIRST_YEAR = 2018;
/**
 * The date of the shipped data: the latest source it rests on (the proclamation of 4 February 2026).
 * It opens the shipped calendars' `version` (`shipped-2026-02-04+<hash>`); change it with the data,
 * and `test/calendar/calendar-version.test.ts` pins the hash so an edit without it fails.
 */
export const SHIPPED_DATA_DATE = '2026-02-04';
/** The last year of the shipped bank-holiday data. */
export const SHIPPED_LAST_YEAR = 2028;

const englandAndWales: readonly BankHoliday[] = [
  { date: '2018-01-01', title: 'New Year’s Day' },
  { date: '2018-03-30', title: 'Good Friday' },
  { date: '2018-04-02', title: 'Easter Monday' },
  { date: '2018-05-07', title: 'Early May bank holiday' },
  { date: '2018-05-28', title: 'Spring bank holiday' },
  { date: '2018-08-27', title: 'Summer bank holiday' },
  { date: '2018-12-25', title: 'Christmas Day' },
  { date: '2018-12-26', title: 'Boxing Day' },

  { date: '2019-01-01', title: 'New Year’s Day' },
  { date: '2019-04-19', title: 'Good Friday' },
  { date: '2019-04-22', title: 'Easter Monday' },
  { date: '2019-05-06', title: 'Early May bank holiday' },
  { date: '2019-05-27', title: 'Spring bank holiday' },
  { date: '2019-08-26', title: 'Summer bank holiday' },
  { date: '2019-12-25', title: 'Christmas Day' },
  { date: '2019-12-26', title: 'Boxing Day' },

  { date: '2020-01-01', title: 'New Year’s Day' },
  { date: '2020-04-10', title: 'Good Friday' },
  { date: '2020-04-13', title: 'Easter Monday' },
  { date: '2020-05-08', title: 'Early May bank holiday (VE day)' }, // moved from Monday 4 May
  { date: '2020-05-25', title: 'Spring bank holiday' },
  { date: '2020-08-31', title: 'Summer bank holiday' },
  { date: '2020-12-25', title: 'Christmas Day' },
  { date: '2020-12-28', title: 'Boxing Day' }, // substitute day

  { date: '2021-01-01', title: 'New Year’s Day' },
  { date: '2021-04-02', title: 'Good Friday' },
  { date: '2021-04-05', title: 'Easter Monday' },
  { date: '2021-05-03', title: 'Early May bank holiday' },
  { date: '2021-05-31', title: 'Spring bank holiday' },
  { date: '2021-08-30', title: 'Summer bank holiday' },
  { date: '2021-12-27', title: 'Christmas Day' }, // substitute day
  { date: '2021-12-28', title: 'Boxing Day' }, // substitute day

  { date: '2022-01-03', title: 'New Year’s Day' }, // substitute day
  { date: '2022-04-15', title: 'Good Friday' },
  { date: '2022-04-18', title: 'Easter Monday' },
  { date: '2022-05-02', title: 'Early May bank holiday' },
  { date: '2022-06-02', title: 'Spring bank holiday' }, // moved from Monday 30 May
  { date: '2022-06-03', title: 'Platinum Jubilee bank holiday' },
  { date: '2022-08-29', title: 'Summer bank holiday' },
  { date: '2022-09-19', title: 'Bank Holiday for the State Funeral of Queen Elizabeth II' },
  { date: '2022-12-26', title: 'Boxing Day' },
  { date: '2022-12-27', title: 'Christmas Day' }, // substitute day

  { date: '2023-01-02', title: 'New Year’s Day' }, // substitute day
  { date: '2023-04-07', title: 'Good Friday' },
  { date: '2023-04-10', title: 'Easter Monday' },
  { date: '2023-05-01', title: 'Early May bank holiday' },
  { date: '2023-05-08', title: 'Bank holiday for the coronation of King Charles III' },
  { date: '2023-05-29', title: 'Spring bank holiday' },
  { date: '2023-08-28', title: 'Summer bank holiday' },
  { date: '2023-12-25', title: 'Christmas Day' },
  { date: '2023-12-26', title: 'Boxing Day' },

  { date: '2024-01-01', title: 'New Year’s Day' },
  { date: '2024-03-29', title: 'Good Friday' },
  { date: '2024-04-01', title: 'Easter Monday' },
  { date: '2024-05-06', title: 'Early May bank holiday' },
  { date: '2024-05-27', title: 'Spring bank holiday' },
  { date: '2024-08-26', title: 'Summer bank holiday' },
  { date: '2024-12-25', title: 'Christmas Day' },
  { date: '2024-12-26', title: 'Boxing Day' },

  { date: '2025-01-01', title: 'New Year’s Day' },
  { date: '2025-04-18', title: 'Good Friday' },
  { date: '2025-04-21', title: 'Easter Monday' },
  { date: '2025-05-05', title: 'Early May bank holiday' },
  { date: '2025-05-26', title: 'Spring bank holiday' },
  { date: '2025-08-25', title: 'Summer bank holiday' },
  { date: '2025-12-25', title: 'Christmas Day' },
  { date: '2025-12-26', title: 'Boxing Day' },

  { date: '2026-01-01', title: 'New Year’s Day' },
  { date: '2026-04-03', title: 'Good Friday' },
  { date: '2026-04-06', title: 'Easter Monday' },
  { date: '2026-05-04', title: 'Early May bank holiday' },
  { date: '2026-05-25', title: 'Spring bank holiday' },
  { date: '2026-08-31', title: 'Summer bank holiday' },
  { date: '2026-12-25', title: 'Christmas Day' },
  { date: '2026-12-28', title: 'Boxing Day' }, // substitute day

  { date: '2027-01-01', title: 'New Year’s Day' },
  { date: '2027-03-26', title: 'Good Friday' },
  { date: '2027-03-29', title: 'Easter Monday' },
  { date: '2027-05-03', title: 'Early May bank holiday' },
  { date: '2027-05-31', title: 'Spring bank holiday' },
  { date: '2027-08-30', title: 'Summer bank holiday' },
  { date: '2027-12-27', title: 'Christmas Day' }, // substitute day
  { date: '2027-12-28', title: 'Boxing Day' }, // substitute day

  // 2028: computed from the statutory rules (see the header).
  { date: '2028-01-03', title: 'New Year’s Day' }, // substitute day
  { date: '2028-04-14', title: 'Good Friday' },
  { date: '2028-04-17', title: 'Easter Monday' },
  { date: '2028-05-01', title: 'Early May bank holiday' },
  { date: '2028-05-29', title: 'Spring bank holiday' },
  { date: '2028-08-28', title: 'Summer bank holiday' },
  { date: '2028-12-25', title: 'Christmas Day' },
  { date: '2028-12-26', title: 'Boxing Day' },
];

// Scotland: 2 January, no Easter Monday, summer bank holiday on the first Monday of August, and
// St Andrew's Day (30 November, the next Monday when it falls at a weekend).
const scotland: readonly BankHoliday[] = [
  { date: '2018-01-01', title: 'New Year’s Day' },
  { date: '2018-01-02', title: '2nd January' },
  { date: '2018-03-30', title: 'Good Friday' },
  { date: '2018-05-07', title: 'Early May bank holiday' },
  { date: '2018-05-28', title: 'Spring bank holiday' },
  { date: '2018-08-06', title: 'Summer bank holiday' },
  { date: '2018-11-30', title: 'St Andrew’s Day' },
  { date: '2018-12-25', title: 'Christmas Day' },
  { date: '2018-12-26', title: 'Boxing Day' },

  { date: '2019-01-01', title: 'New Year’s Day' },
  { date: '2019-01-02', title: '2nd January' },
  { date: '2019-04-19', title: 'Good Friday' },
  { date: '2019-05-06', title: 'Early May bank holiday' },
  { date: '2019-05-27', title: 'Spring bank holiday' },
  { date: '2019-08-05', title: 'Summer bank holiday' },
  { date: '2019-12-02', title: 'St Andrew’s Day' }, // substitute day
  { date: '2019-12-25', title: 'Christmas Day' },
  { date: '2019-12-26', title: 'Boxing Day' },

  { date: '2020-01-01', title: 'New Year’s Day' },
  { date: '2020-01-02', title: '2nd January' },
  { date: '2020-04-10', title: 'Good Friday' },
  { date: '2020-05-08', title: 'Early May bank holiday (VE day)' }, // moved from Monday 4 May
  { date: '2020-05-25', title: 'Spring bank holiday' },
  { date: '2020-08-03', title: 'Summer bank holiday' },
  { date: '2020-11-30', title: 'St Andrew’s Day' },
  { date: '2020-12-25', title: 'Christmas Day' },
  { date: '2020-12-28', title: 'Boxing Day' }, // substitute day

  { date: '2021-01-01', title: 'New Year’s Day' },
  { date: '2021-01-04', title: '2nd January' }, // substitute day
  { date: '2021-04-02', title: 'Good Friday' },
  { date: '2021-05-03', title: 'Early May bank holiday' },
  { date: '2021-05-31', title: 'Spring bank holiday' },
  { date: '2021-08-02', title: 'Summer bank holiday' },
  { date: '2021-11-30', title: 'St Andrew’s Day' },
  { date: '2021-12-27', title: 'Christmas Day' }, // substitute day
  { date: '2021-12-28', title: 'Boxing Day' }, // substitute day

  { date: '2022-01-03', title: 'New Year’s Day' }, // substitute day
  { date: '2022-01-04', title: '2nd January' }, // substitute day
  { date: '2022-04-15', title: 'Good Friday' },
  { date: '2022-05-02', title: 'Early May bank holiday' },
  { date: '2022-06-02', title: 'Spring bank holiday' }, // moved from Monday 30 May
  { date: '2022-06-03', title: 'Platinum Jubilee bank holiday' },
  { date: '2022-08-01', title: 'Summer bank holiday' },
  { date: '2022-09-19', title: 'Bank Holiday for the State Funeral of Queen Elizabeth II' },
  { date: '2022-11-30', title: 'St Andrew’s Day' },
  { date: '2022-12-26', title: 'Boxing Day' },
  { date: '2022-12-27', title: 'Christmas Day' }, // substitute day

  { date: '2023-01-02', title: 'New Year’s Day' }, // substitute day
  { date: '2023-01-03', title: '2nd January' }, // substitute day
  { date: '2023-04-07', title: 'Good Friday' },
  { date: '2023-05-01', title: 'Early May bank holiday' },
  { date: '2023-05-08', title: 'Bank holiday for the coronation of King Charles III' },
  { date: '2023-05-29', title: 'Spring bank holiday' },
  { date: '2023-08-07', title: 'Summer bank holiday' },
  { date: '2023-11-30', title: 'St Andrew’s Day' },
  { date: '2023-12-25', title: 'Christmas Day' },
  { date: '2023-12-26', title: 'Boxing Day' },

  { date: '2024-01-01', title: 'New Year’s Day' },
  { date: '2024-01-02', title: '2nd January' },
  { date: '2024-03-29', title: 'Good Friday' },
  { date: '2024-05-06', title: 'Early May bank holiday' },
  { date: '2024-05-27', title: 'Spring bank holiday' },
  { date: '2024-08-05', title: 'Summer bank holiday' },
  { date: '2024-12-02', title: 'St Andrew’s Day' }, // substitute day
  { date: '2024-12-25', title: 'Christmas Day' },
  { date: '2024-12-26', title: 'Boxing Day' },

  { date: '2025-01-01', title: 'New Year’s Day' },
  { date: '2025-01-02', title: '2nd January' },
  { date: '2025-04-18', title: 'Good Friday' },
  { date: '2025-05-05', title: 'Early May bank holiday' },
  { date: '2025-05-26', title: 'Spring bank holiday' },
  { date: '2025-08-04', title: 'Summer bank holiday' },
  { date: '2025-12-01', title: 'St Andrew’s Day' }, // substitute day
  { date: '2025-12-25', title: 'Christmas Day' },
  { date: '2025-12-26', title: 'Boxing Day' },

  { date: '2026-01-01', title: 'New Year’s Day' },
  { date: '2026-01-02', title: '2nd January' },
  { date: '2026-04-03', title: 'Good Friday' },
  { date: '2026-05-04', title: 'Early May bank holiday' },
  { date: '2026-05-25', title: 'Spring bank holiday' },
  { date: '2026-06-15', title: 'Bank holiday for Scotland’s return to the FIFA World Cup' }, // proclamation of 4 February 2026
  { date: '2026-08-03', title: 'Summer bank holiday' },
  { date: '2026-11-30', title: 'St Andrew’s Day' },
  { date: '2026-12-25', title: 'Christmas Day' },
  { date: '2026-12-28', title: 'Boxing Day' }, // substitute day

  { date: '2027-01-01', title: 'New Year’s Day' },
  { date: '2027-01-04', title: '2nd January' }, // substitute day
  { date: '2027-03-26', title: 'Good Friday' },
  { date: '2027-05-03', title: 'Early May bank holiday' },
  { date: '2027-05-31', title: 'Spring bank holiday' },
  { date: '2027-08-02', title: 'Summer bank holiday' },
  { date: '2027-11-30', title: 'St Andrew’s Day' },
  { date: '2027-12-27', title: 'Christmas Day' }, // substitute day
  { date: '2027-12-28', title: 'Boxing Day' }, // substitute day

  // 2028: computed from the statutory rules (see the header).
  { date: '2028-01-03', title: 'New Year’s Day' }, // substitute day
  { date: '2028-01-04', title: '2nd January' }, // substitute day
  { date: '2028-04-14', title: 'Good Friday' },
  { date: '2028-05-01', title: 'Early May bank holiday' },
  { date: '2028-05-29', title: 'Spring bank holiday' },
  { date: '2028-08-07', title: 'Summer bank holiday' },
  { date: '2028-11-30', title: 'St Andrew’s Day' },
  { date: '2028-12-25', title: 'Christmas Day' },
  { date: '2028-12-26', title: 'Boxing Day' },
];

// Northern Ireland: England and Wales's days plus St Patrick's Day (17 March) and the Battle of the
// Boyne (12 July), each moved to the next Monday when it falls at a weekend.
const northernIreland: readonly BankHoliday[] = [
  { date: '2018-01-01', title: 'New Year’s Day' },
  { date: '2018-03-19', title: 'St Patrick’s Day' }, // substitute day
  { date: '2018-03-30', title: 'Good Friday' },
  { date: '2018-04-02', title: 'Easter Monday' },
  { date: '2018-05-07', title: 'Early May bank holiday' },
  { date: '2018-05-28', title: 'Spring bank holiday' },
  { date: '2018-07-12', title: 'Battle of the Boyne (Orangemen’s Day)' },
  { date: '2018-08-27', title: 'Summer bank holiday' },
  { date: '2018-12-25', title: 'Christmas Day' },
  { date: '2018-12-26', title: 'Boxing Day' },

  { date: '2019-01-01', title: 'New Year’s Day' },
  { date: '2019-03-18', title: 'St Patrick’s Day' }, // substitute day
  { date: '2019-04-19', title: 'Good Friday' },
  { date: '2019-04-22', title: 'Easter Monday' },
  { date: '2019-05-06', title: 'Early May bank holiday' },
  { date: '2019-05-27', title: 'Spring bank holiday' },
  { date: '2019-07-12', title: 'Battle of the Boyne (Orangemen’s Day)' },
  { date: '2019-08-26', title: 'Summer bank holiday' },
  { date: '2019-12-25', title: 'Christmas Day' },
  { date: '2019-12-26', title: 'Boxing Day' },

  { date: '2020-01-01', title: 'New Year’s Day' },
  { date: '2020-03-17', title: 'St Patrick’s Day' },
  { date: '2020-04-10', title: 'Good Friday' },
  { date: '2020-04-13', title: 'Easter Monday' },
  { date: '2020-05-08', title: 'Early May bank holiday (VE day)' }, // moved from Monday 4 May
  { date: '2020-05-25', title: 'Spring bank holiday' },
  { date: '2020-07-13', title: 'Battle of the Boyne (Orangemen’s Day)' }, // substitute day
  { date: '2020-08-31', title: 'Summer bank holiday' },
  { date: '2020-12-25', title: 'Christmas Day' },
  { date: '2020-12-28', title: 'Boxing Day' }, // substitute day

  { date: '2021-01-01', title: 'New Year’s Day' },
  { date: '2021-03-17', title: 'St Patrick’s Day' },
  { date: '2021-04-02', title: 'Good Friday' },
  { date: '2021-04-05', title: 'Easter Monday' },
  { date: '2021-05-03', title: 'Early May bank holiday' },
  { date: '2021-05-31', title: 'Spring bank holiday' },
  { date: '2021-07-12', title: 'Battle of the Boyne (Orangemen’s Day)' },
  { date: '2021-08-30', title: 'Summer bank holiday' },
  { date: '2021-12-27', title: 'Christmas Day' }, // substitute day
  { date: '2021-12-28', title: 'Boxing Day' }, // substitute day

  { date: '2022-01-03', title: 'New Year’s Day' }, // substitute day
  { date: '2022-03-17', title: 'St Patrick’s Day' },
  { date: '2022-04-15', title: 'Good Friday' },
  { date: '2022-04-18', title: 'Easter Monday' },
  { date: '2022-05-02', title: 'Early May bank holiday' },
  { date: '2022-06-02', title: 'Spring bank holiday' }, // moved from Monday 30 May
  { date: '2022-06-03', title: 'Platinum Jubilee bank holiday' },
  { date: '2022-07-12', title: 'Battle of the Boyne (Orangemen’s Day)' },
  { date: '2022-08-29', title: 'Summer bank holiday' },
  { date: '2022-09-19', title: 'Bank Holiday for the State Funeral of Queen Elizabeth II' },
  { date: '2022-12-26', title: 'Boxing Day' },
  { date: '2022-12-27', title: 'Christmas Day' }, // substitute day

  { date: '2023-01-02', title: 'New Year’s Day' }, // substitute day
  { date: '2023-03-17', title: 'St Patrick’s Day' },
  { date: '2023-04-07', title: 'Good Friday' },
  { date: '2023-04-10', title: 'Easter Monday' },
  { date: '2023-05-01', title: 'Early May bank holiday' },
  { date: '2023-05-08', title: 'Bank holiday for the coronation of King Charles III' },
  { date: '2023-05-29', title: 'Spring bank holiday' },
  { date: '2023-07-12', title: 'Battle of the Boyne (Orangemen’s Day)' },
  { date: '2023-08-28', title: 'Summer bank holiday' },
  { date: '2023-12-25', title: 'Christmas Day' },
  { date: '2023-12-26', title: 'Boxing Day' },

  { date: '2024-01-01', title: 'New Year’s Day' },
  { date: '2024-03-18', title: 'St Patrick’s Day' }, // substitute day
  { date: '2024-03-29', title: 'Good Friday' },
  { date: '2024-04-01', title: 'Easter Monday' },
  { date: '2024-05-06', title: 'Early May bank holiday' },
  { date: '2024-05-27', title: 'Spring bank holiday' },
  { date: '2024-07-12', title: 'Battle of the Boyne (Orangemen’s Day)' },
  { date: '2024-08-26', title: 'Summer bank holiday' },
  { date: '2024-12-25', title: 'Christmas Day' },
  { date: '2024-12-26', title: 'Boxing Day' },

  { date: '2025-01-01', title: 'New Year’s Day' },
  { date: '2025-03-17', title: 'St Patrick’s Day' },
  { date: '2025-04-18', title: 'Good Friday' },
  { date: '2025-04-21', title: 'Easter Monday' },
  { date: '2025-05-05', title: 'Early May bank holiday' },
  { date: '2025-05-26', title: 'Spring bank holiday' },
  { date: '2025-07-14', title: 'Battle of the Boyne (Orangemen’s Day)' }, // substitute day
  { date: '2025-08-25', title: 'Summer bank holiday' },
  { date: '2025-12-25', title: 'Christmas Day' },
  { date: '2025-12-26', title: 'Boxing Day' },

  { date: '2026-01-01', title: 'New Year’s Day' },
  { date: '2026-03-17', title: 'St Patrick’s Day' },
  { date: '2026-04-03', title: 'Good Friday' },
  { date: '2026-04-06', title: 'Easter Monday' },
  { date: '2026-05-04', title: 'Early May bank holiday' },
  { date: '2026-05-25', title: 'Spring bank holiday' },
  { date: '2026-07-13', title: 'Battle of the Boyne (Orangemen’s Day)' }, // substitute day
  { date: '2026-08-31', title: 'Summer bank holiday' },
  { date: '2026-12-25', title: 'Christmas Day' },
  { date: '2026-12-28', title: 'Boxing Day' }, // substitute day

  { date: '2027-01-01', title: 'New Year’s Day' },
  { date: '2027-03-17', title: 'St Patrick’s Day' },
  { date: '2027-03-26', title: 'Good Friday' },
  { date: '2027-03-29', title: 'Easter Monday' },
  { date: '2027-05-03', title: 'Early May bank holiday' },
  { date: '2027-05-31', title: 'Spring bank holiday' },
  { date: '2027-07-12', title: 'Battle of the Boyne (Orangemen’s Day)' },
  { date: '2027-08-30', title: 'Summer bank holiday' },
  { date: '2027-12-27', title: 'Christmas Day' }, // substitute day
  { date: '2027-12-28', title: 'Boxing Day' }, // substitute day

  // 2028: computed from the statutory rules (see the header).
  { date: '2028-01-03', title: 'New Year’s Day' }, // substitute day
  { date: '2028-03-17', title: 'St Patrick’s Day' },
  { date: '2028-04-14', title: 'Good Friday' },
  { date: '2028-04-17', title: 'Easter Monday' },
  { date: '2028-05-01', title: 'Early May bank holiday' },
  { date: '2028-05-29', title: 'Spring bank holiday' },
  { date: '2028-07-12', title: 'Battle of the Boyne (Orangemen’s Day)' },
  { date: '2028-08-28', title: 'Summer bank holiday' },
  { date: '2028-12-25', title: 'Christmas Day' },
  { date: '2028-12-26', title: 'Boxing Day' },
];

/**
 * The shipped bank holidays of each division, 2018–2028, sorted by date. Hosts may extend a list
 * (e.g. with a newly proclaimed day) and pass it to `createCalendar()`.
 */
export const shippedBankHolidays: Readonly<Record<Division, readonly BankHoliday[]>> = Object.freeze({
  'england-and-wales': englandAndWales,
  scotland,
  'northern-ireland': northernIreland,
});
