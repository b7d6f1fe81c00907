/**
 * Every code a {@link StepDownError} can carry. The codes are part of the public API: a host may
 * switch on them, so they never change meaning once released.
 */
export const errorCodes = [
  'INVALID_ARGUMENT',
  'INVALID_DATE',
  'CALENDAR_OUT_OF_RANGE',
  'INVALID_POLICY',
  'INVALID_EVENT',
  'INVALID_INPUT',
  'NOT_ALLOWED',
  'EVENT_NOT_ACCEPTED',
  'GATE_BLOCKED',
  'NO_EFFECT',
  'DUPLICATE_EVENT',
  'UNKNOWN_EVENT',
  'VOID_CONFLICT',
  'FUTURE_DATED',
  'PAYLOAD_TOO_LARGE',
  'INVALID_SNAPSHOT',
  'SNAPSHOT_VERSION',
  'AUDIT_TRAIL_BROKEN',
  'REBUILD_MISMATCH',
  'UNKNOWN_CASE',
  'UNKNOWN_FAMILY',
  'CASE_EXISTS',
  'VERSION_CONFLICT',
  'STORE_FAILURE',
  'DELIVERY_FAILED',
  'ENCRYPTION_KEY_MISSING',
  'DECRYPTION_FAILED',
  // `engine.redeliver` was given the id of no dead letter.
  'UNKNOWN_MESSAGE',
  // A statutory return asked of a case that has nothing of that kind to report (an open CSC
  // episode, an early help episode for a case that never stepped down to a CAF).
  'NOT_REPORTABLE',
  // The HTTP service (caf-step-down/server): no valid bearer token, and a fault it cannot name.
  'UNAUTHENTICATED',
  'INTERNAL_ERROR',
  // calendarFromGovUk: the feed leaves out a bank holiday the calendar it merges into holds for a
  // year both cover (an older copy of the feed?); `details.dates` names them.
  'CALENDAR_CONFLICT',
  // Policy versions (docs/decisions.md "Policy versions"): a case governed by, or a `policy.adopted`
  // naming, a version the engine was not given; an adoption of a version no newer than the case's;
  // an adoption of a version not yet in force on the adoption's date.
  'UNKNOWN_POLICY_VERSION',
  'POLICY_NOT_NEWER',
  'POLICY_NOT_IN_FORCE',
] as const;

/** A stable string that says which kind of failure a {@link StepDownError} reports. */
export type StepDownErrorCode = (typeof errorCodes)[number];

/**
 * The one error type the library throws. `code` is stable and safe to branch on; `message` says what
 * to fix; `details` carries structured data (field paths, rule ids, citations) and never personal data
 * from an event's payload.
 *
 * @example
 * ```ts
 * try {
 *   addWorkingDays('2031-01-02', 5);
 * } catch (error) {
 *   if (error instanceof StepDownError && error.code === 'CALENDAR_OUT_OF_RANGE') {
 *     // load a newer calendar with createCalendar() or calendarFromGovUk()
 *   }
 * }
 * ```
 */
export class StepDownError extends Error {
  /** The stable code of this failure. */
  readonly code: StepDownErrorCode;
  /** Structured context: field paths, rule ids, citations. Never free text from an event. */
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: StepDownErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'StepDownError';
    this.code = code;
    this.details = details;
  }
}

/** True when `value` is a {@link StepDownError}, optionally with the given code. */
export function isStepDownError(value: unknown, code?: StepDownErrorCode): value is StepDownError {
  return value instanceof StepDownError && (code === undefined || value.code === code);
}
