import { z } from 'zod';
import { StepDownError } from '../errors.js';
import { fastReader } from './fast-parse.js';
import { eventTypes, isEventType, stepDownEventSchema, type StepDownEvent } from './registry.js';

/** One problem with an event: where (a dotted path such as `form.childsNeeds.health`), what kind, and what to fix. */
export interface EventIssue {
  /** The field, dotted from the event's root; array entries by index, e.g. `familyPlan.actions.1.id`. */
  readonly path: string;
  /** The zod issue code, e.g. `invalid_type`, `too_small`, `unrecognized_keys`. */
  readonly code: string;
  /** What is wrong, in words. Never a value from the input. */
  readonly message: string;
}

/**
 * Validates an event from a host and returns it typed. Free text is trimmed.
 *
 * An invalid event throws `StepDownError('INVALID_EVENT')`. Its message names each bad field and
 * what is wrong; `details.issues` lists them as {@link EventIssue}s. Neither ever includes a value
 * from the input: an event's free text is personal data (names, views, reasons) and errors end up
 * in logs.
 *
 * @example
 * ```ts
 * const event = parseEvent(JSON.parse(body));
 * // invalid: StepDownError INVALID_EVENT
 * // "Event 'views.recorded' is invalid: at: expected an ISO 8601 date-time with offset, e.g. 2024-05-01T10:00:00+01:00; summary: required text is empty"
 * ```
 */
export function parseEvent(input: unknown): StepDownEvent {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const message = `expected an event object with type, at and actor, got ${kindOf(input)}`;
    throw invalidEvent(`Event is invalid: ${message}`, [{ path: '(event)', code: 'invalid_type', message }]);
  }
  const type: unknown = (input as { type?: unknown }).type;
  if (typeof type !== 'string' || !isEventType(type)) {
    const message = `${type === undefined ? 'required, missing' : 'not a known event type'}; expected one of: ${eventTypes.join(', ')}`;
    throw invalidEvent(`Event is invalid: type: ${message}`, [{ path: 'type', code: 'invalid_value', message }]);
  }
  // Most events are valid: read without zod's bookkeeping, and by zod itself (for its issues) otherwise.
  const quick = quickEvent(input);
  if (quick !== undefined) return quick;
  const result = stepDownEventSchema.safeParse(input, { error: issueMessage });
  if (result.success) return result.data;
  const issues = result.error.issues.flatMap(toEventIssues);
  const list = issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
  throw invalidEvent(`Event '${type}' is invalid: ${list}`, issues);
}

const quickEvent = fastReader(stepDownEventSchema);

function invalidEvent(message: string, issues: readonly EventIssue[]): StepDownError {
  return new StepDownError('INVALID_EVENT', message, { issues });
}

/**
 * The words for each kind of issue, given to zod as the parse's error map so no message of zod's
 * own (some quote keys) reaches the host. Schemas that know better (text, dates) set their own.
 */
function issueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? missing(`required ${nounOf(issue)} is missing`, issue)
        : `expected ${nounOf(issue)}, got ${kindOf(issue.input)}`;
    case 'invalid_value': {
      const allowed = issue.values.map((value) => JSON.stringify(value)).join(' or ');
      return issue.input === undefined ? missing(`required, missing; expected ${allowed}`, issue) : `expected ${allowed}`;
    }
    case 'too_small':
      return issue.origin === 'array' ? `needs at least ${String(issue.minimum)} entry` : 'required text is empty';
    case 'too_big':
      return issue.origin === 'array'
        ? `too many entries: at most ${String(issue.maximum)}`
        : `too long: at most ${String(issue.maximum)} characters`;
    case 'unrecognized_keys':
      return 'unknown field; check its spelling';
    case 'invalid_format':
      return `not in the expected format (${issue.format})`;
    default:
      return 'is invalid';
  }
}

/** A missing field's message, with the field's description when it has one (e.g. its e-CAF section). */
function missing(message: string, issue: z.core.$ZodRawIssue): string {
  const description = issue.inst instanceof z.ZodType ? issue.inst.description : undefined;
  return description ? `${message} — ${description.replace(/\.$/, '')}` : message;
}

const nouns: Readonly<Record<string, string>> = { string: 'text', array: 'list', boolean: 'true or false' };

/** What a field holds, in the host's words: dates and date-times are strings to zod but not to a reader. */
function nounOf(issue: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidType>): string {
  if (issue.inst instanceof z.ZodISODateTime) return 'date-time';
  if (issue.inst instanceof z.ZodISODate) return 'date';
  return nouns[issue.expected] ?? issue.expected;
}

/** What kind of value was sent: its type, never the value. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * A field name the host sent that the schema does not know. Named when it looks like a field name,
 * so a typo can be fixed; withheld otherwise, because a key can carry data too (`{ "Jane Doe": … }`).
 */
const fieldName = /^[A-Za-z_$][\w$-]{0,63}$/;

function toEventIssues(issue: z.core.$ZodIssue): EventIssue[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: joinPath([...issue.path, fieldName.test(key) ? key : '(unknown field name withheld)']),
      code: issue.code,
      message: issue.message,
    }));
  }
  return [{ path: joinPath(issue.path), code: issue.code, message: issue.message }];
}

function joinPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(event)' : path.map(String).join('.');
}
