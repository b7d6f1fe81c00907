import { z } from 'zod';
import { StepDownError } from '../errors.js';
import { buildCalendar } from './build-calendar.js';
import { defaultCalendar } from './default-calendar.js';
import { resolveCalendar } from './resolve-calendar.js';
import { bankHolidaySchema, schemaError } from './schemas.js';
import { divisions, type BankHoliday, type Calendar, type Division } from './types.js';

const divisionSchema = z.enum(divisions);

function documentSchema(division: Division) {
  const event = bankHolidaySchema.extend({ notes: z.string().optional(), bunting: z.boolean().optional() });
  // Only the requested division is checked: the other two may change shape without breaking this one.
  return z.looseObject({ [division]: z.object({ division: z.literal(division), events: z.array(event) }) });
}

/** Options of {@link calendarFromGovUk}. */
export interface GovUkMergeOptions {
  /**
   * The history the feed is merged into: the shipped calendar of the division by default, or a
   * calendar the host built before (e.g. from last year's feed). Of the same division.
   */
  readonly base?: Calendar;
  /**
   * What to do when the feed leaves out a bank holiday the base holds for a year both cover:
   * `'refuse'` (the default) throws `CALENDAR_CONFLICT`, since an older copy of the feed would
   * otherwise take back a holiday that old deadlines rest on; `'feed'` takes the feed's list for
   * every year it covers (for a holiday that really was moved, as 2020's early May one was).
   */
  readonly onConflict?: 'refuse' | 'feed';
}

const yearOf = (holiday: BankHoliday) => Number(holiday.date.slice(0, 4));

/**
 * Builds a {@link Calendar} from GOV.UK's `bank-holidays.json` (https://www.gov.uk/bank-holidays.json),
 * the published source of the United Kingdom's bank holidays, for one division, merged into the
 * shipped history (or `options.base`). The feed only lists recent years (in 2025 it dropped
 * 2019–2023), so the years it lacks are kept from the base, never dropped: the calendar covers the
 * base's years and the feed's. A holiday the feed adds to a year the base covers (a one-off day
 * proclaimed after the data was built, such as 19 September 2022) is taken. A holiday the base holds
 * that the feed leaves out of a year both cover is `CALENDAR_CONFLICT` unless `onConflict: 'feed'`
 * (docs/decisions.md "Merging the GOV.UK feed"). The calendar's version is `gov-uk+<hash>`.
 *
 * @param json - the parsed document, or its text: `{ "england-and-wales": { division, events: [{ title, date, notes, bunting }] }, "scotland": …, "northern-ireland": … }`
 * @param division - which division's events to use
 * @param options - `{ base, onConflict }`
 * @returns a frozen calendar
 * @throws StepDownError `INVALID_ARGUMENT` naming the field (e.g. `scotland.events[4].date`) when the document is not of that shape,
 *   or when `base` is of another division or the merged years leave a gap; `CALENDAR_CONFLICT` naming the dates the feed leaves out
 *
 * @example
 * ```ts
 * const json = await (await fetch('https://www.gov.uk/bank-holidays.json')).json();
 * const calendar = calendarFromGovUk(json, 'northern-ireland');
 * calendar.firstYear; // => 2018: the shipped years the feed no longer lists are kept
 * addWorkingDays('2030-07-10', 5, { calendar });
 * ```
 */
export function calendarFromGovUk(json: unknown, division: Division, options: GovUkMergeOptions = {}): Calendar {
  const parsedDivision = divisionSchema.safeParse(division);
  if (!parsedDivision.success) throw schemaError('calendarFromGovUk', parsedDivision.error, 'division');
  let document = json;
  if (typeof json === 'string') {
    try {
      document = JSON.parse(json) as unknown;
    } catch {
      throw new StepDownError('INVALID_ARGUMENT', 'calendarFromGovUk: json: expected the JSON of bank-holidays.json', {
        field: 'json',
      });
    }
  }
  const parsed = documentSchema(division).safeParse(document);
  if (!parsed.success) throw schemaError('calendarFromGovUk', parsed.error, 'json');
  const { events } = parsed.data[division] as { events: { date: string; title: string }[] };
  const base = options.base === undefined ? defaultCalendar(division) : resolveCalendar({ calendar: options.base });
  if (base.division !== division) {
    throw new StepDownError('INVALID_ARGUMENT', `calendarFromGovUk: base: expected a calendar of ${division}, not ${base.division}.`, {
      field: 'base',
    });
  }
  const feed = events.map(({ date, title }) => ({ date, title }));
  const source = { where: 'calendarFromGovUk', holidaysField: `${division}.events`, label: 'gov-uk' };
  if (feed.length === 0) return buildCalendar(division, feed, {}, source);
  const feedYears = new Set(feed.map(yearOf));
  const feedDates = new Set(feed.map((holiday) => holiday.date));
  const missing = base.holidays.filter((holiday) => feedYears.has(yearOf(holiday)) && !feedDates.has(holiday.date));
  if (missing.length > 0 && options.onConflict !== 'feed') {
    const dates = missing.map((holiday) => holiday.date);
    throw new StepDownError(
      'CALENDAR_CONFLICT',
      `calendarFromGovUk: the feed leaves out ${dates.slice(0, 5).join(', ')}${dates.length > 5 ? ', …' : ''}, ` +
        `bank holidays of ${division} the calendar it merges into holds for years the feed covers. ` +
        "Use a current copy of https://www.gov.uk/bank-holidays.json, or pass { onConflict: 'feed' } if those days really were moved.",
      { division, dates },
    );
  }
  // The feed decides every year it lists; the base keeps the years the feed has dropped or not yet reached.
  const kept = base.holidays.filter((holiday) => !feedYears.has(yearOf(holiday)));
  const feedFirst = Math.min(...feedYears);
  const feedLast = Math.max(...feedYears);
  return buildCalendar(
    division,
    [...kept, ...feed],
    { firstYear: Math.min(base.firstYear, feedFirst), lastYear: Math.max(base.lastYear, feedLast) },
    source,
  );
}
