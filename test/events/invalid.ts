import { expect } from 'vitest';
import { StepDownError } from '../../src/errors.js';
import { parseEvent, type EventIssue } from '../../src/events/index.js';

/** Parses `input`, expects INVALID_EVENT, and returns the error with its issues for further checks. */
export function invalidEvent(input: unknown): StepDownError & { details: { issues: EventIssue[] } } {
  try {
    parseEvent(input);
  } catch (error) {
    expect(error).toBeInstanceOf(StepDownError);
    const stepDownError = error as StepDownError;
    expect(stepDownError.code).toBe('INVALID_EVENT');
    expect(Array.isArray(stepDownError.details?.['issues'])).toBe(true);
    return stepDownError as StepDownError & { details: { issues: EventIssue[] } };
  }
  throw new Error('expected parseEvent to throw INVALID_EVENT');
}

/** The dotted paths of an error's issues. */
export function pathsOf(error: { details: { issues: EventIssue[] } }): string[] {
  return error.details.issues.map((issue) => issue.path);
}

/** Sets the value at a dotted path of a deep copy of `event` (`undefined` deletes the key). */
export function withField(event: object, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(event) as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop() as string;
  let target: Record<string, unknown> = copy;
  for (const key of keys) target = target[key] as Record<string, unknown>;
  if (value === undefined) delete target[last];
  else target[last] = value;
  return copy;
}
