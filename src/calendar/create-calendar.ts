import { z } from 'zod';
import { buildCalendar } from './build-calendar.js';
import { bankHolidaySchema, schemaError } from './schemas.js';
import { divisions, type BankHoliday, type Calendar, type Division } from './types.js';

/** What {@link createCalendar} needs: a division and its bank holidays, with optional covered years. */
export interface CreateCalendarInput {
  /** The division these bank holidays belong to. */
  readonly division: Division;
  /** Every bank holiday of the covered years, in any order. Entries outside the covered years are left out. */
  readonly holidays: readonly BankHoliday[];
  /** First covered year; defaults to the year of the earliest holiday. */
  readonly firstYear?: number;
  /** Last covered year; defaults to the year of the latest holiday. */
  readonly lastYear?: number;
  /**
   * Where the data came from, the first part of the calendar's `version` (`custom` by default):
   * lower-case letters, digits, `.` and `-`, e.g. `'council-2026-03'`.
   */
  readonly label?: string;
}

const year = z.int().min(0).max(9999);

const inputSchema = z.object({
  division: z.enum(divisions),
  holidays: z.array(bankHolidaySchema),
  firstYear: year.optional(),
  lastYear: year.optional(),
  label: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{0,39}$/, "expected a label of lower-case letters, digits, '.' and '-' (at most 40)")
    .optional(),
});

/**
 * Builds a {@link Calendar} from a host's own list of bank holidays, e.g. to cover years after the
 * shipped data or a proclamation announced after this release. Build it once and pass it to every
 * call as `{ calendar }`: the per-call work is then a few array reads.
 *
 * The covered years default to the years of the earliest and latest holiday. Every covered year must
 * list at least one holiday: each division has several every year, so an empty year means the list
 * stops short, and counting working days through it would be a guess.
 *
 * @param input - division, holidays (`{ date: 'YYYY-MM-DD', title }`), optional `firstYear`, `lastYear` and `label`
 * @returns a frozen calendar
 * @throws StepDownError `INVALID_ARGUMENT` naming the field (e.g. `holidays[3].date`) when the input is not valid
 *
 * @example
 * ```ts
 * const calendar = createCalendar({
 *   division: 'scotland',
 *   holidays: [
 *     { date: '2029-01-01', title: 'New Year’s Day' },
 *     { date: '2029-01-02', title: '2nd January' },
 *   ],
 * });
 * isWorkingDay('2029-01-03', { calendar }); // => true
 * isWorkingDay('2029-01-02', { calendar }); // => false
 * calendar.version; // => 'custom+…' (12 hex digits of its content hash)
 * ```
 */
export function createCalendar(input: CreateCalendarInput): Calendar {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success) throw schemaError('createCalendar', parsed.error, 'input');
  const { division, holidays, firstYear, lastYear, label } = parsed.data;
  return buildCalendar(division, holidays, { firstYear, lastYear }, { where: 'createCalendar', holidaysField: 'holidays', label: label ?? 'custom' });
}
