/**
 * The working-day calendar: London calendar dates, bank holidays per division, and the date
 * arithmetic the step-down deadlines need. It knows nothing of the policy or the machine.
 *
 * @module
 */
export type { BankHoliday, Calendar, CalendarOptions, DateInput, Division } from './types.js';
export { divisions } from './types.js';
export type { CreateCalendarInput } from './create-calendar.js';
export { createCalendar } from './create-calendar.js';
export { calendarFromGovUk } from './calendar-from-gov-uk.js';
export type { GovUkMergeOptions } from './calendar-from-gov-uk.js';
export { defaultCalendar } from './default-calendar.js';
export { SHIPPED_DATA_DATE, SHIPPED_FIRST_YEAR, SHIPPED_LAST_YEAR, shippedBankHolidays } from './data/bank-holidays.js';
export { toLondonDate } from './to-london-date.js';
export { isWorkingDay } from './is-working-day.js';
export { addWorkingDays } from './add-working-days.js';
export { workingDaysBetween } from './working-days-between.js';
export { addDays } from './add-days.js';
export { addMonths } from './add-months.js';
export { endOfDay } from './end-of-day.js';
