import { z } from 'zod';
import { StepDownError } from '../errors.js';
import { buildCalendar } from './build-calendar.js';
import { bankHolidaySchema, schemaError } from './schemas.js';
import { divisions, type Calendar, type Division } from './types.js';

const divisionSchema = z.enum(divisions);

function documentSchema(division: Division) {
  const event = bankHolidaySchema.extend({ notes: z.string().optional(), bunting: z.boolean().optional() });
  // Only the requested division is checked: the other two may change shape without breaking this one.
  return z.looseObject({ [division]: z.object({ division: z.literal(division), events: z.array(event) }) });
}

/**
 * Builds a {@link Calendar} from GOV.UK's `bank-holidays.json` (https://www.gov.uk/bank-holidays.json),
 * the published source of the United Kingdom's bank holidays, for one division. Use it when the
 * shipped data ends: fetch the file (or keep a copy), build the calendar once at start-up and pass it
 * as `{ calendar }`. The covered years are those of the file's first and last event.
 *
 * @param json - the parsed document, or its text: `{ "england-and-wales": { division, events: [{ title, date, notes, bunting }] }, "scotland": …, "northern-ireland": … }`
 * @param division - which division's events to use
 * @returns a frozen calendar
 * @throws StepDownError `INVALID_ARGUMENT` naming the field (e.g. `scotland.events[4].date`) when the document is not of that shape
 *
 * @example
 * ```ts
 * const json = await (await fetch('https://www.gov.uk/bank-holidays.json')).json();
 * const calendar = calendarFromGovUk(json, 'northern-ireland');
 * addWorkingDays('2030-07-10', 5, { calendar });
 * ```
 */
export function calendarFromGovUk(json: unknown, division: Division): Calendar {
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
  return buildCalendar(division, events, {}, { where: 'calendarFromGovUk', holidaysField: `${division}.events` });
}
