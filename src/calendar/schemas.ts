import { z } from 'zod';
import { StepDownError } from '../errors.js';
import { parsePlainDate } from './epoch-day.js';

const isoDate = z.string().refine((text) => {
  const day = parsePlainDate(text);
  return day !== undefined && !Number.isNaN(day);
}, "expected a real calendar date 'YYYY-MM-DD'");

/** One bank holiday as a host or GOV.UK lists it. Unknown fields (GOV.UK's `notes`, `bunting`) are dropped. */
export const bankHolidaySchema = z.object({
  date: isoDate,
  title: z.string().trim().min(1, 'expected a non-empty title'),
});

/** `holidays[3].date` from zod's `['holidays', 3, 'date']`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)),
    '',
  );
}

/**
 * INVALID_ARGUMENT naming the first offending field (`root` when the value itself is wrong), with
 * every issue in `details.issues`. Zod's messages say what was expected, never the value received,
 * so no caller data reaches the message.
 */
export function schemaError(where: string, error: z.ZodError, root: string): StepDownError {
  const issues = error.issues.map((issue) => ({ field: fieldName(issue.path) || root, message: issue.message }));
  const first = issues[0] ?? { field: root, message: 'invalid input' };
  return new StepDownError('INVALID_ARGUMENT', `${where}: ${first.field}: ${first.message}`, {
    field: first.field,
    issues,
  });
}
