import { DateTime } from 'luxon';
import {
  addDays,
  addWorkingDays,
  endOfDay,
  isWorkingDay,
  toLondonDate,
  workingDaysBetween,
} from '../src/calendar/index.js';
import { measure, type BenchSuite } from './harness.js';

const LUXON_PARSE = "luxon DateTime.fromISO('YYYY-MM-DD')";
const NATIVE_PARSE = "Date.parse('YYYY-MM-DD')";

// Sixteen starting days spread over the year (Christmas and Easter included), so the benchmark does
// not measure one memorised answer.
const dates = [
  '2024-01-02', '2024-02-14', '2024-03-27', '2024-03-28', '2024-04-30', '2024-05-24', '2024-06-12', '2024-07-19',
  '2024-08-22', '2024-09-30', '2024-10-25', '2024-11-27', '2024-12-19', '2024-12-20', '2024-12-23', '2024-12-31',
];
const instants = dates.map((date) => `${date}T16:45:00Z`);
const pick = <T>(list: readonly T[], i: number): T => list[i & 15]!;

/** The working-day calendar: the cost of each call a deadline computation makes, against one date parse. */
export const calendarSuite: BenchSuite = {
  title: 'Working-day calendar (src/calendar)',
  baselines: [LUXON_PARSE, NATIVE_PARSE],
  run: () => [
    measure(LUXON_PARSE, (i) => DateTime.fromISO(pick(dates, i))),
    measure(NATIVE_PARSE, (i) => Date.parse(pick(dates, i))),
    measure("addWorkingDays('YYYY-MM-DD', 5)", (i) => addWorkingDays(pick(dates, i), 5)),
    measure("addWorkingDays('YYYY-MM-DD', 5, { division: 'scotland' })", (i) =>
      addWorkingDays(pick(dates, i), 5, { division: 'scotland' }),
    ),
    measure("addWorkingDays('YYYY-MM-DDTHH:mm:ssZ', 5)", (i) => addWorkingDays(pick(instants, i), 5)),
    measure("isWorkingDay('YYYY-MM-DD')", (i) => isWorkingDay(pick(dates, i))),
    measure("workingDaysBetween('YYYY-MM-DD', '2025-12-31')", (i) => workingDaysBetween(pick(dates, i), '2025-12-31')),
    measure("addDays('YYYY-MM-DD', 28)", (i) => addDays(pick(dates, i), 28)),
    measure("toLondonDate('YYYY-MM-DDTHH:mm:ssZ')", (i) => toLondonDate(pick(instants, i))),
    measure("endOfDay('YYYY-MM-DD')", (i) => endOfDay(pick(dates, i))),
  ],
};
